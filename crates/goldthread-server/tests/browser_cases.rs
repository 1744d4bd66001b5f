//! The District Direct bar in a real headless Chromium, on both backends: a ward referral
//! arrives as FHIR, a district officer signs in and picks it up, pays for a key safe the same
//! day, the patient goes home, and the dashboard shows the bed days saved and the budget spent.
//! Writes `target/screenshots/district-direct-*.png` for people to look at.

mod common;

use chrono::Utc;
use common::{email, sign_in, DEMO_PASSWORD};
use goldthread_domain::Money;
use goldthread_store::Backend;
use goldthread_testkit::browser::Browser;
use goldthread_testkit::{on_both_backends, TestApp};
use serde_json::{json, Value};

fn screenshot(name: &str, backend: Backend) -> String {
    format!(
        "{}/../../target/screenshots/district-direct-{name}-{}.png",
        env!("CARGO_MANIFEST_DIR"),
        format!("{backend:?}").to_lowercase()
    )
}

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

/// The hospital's system sends the referral: a FHIR ServiceRequest from Norfolk and Norwich
/// University Hospitals (RM1) to Great Yarmouth, barrier a key safe, fit to go home today.
async fn ward_referral(app: &TestApp) -> String {
    let ward = sign_in(app, &email("case-worker", "nnuh")).await;
    let sr = json!({
        "resourceType": "ServiceRequest", "status": "active", "intent": "order",
        "code": { "coding": [{ "system": "urn:goldthread:programme", "code": "district-direct" }] },
        "reasonCode": [{ "coding": [{ "system": "urn:goldthread:discharge-barrier", "code": "key_safe" }] }],
        "subject": { "identifier": { "system": "https://fhir.nhs.uk/Id/nhs-number", "value": "943 476 5919" }, "display": "Margaret Brown" },
        "requester": { "identifier": { "system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "RM1" } },
        "performer": [{ "identifier": { "system": "urn:goldthread:gss-code", "value": "E07000145" } }],
        "locationCode": [{ "text": "Cley ward" }],
        "extension": [{ "url": "urn:goldthread:medically-fit-date", "valueDate": Utc::now().date_naive().to_string() }]
    });
    let r = ward
        .post(app.url("/fhir/ServiceRequest"))
        .header("content-type", "application/fhir+json")
        .body(sr.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let created: Value = r.json().await.unwrap();
    created["identifier"][0]["value"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Waits for the page a click led to: until `css` holds `needs` (the click returns once the
/// form is sent, not once the next page has loaded).
async fn wait_for(browser: &Browser, css: &str, needs: &str) {
    for _ in 0..1200 {
        if browser.count(css).await > 0 && browser.text(css).await.contains(needs) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("{css} never showed {needs:?}");
}

async fn money(browser: &Browser, css: &str) -> Money {
    let text = browser.text(css).await;
    Money::parse(text.trim()).unwrap_or_else(|e| panic!("{css} holds {text:?}: {e}"))
}

async fn number(browser: &Browser, css: &str) -> u64 {
    let text = browser.text(css).await;
    text.trim()
        .replace(',', "")
        .parse()
        .unwrap_or_else(|e| panic!("{css} holds {text:?}: {e}"))
}

async fn a_district_officer_clears_a_key_safe_barrier_in_the_browser(backend: Backend) {
    let app = case_app(backend).await;
    let reference = ward_referral(&app).await;
    let browser = Browser::start().await;

    browser.goto(&app.url("/sign-in")).await;
    browser
        .fill("#email", &email("case-worker", "great-yarmouth"))
        .await;
    browser.fill("#password", DEMO_PASSWORD).await;
    browser.click("main button[type=submit]").await;
    for _ in 0..1200 {
        if !browser.url().await.contains("/sign-in") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(!browser.url().await.contains("/sign-in"), "signed in");

    browser.goto(&app.url("/programmes/district-direct")).await;
    let bed_days_before = number(&browser, "#team-bed-days").await;
    let budget_row = "#budgets tbody tr:first-child td:last-child";
    let budgets_before = browser.text("#budgets").await;

    browser
        .goto(&app.url("/cases?programme=district-direct"))
        .await;
    assert!(
        browser.text("table.worklist").await.contains(&reference),
        "the referral is on the Great Yarmouth worklist"
    );
    browser
        .click(&format!("table.worklist a[href='/cases/{reference}']"))
        .await;
    assert!(browser.text("h1").await.contains("Margaret Brown"));
    browser.click("#pick-up").await;
    wait_for(&browser, "#case-state", "Contacted").await;
    browser.click("#record-consent").await;
    wait_for(&browser, "ol.timeline", "Consent given").await;
    browser.click("#record-needs").await;
    wait_for(&browser, "#case-state", "Needs assessed").await;
    browser.click("#action option[value='key_safe']").await;
    browser.fill("#detail", "fitted by the handyperson").await;
    browser.click("#start-action").await;
    wait_for(&browser, "ol.timeline", "fitted by the handyperson").await;

    let before = money(&browser, "#budget-balance").await;
    browser.fill("#amount", "65.00").await;
    browser.fill("#payee", "Yarmouth Key Safes").await;
    browser.fill("#purpose", "key safe").await;
    browser.click("#pay").await;
    wait_for(&browser, "main", "Yarmouth Key Safes").await;
    let after = money(&browser, "#budget-balance").await;
    assert_eq!(
        before.pence() - after.pence(),
        6_500,
        "the key safe is paid the same day"
    );
    assert!(browser.text("main").await.contains("Yarmouth Key Safes"));
    browser.screenshot(screenshot("case", backend)).await;

    browser.fill("#summary", "home with a key safe").await;
    browser.click("#went-home").await;
    wait_for(&browser, "#case-state", "Closed").await;

    browser.goto(&app.url("/programmes/district-direct")).await;
    let bed_days_after = number(&browser, "#team-bed-days").await;
    assert_eq!(
        bed_days_after - bed_days_before,
        3,
        "home the day they were fit, against a key safe's expected three days"
    );
    assert_ne!(browser.text("#budgets").await, budgets_before);
    let spent: Vec<Money> = {
        let text = browser.text("#budgets").await;
        text.lines()
            .filter(|l| l.contains("E07000145"))
            .filter_map(|l| {
                l.split_whitespace()
                    .last()
                    .and_then(|m| Money::parse(m).ok())
            })
            .collect()
    };
    assert!(
        spent.contains(&after),
        "the dashboard shows the balance the case page showed: {spent:?}, {}",
        browser.text(budget_row).await
    );
    browser.screenshot(screenshot("dashboard", backend)).await;
    browser.close().await;
}

on_both_backends!(a_district_officer_clears_a_key_safe_barrier_in_the_browser);
