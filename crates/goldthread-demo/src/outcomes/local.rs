//! One local indicator from partners' own counts: four-week quits among people setting a quit
//! date with the stop-smoking service, by district and month. The counts are illustrative
//! (made up for the demo, not real data); goldthread computes each value and its Wilson
//! interval from them, as it would from a partner's return.

use goldthread_domain::outcomes::indicator::{
    BenchmarkMethod, IndicatorCode, IndicatorDefinition, IndicatorValue, Period, Sex, ValueMethod,
};
use goldthread_domain::GssCode;
use goldthread_stats::Polarity;
use goldthread_store::{Store, StoreError};

use super::DEMO_AUTHOR;

/// The local indicator's code.
pub const QUITS: &str = "NW-QUITS-4WK";

/// Districts with their monthly quit dates set (roughly in proportion to adult smokers).
const DISTRICTS: [(&str, &str, f64); 8] = [
    ("E07000143", "Breckland", 62.0),
    ("E07000144", "Broadland", 41.0),
    ("E07000145", "Great Yarmouth", 70.0),
    ("E07000146", "King's Lynn and West Norfolk", 66.0),
    ("E07000147", "North Norfolk", 34.0),
    ("E07000148", "Norwich", 88.0),
    ("E07000149", "South Norfolk", 39.0),
    ("E07000244", "East Suffolk", 72.0),
];

fn definition() -> IndicatorDefinition {
    IndicatorDefinition {
        code: IndicatorCode::parse(QUITS).expect("valid code"),
        version: 1,
        name: "Smokers setting a quit date who had quit at four weeks".into(),
        definition: "Numerator: people who set a quit date with the stop-smoking service and \
                     self-reported not smoking at four weeks. Denominator: people who set a quit \
                     date in the month. Proportion with Wilson score 95% limits."
            .into(),
        source: "Illustrative demo data (not real): stop-smoking service monthly returns".into(),
        unit: "%".into(),
        theme: "Healthy lives".into(),
        polarity: Polarity::HighIsGood,
        method: ValueMethod::Proportion,
        multiplier: 100.0,
        benchmark: BenchmarkMethod::NoComparison,
        as_of: "2025-04-30".into(),
    }
}

/// A deterministic wobble in [-1, 1], so the demo is the same on every install.
fn wobble(district: usize, month: usize) -> f64 {
    ((district * 31 + month * 17) as f64 * 0.7).sin()
}

/// The monthly values, April 2023 to March 2025.
pub fn values() -> Vec<IndicatorValue> {
    let def = definition();
    let mut out = Vec::new();
    for (d, (code, name, base)) in DISTRICTS.iter().enumerate() {
        for m in 0..24 {
            let (year, month) = (2023 + (m + 3) / 12, (m + 3) % 12 + 1);
            let set = (base * (1.0 + 0.15 * wobble(d, m))).round();
            // Great Yarmouth's new community service from July 2024 lifts its quit rate.
            let lift = if *code == "E07000145" && m >= 15 {
                0.12
            } else {
                0.0
            };
            let rate = 0.52 + lift + 0.05 * wobble(d + 3, m);
            let mut v = IndicatorValue {
                indicator: def.code.clone(),
                area: GssCode::parse(code).expect("valid code"),
                area_name: (*name).to_owned(),
                period: Period::parse(&format!("{year}-{month:02}")).expect("valid period"),
                sex: Sex::Persons,
                value: None,
                lower: None,
                upper: None,
                lower_998: None,
                upper_998: None,
                count: Some((set * rate).round()),
                denominator: Some(set),
                source_call: None,
                note: String::new(),
            };
            v.recompute(&def).expect("counts are valid");
            out.push(v);
        }
    }
    out
}

/// Stores the local indicator.
pub async fn install(store: &Store) -> Result<(), StoreError> {
    store
        .import_indicators(
            &[definition()],
            &values(),
            DEMO_AUTHOR,
            "demo partner returns",
        )
        .await?;
    Ok(())
}
