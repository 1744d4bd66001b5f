//! Linkage jobs under an agreement: an analyst links two datasets the agreement covers on their
//! stored encodings; a dataset outside the agreement is refused; only the organisation that
//! controls a linked record re-identifies it; every attempt is on the record; and Waiting Well
//! outreach is built from a job by the district for its own records, end to end over HTTP.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use goldthread_domain::programme::waiting_well::DistrictRecord;
use goldthread_domain::sharing::{DatasetKind, FieldGrant};
use goldthread_stats::DisclosureRule;
use goldthread_store::{AuditFilter, Backend};
use goldthread_testkit::{on_both_backends, TestApp};
use serde_json::{json, Value};

async fn post(app: &TestApp, c: &reqwest::Client, path: &str, body: &Value) -> (u16, Value) {
    let r = c
        .post(app.url(path))
        .json(body)
        .send()
        .await
        .expect("request");
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

fn job(reference: &str, purpose: &str, a: DatasetKind, b: (&str, DatasetKind)) -> Value {
    json!({
        "agreement": agreement(reference).to_string(),
        "name": format!("{reference} linkage"),
        "purpose": purpose,
        "datasets": [dataset(reference, a).to_string(), dataset(b.0, b.1).to_string()],
    })
}

async fn events(app: &TestApp, action: &str) -> Vec<goldthread_domain::audit::AuditEvent> {
    app.store
        .audit_events(
            &AuditFilter {
                action_prefix: Some(action.into()),
                ..Default::default()
            },
            100_000,
        )
        .await
        .unwrap()
}

async fn a_job_links_on_encodings_and_only_the_controller_reidentifies(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let analyst = sign_in(&app, &email("analyst", "great-yarmouth")).await;
    let wl = ("DSA-WW-001", DatasetKind::HousingRegister);
    let (s, created) = post(
        &app,
        &analyst,
        "/api/v1/linkage-jobs",
        &job("DSA-WW-001", "direct_care", DatasetKind::WaitingList, wl),
    )
    .await;
    assert_eq!(s, 201, "{created}");
    assert_eq!(created["status"], "done");
    let cohort = created["cohort"].as_str().unwrap().to_owned();
    // The demo's housing register holds the first 12 people of the waiting list (a third of
    // them without an NHS number), in the same order: line n of one is line n of the other.
    let (s, body) = get(
        &app,
        &analyst,
        &format!("/api/v1/cohorts/{cohort}/pairs?purpose=direct_care"),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    let pairs = body["pairs"].as_array().unwrap();
    let truth: BTreeSet<(i64, i64)> = (2..14).map(|l| (l, l)).collect();
    let found: BTreeSet<(i64, i64)> = pairs
        .iter()
        .map(|p| {
            (
                p["left"]["line"].as_i64().unwrap(),
                p["right"]["line"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(created["matches"].as_i64().unwrap() as usize, found.len());
    // The eight with an NHS number in both are certain (equal pseudonyms, probability 1); the
    // engine links what it can of the rest from the encodings.
    let certain: BTreeSet<(i64, i64)> = (0..12)
        .filter(|i| i % 3 != 2)
        .map(|i| (i + 2, i + 2))
        .collect();
    for p in pairs
        .iter()
        .filter(|p| p["probability"].as_f64() == Some(1.0))
    {
        let pair = (
            p["left"]["line"].as_i64().unwrap(),
            p["right"]["line"].as_i64().unwrap(),
        );
        assert!(certain.contains(&pair), "{pair:?}");
    }
    assert!(certain.is_subset(&found), "{found:?}");
    let right = found.intersection(&truth).count();
    assert!(
        right * 10 >= found.len() * 8,
        "at least 80% of pairs true: {found:?}"
    );
    // Great Yarmouth sees the weeks waited but not the specialty of the hospital's rows.
    let left = &pairs[0]["left"]["fields"];
    assert!(left["weeks_waiting"].is_string(), "{left}");
    assert!(left.get("specialty").is_none(), "{left}");
    let housing_row = pairs[0]["right"]["pseudonym"].as_str().unwrap().to_owned();
    let hospital_row = pairs[0]["left"]["pseudonym"].as_str().unwrap().to_owned();

    // A dataset outside the agreement is refused, and the refusal is on the record.
    let denied = |e: &[goldthread_domain::audit::AuditEvent]| {
        e.iter().filter(|e| e.record.outcome == "denied").count()
    };
    let runs = events(&app, "linkage.run").await;
    let (refused_before, denied_before) = (runs.len(), denied(&runs));
    let (s, body) = post(
        &app,
        &analyst,
        "/api/v1/linkage-jobs",
        &job(
            "DSA-WW-001",
            "direct_care",
            DatasetKind::WaitingList,
            ("DSA-DD-001", DatasetKind::DfgApplications),
        ),
    )
    .await;
    assert_eq!(s, 403, "{body}");
    let runs = events(&app, "linkage.run").await;
    assert_eq!(runs.len(), refused_before + 1);
    assert_eq!(denied(&runs), denied_before + 1);

    // Re-identification: each row only by its controller's case workers, for direct care.
    let path =
        |p: &str, purpose: &str| format!("/api/v1/cohorts/{cohort}/people/{p}?purpose={purpose}");
    let gy = sign_in(&app, &email("case-worker", "great-yarmouth")).await;
    let nnuh = sign_in(&app, &email("case-worker", "nnuh")).await;
    let county = sign_in(&app, &email("case-worker", "norfolk-cc")).await;
    let icb = sign_in(&app, &email("case-worker", "icb")).await;
    // The demo's first pair is linked on equal pseudonyms: the same pseudonym names the
    // hospital's record and the district's, and each controller re-identifies its own.
    assert_eq!(housing_row, hospital_row);
    let reids_before = events(&app, "read.reidentify").await.len();
    let (s, who) = get(&app, &gy, &path(&housing_row, "direct_care")).await;
    assert_eq!(s, 200, "{who}");
    assert!(who["family_name"].is_string());
    assert_eq!(
        who["dataset"],
        dataset("DSA-WW-001", DatasetKind::HousingRegister).to_string()
    );
    let (s, who) = get(&app, &nnuh, &path(&hospital_row, "direct_care")).await;
    assert_eq!(s, 200, "{who}");
    assert_eq!(
        who["dataset"],
        dataset("DSA-WW-001", DatasetKind::WaitingList).to_string()
    );
    assert_eq!(
        get(&app, &analyst, &path(&housing_row, "direct_care"))
            .await
            .0,
        403
    );
    assert_eq!(
        get(&app, &gy, &path(&housing_row, "evaluation")).await.0,
        403
    );
    assert_eq!(
        get(&app, &county, &path(&housing_row, "direct_care"))
            .await
            .0,
        403
    );
    assert_eq!(
        get(&app, &icb, &path(&housing_row, "direct_care")).await.0,
        403
    );
    let reids = events(&app, "read.reidentify").await;
    assert_eq!(reids.len(), reids_before + 6, "one event per attempt");
    let mut outcomes: Vec<(i64, &str)> = reids
        .iter()
        .map(|e| (e.seq, e.record.outcome.as_str()))
        .collect();
    outcomes.sort();
    let latest: Vec<&str> = outcomes[reids_before..].iter().map(|(_, o)| *o).collect();
    assert_eq!(
        latest,
        ["allowed", "allowed", "denied", "denied", "denied", "denied"]
    );

    // The job (not the people) is on the public register.
    let (s, page) = get_text(&app, &client(), "/data-uses").await;
    assert_eq!(s, 200);
    assert!(page.contains("Linkage job: DSA-WW-001 linkage"), "{page}");
    assert!(!page.contains(&housing_row));
    assert!(app.store.verify_audit_chain().await.unwrap().is_ok());
}

async fn a_secondary_use_job_leaves_out_opted_out_people(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let analyst = sign_in(&app, &email("analyst", "icb")).await;
    let (s, created) = post(
        &app,
        &analyst,
        "/api/v1/linkage-jobs",
        &job(
            "DSA-WW-002",
            "evaluation",
            DatasetKind::WaitingList,
            ("DSA-WW-002", DatasetKind::HousingRegister),
        ),
    )
    .await;
    assert_eq!(s, 201, "{created}");
    let removed = created["opted_out_removed"].as_i64().unwrap();
    // The demo's three opted-out people are on the waiting list; two are on the housing
    // register with their NHS number.
    let mut expected = 0;
    for kind in [DatasetKind::WaitingList, DatasetKind::HousingRegister] {
        let (_, n) = app
            .store
            .dataset_rows(dataset("DSA-WW-002", kind), true)
            .await
            .unwrap();
        expected += n;
    }
    assert!(expected > 0);
    assert_eq!(removed, expected);
    let cohort = created["cohort"].as_str().unwrap();
    let (s, body) = get(
        &app,
        &analyst,
        &format!("/api/v1/cohorts/{cohort}/pairs?purpose=evaluation"),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["opt_outs_applied"], true);
    let (kept, _) = app
        .store
        .dataset_rows(dataset("DSA-WW-002", DatasetKind::WaitingList), true)
        .await
        .unwrap();
    let kept: BTreeSet<String> = kept.into_iter().map(|r| r.pseudonym).collect();
    for p in body["pairs"].as_array().unwrap() {
        assert!(kept.contains(p["left"]["pseudonym"].as_str().unwrap()));
    }
}

const WL: &str =
    "nhs_number,given_name,family_name,date_of_birth,postcode,specialty,weeks_waiting,priority";
const HR: &str =
    "nhs_number,given_name,family_name,date_of_birth,postcode,band,household_size,reason";
const BC: &str =
    "nhs_number,given_name,family_name,date_of_birth,postcode,benefit,weekly_award_pence";

/// Test people: (NHS number, given, family, date of birth, postcode).
fn people() -> Vec<(String, String, String, String, String)> {
    goldthread_demo::sharing::synthetic_people()
        .into_iter()
        .map(|(n, g, f, d, p)| (n.digits(), g, f, d, p))
        .collect()
}

async fn upload(
    app: &TestApp,
    c: &reqwest::Client,
    reference: &str,
    kind: &str,
    csv: String,
) -> String {
    let r = c
        .post(app.url(&format!(
            "/api/v1/datasets?agreement={}&kind={kind}&name={kind}",
            agreement(reference)
        )))
        .body(csv)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    let body: Value = r.json().await.unwrap();
    assert_eq!(s, 201, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

async fn waiting_well_outreach_is_built_from_a_linkage_job_and_reported_by_need(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    // A direct-care agreement between the trust and Great Yarmouth that also covers the
    // district's benefits caseload.
    let today = chrono::Utc::now().date_naive();
    let mut a = goldthread_demo::sharing::agreements(today)
        .into_iter()
        .find(|a| a.reference == "DSA-WW-001")
        .unwrap();
    a.reference = "DSA-WW-009".into();
    a.id = agreement("DSA-WW-009");
    let gy = goldthread_domain::organisation::OrganisationId::for_code("E07000145");
    a.fields.push(FieldGrant {
        organisation: gy,
        dataset: DatasetKind::BenefitsCaseload,
        fields: vec!["benefit".into()],
    });
    app.store.put_agreement(&a).await.unwrap();

    let people = people();
    let row = |p: &(String, String, String, String, String), nhs: bool| {
        format!(
            "{},{},{},{},{}",
            if nhs { p.0.as_str() } else { "" },
            p.1,
            p.2,
            p.3,
            p.4
        )
    };
    // The trust's orthopaedic list: 20 people, waits from 10 to 67 weeks.
    let weeks = |i: usize| 10 + i * 3;
    let mut wl = format!("{WL}\n");
    for (i, p) in people.iter().take(20).enumerate() {
        wl.push_str(&format!(
            "{},Trauma and orthopaedics,{},routine\n",
            row(p, true),
            weeks(i)
        ));
    }
    // The district's register: 12 of them (half without NHS number) and 5 others.
    let reasons = [
        "Damp flat with no working heating",
        "Disrepair: the landlord will not fix a leaking roof",
        "Overcrowded",
        "Medical need: home unsuitable",
    ];
    let mut hr = format!("{HR}\n");
    let mut housing: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (i, p) in people
        .iter()
        .take(12)
        .chain(people.iter().skip(30).take(5))
        .enumerate()
    {
        let (size, reason) = (format!("{}", 1 + i % 3), reasons[i % 4].to_owned());
        hr.push_str(&format!("{},A,{size},{reason}\n", row(p, i % 2 == 0)));
        housing.insert(p.0.clone(), (size, reason));
    }
    // Its benefits caseload: four of the same people.
    let mut bc = format!("{BC}\n");
    let on_benefits: Vec<usize> = vec![0, 2, 5, 7];
    for &i in &on_benefits {
        bc.push_str(&format!(
            "{},housing_benefit,8500\n",
            row(&people[i], i % 2 == 0)
        ));
    }
    let trust = sign_in(&app, &email("analyst", "nnuh")).await;
    let district = sign_in(&app, &email("analyst", "great-yarmouth")).await;
    let officer = sign_in(&app, &email("case-worker", "great-yarmouth")).await;
    let wl_id = upload(&app, &trust, "DSA-WW-009", "waiting_list", wl).await;
    let hr_id = upload(&app, &district, "DSA-WW-009", "housing_register", hr).await;
    let bc_id = upload(&app, &district, "DSA-WW-009", "benefits_caseload", bc).await;

    let (s, created) = post(
        &app,
        &district,
        "/api/v1/linkage-jobs",
        &json!({
            "agreement": agreement("DSA-WW-009").to_string(),
            "name": "Waiting Well outreach, Great Yarmouth",
            "purpose": "direct_care",
            "datasets": [wl_id, hr_id],
        }),
    )
    .await;
    assert_eq!(s, 201, "{created}");
    let job_id = created["id"].as_str().unwrap().to_owned();
    let linked = created["matches"].as_i64().unwrap();
    assert!(
        linked >= 6,
        "at least the six with an NHS number in both: {created}"
    );

    // The hospital's case worker cannot build the district's worklist: it cannot re-identify
    // the district's records.
    let nnuh_worker = sign_in(&app, &email("case-worker", "nnuh")).await;
    let path = format!("/api/v1/linkage-jobs/{job_id}/outreach");
    let (s, _) = post(&app, &nnuh_worker, &path, &json!({ "benefits": bc_id })).await;
    assert_eq!(s, 403);
    let (s, built) = post(&app, &officer, &path, &json!({ "benefits": bc_id })).await;
    assert_eq!(s, 201, "{built}");
    assert_eq!(built["opened"].as_i64().unwrap(), linked);

    // Each case's priority is the programme's rule over what the district's records say.
    let (s, list) = get(&app, &officer, "/api/v1/cases?programme=waiting-well").await;
    assert_eq!(s, 200, "{list}");
    let opened: BTreeSet<&str> = built["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["reference"].as_str().unwrap())
        .collect();
    let ours: Vec<&Value> = list["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| opened.contains(c["reference"].as_str().unwrap()))
        .collect();
    assert_eq!(ours.len() as i64, linked);
    let mut checked = 0;
    for c in &ours {
        let reference = c["reference"].as_str().unwrap();
        let (_, case) = get(&app, &officer, &format!("/api/v1/cases/{reference}")).await;
        // Names are unique among the test people.
        let name = case["summary"]["subject_name"].as_str().unwrap().to_owned();
        let i = people
            .iter()
            .position(|p| format!("{} {}", p.1, p.2) == name)
            .unwrap_or_else(|| panic!("{name} is one of the test people"));
        let (size, reason) = &housing[&people[i].0];
        let record = DistrictRecord {
            household_size: Some(size),
            housing_reason: Some(reason),
            benefits: if on_benefits.contains(&i) {
                vec!["housing_benefit"]
            } else {
                vec![]
            },
        };
        let priority = c["priority"].as_u64().unwrap();
        if i % 2 == 0 {
            // Linked on the NHS number: certainly this person's wait.
            let expected = record.prioritise(weeks(i) as u32).priority();
            assert_eq!(priority, u64::from(expected), "{name}");
            checked += 1;
        } else {
            assert!(priority <= 100);
        }
    }
    assert_eq!(checked, 6, "every certain pair checked");
    let priorities: Vec<u64> = ours
        .iter()
        .map(|c| c["priority"].as_u64().unwrap())
        .collect();
    assert!(
        priorities.windows(2).all(|w| w[0] >= w[1]),
        "highest first: {priorities:?}"
    );

    // The officer reaches each person and records the needs found: fuel poverty for the
    // cold homes, housing help for the rest.
    let programme = goldthread_domain::programme::ProgrammeId::parse("waiting-well").unwrap();
    let before_fuel = need_count(&app, &programme, "fuel_poverty").await;
    let before_housing = need_count(&app, &programme, "housing").await;
    let (mut fuel, mut housing_help) = (0, 0);
    for c in &ours {
        let reference = c["reference"].as_str().unwrap();
        let events = format!("/api/v1/cases/{reference}/events");
        let (s, body) = post(
            &app,
            &officer,
            &events,
            &json!({"event": "contact", "channel": "phone", "result": "reached"}),
        )
        .await;
        assert_eq!(s, 200, "{body}");
        let consent = json!({"event": "consent", "given": true, "basis": "consent"});
        let (s, body) = post(&app, &officer, &events, &consent).await;
        assert_eq!(s, 200, "{body}");
        let (_, case) = get(&app, &officer, &format!("/api/v1/cases/{reference}")).await;
        let priority = case["summary"]["priority"].as_u64().unwrap();
        let need = if priority % 5 == 0 {
            "fuel_poverty"
        } else {
            "housing"
        };
        if need == "fuel_poverty" {
            fuel += 1
        } else {
            housing_help += 1
        }
        let (s, body) = post(
            &app,
            &officer,
            &events,
            &json!({"event": "needs_assessed", "needs": [need]}),
        )
        .await;
        assert_eq!(s, 200, "{body}");
    }
    assert_eq!(
        need_count(&app, &programme, "fuel_poverty").await,
        before_fuel + fuel
    );
    assert_eq!(
        need_count(&app, &programme, "housing").await,
        before_housing + housing_help
    );

    // The programme report: share of people reached with each need in Great Yarmouth, after
    // disclosure control.
    let (s, d) = get(&app, &officer, "/api/v1/programmes/waiting-well/dashboard").await;
    assert_eq!(s, 200, "{d}");
    let rule = DisclosureRule::default();
    for (need, n) in [
        ("fuel_poverty", before_fuel + fuel),
        ("housing", before_housing + housing_help),
    ] {
        let line = d["by_need_and_district"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["need"] == need && l["district"] == "E07000145")
            .unwrap_or_else(|| panic!("a {need} line for Great Yarmouth: {d}"));
        assert_eq!(
            line["with_need"],
            serde_json::to_value(rule.apply(n as u64)).unwrap(),
            "{need}"
        );
        // A share is shown exactly when both its counts are published.
        let suppressed = serde_json::to_value(goldthread_stats::Disclosed::Suppressed).unwrap();
        let both_published = line["with_need"] != suppressed && line["reached"] != suppressed;
        assert_eq!(line["share"].is_number(), both_published, "{line}");
        if let Some(share) = line["share"].as_f64() {
            assert!(share > 0.0 && share <= 100.0, "{line}");
        }
    }
}

async fn need_count(
    app: &TestApp,
    programme: &goldthread_domain::programme::ProgrammeId,
    need: &str,
) -> i64 {
    app.store
        .needs_by_district(programme, need)
        .await
        .unwrap()
        .into_iter()
        .filter(|(d, _)| d.as_deref() == Some("E07000145"))
        .map(|(_, n)| n)
        .sum()
}

on_both_backends!(
    a_job_links_on_encodings_and_only_the_controller_reidentifies,
    a_secondary_use_job_leaves_out_opted_out_people,
    waiting_well_outreach_is_built_from_a_linkage_job_and_reported_by_need,
);
