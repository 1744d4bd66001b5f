//! Byar's and Wilson limits against PHEindicatormethods' `testdata_B_W` sheet (13 rows).

mod common;

use common::*;
use goldthread_stats::{byars_lower, byars_upper, wilson_limits, ConfidenceLevel};

#[test]
fn byars_and_wilson_match_the_reference_sheet() {
    let rows = read_csv(phe_dir().join("testdata_Byars_Wilson__testdata_B_W.csv"));
    assert_eq!(rows.len(), 13, "the sheet has 13 rows");
    let (mut byars, mut wilson) = (0, 0);
    for (i, row) in rows.iter().enumerate() {
        let line = i + 2;
        let confidence: ConfidenceLevel = row["confidence"].parse().unwrap();
        let x = req(row, "x");
        let expected_lower = num(row, "lowercl");
        let expected_upper = req(row, "uppercl");
        match row["method"].as_str() {
            "Byars" => {
                let lower = byars_lower(x, confidence).unwrap();
                let upper = byars_upper(x, confidence).unwrap();
                // Row 13 (x = 1 at 99.8%): the formula goes negative and R reports NA.
                assert_close_opt(&format!("line {line} Byar's lower"), lower, expected_lower);
                assert_close(&format!("line {line} Byar's upper"), upper, expected_upper);
                byars += 1;
            }
            "Wilson" => {
                let (lower, upper) = wilson_limits(x, req(row, "n"), confidence).unwrap();
                assert_close(
                    &format!("line {line} Wilson lower"),
                    lower,
                    expected_lower.unwrap(),
                );
                assert_close(&format!("line {line} Wilson upper"), upper, expected_upper);
                wilson += 1;
            }
            other => panic!("line {line}: unknown method {other}"),
        }
    }
    assert_eq!((byars, wilson), (7, 6));
}

#[test]
fn byars_lower_is_missing_not_negative_for_one_event_at_99_8() {
    let lower = byars_lower(1.0, ConfidenceLevel::NINETY_NINE_POINT_EIGHT).unwrap();
    assert_eq!(lower, None);
}

#[test]
fn wilson_rejects_numerator_above_denominator() {
    let err = wilson_limits(11.0, 10.0, ConfidenceLevel::NINETY_FIVE).unwrap_err();
    assert!(
        err.to_string()
            .contains("numerator 11 is larger than denominator 10"),
        "{err}"
    );
}
