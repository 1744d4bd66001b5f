//! Comparing an area with a benchmark (usually England) as Fingertips does.
//!
//! The default Fingertips rule, "confidence intervals overlapping reference value", calls an
//! area *Similar* when its interval contains the benchmark value (ends included), otherwise
//! *Better*/*Worse* by the indicator's polarity, or *Higher*/*Lower* when the indicator has no
//! polarity (Fingertips' "no judgement", shown blue/orange). Fingertips also has rules for
//! particular statistics, provided here: overlapping intervals of both area and benchmark,
//! and control limits around the benchmark for proportions (Wilson) and for rates and DSRs
//! (exact Poisson), the "SPC" comparers of the Fingertips code.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::confidence::ConfidenceLevel;
use crate::distributions::gamma_quantile;
use crate::estimate::Estimate;
use crate::limits::wilson_limits;

/// Whether a higher value of an indicator is good, bad, or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Polarity {
    /// High is good (e.g. life expectancy).
    HighIsGood,
    /// Low is good (e.g. mortality, emergency readmissions).
    LowIsGood,
    /// No judgement: comparisons say Higher / Lower rather than Better / Worse.
    NoJudgement,
}

impl FromStr for Polarity {
    type Err = String;

    /// Reads the spellings in Fingertips exports and APIs: "RAG - High is good", "HighIsGood",
    /// "Low is good", "LowIsGood", "BOB - Blue orange blue", "No judgement", "NoJudgement".
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s
            .to_ascii_lowercase()
            .chars()
            .filter(char::is_ascii_alphabetic)
            .collect();
        match key.as_str() {
            "highisgood" | "raghighisgood" | "high" => Ok(Polarity::HighIsGood),
            "lowisgood" | "raglowisgood" | "low" => Ok(Polarity::LowIsGood),
            "nojudgement" | "bob" | "bobblueorangeblue" | "blueorangeblue" | "none" | "" => {
                Ok(Polarity::NoJudgement)
            }
            _ => Err(format!(
                "unknown polarity {s:?}: use high-is-good, low-is-good or no-judgement"
            )),
        }
    }
}

/// The outcome of comparing an area with a benchmark, with Fingertips' labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Comparison {
    /// Significantly better than the benchmark.
    Better,
    /// Not significantly different.
    Similar,
    /// Significantly worse.
    Worse,
    /// Significantly higher (indicator without polarity).
    Higher,
    /// Significantly lower (indicator without polarity).
    Lower,
    /// No comparison possible (missing value, limits or benchmark).
    NotCompared,
}

impl Comparison {
    /// The label Fingertips shows ("Better", "Similar", "Worse", "Higher", "Lower", "Not compared").
    pub fn label(self) -> &'static str {
        match self {
            Comparison::Better => "Better",
            Comparison::Similar => "Similar",
            Comparison::Worse => "Worse",
            Comparison::Higher => "Higher",
            Comparison::Lower => "Lower",
            Comparison::NotCompared => "Not compared",
        }
    }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for Comparison {
    type Err = String;

    /// Reads Fingertips' labels, case-insensitively; "Same" is Fingertips' internal name for Similar.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "better" => Ok(Comparison::Better),
            "similar" | "same" => Ok(Comparison::Similar),
            "worse" => Ok(Comparison::Worse),
            "higher" => Ok(Comparison::Higher),
            "lower" => Ok(Comparison::Lower),
            "not compared" | "none" | "" => Ok(Comparison::NotCompared),
            other => Err(format!("unknown comparison label {other:?}")),
        }
    }
}

/// Which side of the benchmark an area is, before polarity turns it into better or worse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Above,
    Within,
    Below,
}

fn judge(side: Side, polarity: Polarity) -> Comparison {
    match (side, polarity) {
        (Side::Within, _) => Comparison::Similar,
        (Side::Above, Polarity::HighIsGood) | (Side::Below, Polarity::LowIsGood) => {
            Comparison::Better
        }
        (Side::Below, Polarity::HighIsGood) | (Side::Above, Polarity::LowIsGood) => {
            Comparison::Worse
        }
        (Side::Above, Polarity::NoJudgement) => Comparison::Higher,
        (Side::Below, Polarity::NoJudgement) => Comparison::Lower,
    }
}

