//! The one error type of the crate: every message says which input was wrong and why.

use thiserror::Error;

/// Why a statistic could not be computed from the inputs given.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StatsError {
    /// A confidence level below 50% or at or above 100%.
    #[error("confidence level {0} is not allowed: give a fraction from 0.5 to below 1, such as 0.95 or 0.998 (or a percentage such as 95 or 99.8)")]
    InvalidConfidence(f64),

    /// A number that is not finite (NaN or infinite).
    #[error("{field} must be a finite number, got {value}")]
    NotFinite {
        /// The input's name in the users' words (e.g. "numerator").
        field: &'static str,
        /// The value received.
        value: f64,
    },

    /// A count or population below zero.
    #[error("{field} must be zero or more, got {value}")]
    Negative {
        /// The input's name.
        field: &'static str,
        /// The value received.
        value: f64,
    },

    /// A denominator, population or multiplier that must be strictly positive.
    #[error("{field} must be greater than zero, got {value}")]
    NotPositive {
        /// The input's name.
        field: &'static str,
        /// The value received.
        value: f64,
    },

    /// A proportion's numerator larger than its denominator.
    #[error("numerator {numerator} is larger than denominator {denominator}: a proportion needs numerator <= denominator")]
    NumeratorExceedsDenominator {
        /// The numerator received.
        numerator: f64,
        /// The denominator received.
        denominator: f64,
    },

    /// A method that needs at least some rows got none.
    #[error("{what}: no rows to compute from")]
    Empty {
        /// What was being computed.
        what: &'static str,
    },

    /// Age bands that are missing, repeated, out of order or not the ones the method needs.
    #[error("age bands: {0}")]
    AgeBands(String),

    /// Life expectancy cannot be computed for this area (the reason is the same one PHEindicatormethods gives).
    #[error("life expectancy not calculated: {0}")]
    LifeExpectancyUnavailable(String),

    /// A disclosure-control rule that makes no sense (e.g. rounding base 0).
    #[error("disclosure rule: {0}")]
    InvalidDisclosureRule(String),
}

/// Checks that `value` is finite and not negative.
pub(crate) fn non_negative(field: &'static str, value: f64) -> Result<f64, StatsError> {
    if !value.is_finite() {
        return Err(StatsError::NotFinite { field, value });
    }
    if value < 0.0 {
        return Err(StatsError::Negative { field, value });
    }
    Ok(value)
}

/// Checks that `value` is finite and strictly positive.
pub(crate) fn positive(field: &'static str, value: f64) -> Result<f64, StatsError> {
    if !value.is_finite() {
        return Err(StatsError::NotFinite { field, value });
    }
    if value <= 0.0 {
        return Err(StatsError::NotPositive { field, value });
    }
    Ok(value)
}
