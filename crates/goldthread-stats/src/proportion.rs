//! Proportions with Wilson score limits (`phe_proportion`).

use crate::confidence::ConfidenceLevel;
use crate::error::{positive, StatsError};
use crate::estimate::Estimate;
use crate::limits::wilson_limits;

/// A proportion `numerator / denominator` with Wilson score limits, times `multiplier`
/// (1 for a proportion of 1, 100 for a percentage).
pub fn proportion(
    numerator: f64,
    denominator: f64,
    confidence: ConfidenceLevel,
    multiplier: f64,
) -> Result<Estimate, StatsError> {
    let multiplier = positive("multiplier", multiplier)?;
    let (lower, upper) = wilson_limits(numerator, denominator, confidence)?;
    Ok(Estimate {
        value: numerator / denominator,
        lower: Some(lower),
        upper: Some(upper),
    }
    .scaled(multiplier))
}