/// Fingertips' default rule: Similar when the area's interval contains the benchmark value
/// (ends included), otherwise by which side the area's value lies.
pub fn compare_with_benchmark_value(
    area: &Estimate,
    benchmark_value: f64,
    polarity: Polarity,
) -> Comparison {
    let (Some(lower), Some(upper)) = (area.lower, area.upper) else {
        return Comparison::NotCompared;
    };
    if !area.value.is_finite() || !benchmark_value.is_finite() {
        return Comparison::NotCompared;
    }
    let side = if lower <= benchmark_value && benchmark_value <= upper {
        Side::Within
    } else if area.value < benchmark_value {
        Side::Below
    } else {
        Side::Above
    };
    judge(side, polarity)
}

/// Overlapping intervals: Similar when the area's and the benchmark's intervals overlap.
pub fn compare_intervals(area: &Estimate, benchmark: &Estimate, polarity: Polarity) -> Comparison {
    let (Some(area_lower), Some(area_upper), Some(bench_lower), Some(bench_upper)) =
        (area.lower, area.upper, benchmark.lower, benchmark.upper)
    else {
        return Comparison::NotCompared;
    };
    let overlap = if benchmark.value < area.value {
        area_lower <= bench_upper
    } else {
        bench_lower <= area_upper
    };
    let side = if overlap {
        Side::Within
    } else if area.value < benchmark.value {
        Side::Below
    } else {
        Side::Above
    };
    judge(side, polarity)
}

/// Control limits around the benchmark proportion for an area of this denominator (Wilson
/// score limits of the count the benchmark would predict), the Fingertips "SPC for
/// proportions" rule. Values are on the `multiplier` scale (100 for percentages).
pub fn compare_proportion_with_control_limits(
    area_value: f64,
    area_denominator: f64,
    benchmark_value: f64,
    multiplier: f64,
    confidence: ConfidenceLevel,
    polarity: Polarity,
) -> Comparison {
    if !(area_denominator > 0.0 && multiplier > 0.0) {
        return Comparison::NotCompared;
    }
    let p0 = benchmark_value / multiplier;
    match wilson_limits(area_denominator * p0, area_denominator, confidence) {
        Ok((lower, upper)) => side_of_limits(area_value / multiplier, lower, upper, polarity),
        Err(_) => Comparison::NotCompared,
    }
}

/// Control limits around the benchmark rate for an area of this population: exact Poisson
/// limits on the count the benchmark would predict, the Fingertips "SPC for DSR" rule.
/// Values are per `multiplier` (e.g. per 100,000).
pub fn compare_rate_with_control_limits(
    area_value: f64,
    area_population: f64,
    benchmark_value: f64,
    multiplier: f64,
    confidence: ConfidenceLevel,
    polarity: Polarity,
) -> Comparison {
    if !(area_population > 0.0 && multiplier > 0.0 && benchmark_value >= 0.0) {
        return Comparison::NotCompared;
    }
    let (lower, upper) =
        poisson_control_limits(benchmark_value * area_population / multiplier, confidence);
    let per = multiplier / area_population;
    side_of_limits(area_value, lower * per, upper * per, polarity)
}

/// Poisson means whose tail probabilities at the expected count are the confidence level's
/// tail: P(X >= ceil(E)) for the lower limit and P(X <= floor(E)) for the upper, as the
/// Fingertips code sums whole counts. For a whole-number E these are the exact Poisson limits.
pub fn poisson_control_limits(expected: f64, confidence: ConfidenceLevel) -> (f64, f64) {
    let tail = confidence.tail();
    let lower = gamma_quantile(expected.ceil(), tail);
    let upper = gamma_quantile(expected.floor() + 1.0, 1.0 - tail);
    (lower, upper)
}

fn side_of_limits(value: f64, lower: f64, upper: f64, polarity: Polarity) -> Comparison {
    if !(value.is_finite() && lower.is_finite() && upper.is_finite()) {
        return Comparison::NotCompared;
    }
    let side = if upper < value {
        Side::Above
    } else if lower > value {
        Side::Below
    } else {
        Side::Within
    };
    judge(side, polarity)
}
