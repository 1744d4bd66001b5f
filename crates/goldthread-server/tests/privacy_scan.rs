//! A run of the whole demo, with every sharing flow exercised, leaves no NHS number, name or date
//! of birth in the log output or in any table other than the owning organisation's identity
//! partition.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use goldthread_domain::sharing::DatasetKind;
use goldthread_store::Backend;
use goldthread_testkit::{on_both_backends, TestApp};

/// Log output captured from every thread of the test process.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() -> Captured {
    static LOGS: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let c = Captured::default();
        let w = c.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || w.clone())
            .init();
        c
    })
    .clone()
}

/// Every identifier of every synthetic person: NHS numbers (plain and spaced), family names,
/// full names and dates of birth.
fn identifiers() -> Vec<String> {
    let mut v = Vec::new();
    for (nhs, given, family, dob, _) in goldthread_demo::sharing::synthetic_people() {
        v.push(nhs.digits());
        v.push(nhs.to_string());
        v.push(family.clone());
        v.push(format!("{given} {family}"));
        v.push(dob);
    }
    v
}

async fn exercise_every_flow(app: &TestApp) {
    for who in all_demo_emails() {
        let c = sign_in(app, &who).await;
        for (reference, kind, purpose) in [
            ("DSA-WW-001", DatasetKind::WaitingList, "direct_care"),
            ("DSA-WW-002", DatasetKind::WaitingList, "evaluation"),
            ("DSA-DD-001", DatasetKind::DfgApplications, "direct_care"),
        ] {
            let d = dataset(reference, kind);
            let (_, body) = get(
                app,
                &c,
                &format!("/api/v1/datasets/{d}/rows?purpose={purpose}"),
            )
            .await;
            if let Some(p) = body["rows"][0]["pseudonym"].as_str() {
                // Re-identification, allowed or not, is logged without the identity.
                get(
                    app,
                    &c,
                    &format!("/api/v1/datasets/{d}/people/{p}?purpose={purpose}"),
                )
                .await;
            }
        }
        for page in [
            "/agreements",
            "/ig/audit",
            "/ig/audit?format=csv",
            "/data-uses",
        ] {
            get_text(app, &c, page).await;
        }
    }
    let c = sign_in(app, &email("analyst", "icb")).await;
    let r = c
        .post(app.url("/api/v1/cohorts"))
        .json(&serde_json::json!({
            "agreement": agreement("DSA-WW-002").to_string(),
            "name": "evaluation cohort",
            "purpose": "evaluation",
            "datasets": [dataset("DSA-WW-002", DatasetKind::WaitingList).to_string(), dataset("DSA-WW-002", DatasetKind::HousingRegister).to_string()],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    // An upload with a mistake: the error names the line and field, never the value.
    let c = sign_in(app, &email("analyst", "nnuh")).await;
    let people = goldthread_demo::sharing::synthetic_people();
    let (nhs, given, family, _, postcode) = &people[0];
    let csv = format!(
        "nhs_number,given_name,family_name,date_of_birth,postcode,specialty,weeks_waiting,priority\n{},{given},{family},not-a-date,{postcode},Urology,3,routine\n",
        nhs.digits()
    );
    let r = c
        .post(app.url(&format!(
            "/api/v1/datasets?agreement={}&kind=waiting_list",
            agreement("DSA-WW-001")
        )))
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let body = r.text().await.unwrap();
    assert!(
        !body.contains(&nhs.digits()) && !body.contains(family.as_str()),
        "errors do not echo identifiers: {body}"
    );
}

async fn the_demo_leaves_no_identifier_outside_the_owners_partition(backend: Backend) {
    let logs = capture_logs();
    let app = TestApp::with_demo(backend).await;
    exercise_every_flow(&app).await;
    let identifiers = identifiers();
    let log = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(
        log.len() > 1000,
        "the logs were captured ({} bytes)",
        log.len()
    );
    for id in &identifiers {
        assert!(!log.contains(id.as_str()), "the log output contains {id:?}");
    }
    let tables = app
        .store
        .table_dump_for_privacy_scan(&["identity_partition"])
        .await
        .unwrap();
    assert!(tables.iter().any(|(t, _)| t == "dataset_rows"));
    assert!(tables.iter().any(|(t, _)| t == "audit_events"));
    for (table, text) in &tables {
        for id in &identifiers {
            assert!(!text.contains(id.as_str()), "table {table} contains {id:?}");
        }
    }
    // The identities are there, in the partition of the organisation that owns them.
    let all = app.store.table_dump_for_privacy_scan(&[]).await.unwrap();
    let partition = &all
        .iter()
        .find(|(t, _)| t == "identity_partition")
        .unwrap()
        .1;
    assert!(partition.contains(&identifiers[0]));
}

on_both_backends!(the_demo_leaves_no_identifier_outside_the_owners_partition);
