//! Arbitrary bodies to the JSON and CSV readers: mutated cohort requests and mutated uploads
//! never crash the server (no 500) and never store half a dataset.

mod common;

use common::*;
use goldthread_domain::sharing::DatasetKind;
use goldthread_store::Backend;
use goldthread_testkit::{on_both_backends, TestApp};

/// A small deterministic generator, so a failure can be replayed.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Flips, inserts or deletes a few bytes.
    fn mutate(&mut self, input: &[u8]) -> Vec<u8> {
        let mut out = input.to_vec();
        for _ in 0..=(self.next() % 6) {
            let at = (self.next() as usize) % (out.len() + 1);
            match self.next() % 3 {
                0 if at < out.len() => out[at] = self.next() as u8,
                1 => out.insert(at, self.next() as u8),
                _ if at < out.len() => {
                    out.remove(at);
                }
                _ => {}
            }
        }
        out
    }
}

async fn mutated_json_and_csv_never_crash_the_server(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let analyst = sign_in(&app, &email("analyst", "icb")).await;
    let cohort = serde_json::json!({
        "agreement": agreement("DSA-WW-002").to_string(),
        "name": "fuzz",
        "purpose": "evaluation",
        "datasets": [dataset("DSA-WW-002", DatasetKind::WaitingList).to_string(), dataset("DSA-WW-002", DatasetKind::HousingRegister).to_string()],
    })
    .to_string();
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for i in 0..150 {
        let body = rng.mutate(cohort.as_bytes());
        let r = analyst
            .post(app.url("/api/v1/cohorts"))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let s = r.status().as_u16();
        assert!(
            s < 500,
            "case {i}: {s} for {:?}",
            String::from_utf8_lossy(&body)
        );
    }
    let uploader = sign_in(&app, &email("analyst", "nnuh")).await;
    let csv = "nhs_number,given_name,family_name,date_of_birth,postcode,specialty,weeks_waiting,priority\n\
               9434765919,Ann,Smith,1950-02-03,NR30 1AA,Urology,12,routine\n\
               9434765870,Bob,Jones,1961-07-08,NR31 9EH,General surgery,30,P2\n";
    let path = format!(
        "/api/v1/datasets?agreement={}&kind=waiting_list",
        agreement("DSA-WW-001")
    );
    for i in 0..150 {
        let body = rng.mutate(csv.as_bytes());
        let before = app.store.datasets().await.unwrap().len();
        let r = uploader
            .post(app.url(&path))
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let s = r.status().as_u16();
        assert!(
            s == 201 || s == 400,
            "case {i}: {s} for {:?}",
            String::from_utf8_lossy(&body)
        );
        let after = app.store.datasets().await.unwrap();
        if s == 400 {
            assert_eq!(
                after.len(),
                before,
                "case {i}: a refused upload stores nothing"
            );
        } else {
            assert_eq!(after.len(), before + 1);
            assert_eq!(after[0].row_count, 2, "case {i}: every row or none");
        }
    }
}

on_both_backends!(mutated_json_and_csv_never_crash_the_server);
