//! `calculate_dsr` against `testresults_DSR` (12 rows): ESP 2013 areas, the ESP 1976 case and
//! the non-independent-events case.

mod common;

use common::*;
use goldthread_stats::esp::{esp2013_for_start_ages, start_age_from_label};
use goldthread_stats::{
    directly_standardised_rate, directly_standardised_rate_non_independent, ConfidenceLevel, Dsr,
    EventFrequencyBand, PeopleWithEvents, StandardisationBand,
};

const LEVELS: [(ConfidenceLevel, &str); 2] = [
    (ConfidenceLevel::NINETY_FIVE, "95_0"),
    (ConfidenceLevel::NINETY_NINE_POINT_EIGHT, "99_8"),
];

fn results() -> Vec<Row> {
    let rows = read_csv(phe_dir().join("testdata_DSR_ISR__testresults_DSR.csv"));
    assert_eq!(rows.len(), 12);
    rows
}

/// The 19-band ESP 2013 weights from the shared file, in file order.
fn esp2013_19() -> Vec<f64> {
    read_csv(shared_dir().join("data/methods/esp2013_19band.csv"))
        .iter()
        .map(|r| req(r, "esp2013"))
        .collect()
}

fn multiplier_of(row: &Row) -> f64 {
    let statistic = &row["statistic"];
    if statistic.ends_with("per 10000") {
        1e4
    } else if statistic.ends_with("per 100000") || statistic.contains("NA for total count") {
        1e5
    } else {
        panic!("unexpected statistic {statistic:?}")
    }
}

/// Bands of one area, in file order, with the standard population matched by position as
/// PHEindicatormethods does (a missing count is zero).
fn bands_by_area(rows: &[Row], area: &str, standard: &[f64]) -> Vec<StandardisationBand> {
    let bands: Vec<StandardisationBand> = rows
        .iter()
        .filter(|r| r["area"] == area)
        .zip(standard)
        .map(|(r, w)| StandardisationBand {
            count: num(r, "count").unwrap_or(0.0),
            population: req(r, "pop"),
            standard_population: *w,
        })
        .collect();
    assert_eq!(bands.len(), standard.len(), "{area}: one row per band");
    bands
}

/// Checks the totals and the value; the limits are checked by the callers.
fn check_row(what: &str, got: &Dsr, expected: &Row) {
    assert_close(
        &format!("{what} total count"),
        got.total_count,
        req(expected, "total_count"),
    );
    assert_close(
        &format!("{what} total pop"),
        got.total_population,
        req(expected, "total_pop"),
    );
    let Some(estimate) = got.estimate else {
        assert_eq!(
            num(expected, "value"),
            None,
            "{what}: we withheld a value the reference gives"
        );
        return;
    };
    assert_close(
        &format!("{what} value"),
        estimate.value,
        req(expected, "value"),
    );
}

