//! Confidence limits for counts and proportions: Byar's, exact Poisson and Wilson score.
//!
//! These are the building blocks of `phe_rate`, `phe_proportion`, `calculate_dsr` and
//! `calculate_ISRatio` in PHEindicatormethods (its internal `byars_lower`, `byars_upper`,
//! `wilson_lower`, `wilson_upper` and the `qchisq` expressions for small counts).

use serde::Serialize;

use crate::confidence::ConfidenceLevel;
use crate::distributions::gamma_quantile;
use crate::error::{non_negative, positive, StatsError};
use crate::estimate::finite;

/// Counts below this use exact Poisson limits rather than Byar's approximation (PHEindicatormethods' rule).
pub const EXACT_POISSON_BELOW: f64 = 10.0;

/// Which method gave a count's confidence limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PoissonMethod {
    /// Exact limits from the Poisson distribution (via the chi-squared quantiles), used for counts below 10.
    Exact,
    /// Byar's approximation (Breslow and Day, 1987), used for counts of 10 or more.
    Byars,
}

impl PoissonMethod {
    /// The label PHEindicatormethods writes in its `method` column.
    pub fn label(self) -> &'static str {
        match self {
            PoissonMethod::Exact => "Exact",
            PoissonMethod::Byars => "Byars",
        }
    }
}

/// Byar's lower limit for an observed count; `None` where the formula goes below zero (R gives NA).
///
/// `x (1 - 1/(9x) - z/(3 sqrt x))^3`, Breslow and Day (1987).
pub fn byars_lower(count: f64, confidence: ConfidenceLevel) -> Result<Option<f64>, StatsError> {
    let x = non_negative("observed count", count)?;
    let z = confidence.z();
    let lower = x * (1.0 - 1.0 / (9.0 * x) - z / (3.0 * x.sqrt())).powi(3);
    // For x = 0 the expression is 0 * inf = NaN; R gives NaN there too and never uses it (exact is used below 10).
    Ok(finite(lower).filter(|l| *l >= 0.0))
}

/// Byar's upper limit for an observed count: `(x+1) (1 - 1/(9(x+1)) + z/(3 sqrt(x+1)))^3`.
pub fn byars_upper(count: f64, confidence: ConfidenceLevel) -> Result<f64, StatsError> {
    let x1 = non_negative("observed count", count)? + 1.0;
    let z = confidence.z();
    Ok(x1 * (1.0 - 1.0 / (9.0 * x1) + z / (3.0 * x1.sqrt())).powi(3))
}

/// Exact Poisson limits for an observed count: `qchisq(tail, 2x)/2` and `qchisq(1 - tail, 2x + 2)/2`.
pub fn exact_poisson_limits(
    count: f64,
    confidence: ConfidenceLevel,
) -> Result<(f64, f64), StatsError> {
    let x = non_negative("observed count", count)?;
    let tail = confidence.tail();
    Ok((gamma_quantile(x, tail), gamma_quantile(x + 1.0, 1.0 - tail)))
}

/// Confidence limits for a Poisson count as PHEindicatormethods gives them:
/// exact below 10, Byar's from 10 up.
pub fn poisson_count_limits(
    count: f64,
    confidence: ConfidenceLevel,
) -> Result<(Option<f64>, f64, PoissonMethod), StatsError> {
    let x = non_negative("observed count", count)?;
    if x < EXACT_POISSON_BELOW {
        let (lower, upper) = exact_poisson_limits(x, confidence)?;
        Ok((Some(lower), upper, PoissonMethod::Exact))
    } else {
        Ok((
            byars_lower(x, confidence)?,
            byars_upper(x, confidence)?,
            PoissonMethod::Byars,
        ))
    }
}

/// Wilson score limits for `numerator` successes out of `denominator`, as proportions of 1.
///
/// `(2x + z² ∓ z sqrt(z² + 4x(1 - x/n))) / (2(n + z²))`: Wilson (1927); Newcombe and Altman (2000).
pub fn wilson_limits(
    numerator: f64,
    denominator: f64,
    confidence: ConfidenceLevel,
) -> Result<(f64, f64), StatsError> {
    let x = non_negative("numerator", numerator)?;
    let n = positive("denominator", denominator)?;
    if x > n {
        return Err(StatsError::NumeratorExceedsDenominator {
            numerator: x,
            denominator: n,
        });
    }
    let z = confidence.z();
    let z2 = z * z;
    let spread = z * (z2 + 4.0 * x * (1.0 - x / n)).sqrt();
    let scale = 2.0 * (n + z2);
    Ok((
        (2.0 * x + z2 - spread) / scale,
        (2.0 * x + z2 + spread) / scale,
    ))
}
