//! The value-with-limits shape every method returns.

use serde::Serialize;

/// A statistic with its confidence limits.
///
/// A limit is `None` where the method cannot give one (for example Byar's lower limit for a
/// tiny count at a high confidence level goes below zero, and PHEindicatormethods reports NA).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// The statistic itself (proportion, rate, ratio, mean ...), already multiplied.
    pub value: f64,
    /// Lower confidence limit.
    pub lower: Option<f64>,
    /// Upper confidence limit.
    pub upper: Option<f64>,
}

impl Estimate {
    /// Multiplies the value and both limits (e.g. by 100 for a percentage).
    pub fn scaled(self, factor: f64) -> Estimate {
        Estimate {
            value: self.value * factor,
            lower: self.lower.map(|l| l * factor),
            upper: self.upper.map(|u| u * factor),
        }
    }
}

/// `Some(x)` when `x` is finite, else `None`: NaN or infinity never leaves the crate as a number.
pub(crate) fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}