#[test]
fn esp2013_dsrs_match_per_10000_and_per_100000() {
    let data = read_csv(phe_dir().join("testdata_DSR_ISR__testdata_multiarea.csv"));
    let standard = esp2013_19();
    let mut checked = 0;
    for (i, expected) in results().iter().enumerate() {
        let area = expected["area"].as_str();
        if !["testdata_big", "testdata_small", "testdata_tiny"].contains(&area) {
            continue;
        }
        let bands = bands_by_area(&data, area, &standard);
        for (level, suffix) in LEVELS {
            let got = directly_standardised_rate(&bands, level, multiplier_of(expected)).unwrap();
            let what = format!("results line {} ({area}) at {level}", i + 2);
            check_row(&what, &got, expected);
            if let Some(e) = got.estimate {
                assert_close_opt(
                    &format!("{what} lower"),
                    e.lower,
                    num(expected, &format!("lower{suffix}cl")),
                );
                assert_close_opt(
                    &format!("{what} upper"),
                    e.upper,
                    num(expected, &format!("upper{suffix}cl")),
                );
            } else {
                // testdata_tiny: total count 9 < 10, so PHEindicatormethods gives NA.
                assert!(got.total_count < 10.0);
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 12, "rows 1-3 and 5-7, two levels each");
}

#[test]
fn esp2013_weights_from_band_labels_equal_the_positional_ones() {
    // The test data labels 55-59 as "55-69"; matching on the start age still finds 55-59.
    let data = read_csv(phe_dir().join("testdata_DSR_ISR__testdata_multiarea.csv"));
    let labels: Vec<u32> = data
        .iter()
        .filter(|r| r["area"] == "testdata_big")
        .map(|r| start_age_from_label(&r["ageband"]).unwrap())
        .collect();
    let weights: Vec<f64> = esp2013_for_start_ages(&labels)
        .unwrap()
        .into_iter()
        .map(f64::from)
        .collect();
    assert_eq!(weights, esp2013_19());
}

/// Known fault in the reference sheet (see shared/data/methods/PROVENANCE.md): for
/// testdata_1976 (ESP 1976) the 99.8% limits in `testresults_DSR` are ten times too large, a
/// spreadsheet slip; the R tests compare only the first six columns of that row. We check the
/// value and 95% limits as usual, and assert that the sheet's 99.8% limits are exactly ten
/// times ours, so the test fails if either our numbers or the sheet change.
#[test]
fn esp1976_dsr_matches_and_the_sheets_99_8_limits_are_ten_times_too_large() {
    let data = read_csv(phe_dir().join("testdata_DSR_ISR__testdata_1976.csv"));
    let bands: Vec<StandardisationBand> = data
        .iter()
        .map(|r| StandardisationBand {
            count: req(r, "count"),
            population: req(r, "pop"),
            standard_population: req(r, "esp1976"),
        })
        .collect();
    let results = results();
    let rows: Vec<(usize, &Row)> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r["area"] == "testdata_1976")
        .collect();
    assert_eq!(rows.len(), 2, "rows 4 and 8");
    for (i, expected) in rows {
        let what = format!("results line {} (testdata_1976)", i + 2);
        let multiplier = multiplier_of(expected);
        let at95 =
            directly_standardised_rate(&bands, ConfidenceLevel::NINETY_FIVE, multiplier).unwrap();
        check_row(&what, &at95, expected);
        let e95 = at95.estimate.unwrap();
        assert_close(
            &format!("{what} lower 95"),
            e95.lower.unwrap(),
            req(expected, "lower95_0cl"),
        );
        assert_close(
            &format!("{what} upper 95"),
            e95.upper.unwrap(),
            req(expected, "upper95_0cl"),
        );

        let at998 = directly_standardised_rate(
            &bands,
            ConfidenceLevel::NINETY_NINE_POINT_EIGHT,
            multiplier,
        )
        .unwrap();
        let e998 = at998.estimate.unwrap();
        assert_close(
            &format!("{what} lower 99.8 x 10"),
            10.0 * e998.lower.unwrap(),
            req(expected, "lower99_8cl"),
        );
        assert_close(
            &format!("{what} upper 99.8 x 10"),
            10.0 * e998.upper.unwrap(),
            req(expected, "upper99_8cl"),
        );
    }
}

#[test]
fn non_independent_event_dsrs_match() {
    let data = read_csv(phe_dir().join("testdata_DSR_ISR__testdata_nonindepe.csv"));
    let standard = esp2013_19();
    let mut checked = 0;
    for (i, expected) in results().iter().enumerate() {
        let area = expected["area"].as_str();
        if !area.starts_with("testdata_nonind") {
            continue;
        }
        let bands: Vec<EventFrequencyBand> = data
            .iter()
            .filter(|r| r["area"] == area)
            .zip(&standard)
            .map(|(r, w)| EventFrequencyBand {
                population: req(r, "pop"),
                standard_population: *w,
                people_by_frequency: (1..=4)
                    .map(|f| PeopleWithEvents {
                        events_per_person: f as f64,
                        people: num(r, &format!("f{f}")).unwrap_or(0.0),
                    })
                    .collect(),
            })
            .collect();
        assert_eq!(bands.len(), 19, "{area}");
        for (level, suffix) in LEVELS {
            let got = directly_standardised_rate_non_independent(&bands, level, 1e5).unwrap();
            let what = format!("results line {} ({area}) at {level}", i + 2);
            check_row(&what, &got, expected);
            if let Some(e) = got.estimate {
                assert_close_opt(
                    &format!("{what} lower"),
                    e.lower,
                    num(expected, &format!("lower{suffix}cl")),
                );
                assert_close_opt(
                    &format!("{what} upper"),
                    e.upper,
                    num(expected, &format!("upper{suffix}cl")),
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 8, "rows 9-12, two levels each");
}
