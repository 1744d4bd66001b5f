//! Confidence levels: both of R's scales, and the textbook critical values.

use goldthread_stats::ConfidenceLevel;

#[test]
fn fractions_and_percentages_are_the_same_level() {
    for (text, fraction) in [
        ("0.95", 0.95),
        ("95", 0.95),
        ("95%", 0.95),
        ("99.8", 0.998),
        ("0.998", 0.998),
    ] {
        let level: ConfidenceLevel = text.parse().unwrap();
        assert!((level.fraction() - fraction).abs() < 1e-15, "{text}");
    }
    assert_eq!(
        ConfidenceLevel::NINETY_NINE_POINT_EIGHT.to_string(),
        "99.8%"
    );
    assert_eq!(ConfidenceLevel::NINETY_FIVE.column_suffix(), "95_0");
    assert_eq!(
        ConfidenceLevel::NINETY_NINE_POINT_EIGHT.column_suffix(),
        "99_8"
    );
}

#[test]
fn impossible_levels_are_rejected() {
    for text in ["0", "1", "100", "-5", "150", "ninety"] {
        assert!(text.parse::<ConfidenceLevel>().is_err(), "{text}");
    }
}

#[test]
fn z_is_the_normal_quantile() {
    // 95% two-sided: 1.959963984540054 (tables); 68.27% ≈ one standard deviation (erf(1/√2)).
    assert!((ConfidenceLevel::NINETY_FIVE.z() - 1.959_963_984_540_054).abs() < 1e-12);
    let one_sd = ConfidenceLevel::new(0.682_689_492_137_085_9).unwrap();
    assert!((one_sd.z() - 1.0).abs() < 1e-9);
}
