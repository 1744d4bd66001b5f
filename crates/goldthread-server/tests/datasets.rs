//! Datasets under agreement: uploads validated and pseudonymised at the door, opt-outs applied
//! to secondary use, agreements that expire or are revoked stop working at once, and hostile
//! input (injection, cross-site scripting) gets nowhere.

mod common;

use common::*;
use goldthread_domain::sharing::{DatasetKind, Status};
use goldthread_store::Backend;
use goldthread_testkit::{on_both_backends, TestApp};

const HEADER: &str =
    "nhs_number,given_name,family_name,date_of_birth,postcode,specialty,weeks_waiting,priority";

fn upload_path(reference: &str, name: &str) -> String {
    format!(
        "/api/v1/datasets?agreement={}&kind=waiting_list&name={name}",
        agreement(reference)
    )
}

async fn a_bad_upload_names_each_line_field_and_reason_and_stores_nothing(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let before = app.store.datasets().await.unwrap().len();
    let c = sign_in(&app, &email("analyst", "nnuh")).await;
    let csv = format!(
        "{HEADER}\n9434765919,Ann,Smith,1950-02-03,NR30 1AA,Urology,12,routine\n\
         9434765918,Bob,Jones,1950-02-30,NR30 1AA,Urology,twelve,routine\n"
    );
    let r = c
        .post(app.url(&upload_path("DSA-WW-001", "bad")))
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    let rows = body["error"]["rows"].as_array().unwrap();
    let problems: Vec<(i64, &str)> = rows
        .iter()
        .map(|e| (e["line"].as_i64().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    assert!(problems.contains(&(3, "nhs_number")), "{problems:?}");
    assert!(problems.contains(&(3, "date_of_birth")), "{problems:?}");
    assert!(problems.contains(&(3, "weeks_waiting")), "{problems:?}");
    assert!(
        !problems.iter().any(|(line, _)| *line == 2),
        "line 2 is valid"
    );
    assert_eq!(
        app.store.datasets().await.unwrap().len(),
        before,
        "nothing stored"
    );
}

async fn an_upload_is_pseudonymised_at_the_door(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let c = sign_in(&app, &email("analyst", "nnuh")).await;
    let csv = format!("{HEADER}\n943 476 5919,Ann,Smith,1950-02-03,NR30 1AA,Urology,12,routine\n");
    let r = c
        .post(app.url(&upload_path("DSA-WW-002", "evaluation%20extract")))
        .body(csv.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let d: serde_json::Value = r.json().await.unwrap();
    let id = goldthread_domain::sharing::DatasetId::parse(d["id"].as_str().unwrap()).unwrap();
    let (rows, _) = app.store.dataset_rows(id, false).await.unwrap();
    let stored = serde_json::to_string(&rows).unwrap();
    for raw in ["9434765919", "Smith", "Ann", "1950-02-03", "NR30 1AA"] {
        assert!(
            !stored.contains(raw),
            "{raw} must not be stored in shared rows: {stored}"
        );
    }
    assert_eq!(
        rows[0].fields["age_band"].len(),
        5,
        "an age band such as 70-79"
    );
    assert_eq!(rows[0].fields["postcode_district"], "NR30");
    // The evaluation agreement keeps no identifiers, even in the uploader's partition.
    assert!(app
        .store
        .identity(id, &rows[0].pseudonym)
        .await
        .unwrap()
        .is_none());
    // The same person uploaded again gets the same pseudonym (so datasets link).
    let r = c
        .post(app.url(&upload_path("DSA-WW-002", "again")))
        .body(csv)
        .send()
        .await
        .unwrap();
    let d2: serde_json::Value = r.json().await.unwrap();
    let id2 = goldthread_domain::sharing::DatasetId::parse(d2["id"].as_str().unwrap()).unwrap();
    assert_eq!(
        app.store.dataset_rows(id2, false).await.unwrap().0[0].pseudonym,
        rows[0].pseudonym
    );
}

async fn only_a_controller_party_uploads_under_an_agreement(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let csv = format!("{HEADER}\n9434765919,Ann,Smith,1950-02-03,NR30 1AA,Urology,12,routine\n");
    for who in [
        email("analyst", "norfolk-cc"),
        email("viewer", "nnuh"),
        email("case-worker", "nnuh"),
    ] {
        let c = sign_in(&app, &who).await;
        let r = c
            .post(app.url(&upload_path("DSA-WW-001", "x")))
            .body(csv.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403, "{who}");
    }
}

async fn opted_out_people_are_removed_from_evaluation_but_not_from_direct_care(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    // The demo puts 30 people on the hospital's waiting list, three with a national opt-out.
    let c = sign_in(&app, &email("analyst", "icb")).await;
    let d = dataset("DSA-WW-002", DatasetKind::WaitingList);
    let (s, body) = get(
        &app,
        &c,
        &format!("/api/v1/datasets/{d}/rows?purpose=evaluation"),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(body["opt_outs_applied"], true);
    assert_eq!(body["opted_out_removed"], 3);
    assert_eq!(body["rows"].as_array().unwrap().len(), 27);
    let c = sign_in(&app, &email("case-worker", "nnuh")).await;
    let d = dataset("DSA-WW-001", DatasetKind::WaitingList);
    let (s, body) = get(
        &app,
        &c,
        &format!("/api/v1/datasets/{d}/rows?purpose=direct_care"),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(body["opt_outs_applied"], false);
    assert_eq!(body["rows"].as_array().unwrap().len(), 30);
    // Housing data is not health data: the opt-out does not apply to it.
    let c = sign_in(&app, &email("analyst", "icb")).await;
    let d = dataset("DSA-WW-002", DatasetKind::HousingRegister);
    let (_, body) = get(
        &app,
        &c,
        &format!("/api/v1/datasets/{d}/rows?purpose=evaluation"),
    )
    .await;
    assert_eq!(body["opt_outs_applied"], false);
    // The audit event says how many were removed.
    let events = app
        .store
        .audit_events(&Default::default(), 10)
        .await
        .unwrap();
    assert!(events
        .iter()
        .any(|e| e.record.detail.contains("applied, 3 removed")));
}

async fn an_analyst_sees_only_the_fields_granted(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let c = sign_in(&app, &email("analyst", "great-yarmouth")).await;
    let d = dataset("DSA-WW-001", DatasetKind::WaitingList);
    let (s, body) = get(
        &app,
        &c,
        &format!("/api/v1/datasets/{d}/rows?purpose=direct_care"),
    )
    .await;
    assert_eq!(s, 200);
    let fields: Vec<&String> = body["rows"][0]["fields"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(fields, ["age_band", "postcode_district", "weeks_waiting"]);
    let (s, _) = get(
        &app,
        &c,
        &format!("/api/v1/datasets/{d}/rows?purpose=direct_care&fields=specialty"),
    )
    .await;
    assert_eq!(s, 403, "specialty is not granted to the district");
}

async fn an_expired_agreement_stops_working_without_anyone_acting(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let mut a = app
        .store
        .agreement(agreement("DSA-DD-002"))
        .await
        .unwrap()
        .unwrap();
    let today = chrono::Utc::now().date_naive();
    a.start = today - chrono::Duration::days(400);
    a.review = today - chrono::Duration::days(30);
    a.expiry = today - chrono::Duration::days(1);
    app.store.put_agreement(&a).await.unwrap();
    assert_eq!(a.status_on(today), Status::Expired);
    let c = sign_in(&app, &email("analyst", "icb")).await;
    let d = dataset("DSA-DD-002", DatasetKind::DfgApplications);
    let (s, body) = get(
        &app,
        &c,
        &format!("/api/v1/datasets/{d}/rows?purpose=evaluation"),
    )
    .await;
    assert_eq!(s, 403);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("not in force"));
}

async fn an_ig_lead_revokes_an_agreement_and_reads_stop(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let reader = sign_in(&app, &email("case-worker", "great-yarmouth")).await;
    let d = dataset("DSA-DD-001", DatasetKind::DfgApplications);
    let path = format!("/api/v1/datasets/{d}/rows?purpose=direct_care");
    assert_eq!(get(&app, &reader, &path).await.0, 200);
    let id = agreement("DSA-DD-001");
    let gy = goldthread_domain::organisation::OrganisationId::for_code("E07000145").to_string();
    // An analyst cannot revoke; nor can an IG lead without the form's token.
    let analyst = sign_in(&app, &email("analyst", "great-yarmouth")).await;
    let (_, page) = get_text(&app, &analyst, "/agreements").await;
    let r = analyst
        .post(app.url(&format!("/agreements/{id}/revoke")))
        .form(&[
            ("csrf", csrf_in(&page).as_str()),
            ("organisation", gy.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let ig = sign_in(&app, &email("ig-lead", "great-yarmouth")).await;
    let r = ig
        .post(app.url(&format!("/agreements/{id}/revoke")))
        .form(&[("csrf", "forged"), ("organisation", gy.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(get(&app, &reader, &path).await.0, 200, "still in force");
    let (_, page) = get_text(&app, &ig, &format!("/agreements/{id}")).await;
    let r = ig
        .post(app.url(&format!("/agreements/{id}/revoke")))
        .form(&[
            ("csrf", csrf_in(&page).as_str()),
            ("organisation", gy.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        get(&app, &reader, &path).await.0,
        403,
        "revoked: reads stop at once"
    );
}

async fn hostile_query_parameters_and_paths_get_nowhere(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let c = sign_in(&app, &email("ig-lead", "nnuh")).await;
    let hostile = [
        "' OR '1'='1",
        "1; DROP TABLE audit_events; --",
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
    ];
    for h in hostile {
        let q = urlencode(h);
        for param in [
            "actor",
            "organisation",
            "agreement",
            "purpose",
            "action",
            "since",
            "until",
        ] {
            let (s, page) = get_text(&app, &c, &format!("/ig/audit?{param}={q}")).await;
            assert_eq!(s, 200, "{param}={h}");
            assert!(
                !page.contains("<script>alert(1)") && !page.contains("<img src=x"),
                "{param} is escaped"
            );
        }
        let (s, _) = get(
            &app,
            &c,
            &format!("/api/v1/datasets/{q}/rows?purpose=direct_care"),
        )
        .await;
        assert!(s == 400 || s == 404, "dataset id {h}: {s}");
        let d = dataset("DSA-WW-001", DatasetKind::WaitingList);
        let (s, _) = get(&app, &c, &format!("/api/v1/datasets/{d}/rows?purpose={q}")).await;
        assert_eq!(s, 400, "purpose {h}");
        let (s, _) = get(
            &app,
            &c,
            &format!("/api/v1/datasets/{d}/rows?purpose=direct_care&fields={q}"),
        )
        .await;
        assert_eq!(s, 403, "fields {h}");
        let (s, _) = get(
            &app,
            &c,
            &format!("/api/v1/cohorts/{q}/members?purpose=evaluation"),
        )
        .await;
        assert!(s == 400 || s == 404, "cohort id {h}: {s}");
        let (s, page) = get_text(&app, &client(), &format!("/sign-in?next={q}")).await;
        assert_eq!(s, 200);
        assert!(!page.contains("<script>alert(1)") && !page.contains("<img src=x"));
    }
    // The audit trail is still whole and still there.
    assert!(app.store.verify_audit_chain().await.unwrap().is_ok());
}

async fn a_hostile_register_import_is_escaped_on_every_page(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let ig = sign_in(&app, &email("ig-lead", "great-yarmouth")).await;
    let (_, page) = get_text(&app, &ig, "/agreements").await;
    let (_, csv) = get_text(&app, &ig, "/agreements.csv").await;
    let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
    let dd = lines
        .iter()
        .position(|l| l.starts_with("DSA-DD-001"))
        .unwrap();
    lines[dd] = lines[dd].replacen("DSA-DD-001", "DSA-XSS-1", 1).replacen(
        "District Direct: a safe home to go back to",
        "<script>alert(1)</script>",
        1,
    );
    let imported = [lines[0].clone(), lines[dd].clone()].join("\n");
    let r = ig
        .post(app.url("/agreements/import"))
        .form(&[
            ("csrf", csrf_in(&page).as_str()),
            ("csv", imported.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    for path in ["/agreements", "/data-uses"] {
        let (_, page) = get_text(&app, &ig, path).await;
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{path} shows the title escaped"
        );
        assert!(!page.contains("<script>alert(1)"), "{path}");
    }
    // A register with one bad row stores none of it.
    let before = app.store.agreements().await.unwrap().len();
    let bad = [
        lines[0].clone(),
        lines[dd].replacen("DSA-DD-001", "DSA-OK-2", 1),
        lines[dd]
            .replacen("DSA-DD-001", "DSA-BAD-3", 1)
            .replace("direct_care", "gossip"),
    ]
    .join("\n");
    let (_, page) = get_text(&app, &ig, "/agreements").await;
    let r = ig
        .post(app.url("/agreements/import"))
        .form(&[("csrf", csrf_in(&page).as_str()), ("csv", bad.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("line 3"),
        "{body}"
    );
    assert_eq!(app.store.agreements().await.unwrap().len(), before);
}

async fn datasets_are_deleted_when_their_retention_ends_and_the_deletion_is_audited(
    backend: Backend,
) {
    let app = TestApp::with_demo(backend).await;
    let mut a = app
        .store
        .agreement(agreement("DSA-WW-002"))
        .await
        .unwrap()
        .unwrap();
    a.retention_days = 0;
    app.store.put_agreement(&a).await.unwrap();
    let c = sign_in(&app, &email("analyst", "nnuh")).await;
    let csv = format!("{HEADER}\n9434765919,Ann,Smith,1950-02-03,NR30 1AA,Urology,12,routine\n");
    let r = c
        .post(app.url(&upload_path("DSA-WW-002", "short-lived")))
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let before = app.store.datasets().await.unwrap().len();
    let deleted = goldthread_server::sharing::enforce_retention(&app.store)
        .await
        .unwrap();
    assert_eq!(
        deleted, 1,
        "only the dataset past its date goes; the demo's are kept"
    );
    assert_eq!(app.store.datasets().await.unwrap().len(), before - 1);
    let events = app
        .store
        .audit_events(
            &goldthread_store::AuditFilter {
                action_prefix: Some("dataset.retention".into()),
                ..Default::default()
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].record.actor, "system");
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

on_both_backends!(
    a_bad_upload_names_each_line_field_and_reason_and_stores_nothing,
    an_upload_is_pseudonymised_at_the_door,
    only_a_controller_party_uploads_under_an_agreement,
    opted_out_people_are_removed_from_evaluation_but_not_from_direct_care,
    an_analyst_sees_only_the_fields_granted,
    an_expired_agreement_stops_working_without_anyone_acting,
    an_ig_lead_revokes_an_agreement_and_reads_stop,
    hostile_query_parameters_and_paths_get_nowhere,
    a_hostile_register_import_is_escaped_on_every_page,
    datasets_are_deleted_when_their_retention_ends_and_the_deletion_is_audited,
);
