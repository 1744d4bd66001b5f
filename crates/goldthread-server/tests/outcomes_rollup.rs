//! Results roll up from local to place to system: a council split between ICBs contributes its
//! LSOA share of its counts (East Suffolk, 49.7% in Norfolk and Waveney), not all of them, and
//! the published value is computed from the counts after disclosure control. Filters by
//! district and theme keep a district's results with the place and system they roll up into.

use std::collections::BTreeMap;

use goldthread_domain::geography::ReferenceGeography;
use goldthread_domain::outcomes::disclosure::DisclosureSetting;
use goldthread_domain::GssCode;
use goldthread_stats::ConfidenceLevel;
use goldthread_store::Backend;
use goldthread_testkit::{on_both_backends, TestApp};
use serde_json::Value;

const ICB: &str = "E54000022";
const EAST_SUFFOLK: &str = "E07000244";
const SUFFOLK: &str = "E10000029";
const MONTH: &str = "2025-03";

/// The demo's own counts for the month, by district, and East Suffolk's share in the ICB from
/// the shipped geography.
fn raw_counts() -> (BTreeMap<String, (f64, f64)>, f64) {
    let counts = goldthread_demo::outcomes::local::values()
        .into_iter()
        .filter(|v| v.period.label == MONTH)
        .map(|v| {
            (
                v.area.to_string(),
                (v.count.unwrap(), v.denominator.unwrap()),
            )
        })
        .collect();
    let geo = ReferenceGeography::england_2024();
    let share = geo
        .icb_shares_of(&GssCode::parse(EAST_SUFFOLK).unwrap())
        .into_iter()
        .find(|s| s.icb.as_str() == ICB)
        .expect("East Suffolk is partly in Norfolk and Waveney")
        .share();
    (counts, share)
}

fn row<'a>(body: &'a Value, area: &str) -> &'a Value {
    body["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["indicator"] == "NW-QUITS-4WK" && v["area"] == area && v["period"] == MONTH)
        .unwrap_or_else(|| panic!("no {MONTH} value for {area}"))
}

/// What the rule publishes for a rolled-up sum, and the value computed from those counts.
fn expected(count: f64, denominator: f64) -> (u64, u64, f64) {
    let rule = DisclosureSetting::default();
    let c = rule.publish_count(Some(count.round())).unwrap();
    let n = rule.publish_count(Some(denominator.round())).unwrap();
    let value =
        goldthread_stats::proportion(c as f64, n as f64, ConfidenceLevel::NINETY_FIVE, 100.0)
            .unwrap()
            .value;
    (c, n, value)
}

async fn a_split_council_contributes_its_share_and_values_come_from_published_counts(
    backend: Backend,
) {
    let app = TestApp::with_demo(backend).await;
    let (status, body) = app.get_json(&format!("/api/v1/icbs/{ICB}/outcomes")).await;
    assert_eq!(status, 200);
    let (counts, share) = raw_counts();
    assert!(
        (share - 0.497).abs() < 0.001,
        "East Suffolk's share is {share}"
    );
    assert_eq!(counts.len(), 8);

    // The system: every Norfolk district whole, East Suffolk at its share.
    let (mut c, mut n) = (0.0, 0.0);
    for (area, (count, den)) in &counts {
        let s = if area == EAST_SUFFOLK { share } else { 1.0 };
        c += count * s;
        n += den * s;
    }
    let system = row(&body, ICB);
    let (pc, pn, value) = expected(c, n);
    assert_eq!(system["count"], pc);
    assert_eq!(system["denominator"], pn);
    assert!(
        (system["value"].as_f64().unwrap() - value).abs() < 1e-9,
        "{system}"
    );
    // Not all of East Suffolk: the whole sum would be far off.
    let whole: f64 = counts.values().map(|x| x.1).sum();
    assert!(whole - n > 20.0, "East Suffolk's other half is left out");

    // Suffolk as a place in this ICS is only the Waveney half of East Suffolk.
    let (es_count, es_den) = counts[EAST_SUFFOLK];
    let place = row(&body, SUFFOLK);
    let (pc, pn, value) = expected(es_count * share, es_den * share);
    assert_eq!(
        (place["count"].as_u64(), place["denominator"].as_u64()),
        (Some(pc), Some(pn))
    );
    assert!((place["value"].as_f64().unwrap() - value).abs() < 1e-9);

    // A district's own value is computed from its published counts too.
    let es = row(&body, EAST_SUFFOLK);
    let (pc, pn, value) = expected(es_count, es_den);
    assert_eq!(
        (es["count"].as_u64(), es["denominator"].as_u64()),
        (Some(pc), Some(pn))
    );
    assert!((es["value"].as_f64().unwrap() - value).abs() < 1e-9);
}

async fn filters_keep_a_district_with_its_place_and_system(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (status, body) = app
        .get_json(&format!(
            "/api/v1/icbs/{ICB}/outcomes?district={EAST_SUFFOLK}&theme=Healthy+lives"
        ))
        .await;
    assert_eq!(status, 200);
    let values = body["values"].as_array().unwrap();
    let mut areas: Vec<&str> = values
        .iter()
        .filter(|v| v["indicator"] == "NW-QUITS-4WK")
        .map(|v| v["area"].as_str().unwrap())
        .collect();
    areas.sort();
    areas.dedup();
    assert_eq!(areas, [EAST_SUFFOLK, SUFFOLK, ICB]);
    assert!(
        values.iter().all(|v| v["indicator"] != "NW-FUEL-POVERTY"),
        "the theme filter leaves out wider determinants"
    );
    let (_, csv) = app
        .get_text(&format!(
            "/icbs/{ICB}/outcomes/indicators.csv?district={EAST_SUFFOLK}&theme=Healthy+lives"
        ))
        .await;
    assert!(
        csv.contains("LSOA share: East Suffolk at 49.7%"),
        "the roll-up says how"
    );
    assert!(!csv.contains("E07000148"), "no other district");
}

on_both_backends!(
    a_split_council_contributes_its_share_and_values_come_from_published_counts,
    filters_keep_a_district_with_its_place_and_system,
);
