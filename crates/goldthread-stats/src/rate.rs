//! Crude rates with exact Poisson (count < 10) or Byar's (count >= 10) limits (`phe_rate`).

use serde::Serialize;

use crate::confidence::ConfidenceLevel;
use crate::error::{non_negative, positive, StatsError};
use crate::estimate::Estimate;
use crate::limits::{poisson_count_limits, PoissonMethod};

/// A rate and the method that gave its limits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    /// Rate per `multiplier`, with limits.
    pub estimate: Estimate,
    /// Exact for counts below 10, Byar's otherwise.
    pub method: PoissonMethod,
}

/// The crude rate `count / population * multiplier` (e.g. per 100,000) with its confidence limits.
pub fn crude_rate(
    count: f64,
    population: f64,
    confidence: ConfidenceLevel,
    multiplier: f64,
) -> Result<Rate, StatsError> {
    let count = non_negative("numerator", count)?;
    let population = positive("denominator", population)?;
    let multiplier = positive("multiplier", multiplier)?;
    let (lower, upper, method) = poisson_count_limits(count, confidence)?;
    let per = multiplier / population;
    Ok(Rate {
        estimate: Estimate {
            value: count * per,
            lower: lower.map(|l| l * per),
            upper: Some(upper * per),
        },
        method,
    })
}
