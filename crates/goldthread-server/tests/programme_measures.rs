//! Programme measures as local indicators, over HTTP against the real server on SQLite and
//! PostgreSQL: an analyst refreshes them from the programme dashboard, and the outcomes API and
//! dashboard show District Direct's bed days saved and Waiting Well's unmet-needs share by
//! district, as the disclosure rule publishes them, ready for a shared outcome to be measured by.

mod common;

use chrono::{Datelike, NaiveDate, Utc};
use common::{csrf_in, email, get_text, sign_in};
use goldthread_domain::programme::case::CaseState;
use goldthread_domain::GssCode;
use goldthread_stats::{proportion, ConfidenceLevel};
use goldthread_store::{Backend, CaseRecord};
use goldthread_testkit::{on_both_backends, TestApp};
use serde_json::Value;

const ICB: &str = "E54000022";
const YARMOUTH: &str = "E07000145";

/// The first day of last month: the demo's month of activity, the last month counted.
fn last_month() -> NaiveDate {
    let today = Utc::now().date_naive();
    let first = today.with_day(1).unwrap();
    let prev = first.pred_opt().unwrap();
    prev.with_day(1).unwrap()
}

/// The demo's cases of one programme for last month, by their references.
async fn demo_cases(app: &TestApp, prefix: &str) -> Vec<CaseRecord> {
    let month = last_month().format("%Y%m");
    let mut out = Vec::new();
    for n in 0..2_100 {
        match app
            .store
            .case(&format!("{prefix}-{month}-{n:05}"))
            .await
            .unwrap()
        {
            Some(c) => out.push(c),
            None => break,
        }
    }
    assert!(!out.is_empty(), "the demo has {prefix} cases");
    out
}

fn value<'a>(body: &'a Value, indicator: &str, area: &str, period: &str) -> &'a Value {
    body["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["indicator"] == indicator && v["area"] == area && v["period"] == period)
        .unwrap_or_else(|| panic!("no value of {indicator} for {area} in {period}"))
}

/// The financial year of last month, as the outcomes framework labels it.
fn fy_label() -> String {
    let m = last_month();
    let start = if m.month() >= 4 {
        m.year()
    } else {
        m.year() - 1
    };
    format!("{start}/{:02}", (start + 1) % 100)
}

async fn outcomes(app: &TestApp) -> Value {
    let (status, body) = app.get_json(&format!("/api/v1/icbs/{ICB}/outcomes")).await;
    assert_eq!(status, 200);
    body
}

