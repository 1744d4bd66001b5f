//! `phe_mean` against the reference sheets: per area, and over all rows ("No grouping").

mod common;

use common::*;
use goldthread_stats::{mean, ConfidenceLevel};

#[test]
fn means_match_by_area_and_overall() {
    let values = read_csv(phe_dir().join("testdata_Mean__testdata_Mean.csv"));
    let results = read_csv(phe_dir().join("testdata_Mean__testdata_Mean_results.csv"));
    assert_eq!(results.len(), 3);
    for expected in &results {
        let area = expected["area"].as_str();
        let sample: Vec<f64> = values
            .iter()
            .filter(|r| area == "No grouping" || r["area"] == area)
            .map(|r| req(r, "values"))
            .collect();
        for (level, suffix) in [
            (ConfidenceLevel::NINETY_FIVE, "95_0"),
            (ConfidenceLevel::NINETY_NINE_POINT_EIGHT, "99_8"),
        ] {
            let got = mean(&sample, level).unwrap();
            let what = format!("{area} at {level}");
            assert_close(&format!("{what} sum"), got.sum, req(expected, "value_sum"));
            assert_eq!(
                got.count as f64,
                req(expected, "value_count"),
                "{what} count"
            );
            assert_close(
                &format!("{what} sd"),
                got.standard_deviation.unwrap(),
                req(expected, "stdev"),
            );
            assert_close(
                &format!("{what} mean"),
                got.estimate.value,
                req(expected, "value"),
            );
            assert_close_opt(
                &format!("{what} lower"),
                got.estimate.lower,
                num(expected, &format!("lower{suffix}cl")),
            );
            assert_close_opt(
                &format!("{what} upper"),
                got.estimate.upper,
                num(expected, &format!("upper{suffix}cl")),
            );
        }
    }
}

#[test]
fn a_single_value_has_a_mean_but_no_interval() {
    let got = mean(&[4.0], ConfidenceLevel::NINETY_FIVE).unwrap();
    assert_eq!(got.estimate.value, 4.0);
    assert_eq!(
        (
            got.standard_deviation,
            got.estimate.lower,
            got.estimate.upper
        ),
        (None, None, None)
    );
}

#[test]
fn the_t_interval_of_two_values_is_the_textbook_one() {
    // Values 0 and 2: mean 1, sd sqrt(2), se 1; t(0.975, 1) = tan(0.475 pi) = 12.7062...
    let got = mean(&[0.0, 2.0], ConfidenceLevel::NINETY_FIVE).unwrap();
    let t = (0.475 * std::f64::consts::PI).tan();
    assert_close("upper", got.estimate.upper.unwrap(), 1.0 + t);
    assert_close("lower", got.estimate.lower.unwrap(), 1.0 - t);
}
