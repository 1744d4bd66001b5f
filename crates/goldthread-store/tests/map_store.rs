//! The map's storage on SQLite and PostgreSQL alike: organisations import all or nothing, the
//! directory searches by words, term and area, finds duplicates and the review queue.

use chrono::{NaiveDate, Utc};
use goldthread_domain::directory::oruk::OrganisationProfile;
use goldthread_domain::directory::{
    Eligibility, RecordId, Service, ServiceArea, ServiceId, ServiceStatus, TaxonomyTerm, TermId,
};
use goldthread_domain::geography::ReferenceGeography;
use goldthread_domain::organisation::{Organisation, OrganisationId, OrganisationKind};
use goldthread_domain::GssCode;
use goldthread_store::{test_on_both_backends, ServiceQuery, Store};

fn vcse(name: &str) -> (Organisation, OrganisationProfile) {
    (
        Organisation {
            id: OrganisationId::for_code(name),
            name: name.into(),
            kind: OrganisationKind::Vcse,
            ods_code: None,
            gss_code: None,
        },
        OrganisationProfile::default(),
    )
}

fn service(key: &str, org: &str, name: &str, term: &str, area: &str) -> Service {
    Service {
        id: ServiceId::for_key(key),
        organisation: OrganisationId::for_code(org),
        name: name.into(),
        description: format!("{name}: help for local people"),
        url: None,
        email: None,
        status: ServiceStatus::Active,
        eligibility: Eligibility::default(),
        last_verified: NaiveDate::from_ymd_opt(2026, 1, 1),
        verified_by: None,
        last_updated: Utc::now(),
        terms: vec![TermId::for_key(term)],
        areas: vec![ServiceArea {
            id: RecordId::for_key(key),
            name: "Norwich".into(),
            gss: Some(GssCode::parse(area).unwrap()),
        }],
        locations: vec![],
        contacts: vec![],
        schedules: vec![],
        cost_options: vec![],
    }
}

async fn setup(store: &Store) {
    store
        .replace_reference_geography(&ReferenceGeography::england_2024())
        .await
        .unwrap();
    store
        .import_organisations(&[vcse("Advice A"), vcse("Advice B")], None)
        .await
        .unwrap();
    let term = |code: &str| TaxonomyTerm {
        id: TermId::for_key(code),
        code: code.into(),
        name: code.replace('_', " "),
        description: String::new(),
        parent: None,
    };
    store
        .put_taxonomy(&[term("debt_advice"), term("leisure")])
        .await
        .unwrap();
}

async fn a_failed_organisation_import_leaves_nothing_behind(store: Store) {
    store
        .import_organisations(&[vcse("First")], None)
        .await
        .unwrap();
    let mut clash = vcse("Second");
    clash.0.ods_code = Some(goldthread_domain::OdsCode::parse("RM1").unwrap());
    let mut clash2 = vcse("Third");
    clash2.0.ods_code = clash.0.ods_code.clone();
    let err = store
        .import_organisations(&[vcse("Fourth"), clash, clash2], None)
        .await;
    assert!(err.is_err(), "two organisations cannot share an ODS code");
    let names: Vec<String> = store
        .organisation_records()
        .await
        .unwrap()
        .into_iter()
        .map(|(o, _)| o.name)
        .collect();
    assert_eq!(names, vec!["First"]);
}

async fn a_previewed_change_is_applied_whole_or_not_at_all(store: Store) {
    use goldthread_domain::directory::organisations_diff::{fingerprint, Added, OrganisationsDiff};
    use goldthread_store::{ApplyRefusal, Attribution};
    store
        .import_organisations(&[vcse("First")], None)
        .await
        .unwrap();
    let by = Attribution {
        changed_by: "Test Person (test@example.invalid)",
        how: "upload",
        upload_id: None,
    };
    let stored = store.organisation_records().await.unwrap();
    let at = fingerprint(&stored);
    // Two additions sharing an ODS code (a diff would refuse them; the store must not
    // half-apply them either).
    let mut clash = vcse("Second");
    clash.0.ods_code = Some(goldthread_domain::OdsCode::parse("RM1").unwrap());
    let mut clash2 = vcse("Third");
    clash2.0.ods_code = clash.0.ods_code.clone();
    let bad = OrganisationsDiff {
        added: vec![
            Added {
                line: 2,
                record: clash,
            },
            Added {
                line: 3,
                record: clash2,
            },
        ],
        ..Default::default()
    };
    assert!(store
        .apply_organisation_changes(&bad, &at, by)
        .await
        .is_err());
    assert_eq!(store.organisation_records().await.unwrap(), stored);

    let good = OrganisationsDiff {
        added: vec![Added {
            line: 2,
            record: vcse("Fourth"),
        }],
        ..Default::default()
    };
    assert_eq!(
        store
            .apply_organisation_changes(&good, "a fingerprint of other data", by)
            .await
            .unwrap(),
        Err(ApplyRefusal::Stale)
    );
    assert_eq!(store.organisation_records().await.unwrap(), stored);
    store
        .apply_organisation_changes(&good, &at, by)
        .await
        .unwrap()
        .unwrap();
    let fourth = vcse("Fourth").0.id;
    let changes = store.organisation_changes(&fourth).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].changed_by, by.changed_by);
    assert_eq!(changes[0].fields[0].field, "name");
    assert_eq!(changes[0].fields[0].new, "Fourth");
}