async fn an_analyst_refreshes_programme_measures_into_the_outcomes_framework(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    // The button is for analysts only.
    let officer = sign_in(&app, &email("case-worker", "great-yarmouth")).await;
    let (_, page) = get_text(&app, &officer, "/programmes/district-direct").await;
    assert!(!page.contains("refresh-measures"));
    let r = officer
        .post(app.url("/programmes/district-direct/measures/refresh"))
        .form(&[("csrf", csrf_in(&page))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);

    let analyst = sign_in(&app, &email("analyst", "icb")).await;
    let (status, page) = get_text(&app, &analyst, "/programmes/district-direct").await;
    assert_eq!(status, 200);
    assert!(page.contains("id=\"refresh-measures\""), "{page}");
    let r = analyst
        .post(app.url("/programmes/district-direct/measures/refresh"))
        .form(&[("csrf", csrf_in(&page))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        to.starts_with("/programmes/district-direct?refreshed="),
        "{to}"
    );
    let (_, page) = get_text(&app, &analyst, &to).await;
    assert!(page.contains("id=\"measures-refreshed\""));

    let body = outcomes(&app).await;
    let dictionary = body["data_dictionary"].as_array().unwrap();
    let entry = |code: &str| {
        dictionary
            .iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("{code} is in the data dictionary"))
    };
    assert_eq!(entry("district-direct.bed_days_saved")["method"], "count");
    assert!(entry("district-direct.bed_days_saved")["source"]
        .as_str()
        .unwrap()
        .contains("District Direct"));
    assert_eq!(
        entry("waiting-well.unmet_needs_share")["method"],
        "proportion"
    );
    assert_eq!(
        entry("district-direct.bed_days_saved.fy")["unit"],
        "bed days"
    );
    let icb = GssCode::parse(ICB).unwrap();
    let disclosure = app.store.disclosure(&icb).await.unwrap();
    let period = last_month().format("%Y-%m").to_string();

    // Bed days saved in Great Yarmouth last month: the sum of what the store recorded at each
    // discharge (by the rule applied when the patient went home), published as the rule says.
    let saved: i64 = demo_cases(&app, "DD")
        .await
        .iter()
        .filter(|c| c.summary.district.as_deref() == Some(YARMOUTH))
        .filter(|c| {
            c.summary
                .discharged_on
                .as_deref()
                .is_some_and(|d| d.starts_with(&period))
        })
        .map(|c| c.summary.bed_days_saved.unwrap_or(0))
        .sum();
    assert!(saved > 0);
    let v = value(&body, "district-direct.bed_days_saved", YARMOUTH, &period);
    let published = disclosure.publish_count(Some(saved as f64));
    assert_eq!(v["count"].as_u64(), published);
    assert_eq!(v["value"].as_f64(), published.map(|p| p as f64));
    assert!(v["lower_95"].is_null(), "a total has no interval");

    // The unmet-needs share: of people first reached last month (the first event that left
    // the case contacted), those whose needs assessment found a need.
    let (mut reached, mut with_needs) = (0u64, 0u64);
    for c in demo_cases(&app, "WW").await {
        if c.summary.district.as_deref() != Some(YARMOUTH) {
            continue;
        }
        let first = c
            .events
            .iter()
            .find(|e| e.state_after == CaseState::Contacted);
        if first.is_some_and(|e| e.at.starts_with(&period)) {
            reached += 1;
            with_needs += u64::from(!c.status.needs.is_empty());
        }
    }
    assert!(reached > 0);
    let v = value(&body, "waiting-well.unmet_needs_share", YARMOUTH, &period);
    let (n, d) = (Some(with_needs as f64), Some(reached as f64));
    if disclosure.withholds(n) || disclosure.withholds(d) {
        // A share of a withheld count is withheld with it.
        assert_eq!(v["suppressed"], true);
        assert!(v["value"].is_null() && v["count"].is_null() && v["denominator"].is_null());
    } else {
        let (n, d) = (
            disclosure.publish_count(n).unwrap(),
            disclosure.publish_count(d).unwrap(),
        );
        assert_eq!(
            (v["count"].as_u64(), v["denominator"].as_u64()),
            (Some(n), Some(d))
        );
        let want = proportion(n as f64, d as f64, ConfidenceLevel::NINETY_FIVE, 100.0).unwrap();
        assert_eq!(v["value"].as_f64(), Some(want.value));
    }
    // Over the whole financial year to date for the system, the share is published.
    let system = value(&body, "waiting-well.unmet_needs_share.fy", ICB, &fy_label());
    assert!(system["value"].as_f64().is_some(), "{system}");

    // The dashboard shows them under their theme.
    let (status, dashboard) = app.get_text(&format!("/icbs/{ICB}/outcomes")).await;
    assert_eq!(status, 200);
    assert!(dashboard.contains("Place-based programmes"));
    assert!(dashboard.contains("District Direct: Bed days saved (month)"));
    assert!(dashboard.contains("Waiting Well: Share of people contacted with unmet needs"));
}

async fn a_refresh_replaces_the_values_and_keeps_one_definition_version(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let today = Utc::now().date_naive();
    // The demo install already refreshed once; the same data gives the same definitions.
    let again = app
        .store
        .refresh_programme_measures(today, "test")
        .await
        .unwrap();
    assert_eq!(again.new_definition_versions, 0);
    assert!(again.values > 0);
    let code = goldthread_domain::outcomes::indicator::IndicatorCode::parse(
        "district-direct.bed_days_saved",
    )
    .unwrap();
    assert_eq!(
        app.store
            .indicator_definition_history(&code)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(again
        .not_computed
        .iter()
        .any(|(p, m, _)| p == "district-direct" && m == "bed_days_value"));
}

async fn a_shared_outcome_can_be_measured_by_a_programme_measure(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let admin = sign_in(&app, &email("system-administrator", "icb")).await;
    let path = format!("/icbs/{ICB}/outcomes/manage/outcomes/new");
    let (status, page) = get_text(&app, &admin, &path).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("value=\"district-direct.bed_days_saved\""),
        "the indicator is offered"
    );
    let before = outcomes(&app).await;
    let accountable = before["outcomes"][0]["accountable"]["organisation"]
        .as_str()
        .unwrap()
        .to_owned();
    let board = before["outcomes"][0]["accountable"]["board"]
        .as_str()
        .unwrap()
        .to_owned();
    let ambition = before["outcomes"][0]["ambition"]
        .as_str()
        .unwrap()
        .to_owned();
    let period = last_month().format("%Y-%m").to_string();
    let fields = vec![
        ("key", "dd-bed-days-yarmouth".to_owned()),
        ("title", "More bed days saved in Great Yarmouth".to_owned()),
        ("theme", "Place-based programmes".to_owned()),
        ("ambition", ambition),
        ("indicator", "district-direct.bed_days_saved".to_owned()),
        ("area", YARMOUTH.to_owned()),
        ("sex", "Persons".to_owned()),
        ("baseline_period", period.clone()),
        ("baseline_value", "1".to_owned()),
        ("target_period", "2030-03".to_owned()),
        ("target_value", "100000".to_owned()),
        ("accountable", accountable),
        ("board", board),
        ("review_dates", String::new()),
        ("trajectory", String::new()),
        (
            "reason",
            "District Direct measured on the framework".to_owned(),
        ),
        ("csrf", csrf_in(&page)),
    ];
    let r = admin
        .post(app.url(&path))
        .form(&fields)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    assert_eq!(status, 303, "{}", r.text().await.unwrap_or_default());
    let after = outcomes(&app).await;
    let o = after["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["key"] == "dd-bed-days-yarmouth")
        .expect("the outcome is stored");
    assert_eq!(o["latest"]["period"]["label"], period.as_str());
    let published = value(&after, "district-direct.bed_days_saved", YARMOUTH, &period);
    assert_eq!(o["latest"]["value"], published["value"]);
}

on_both_backends!(
    an_analyst_refreshes_programme_measures_into_the_outcomes_framework,
    a_refresh_replaces_the_values_and_keeps_one_definition_version,
    a_shared_outcome_can_be_measured_by_a_programme_measure,
);
