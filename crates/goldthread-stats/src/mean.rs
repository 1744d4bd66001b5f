//! Means with Student's t limits (`phe_mean`).

use serde::Serialize;

use crate::confidence::ConfidenceLevel;
use crate::distributions::student_t_quantile;
use crate::error::StatsError;
use crate::estimate::{finite, Estimate};

/// A mean with the summary numbers PHEindicatormethods reports beside it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Mean {
    /// Sum of the values.
    pub sum: f64,
    /// How many values.
    pub count: usize,
    /// Sample standard deviation (n - 1 denominator); `None` for a single value.
    pub standard_deviation: Option<f64>,
    /// The mean, with `mean ± t(1 - tail, n - 1) sd / sqrt(n)` limits (none for a single value).
    pub estimate: Estimate,
}

/// The mean of `values` with t-based limits.
pub fn mean(values: &[f64], confidence: ConfidenceLevel) -> Result<Mean, StatsError> {
    if values.is_empty() {
        return Err(StatsError::Empty { what: "mean" });
    }
    if let Some(bad) = values.iter().find(|v| !v.is_finite()) {
        return Err(StatsError::NotFinite {
            field: "value",
            value: *bad,
        });
    }
    let count = values.len();
    let n = count as f64;
    let sum: f64 = values.iter().sum();
    let mean = sum / n;
    let standard_deviation = if count > 1 {
        let squares: f64 = values.iter().map(|v| (v - mean).powi(2)).sum();
        Some((squares / (n - 1.0)).sqrt())
    } else {
        None
    };
    let half_width = standard_deviation
        .map(|sd| student_t_quantile(n - 1.0, 1.0 - confidence.tail()) * sd / n.sqrt());
    Ok(Mean {
        sum,
        count,
        standard_deviation,
        estimate: Estimate {
            value: mean,
            lower: half_width.and_then(|h| finite(mean - h)),
            upper: half_width.and_then(|h| finite(mean + h)),
        },
    })
}
