//! Benchmark comparison: Fingertips' own expected calls (FingertipsNext RAG test vectors) and
//! the control-limit rules' defining identities.

mod common;

use common::*;
use goldthread_stats::compare::{
    compare_intervals, compare_proportion_with_control_limits, compare_rate_with_control_limits,
    compare_with_benchmark_value, poisson_control_limits,
};
use goldthread_stats::{
    exact_poisson_limits, wilson_limits, Comparison, ConfidenceLevel, Estimate, Polarity,
};
use statrs::distribution::{DiscreteCDF, Poisson};

#[test]
fn fingertips_next_rag_vectors_match() {
    let path = shared_dir().join("data/indicators/fingertipsnext_benchmark_rag_test_vectors.csv");
    let rows = read_csv(path);
    let mut compared = 0;
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row["benchmark_method"], "CIOverlappingReferenceValue95");
        let polarity: Polarity = row["polarity"].parse().unwrap();
        let expected: Comparison = row["outcome"].parse().unwrap();
        let area = Estimate {
            value: req(row, "value"),
            lower: num(row, "lower_ci"),
            upper: num(row, "upper_ci"),
        };
        let Some(benchmark) = num(row, "benchmark_value") else {
            assert_eq!(
                expected,
                Comparison::NotCompared,
                "line {}: no benchmark but an outcome",
                i + 2
            );
            continue;
        };
        let got = compare_with_benchmark_value(&area, benchmark, polarity);
        assert_eq!(got, expected, "line {}: {row:?}", i + 2);
        compared += 1;
    }
    assert_eq!(compared, 55);
}

fn estimate(value: f64, lower: f64, upper: f64) -> Estimate {
    Estimate {
        value,
        lower: Some(lower),
        upper: Some(upper),
    }
}

#[test]
fn polarity_decides_the_words() {
    let high = estimate(12.0, 11.0, 13.0);
    assert_eq!(
        compare_with_benchmark_value(&high, 10.0, Polarity::HighIsGood),
        Comparison::Better
    );
    assert_eq!(
        compare_with_benchmark_value(&high, 10.0, Polarity::LowIsGood),
        Comparison::Worse
    );
    assert_eq!(
        compare_with_benchmark_value(&high, 10.0, Polarity::NoJudgement),
        Comparison::Higher
    );
    assert_eq!(
        compare_with_benchmark_value(&high, 14.0, Polarity::NoJudgement),
        Comparison::Lower
    );
    // The ends of the interval count as containing the benchmark.
    assert_eq!(
        compare_with_benchmark_value(&high, 13.0, Polarity::HighIsGood),
        Comparison::Similar
    );
    let no_limits = Estimate {
        value: 12.0,
        lower: None,
        upper: None,
    };
    assert_eq!(
        compare_with_benchmark_value(&no_limits, 10.0, Polarity::HighIsGood),
        Comparison::NotCompared
    );
}

#[test]
fn overlapping_intervals_are_similar() {
    let area = estimate(12.0, 11.0, 13.0);
    assert_eq!(
        compare_intervals(&area, &estimate(10.0, 9.0, 11.0), Polarity::HighIsGood),
        Comparison::Similar
    );
    assert_eq!(
        compare_intervals(&area, &estimate(10.0, 9.0, 10.9), Polarity::HighIsGood),
        Comparison::Better
    );
}

#[test]
fn proportion_control_limits_are_wilson_limits_of_the_expected_count() {
    let level = ConfidenceLevel::NINETY_FIVE;
    let (n, benchmark_percent) = (1339.0, 12.8);
    let (lower, upper) = wilson_limits(n * benchmark_percent / 100.0, n, level).unwrap();
    let just = |p: f64, nudge: f64| 100.0 * p * (1.0 + nudge);
    let call = |v| {
        compare_proportion_with_control_limits(
            v,
            n,
            benchmark_percent,
            100.0,
            level,
            Polarity::LowIsGood,
        )
    };
    assert_eq!(call(just(upper, 1e-9)), Comparison::Worse);
    assert_eq!(call(just(upper, -1e-9)), Comparison::Similar);
    assert_eq!(call(just(lower, 1e-9)), Comparison::Similar);
    assert_eq!(call(just(lower, -1e-9)), Comparison::Better);
}

#[test]
fn rate_control_limits_are_exact_poisson_limits_for_whole_expected_counts() {
    for level in [
        ConfidenceLevel::NINETY_FIVE,
        ConfidenceLevel::NINETY_NINE_POINT_EIGHT,
    ] {
        for expected in [1.0, 7.0, 42.0, 1234.0] {
            let (lower, upper) = poisson_control_limits(expected, level);
            let (exact_lower, exact_upper) = exact_poisson_limits(expected, level).unwrap();
            assert_close("lower", lower, exact_lower);
            assert_close("upper", upper, exact_upper);
            // Their definition: P(X >= E | lower) = tail = P(X <= E | upper).
            let k = expected as u64;
            let at_lower = 1.0 - Poisson::new(lower).unwrap().cdf(k - 1);
            let at_upper = Poisson::new(upper).unwrap().cdf(k);
            assert_close("tail at lower", at_lower, level.tail());
            assert_close("tail at upper", at_upper, level.tail());
        }
    }
}

#[test]
fn rate_control_limits_call_sides() {
    let level = ConfidenceLevel::NINETY_FIVE;
    // Benchmark 500 per 100,000 in a population of 20,000: 100 expected events.
    let (lower, upper) = poisson_control_limits(100.0, level);
    let per = 1e5 / 20_000.0;
    let call =
        |v| compare_rate_with_control_limits(v, 20_000.0, 500.0, 1e5, level, Polarity::LowIsGood);
    assert_eq!(call(upper * per * 1.001), Comparison::Worse);
    assert_eq!(call(500.0), Comparison::Similar);
    assert_eq!(call(lower * per * 0.999), Comparison::Better);
}

#[test]
fn labels_round_trip() {
    for c in [
        Comparison::Better,
        Comparison::Similar,
        Comparison::Worse,
        Comparison::Higher,
        Comparison::Lower,
        Comparison::NotCompared,
    ] {
        assert_eq!(c.to_string().parse::<Comparison>().unwrap(), c);
    }
    assert_eq!(
        "RAG - High is good".parse::<Polarity>().unwrap(),
        Polarity::HighIsGood
    );
    assert!("sideways".parse::<Polarity>().is_err());
}