async fn the_directory_finds_services_by_words_term_and_area(store: Store) {
    setup(&store).await;
    store
        .put_services(&[
            service(
                "a",
                "Advice A",
                "Debt advice Norwich",
                "debt_advice",
                "E07000148",
            ),
            service(
                "b",
                "Advice B",
                "Money and debt clinic",
                "debt_advice",
                "E10000020",
            ),
            service("c", "Advice A", "Swimming lessons", "leisure", "E07000145"),
        ])
        .await
        .unwrap();
    let q = |text: Option<&str>, term: Option<&str>, areas: Vec<&str>| ServiceQuery {
        text: text.map(str::to_owned),
        term: term.map(TermId::for_key),
        organisation: None,
        areas: areas
            .into_iter()
            .map(|a| GssCode::parse(a).unwrap())
            .collect(),
        page: 1,
        per_page: 10,
    };
    let names = |hits: goldthread_store::ServiceHits| -> Vec<String> {
        hits.services.into_iter().map(|s| s.name).collect()
    };
    let hits = store
        .search_services(&q(Some("debts"), None, vec![]))
        .await
        .unwrap();
    assert_eq!(hits.total, 2, "stemming finds 'debt' from 'debts'");
    let hits = store
        .search_services(&q(None, Some("leisure"), vec![]))
        .await
        .unwrap();
    assert_eq!(names(hits), vec!["Swimming lessons"]);
    let hits = store
        .search_services(&q(None, None, vec!["E07000148", "E10000020"]))
        .await
        .unwrap();
    assert_eq!(hits.total, 2);
    let hits = store
        .search_services(&q(Some("\"*("), None, vec![]))
        .await
        .unwrap();
    assert_eq!(
        hits.total, 0,
        "punctuation alone matches nothing and breaks nothing"
    );
    let mut page2 = q(None, None, vec![]);
    (page2.page, page2.per_page) = (2, 2);
    let hits = store.search_services(&page2).await.unwrap();
    assert_eq!((hits.total, hits.services.len()), (3, 1));
    page2.page = 9;
    let hits = store.search_services(&page2).await.unwrap();
    assert_eq!(
        (hits.total, hits.services.len()),
        (3, 0),
        "past the end still counts"
    );

    // A county-wide debt service overlaps a Norwich one run by someone else.
    let dups = store.possible_duplicates().await.unwrap();
    assert_eq!(dups.len(), 1);
    assert_eq!(dups[0].term, TermId::for_key("debt_advice"));

    let due = store
        .services_needing_review(NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(), 10)
        .await
        .unwrap();
    assert_eq!(due.len(), 3);
    let due = store
        .services_needing_review(NaiveDate::from_ymd_opt(2025, 6, 1).unwrap(), 10)
        .await
        .unwrap();
    assert!(due.is_empty());
}

async fn rewriting_a_service_replaces_its_terms_and_areas(store: Store) {
    setup(&store).await;
    let mut s = service("a", "Advice A", "Debt advice", "debt_advice", "E07000148");
    store.put_services(&[s.clone()]).await.unwrap();
    s.name = "Leisure pass".into();
    s.description = "Cheaper swimming and gym sessions.".into();
    s.terms = vec![TermId::for_key("leisure")];
    store.put_services(&[s.clone()]).await.unwrap();
    assert_eq!(store.service(&s.id).await.unwrap().unwrap(), s);
    let q = ServiceQuery {
        term: Some(TermId::for_key("debt_advice")),
        page: 1,
        per_page: 10,
        ..Default::default()
    };
    assert_eq!(store.search_services(&q).await.unwrap().total, 0);
    let q = ServiceQuery {
        text: Some("debt".into()),
        page: 1,
        per_page: 10,
        ..Default::default()
    };
    assert_eq!(
        store.search_services(&q).await.unwrap().total,
        0,
        "the old words are gone"
    );
}

test_on_both_backends!(
    a_failed_organisation_import_leaves_nothing_behind,
    a_previewed_change_is_applied_whole_or_not_at_all,
    the_directory_finds_services_by_words_term_and_area,
    rewriting_a_service_replaces_its_terms_and_areas,
);
