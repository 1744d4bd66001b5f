//! Indirectly standardised ratios and rates (`calculate_ISRatio`, `calculate_ISRate`):
//! observed events against those expected from a reference population's age-specific rates,
//! with exact Poisson limits below 10 observed events and Byar's from 10 up.

use serde::Serialize;

use crate::confidence::ConfidenceLevel;
use crate::error::{non_negative, positive, StatsError};
use crate::estimate::Estimate;
use crate::limits::{poisson_count_limits, PoissonMethod};

/// One age band of one area, with the reference population's events and population in that band.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct IsrBand {
    /// The area's observed events (a missing count is 0).
    pub observed: f64,
    /// The area's population (zero is allowed: the band then expects no events).
    pub population: f64,
    /// The reference population's events in the band (a missing count is 0).
    pub reference_count: f64,
    /// The reference population in the band; must be greater than zero.
    pub reference_population: f64,
}

/// An indirectly standardised ratio or rate for one area.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Isr {
    /// Observed events.
    pub observed: f64,
    /// Expected events: the sum over bands of the reference rate times the area's population.
    pub expected: f64,
    /// The ratio (times its multiplier) or rate, with limits.
    pub estimate: Estimate,
    /// Exact below 10 observed events, Byar's otherwise.
    pub method: PoissonMethod,
}

/// Observed and expected events summed over an area's bands.
pub fn observed_and_expected(bands: &[IsrBand]) -> Result<(f64, f64), StatsError> {
    if bands.is_empty() {
        return Err(StatsError::Empty {
            what: "indirectly standardised ratio",
        });
    }
    let mut observed = 0.0;
    let mut expected = 0.0;
    for band in bands {
        observed += non_negative("numerator", band.observed)?;
        let n = non_negative("denominator", band.population)?;
        let x_ref = non_negative("reference count", band.reference_count)?;
        let n_ref = positive("reference population", band.reference_population)?;
        expected += x_ref / n_ref * n;
    }
    Ok((observed, expected))
}

/// The reference population's crude rate per `multiplier`: sum of its events over sum of its population.
pub fn reference_rate(bands: &[IsrBand], multiplier: f64) -> Result<f64, StatsError> {
    let mut count = 0.0;
    let mut population = 0.0;
    for band in bands {
        count += non_negative("reference count", band.reference_count)?;
        population += positive("reference population", band.reference_population)?;
    }
    Ok(count / positive("reference population", population)? * multiplier)
}

/// The ratio observed / expected times `multiplier` (1 for a ratio, 100 for the usual SMR scale).
pub fn indirectly_standardised_ratio(
    observed: f64,
    expected: f64,
    confidence: ConfidenceLevel,
    multiplier: f64,
) -> Result<Isr, StatsError> {
    let multiplier = positive("multiplier", multiplier)?;
    scaled_ratio(observed, expected, confidence, multiplier)
}

/// The indirectly standardised rate: the ratio times the reference rate (per the reference rate's multiplier).
pub fn indirectly_standardised_rate(
    observed: f64,
    expected: f64,
    reference_rate: f64,
    confidence: ConfidenceLevel,
) -> Result<Isr, StatsError> {
    let reference_rate = non_negative("reference rate", reference_rate)?;
    scaled_ratio(observed, expected, confidence, reference_rate)
}

fn scaled_ratio(
    observed: f64,
    expected: f64,
    confidence: ConfidenceLevel,
    scale: f64,
) -> Result<Isr, StatsError> {
    let observed = non_negative("observed", observed)?;
    let expected = positive("expected", expected)?;
    let (lower, upper, method) = poisson_count_limits(observed, confidence)?;
    let per = scale / expected;
    Ok(Isr {
        observed,
        expected,
        estimate: Estimate {
            value: observed * per,
            lower: lower.map(|l| l * per),
            upper: Some(upper * per),
        },
        method,
    })
}
