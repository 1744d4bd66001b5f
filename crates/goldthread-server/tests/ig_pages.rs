//! What IG leads and residents see: the audit page with filters and CSV export (IG leads only,
//! their organisations' events), and the public register of data uses (no personal data, no
//! drafts).

mod common;

use common::*;
use goldthread_domain::sharing::DatasetKind;
use goldthread_store::Backend;
use goldthread_testkit::{on_both_backends, TestApp};

async fn an_ig_lead_filters_the_audit_trail_and_downloads_it(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let analyst = sign_in(&app, &email("analyst", "icb")).await;
    let d = dataset("DSA-WW-002", DatasetKind::WaitingList);
    get(
        &app,
        &analyst,
        &format!("/api/v1/datasets/{d}/rows?purpose=evaluation"),
    )
    .await;
    get(
        &app,
        &analyst,
        &format!("/api/v1/datasets/{d}/rows?purpose=research"),
    )
    .await;
    // Only IG leads see the trail.
    for who in [
        email("analyst", "icb"),
        email("system-administrator", "icb"),
        email("viewer", "nnuh"),
    ] {
        let c = sign_in(&app, &who).await;
        assert_eq!(get_text(&app, &c, "/ig/audit").await.0, 403, "{who}");
    }
    let ig = sign_in(&app, &email("ig-lead", "icb")).await;
    let (s, csv) = get_text(&app, &ig, "/ig/audit?action=read.&format=csv").await;
    assert_eq!(s, 200);
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("seq,at,actor,organisation,action,outcome,agreement,purpose"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2, "the two reads: {csv}");
    assert!(rows
        .iter()
        .any(|r| r.contains(",allowed,") && r.contains(",evaluation,")));
    assert!(rows
        .iter()
        .any(|r| r.contains(",denied,") && r.contains(",research,")));
    let (_, csv) = get_text(
        &app,
        &ig,
        "/ig/audit?action=read.&purpose=research&format=csv",
    )
    .await;
    assert_eq!(csv.lines().count(), 2, "header and the one research read");
    // Great Yarmouth is a party to DSA-WW-002, so its IG lead sees reads made under it.
    let gy = sign_in(&app, &email("ig-lead", "great-yarmouth")).await;
    let (_, csv) = get_text(&app, &gy, "/ig/audit?action=read.&format=csv").await;
    assert_eq!(csv.lines().count(), 3);
    // Norfolk County Council is not a party to it, and its people made no reads.
    let ncc = sign_in(&app, &email("ig-lead", "norfolk-cc")).await;
    let (_, csv) = get_text(&app, &ncc, "/ig/audit?action=read.&format=csv").await;
    assert_eq!(csv.lines().count(), 1, "only the header: {csv}");
}

async fn residents_see_agreements_in_force_without_personal_data(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (s, page) = app.get_text("/data-uses").await;
    assert_eq!(s, 200);
    assert!(page.contains("Waiting Well: evaluation"));
    assert!(page.contains("District Direct: a safe home to go back to"));
    assert!(
        !page.contains("Benefits and health: planning"),
        "a draft is not yet a data use"
    );
    assert!(
        !page.contains("Housing need pilot"),
        "an expired agreement is not in force"
    );
    for (nhs, _, family, dob, _) in goldthread_demo::sharing::synthetic_people() {
        assert!(!page.contains(&nhs.digits()) && !page.contains(&family) && !page.contains(&dob));
    }
}

on_both_backends!(
    an_ig_lead_filters_the_audit_trail_and_downloads_it,
    residents_see_agreements_in_force_without_personal_data,
);
