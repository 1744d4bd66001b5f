//! The authorisation matrix: every demo account tries every person-level read in the demo, for
//! every purpose, and only the reads the agreements allow succeed. The expectations below are
//! written from the agreements as an IG lead would read them, not from the code.

mod common;

use std::collections::BTreeSet;

use common::*;
use goldthread_domain::sharing::DatasetKind;
use goldthread_store::Backend;
use goldthread_testkit::{on_both_backends, TestApp};

const PURPOSES: [&str; 4] = ["direct_care", "planning", "evaluation", "research"];

/// Who may read each demo dataset's pseudonymised rows, and for which purpose.
fn allowed_readers() -> Vec<(&'static str, DatasetKind, &'static str, Vec<String>)> {
    let e = |r: &str, o: &str| email(r, o);
    vec![
        // Waiting Well direct care: the hospital's and Great Yarmouth's analysts and case workers.
        (
            "DSA-WW-001",
            DatasetKind::WaitingList,
            "direct_care",
            vec![
                e("analyst", "nnuh"),
                e("case-worker", "nnuh"),
                e("analyst", "great-yarmouth"),
                e("case-worker", "great-yarmouth"),
                JOINT.into(),
            ],
        ),
        // Great Yarmouth's housing register under Waiting Well: Great Yarmouth only.
        (
            "DSA-WW-001",
            DatasetKind::HousingRegister,
            "direct_care",
            vec![
                e("analyst", "great-yarmouth"),
                e("case-worker", "great-yarmouth"),
                JOINT.into(),
            ],
        ),
        // The evaluation: analysts of parties granted the dataset; never case workers.
        (
            "DSA-WW-002",
            DatasetKind::WaitingList,
            "evaluation",
            vec![e("analyst", "icb"), e("analyst", "nnuh"), JOINT.into()],
        ),
        (
            "DSA-WW-002",
            DatasetKind::HousingRegister,
            "evaluation",
            vec![
                e("analyst", "icb"),
                e("analyst", "great-yarmouth"),
                JOINT.into(),
            ],
        ),
        // District Direct: the council, the hospital and the county, for direct care.
        (
            "DSA-DD-001",
            DatasetKind::DfgApplications,
            "direct_care",
            vec![
                e("analyst", "great-yarmouth"),
                e("case-worker", "great-yarmouth"),
                e("analyst", "nnuh"),
                e("case-worker", "nnuh"),
                e("analyst", "norfolk-cc"),
                e("case-worker", "norfolk-cc"),
                JOINT.into(),
            ],
        ),
        (
            "DSA-DD-002",
            DatasetKind::DfgApplications,
            "evaluation",
            vec![e("analyst", "icb"), JOINT.into()],
        ),
    ]
}

/// Who may re-identify a person in each dataset: the controller's case workers, direct care.
fn allowed_reidentifiers(reference: &str, kind: DatasetKind) -> Vec<String> {
    match (reference, kind) {
        ("DSA-WW-001", DatasetKind::WaitingList) => vec![email("case-worker", "nnuh")],
        ("DSA-WW-001", DatasetKind::HousingRegister)
        | ("DSA-DD-001", DatasetKind::DfgApplications) => {
            vec![email("case-worker", "great-yarmouth")]
        }
        _ => vec![],
    }
}

async fn only_the_reads_the_agreements_allow_succeed(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let readers = allowed_readers();
    // A pseudonym in each dataset, read by someone allowed.
    let mut pseudonyms = Vec::new();
    for (reference, kind, purpose, who) in &readers {
        let c = sign_in(&app, &who[0]).await;
        let d = dataset(reference, *kind);
        let (s, body) = get(
            &app,
            &c,
            &format!("/api/v1/datasets/{d}/rows?purpose={purpose}"),
        )
        .await;
        assert_eq!(s, 200);
        pseudonyms.push(
            body["rows"][0]["pseudonym"]
                .as_str()
                .expect("a pseudonym")
                .to_owned(),
        );
    }
    let mut checked = 0;
    for account in all_demo_emails() {
        let c = sign_in(&app, &account).await;
        for ((reference, kind, agreed_purpose, who), pseudonym) in readers.iter().zip(&pseudonyms) {
            let d = dataset(reference, *kind);
            for purpose in PURPOSES {
                let may = purpose == *agreed_purpose && who.contains(&account);
                let (s, body) = get(
                    &app,
                    &c,
                    &format!("/api/v1/datasets/{d}/rows?purpose={purpose}"),
                )
                .await;
                assert_eq!(
                    s,
                    if may { 200 } else { 403 },
                    "{account} reading {reference} {kind:?} for {purpose}: {body}"
                );
                if !may {
                    assert_eq!(body["error"]["code"], "forbidden");
                }
                let may_reidentify = purpose == "direct_care"
                    && allowed_reidentifiers(reference, *kind).contains(&account);
                let (s, body) = get(
                    &app,
                    &c,
                    &format!("/api/v1/datasets/{d}/people/{pseudonym}?purpose={purpose}"),
                )
                .await;
                assert_eq!(
                    s,
                    if may_reidentify { 200 } else { 403 },
                    "{account} re-identifying in {reference} {kind:?} for {purpose}: {body}"
                );
                if may_reidentify {
                    assert!(body["family_name"].is_string());
                }
                checked += 2;
            }
        }
    }
    assert_eq!(checked, 21 * 6 * 4 * 2);
    // Every one of those reads, allowed or refused, is on the record.
    let reads = app
        .store
        .audit_events(
            &goldthread_store::AuditFilter {
                action_prefix: Some("read.".into()),
                ..Default::default()
            },
            100_000,
        )
        .await
        .unwrap();
    assert_eq!(reads.len(), checked + pseudonyms.len());
    assert_eq!(
        app.store.verify_audit_chain().await.unwrap(),
        Ok(reads.len() as i64 + audit_others(&app).await)
    );
}

