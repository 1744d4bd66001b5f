//! `calculate_ISRate` and `calculate_ISRatio` against `testresults_ISR` (16 rows).

mod common;

use common::*;
use goldthread_stats::{
    indirectly_standardised_rate, indirectly_standardised_ratio, observed_and_expected,
    reference_rate, ConfidenceLevel, Isr, IsrBand,
};

/// What a results row asks for, read from its `statistic` column.
enum Kind {
    RatePer(f64),
    RatioTimes(f64),
}

fn kind(statistic: &str) -> Kind {
    let number = |s: &str| -> f64 { s.trim().parse().unwrap() };
    if let Some(rest) = statistic.strip_prefix("indirectly standardised rate per ") {
        Kind::RatePer(number(rest))
    } else if let Some(rest) = statistic.strip_prefix("indirectly standardised ratio x ") {
        Kind::RatioTimes(number(rest))
    } else {
        panic!("unexpected statistic {statistic:?}")
    }
}

/// An area's bands from `file`, with the reference data joined by position, as the R tests do.
fn bands(file: &str, area: &str) -> Vec<IsrBand> {
    let reference = read_csv(phe_dir().join("testdata_DSR_ISR__refdata.csv"));
    let data = read_csv(phe_dir().join(file));
    let bands: Vec<IsrBand> = data
        .iter()
        .filter(|r| r["area"] == area)
        .zip(&reference)
        .map(|(r, refrow)| IsrBand {
            observed: num(r, "count").unwrap_or(0.0),
            population: num(r, "pop").unwrap_or(0.0),
            reference_count: num(refrow, "refcount").unwrap_or(0.0),
            reference_population: req(refrow, "refpop"),
        })
        .collect();
    assert_eq!(bands.len(), 19, "{file} {area}");
    bands
}

fn compute(bands: &[IsrBand], kind: &Kind, level: ConfidenceLevel) -> Isr {
    let (observed, expected) = observed_and_expected(bands).unwrap();
    match kind {
        Kind::RatePer(m) => {
            let rate = reference_rate(bands, *m).unwrap();
            indirectly_standardised_rate(observed, expected, rate, level).unwrap()
        }
        Kind::RatioTimes(m) => {
            indirectly_standardised_ratio(observed, expected, level, *m).unwrap()
        }
    }
}

#[test]
fn isrates_and_isratios_match() {
    let results = read_csv(phe_dir().join("testdata_DSR_ISR__testresults_ISR.csv"));
    assert_eq!(results.len(), 16);
    let mut checked = 0;
    for (i, expected) in results.iter().enumerate() {
        let area = expected["area"].as_str();
        // Rows 13-16 use testdata_err2, where Area1 has a zero population in one band.
        let file = if area.starts_with("testdata_") {
            "testdata_DSR_ISR__testdata_multiarea.csv"
        } else {
            "testdata_DSR_ISR__testdata_err2.csv"
        };
        let bands = bands(file, area);
        let kind = kind(&expected["statistic"]);
        if let Kind::RatePer(m) = kind {
            assert_close(
                &format!("line {} ref rate", i + 2),
                reference_rate(&bands, m).unwrap(),
                req(expected, "ref_rate"),
            );
        }
        for (level, suffix) in [
            (ConfidenceLevel::NINETY_FIVE, "95_0"),
            (ConfidenceLevel::NINETY_NINE_POINT_EIGHT, "99_8"),
        ] {
            let Some(lower) = num(expected, &format!("lower{suffix}cl")) else {
                continue; // rows 13-16 give only 95% limits
            };
            let got = compute(&bands, &kind, level);
            let what = format!("line {} ({area}) at {level}", i + 2);
            assert_close(
                &format!("{what} observed"),
                got.observed,
                req(expected, "observed"),
            );
            assert_close(
                &format!("{what} expected"),
                got.expected,
                req(expected, "expected"),
            );
            assert_close(
                &format!("{what} value"),
                got.estimate.value,
                req(expected, "value"),
            );
            assert_close(&format!("{what} lower"), got.estimate.lower.unwrap(), lower);
            assert_close(
                &format!("{what} upper"),
                got.estimate.upper.unwrap(),
                req(expected, &format!("upper{suffix}cl")),
            );
            assert_eq!(got.method.label(), expected["method"], "{what} method");
            checked += 1;
        }
    }
    assert_eq!(checked, 28, "12 rows at two levels and 4 at 95%");
}

#[test]
fn reference_columns_in_the_data_give_the_same_expected_counts() {
    // testdata_multiarea_isr carries refcount/refpop as columns (R's refpoptype = "field");
    // its tiny area has an empty population and reference count in one band, read as zero.
    let data = read_csv(phe_dir().join("testdata_DSR_ISR__testdata_multiarea_isr.csv"));
    let lookup = read_csv(phe_dir().join("testdata_DSR_ISR__testdata_multiarea_lookup.csv"));
    for totals in &lookup {
        let area = totals["area"].as_str();
        let own: Vec<IsrBand> = data
            .iter()
            .filter(|r| r["area"] == area)
            .map(|r| IsrBand {
                observed: num(r, "count").unwrap_or(0.0),
                population: num(r, "pop").unwrap_or(0.0),
                reference_count: num(r, "refcount").unwrap_or(0.0),
                reference_population: req(r, "refpop"),
            })
            .collect();
        let (observed, expected) = observed_and_expected(&own).unwrap();
        let (_, expected_by_vector) =
            observed_and_expected(&bands("testdata_DSR_ISR__testdata_multiarea.csv", area))
                .unwrap();
        assert_close(&format!("{area} expected"), expected, expected_by_vector);
        assert_close(
            &format!("{area} observed total"),
            observed,
            req(totals, "total_count"),
        );
    }
}

#[test]
fn a_missing_reference_population_is_an_error() {
    let band = IsrBand {
        observed: 1.0,
        population: 10.0,
        reference_count: 1.0,
        reference_population: 0.0,
    };
    let err = observed_and_expected(&[band]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "reference population must be greater than zero, got 0"
    );
}
