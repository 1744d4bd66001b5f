//! Importing real Fingertips files from the project's shared reference data (`../shared`
//! beside the workspace, or `GOLDTHREAD_SHARED`), and checking goldthread's recomputed
//! "compared with England" calls against Fingertips' own.

use std::path::PathBuf;

use goldthread_domain::outcomes::agreement::call_agreement;
use goldthread_domain::outcomes::fingertips::{parse_fingertips, FingertipsOptions};
use goldthread_domain::outcomes::indicator::{
    BenchmarkMethod, IndicatorCode, IndicatorDefinition, IndicatorValue, Period, Sex, ValueMethod,
};
use goldthread_domain::outcomes::ImportError;
use goldthread_domain::GssCode;
use goldthread_stats::{Comparison, Polarity};

fn indicators_dir() -> PathBuf {
    let dir = match std::env::var_os("GOLDTHREAD_SHARED") {
        Some(custom) => PathBuf::from(custom),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    }
    .join("data/indicators");
    assert!(
        dir.is_dir(),
        "shared indicator files not found at {}: set GOLDTHREAD_SHARED",
        dir.display()
    );
    dir
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(indicators_dir().join(name)).expect("shared indicator file")
}

fn options(indicator: Option<&str>, polarity: Option<Polarity>) -> FingertipsOptions {
    FingertipsOptions {
        indicator: indicator.map(|c| IndicatorCode::parse(c).unwrap()),
        polarity,
        benchmark: BenchmarkMethod::CiOverlapsReference95,
        as_of: "2020-03-24".into(),
        source: "OHID Fingertips".into(),
        theme: "Long-term conditions".into(),
    }
}

const EXPORT_2020: &str = "fingertips_export_2020-03_district_ua_pre419_prevalence_estimates.csv";

#[test]
fn the_2020_fingertips_export_imports_without_error() {
    let import = parse_fingertips(&read(EXPORT_2020), &options(None, None)).unwrap();
    assert_eq!(import.definitions.len(), 8);
    // Each indicator: England, 9 regions and 324 districts kept; the 10 deprivation-decile
    // rows are inequality breakdowns and are skipped.
    assert_eq!(import.values.len(), 8 * 334);
    assert_eq!(
        import.skipped.get("inequality breakdown (category) rows"),
        Some(&80)
    );
    let norwich = import
        .values
        .iter()
        .find(|v| v.area.as_str() == "E07000148" && v.indicator.as_str() == "92661")
        .unwrap();
    assert!(norwich.value.is_some() && norwich.lower.is_some() && norwich.upper.is_some());
}

#[test]
fn modelled_estimates_are_not_compared_just_as_fingertips_does_not_compare_them() {
    let mut opts = options(None, None);
    opts.benchmark = BenchmarkMethod::NoComparison;
    let import = parse_fingertips(&read(EXPORT_2020), &opts).unwrap();
    let agreement = call_agreement(&import.definitions, &import.values);
    assert_eq!(agreement.compared, 8 * 333);
    assert_eq!(agreement.rate(), 1.0, "{:?}", &agreement.differences[..3]);

    // Comparing them by their 95% intervals anyway gives calls Fingertips never made.
    let import = parse_fingertips(&read(EXPORT_2020), &options(None, None)).unwrap();
    let forced = call_agreement(&import.definitions, &import.values);
    assert!(forced.rate() < 0.5, "agreement {}", forced.rate());
}

#[test]
fn every_district_extract_imports_and_its_calls_reveal_the_polarity() {
    let cases = [
        (
            "trafforddatalab_fingertips_life_expectancy.csv",
            "90366",
            Some(Polarity::HighIsGood),
        ),
        (
            "trafforddatalab_fingertips_healthy_life_expectancy.csv",
            "90362",
            Some(Polarity::HighIsGood),
        ),
        (
            "trafforddatalab_fingertips_inactive_adults.csv",
            "93015",
            Some(Polarity::LowIsGood),
        ),
        (
            "trafforddatalab_fingertips_overweight_adult.csv",
            "93088",
            Some(Polarity::LowIsGood),
        ),
        (
            "trafforddatalab_fingertips_adults_smoking.csv",
            "92443",
            Some(Polarity::LowIsGood),
        ),
        (
            "trafforddatalab_fingertips_mortality_rate.csv",
            "93721",
            Some(Polarity::LowIsGood),
        ),
        (
            "trafforddatalab_fingertips_inequality_life_expectancy.csv",
            "92901",
            None,
        ),
    ];
    for (file, id, implied) in cases {
        let import = parse_fingertips(&read(file), &options(Some(id), None))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let (_, evidence) = &import.polarity_evidence[0];
        assert_eq!(evidence.implied(), implied, "{file}");
        assert_eq!(
            import.definitions[0].polarity,
            implied.unwrap_or(Polarity::NoJudgement)
        );
    }
}

