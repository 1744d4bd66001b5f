//! Confidence levels, and the critical values the methods take from them.

use std::fmt;
use std::str::FromStr;

use crate::distributions::normal_quantile;
use crate::error::StatsError;

/// A two-sided confidence level from 50% up to (not including) 100%; 0.95 means 95%.
///
/// Levels below 50% are refused: they are never wanted, and refusing them keeps "1" from
/// being read as 1% when 100% was meant.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct ConfidenceLevel(f64);

impl ConfidenceLevel {
    /// 95%: the level Fingertips shows by default.
    pub const NINETY_FIVE: ConfidenceLevel = ConfidenceLevel(0.95);
    /// 99.8%: the second level Fingertips publishes (roughly three standard errors).
    pub const NINETY_NINE_POINT_EIGHT: ConfidenceLevel = ConfidenceLevel(0.998);

    /// A level from a fraction in [0.5, 1), e.g. `0.95`.
    pub fn new(fraction: f64) -> Result<Self, StatsError> {
        if fraction.is_finite() && (0.5..1.0).contains(&fraction) {
            Ok(ConfidenceLevel(fraction))
        } else {
            Err(StatsError::InvalidConfidence(fraction))
        }
    }

    /// A level from a percentage in [50, 100), e.g. `99.8`.
    pub fn from_percent(percent: f64) -> Result<Self, StatsError> {
        Self::new(percent / 100.0).map_err(|_| StatsError::InvalidConfidence(percent))
    }

    /// The level as a fraction, e.g. 0.95.
    pub fn fraction(self) -> f64 {
        self.0
    }

    /// The probability in each tail, (1 - level) / 2.
    pub fn tail(self) -> f64 {
        (1.0 - self.0) / 2.0
    }

    /// The standard normal critical value, `qnorm(level + (1 - level) / 2)` in R (1.959964 for 95%).
    pub fn z(self) -> f64 {
        normal_quantile(1.0 - self.tail())
    }

    /// The suffix PHEindicatormethods uses in column names, e.g. `95_0` and `99_8`.
    pub fn column_suffix(self) -> String {
        format!("{:.1}", self.0 * 100.0).replace('.', "_")
    }
}

impl fmt::Display for ConfidenceLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Round away binary noise (0.998 * 100 = 99.80000000000001) but keep real digits.
        let percent = (self.0 * 100.0 * 1e9).round() / 1e9;
        write!(f, "{percent}%")
    }
}

impl FromStr for ConfidenceLevel {
    type Err = StatsError;

    /// Reads `0.95`, `95`, `95%`, `0.998`, `99.8` or `99.8%`, as PHEindicatormethods accepts both scales.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        let (number, percent_sign) = match trimmed.strip_suffix('%') {
            Some(rest) => (rest.trim(), true),
            None => (trimmed, false),
        };
        let value: f64 = number
            .parse()
            .map_err(|_| StatsError::InvalidConfidence(f64::NAN))?;
        if percent_sign || value >= 1.0 {
            Self::from_percent(value)
        } else {
            Self::new(value)
        }
    }
}
