//! `phe_proportion` and `phe_rate` reference sheets: ungrouped (both 95% and 99.8%) and grouped.

mod common;

use common::*;
use goldthread_stats::{crude_rate, proportion, ConfidenceLevel, Estimate};

const LEVELS: [(ConfidenceLevel, &str); 2] = [
    (ConfidenceLevel::NINETY_FIVE, "95_0"),
    (ConfidenceLevel::NINETY_NINE_POINT_EIGHT, "99_8"),
];

fn check(what: &str, got: Estimate, row: &Row, lower: &str, upper: &str) {
    assert_close(&format!("{what} value"), got.value, req(row, "value"));
    assert_close_opt(&format!("{what} lower"), got.lower, num(row, lower));
    assert_close_opt(&format!("{what} upper"), got.upper, num(row, upper));
}

/// Rows with a missing numerator or denominator must have no expected value either.
fn inputs(row: &Row) -> Option<(f64, f64)> {
    match (num(row, "Numerator"), num(row, "Denominator")) {
        (Some(x), Some(n)) => Some((x, n)),
        _ => {
            assert_eq!(
                num(row, "value"),
                None,
                "missing input but a value in {row:?}"
            );
            None
        }
    }
}

#[test]
fn proportions_match_at_both_levels() {
    let rows = read_csv(phe_dir().join("testdata_Proportion__testdata_Prop.csv"));
    let mut checked = 0;
    for (i, row) in rows.iter().enumerate() {
        let Some((x, n)) = inputs(row) else { continue };
        for (level, suffix) in LEVELS {
            let got = proportion(x, n, level, req(row, "multiplier")).unwrap();
            let lower = format!("lower{suffix}cl");
            let upper = format!("upper{suffix}cl");
            check(
                &format!("line {} at {level}", i + 2),
                got,
                row,
                &lower,
                &upper,
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 32, "16 rows with inputs, two levels each");
}

#[test]
fn grouped_proportions_match() {
    let rows = read_csv(phe_dir().join("testdata_Proportion__testdata_Prop_g.csv"));
    let mut checked = 0;
    for (i, row) in rows.iter().enumerate() {
        let Some((x, n)) = inputs(row) else { continue };
        let level: ConfidenceLevel = row["confidence"].parse().unwrap();
        let got = proportion(x, n, level, req(row, "multiplier")).unwrap();
        check(&format!("line {}", i + 2), got, row, "lowercl", "uppercl");
        checked += 1;
    }
    assert_eq!(checked, 8);
}

#[test]
fn rates_match_at_both_levels_with_exact_below_ten() {
    let rows = read_csv(phe_dir().join("testdata_Rate__testdata_Rate.csv"));
    let mut checked = 0;
    for (i, row) in rows.iter().enumerate() {
        let Some((x, n)) = inputs(row) else { continue };
        for (level, suffix) in LEVELS {
            let got = crude_rate(x, n, level, req(row, "multiplier")).unwrap();
            assert_eq!(got.method.label(), row["method"], "line {}", i + 2);
            let lower = format!("lower{suffix}cl");
            let upper = format!("upper{suffix}cl");
            check(
                &format!("line {} at {level}", i + 2),
                got.estimate,
                row,
                &lower,
                &upper,
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 34, "17 rows with inputs, two levels each");
}

#[test]
fn grouped_rates_match() {
    let rows = read_csv(phe_dir().join("testdata_Rate__testdata_Rate_g.csv"));
    let mut checked = 0;
    for (i, row) in rows.iter().enumerate() {
        let Some((x, n)) = inputs(row) else { continue };
        let level: ConfidenceLevel = row["confidence"].parse().unwrap();
        let got = crude_rate(x, n, level, req(row, "multiplier")).unwrap();
        assert_eq!(got.method.label(), row["method"], "line {}", i + 2);
        check(
            &format!("line {}", i + 2),
            got.estimate,
            row,
            "lowercl",
            "uppercl",
        );
        checked += 1;
    }
    assert_eq!(checked, 9);
}

#[test]
fn a_rate_can_exceed_its_population_but_a_proportion_cannot() {
    // Events can repeat (250 admissions among 220 people); a proportion's numerator cannot.
    assert!(crude_rate(250.0, 220.0, ConfidenceLevel::NINETY_FIVE, 1e5).is_ok());
    assert!(proportion(250.0, 220.0, ConfidenceLevel::NINETY_FIVE, 1.0).is_err());
}

#[test]
fn bad_inputs_say_what_was_wrong() {
    let err = crude_rate(-1.0, 100.0, ConfidenceLevel::NINETY_FIVE, 1e5).unwrap_err();
    assert_eq!(err.to_string(), "numerator must be zero or more, got -1");
    let err = crude_rate(1.0, 0.0, ConfidenceLevel::NINETY_FIVE, 1e5).unwrap_err();
    assert_eq!(
        err.to_string(),
        "denominator must be greater than zero, got 0"
    );
}
