//! The case system over HTTP on both backends: FHIR referrals in, District Direct pickup and
//! same-day payments, worklists and dashboards, and who may see what.

mod common;

use chrono::Utc;
use common::{csrf_in, email, get, get_text, sign_in};
use goldthread_store::Backend;
use goldthread_testkit::{on_both_backends, TestApp};
use serde_json::{json, Value};

const FHIR: &str = "application/fhir+json";

/// A server over the parts of the demo the case system needs: the ICS and its organisations,
/// the demo accounts, and the ready-made programmes with their budgets and a month of activity.
async fn case_app(backend: Backend) -> TestApp {
    let app = TestApp::empty(backend).await;
    let geo = goldthread_domain::geography::ReferenceGeography::england_2024();
    app.store.replace_reference_geography(&geo).await.unwrap();
    let (system, organisations) = goldthread_demo::norfolk_and_waveney(&geo);
    app.store.put_system(&system, &organisations).await.unwrap();
    goldthread_demo::sharing::install(&app.store).await.unwrap();
    goldthread_demo::programmes::install(&app.store)
        .await
        .unwrap();
    app
}

fn ward_referral(nhs: &str, council: &str, barrier: &str) -> Value {
    json!({
        "resourceType": "ServiceRequest",
        "status": "active",
        "intent": "order",
        "code": { "coding": [{ "system": "urn:goldthread:programme", "code": "district-direct" }] },
        "reasonCode": [{ "coding": [{ "system": "urn:goldthread:discharge-barrier", "code": barrier }] }],
        "subject": { "identifier": { "system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs }, "display": "Margaret Brown" },
        "requester": { "identifier": { "system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "RM1" } },
        "performer": [{ "identifier": { "system": "urn:goldthread:gss-code", "value": council } }],
        "locationCode": [{ "text": "Cley ward" }],
        "extension": [{ "url": "urn:goldthread:medically-fit-date", "valueDate": Utc::now().date_naive().to_string() }]
    })
}

async fn post_fhir(
    app: &TestApp,
    c: &reqwest::Client,
    body: String,
    content_type: &str,
) -> (u16, Value) {
    let r = c
        .post(app.url("/fhir/ServiceRequest"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("post");
    let status = r.status().as_u16();
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with(FHIR),
        "every FHIR answer is FHIR JSON"
    );
    (status, r.json().await.expect("json"))
}

fn issues(oo: &Value) -> Vec<String> {
    assert_eq!(oo["resourceType"], "OperationOutcome", "{oo}");
    oo["issue"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["diagnostics"].as_str().unwrap_or("").to_owned())
        .collect()
}

async fn dashboard(app: &TestApp, c: &reqwest::Client) -> Value {
    let (s, d) = get(app, c, "/api/v1/programmes/district-direct/dashboard").await;
    assert_eq!(s, 200, "{d}");
    d
}

fn great_yarmouth_budget(d: &Value) -> i64 {
    d["budgets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"].as_str().unwrap().contains("E07000145"))
        .expect("Great Yarmouth budget")["balance"]
        .as_i64()
        .unwrap()
}

async fn post_form(
    app: &TestApp,
    c: &reqwest::Client,
    page: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> u16 {
    let csrf = csrf_in(page);
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    c.post(app.url(path))
        .form(&all)
        .send()
        .await
        .expect("post")
        .status()
        .as_u16()
}

/// The District Direct bar over HTTP: a ward referral arrives as FHIR, a district officer picks
/// it up, pays for a key safe the same day, the patient goes home, and the dashboard shows the
/// bed days saved and the budget spent.
async fn a_ward_referral_is_picked_up_paid_for_the_same_day_and_the_patient_goes_home(
    backend: Backend,
) {
    let app = case_app(backend).await;
    let ward = sign_in(&app, &email("case-worker", "nnuh")).await;
    let (s, created) = post_fhir(
        &app,
        &ward,
        ward_referral("943 476 5919", "E07000145", "key_safe").to_string(),
        FHIR,
    )
    .await;
    assert_eq!(s, 201, "{created}");
    let reference = created["identifier"][0]["value"]
        .as_str()
        .unwrap()
        .to_owned();

    let officer = sign_in(&app, &email("case-worker", "great-yarmouth")).await;
    let before = dashboard(&app, &officer).await;
    let (s, list) = get(&app, &officer, "/api/v1/cases?programme=district-direct").await;
    assert_eq!(s, 200);
    assert!(
        list["cases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["reference"] == reference.as_str()),
        "the referral is on the Great Yarmouth worklist"
    );

    let path = format!("/cases/{reference}");
    let (_, page) = get_text(&app, &officer, &path).await;
    assert_eq!(
        post_form(&app, &officer, &page, &format!("{path}/pick-up"), &[]).await,
        303
    );
    let (_, page) = get_text(&app, &officer, &path).await;
    assert_eq!(
        post_form(
            &app,
            &officer,
            &page,
            &format!("{path}/events"),
            &[("kind", "consent"), ("given", "yes"), ("basis", "consent")]
        )
        .await,
        303
    );
    assert_eq!(
        post_form(
            &app,
            &officer,
            &page,
            &format!("{path}/events"),
            &[("kind", "needs"), ("need", "key_safe")]
        )
        .await,
        303
    );
    assert_eq!(
        post_form(
            &app,
            &officer,
            &page,
            &format!("{path}/events"),
            &[
                ("kind", "action"),
                ("action", "key_safe"),
                ("detail", "fitted by the handyperson")
            ]
        )
        .await,
        303
    );
    assert_eq!(
        post_form(
            &app,
            &officer,
            &page,
            &format!("{path}/payments"),
            &[
                ("amount", "£65.00"),
                ("payee", "Yarmouth Key Safes"),
                ("purpose", "key safe")
            ]
        )
        .await,
        303
    );
    assert_eq!(
        post_form(
            &app,
            &officer,
            &page,
            &format!("{path}/discharge"),
            &[("summary", "home with a key safe")]
        )
        .await,
        303
    );

    let (_, page) = get_text(&app, &officer, &path).await;
    assert!(page.contains("Closed"), "the case is closed");
    assert!(page.contains("£65.00"), "the payment is on the case");
    let after = dashboard(&app, &officer).await;
    assert_eq!(
        great_yarmouth_budget(&before) - great_yarmouth_budget(&after),
        6_500,
        "the budget fell by the key safe"
    );
    let saved = |d: &Value| d["your_teams"]["bed_days_saved"].as_u64().unwrap();
    assert_eq!(
        saved(&after) - saved(&before),
        3,
        "a key safe the same day saves its expected three days"
    );
    let (s, html) = get_text(&app, &officer, "/programmes/district-direct").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("£562"),
        "the page shows where the bed-day value comes from"
    );
}

async fn a_malformed_or_invalid_service_request_gets_an_operation_outcome(backend: Backend) {
    let app = case_app(backend).await;
    let ward = sign_in(&app, &email("case-worker", "nnuh")).await;
    let (s, oo) = post_fhir(&app, &ward, "{not json".into(), FHIR).await;
    assert_eq!(s, 400);
    assert!(issues(&oo)[0].contains("not JSON"));
    let (s, oo) = post_fhir(
        &app,
        &ward,
        json!({"resourceType": "Patient"}).to_string(),
        FHIR,
    )
    .await;
    assert_eq!(s, 400);
    assert!(issues(&oo)[0].contains("Patient"));
    let (s, oo) = post_fhir(
        &app,
        &ward,
        ward_referral("9434765918", "E07000145", "key_safe").to_string(),
        FHIR,
    )
    .await;
    assert_eq!(s, 422);
    assert!(
        issues(&oo).iter().any(|i| i.contains("check digit")),
        "{oo}"
    );
    let (s, oo) = post_fhir(
        &app,
        &ward,
        ward_referral("9434765919", "E07000145", "spaceship").to_string(),
        FHIR,
    )
    .await;
    assert_eq!(s, 422);
    assert!(issues(&oo).iter().any(|i| i.contains("spaceship")), "{oo}");
    let (s, oo) = post_fhir(
        &app,
        &ward,
        ward_referral("9434765919", "E07000145", "key_safe").to_string(),
        "application/json",
    )
    .await;
    assert_eq!(s, 415);
    issues(&oo);
}

async fn fhir_refusals_are_operation_outcomes_too(backend: Backend) {
    let app = case_app(backend).await;
    let anonymous = common::client();
    let body = ward_referral("9434765919", "E07000145", "key_safe").to_string();
    let (s, oo) = post_fhir(&app, &anonymous, body.clone(), FHIR).await;
    assert_eq!(s, 401);
    issues(&oo);
    let analyst = sign_in(&app, &email("analyst", "icb")).await;
    let (s, oo) = post_fhir(&app, &analyst, body, FHIR).await;
    assert_eq!(s, 403);
    issues(&oo);
    let (s, cap) = get(&app, &anonymous, "/fhir/metadata").await;
    assert_eq!(s, 200);
    assert_eq!(cap["resourceType"], "CapabilityStatement");
    assert_eq!(cap["rest"][0]["resource"][0]["type"], "ServiceRequest");
}

async fn a_case_is_seen_only_by_the_team_working_it(backend: Backend) {
    let app = case_app(backend).await;
    let ward = sign_in(&app, &email("case-worker", "nnuh")).await;
    let (_, created) = post_fhir(
        &app,
        &ward,
        ward_referral("9434765919", "E07000145", "cluttered_home").to_string(),
        FHIR,
    )
    .await;
    let reference = created["identifier"][0]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/cases/{reference}");
    let officer = sign_in(&app, &email("case-worker", "great-yarmouth")).await;
    assert_eq!(get(&app, &officer, &path).await.0, 200);
    let county = sign_in(&app, &email("case-worker", "norfolk-cc")).await;
    assert_eq!(get(&app, &county, &path).await.0, 403);
    assert_eq!(get(&app, &common::client(), &path).await.0, 401);
    let (s, list) = get(&app, &common::client(), "/api/v1/programmes").await;
    assert_eq!(s, 401, "{list}");
    let (s, list) = get(&app, &county, "/api/v1/programmes").await;
    assert_eq!(s, 200);
    let names: Vec<&str> = list["programmes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for p in [
        "Waiting Well",
        "District Direct",
        "Home adaptations",
        "Social prescribing",
    ] {
        assert!(names.contains(&p), "{p} comes ready: {names:?}");
    }
}

async fn an_overspend_is_refused_on_the_page_with_the_balance_left(backend: Backend) {
    let app = case_app(backend).await;
    let ward = sign_in(&app, &email("case-worker", "nnuh")).await;
    let (_, created) = post_fhir(
        &app,
        &ward,
        ward_referral("9434765919", "E07000145", "housing").to_string(),
        FHIR,
    )
    .await;
    let reference = created["identifier"][0]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    let officer = sign_in(&app, &email("case-worker", "great-yarmouth")).await;
    let path = format!("/cases/{reference}");
    let (_, page) = get_text(&app, &officer, &path).await;
    assert_eq!(
        post_form(&app, &officer, &page, &format!("{path}/pick-up"), &[]).await,
        303
    );
    let (_, page) = get_text(&app, &officer, &path).await;
    let csrf = csrf_in(&page);
    let r = officer
        .post(app.url(&format!("{path}/payments")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("amount", "£90,000"),
            ("payee", "Hotel"),
            ("purpose", "temporary accommodation"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("would overspend"), "the page says why");
    let csv = officer
        .get(app.url("/programmes/district-direct/dashboard.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status().as_u16(), 200);
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("breakdown,key,cases"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("district,E07000145")));
}

on_both_backends!(
    a_ward_referral_is_picked_up_paid_for_the_same_day_and_the_patient_goes_home,
    a_malformed_or_invalid_service_request_gets_an_operation_outcome,
    fhir_refusals_are_operation_outcomes_too,
    a_case_is_seen_only_by_the_team_working_it,
    an_overspend_is_refused_on_the_page_with_the_balance_left,
);