async fn audit_others(app: &TestApp) -> i64 {
    let all = app
        .store
        .audit_events(&Default::default(), 100_000)
        .await
        .unwrap();
    all.iter()
        .filter(|e| !e.record.action.starts_with("read."))
        .count() as i64
}

async fn only_analysts_of_parties_granted_both_datasets_link_or_read_a_cohort(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let wl = dataset("DSA-WW-002", DatasetKind::WaitingList);
    let hr = dataset("DSA-WW-002", DatasetKind::HousingRegister);
    let body = serde_json::json!({
        "agreement": agreement("DSA-WW-002").to_string(),
        "name": "Waiting Well evaluation cohort",
        "purpose": "evaluation",
        "datasets": [wl.to_string(), hr.to_string()],
    });
    // Granted one dataset but not the other: refused.
    for who in [
        email("analyst", "nnuh"),
        email("analyst", "great-yarmouth"),
        email("case-worker", "icb"),
        email("ig-lead", "icb"),
    ] {
        let c = sign_in(&app, &who).await;
        let r = c
            .post(app.url("/api/v1/cohorts"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403, "{who}");
    }
    let c = sign_in(&app, &email("analyst", "icb")).await;
    let r = c
        .post(app.url("/api/v1/cohorts"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let cohort: serde_json::Value = r.json().await.unwrap();
    let id = cohort["id"].as_str().unwrap().to_owned();
    // The demo puts 12 of the hospital's waiting-list patients on Great Yarmouth's housing
    // register; 8 of them with an NHS number or the same name and date of birth.
    assert!(cohort["members"].as_i64().unwrap() > 0);
    let allowed: BTreeSet<String> = [email("analyst", "icb"), JOINT.to_owned()].into();
    for account in all_demo_emails() {
        let c = sign_in(&app, &account).await;
        for purpose in PURPOSES {
            let may = purpose == "evaluation" && allowed.contains(&account);
            let (s, _) = get(
                &app,
                &c,
                &format!("/api/v1/cohorts/{id}/members?purpose={purpose}"),
            )
            .await;
            assert_eq!(
                s,
                if may { 200 } else { 403 },
                "{account} reading the cohort for {purpose}"
            );
        }
    }
}

/// Cases pass the same function: a case is read only by case workers of the team working it,
/// a worklist only by case workers, and every attempt is one audit event.
async fn only_the_team_working_a_case_reads_it_and_every_attempt_is_audited(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let ward = sign_in(&app, &email("case-worker", "nnuh")).await;
    let referral = serde_json::json!({
        "resourceType": "ServiceRequest",
        "status": "active",
        "intent": "order",
        "code": { "coding": [{ "system": "urn:goldthread:programme", "code": "district-direct" }] },
        "reasonCode": [{ "coding": [{ "system": "urn:goldthread:discharge-barrier", "code": "key_safe" }] }],
        "subject": { "identifier": { "system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919" }, "display": "Margaret Brown" },
        "requester": { "identifier": { "system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "RM1" } },
        "performer": [{ "identifier": { "system": "urn:goldthread:gss-code", "value": "E07000145" } }],
    });
    let r = ward
        .post(app.url("/fhir/ServiceRequest"))
        .header("content-type", "application/fhir+json")
        .body(referral.to_string())
        .send()
        .await
        .unwrap();
    let created: serde_json::Value = r.json().await.unwrap();
    let reference = created["identifier"][0]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("a case reference: {created}"))
        .to_owned();
    let before = reads_of(&app, "read.case").await + reads_of(&app, "read.worklist").await;
    let mut attempts = 0;
    for account in all_demo_emails() {
        let c = sign_in(&app, &account).await;
        let may_read = account == email("case-worker", "great-yarmouth");
        let (s, body) = get(&app, &c, &format!("/api/v1/cases/{reference}")).await;
        assert_eq!(
            s,
            if may_read { 200 } else { 403 },
            "{account} reading the case: {body}"
        );
        let case_worker = account.starts_with("case-worker.");
        let (s, body) = get(&app, &c, "/api/v1/cases").await;
        assert_eq!(
            s,
            if case_worker { 200 } else { 403 },
            "{account} reading a worklist: {body}"
        );
        attempts += 2;
    }
    let after = reads_of(&app, "read.case").await + reads_of(&app, "read.worklist").await;
    assert_eq!(after - before, attempts, "one audit event per attempt");
}

async fn reads_of(app: &TestApp, action: &str) -> usize {
    app.store
        .audit_events(
            &goldthread_store::AuditFilter {
                action_prefix: Some(action.into()),
                ..Default::default()
            },
            100_000,
        )
        .await
        .unwrap()
        .len()
}

/// Linkage jobs, their pairs and the re-identification of a linked row, for every account and
/// purpose: a job and its pairs only for those who may read both datasets for the agreement's
/// purpose; a linked row only for its controller's case workers, for direct care.
async fn linkage_jobs_pairs_and_reidentification_follow_the_agreement(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let datasets = [
        dataset("DSA-WW-001", DatasetKind::WaitingList).to_string(),
        dataset("DSA-WW-001", DatasetKind::HousingRegister).to_string(),
    ];
    let body = |purpose: &str| {
        serde_json::json!({
            "agreement": agreement("DSA-WW-001").to_string(),
            "name": "Waiting Well linkage",
            "purpose": purpose,
            "datasets": datasets,
        })
    };
    let first = sign_in(&app, &email("analyst", "great-yarmouth")).await;
    let r = first
        .post(app.url("/api/v1/linkage-jobs"))
        .json(&body("direct_care"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let job: serde_json::Value = r.json().await.unwrap();
    let cohort = job["cohort"].as_str().unwrap().to_owned();
    let (_, pairs) = get(
        &app,
        &first,
        &format!("/api/v1/cohorts/{cohort}/pairs?purpose=direct_care"),
    )
    .await;
    let hospital_row = pairs["pairs"][0]["left"]["pseudonym"]
        .as_str()
        .unwrap()
        .to_owned();
    let housing_row = pairs["pairs"][0]["right"]["pseudonym"]
        .as_str()
        .unwrap()
        .to_owned();
    // Readers of both datasets under DSA-WW-001 (see `allowed_readers`).
    let both: BTreeSet<String> = [
        email("analyst", "great-yarmouth"),
        email("case-worker", "great-yarmouth"),
        JOINT.to_owned(),
    ]
    .into();
    let before = reads_of(&app, "read.").await + reads_of(&app, "linkage.run").await;
    let mut attempts = 0;
    for account in all_demo_emails() {
        let c = sign_in(&app, &account).await;
        for purpose in PURPOSES {
            let may = purpose == "direct_care" && both.contains(&account);
            let r = c
                .post(app.url("/api/v1/linkage-jobs"))
                .json(&body(purpose))
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status().as_u16(),
                if may { 201 } else { 403 },
                "{account} running a job for {purpose}"
            );
            let (s, _) = get(
                &app,
                &c,
                &format!("/api/v1/cohorts/{cohort}/pairs?purpose={purpose}"),
            )
            .await;
            assert_eq!(
                s,
                if may { 200 } else { 403 },
                "{account} reading pairs for {purpose}"
            );
            // The demo's first pair is linked on equal pseudonyms, so the row is each
            // controller's own record: the hospital's and the district's case workers.
            assert_eq!(hospital_row, housing_row);
            let controllers = [
                email("case-worker", "nnuh"),
                email("case-worker", "great-yarmouth"),
            ];
            for row in [&hospital_row] {
                let may = purpose == "direct_care" && controllers.contains(&account);
                let (s, _) = get(
                    &app,
                    &c,
                    &format!("/api/v1/cohorts/{cohort}/people/{row}?purpose={purpose}"),
                )
                .await;
                assert_eq!(
                    s,
                    if may { 200 } else { 403 },
                    "{account} re-identifying a linked row for {purpose}"
                );
            }
            attempts += 3;
        }
    }
    let after = reads_of(&app, "read.").await + reads_of(&app, "linkage.run").await;
    assert_eq!(after - before, attempts, "one audit event per attempt");
}

on_both_backends!(
    linkage_jobs_pairs_and_reidentification_follow_the_agreement,
    only_the_reads_the_agreements_allow_succeed,
    only_analysts_of_parties_granted_both_datasets_link_or_read_a_cohort,
    only_the_team_working_a_case_reads_it_and_every_attempt_is_audited,
);