#[test]
fn a_wrong_polarity_in_the_metadata_is_refused() {
    // A proof-of-concept catalogue marks healthy life expectancy "low is good".
    let err = parse_fingertips(
        &read("trafforddatalab_fingertips_healthy_life_expectancy.csv"),
        &options(Some("90362"), Some(Polarity::LowIsGood)),
    )
    .unwrap_err();
    assert!(matches!(err, ImportError::Polarity { .. }), "{err}");
    assert!(err.to_string().contains("HighIsGood"), "{err}");
}

#[test]
fn norwich_men_live_shorter_lives_than_england_as_fingertips_says() {
    let import = parse_fingertips(
        &read("trafforddatalab_fingertips_life_expectancy.csv"),
        &options(Some("90366"), None),
    )
    .unwrap();
    let call = |area: &str| {
        import
            .values
            .iter()
            .find(|v| {
                v.area.as_str() == area && v.period.label == "2023 - 25" && v.sex == Sex::Male
            })
            .map(|v| (v.value, v.source_call))
            .unwrap()
    };
    assert_eq!(call("E07000148"), (Some(78.3), Some(Comparison::Worse)));
    assert_eq!(call("E07000143"), (Some(80.1), Some(Comparison::Similar)));
}

#[test]
fn bad_rows_are_named_by_line_and_reason_and_nothing_is_returned() {
    let mut bytes = read(EXPORT_2020);
    bytes.extend_from_slice(
        b"92659,Hypertension,,,E07000148,Norwich,District,Persons,16+ yrs,,,2015,twelve,,,,,,,,,Not compared,Not compared,20150000,,\n\
          92659,Hypertension,,,NOT-A-CODE,Nowhere,District,Persons,16+ yrs,,,2015,1,,,,,,,,,Not compared,Not compared,20150000,,\n",
    );
    let err = parse_fingertips(&bytes, &options(None, None)).unwrap_err();
    let ImportError::BadRows(rows) = &err else {
        panic!("{err}")
    };
    assert_eq!(rows.len(), 2, "{err}");
    assert_eq!(rows[0].line, 2754);
    assert!(rows[0].reason.contains("Value") && rows[0].reason.contains("twelve"));
    assert_eq!(rows[1].line, 2755);
    assert!(rows[1].reason.contains("Area Code"));
}

#[test]
fn a_row_repeating_another_is_named_with_the_line_it_repeats() {
    let mut bytes = read(EXPORT_2020);
    let first_data_line = String::from_utf8(bytes.clone())
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_owned();
    bytes.extend_from_slice(first_data_line.as_bytes());
    bytes.push(b'\n');
    let err = parse_fingertips(&bytes, &options(None, None)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "1 row(s) could not be read:\nline 2754: repeats the indicator, area, period and sex of line 2"
    );
}

#[test]
fn a_cut_down_extract_without_an_indicator_code_is_refused_by_line() {
    let err = parse_fingertips(
        &read("trafforddatalab_fingertips_inactive_adults.csv"),
        &options(None, None),
    )
    .unwrap_err();
    let ImportError::BadRows(rows) = &err else {
        panic!("{err}")
    };
    assert_eq!(rows[0].line, 2);
    assert!(rows[0].reason.contains("indicator"));
}

/// FingertipsNext's recorded benchmark answers: value, 95% limits, England's value and the
/// call. goldthread recomputes each call from the limits.
#[test]
fn recomputed_calls_equal_fingertips_next_on_every_row_with_limits() {
    let mut reader = csv::Reader::from_path(
        indicators_dir().join("fingertipsnext_benchmark_rag_test_vectors.csv"),
    )
    .unwrap();
    let code = IndicatorCode::parse("41101").unwrap();
    let def = IndicatorDefinition {
        code: code.clone(),
        version: 1,
        name: "Emergency readmissions within 30 days of discharge from hospital".into(),
        definition: String::new(),
        source: "OHID".into(),
        unit: "%".into(),
        theme: "Care".into(),
        polarity: "LowIsGood".parse().unwrap(),
        method: ValueMethod::AsPublished,
        multiplier: 1.0,
        benchmark: BenchmarkMethod::CiOverlapsReference95,
        as_of: "2025-08-07".into(),
    };
    let (mut compared, mut agreeing) = (0, 0);
    for row in reader.records() {
        let row = row.unwrap();
        let num = |i: usize| row[i].parse::<f64>().ok();
        let (Some(expected), Some(benchmark)) = (row[18].parse::<Comparison>().ok(), num(17))
        else {
            continue;
        };
        if expected == Comparison::NotCompared {
            continue;
        }
        let value = IndicatorValue {
            indicator: code.clone(),
            area: GssCode::parse(&row[5]).unwrap(),
            area_name: row[6].to_owned(),
            period: Period::parse(&row[10]).unwrap(),
            sex: Sex::parse(&row[7]).unwrap(),
            value: num(13),
            lower: num(14),
            upper: num(15),
            lower_998: None,
            upper_998: None,
            count: num(12),
            denominator: None,
            source_call: Some(expected),
            note: String::new(),
        };
        compared += 1;
        agreeing += usize::from(value.compare_with(&def, Some(benchmark)) == expected);
    }
    assert_eq!(compared, 55);
    assert_eq!(agreeing, 55);
}
