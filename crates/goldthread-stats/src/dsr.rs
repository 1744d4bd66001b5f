//! Directly standardised rates with Dobson limits (`calculate_dsr`), including the
//! adjustment for non-independent events (people with more than one event).

use serde::Serialize;

use crate::confidence::ConfidenceLevel;
use crate::error::{non_negative, positive, StatsError};
use crate::estimate::{finite, Estimate};
use crate::limits::{byars_lower, byars_upper};

/// DSRs are not published when the total count is below this (PHEindicatormethods and OHID practice).
pub const DSR_MINIMUM_COUNT: f64 = 10.0;

/// One age band (or other standardisation category) of one area.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StandardisationBand {
    /// Observed events in the band (a missing count is 0, as in PHEindicatormethods).
    pub count: f64,
    /// The area's population in the band; must be greater than zero.
    pub population: f64,
    /// The standard population's weight for the band (e.g. ESP 2013).
    pub standard_population: f64,
}

/// A directly standardised rate for one area.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Dsr {
    /// Sum of the observed events.
    pub total_count: f64,
    /// Sum of the populations.
    pub total_population: f64,
    /// The DSR and its Dobson limits; `None` when the total count is below 10.
    pub estimate: Option<Estimate>,
}

/// The DSR per `multiplier` with Dobson's method: Byar's limits on the total count,
/// scaled by the DSR's standard error (Dobson et al., Stat Med 1991;10:457-62).
pub fn directly_standardised_rate(
    bands: &[StandardisationBand],
    confidence: ConfidenceLevel,
    multiplier: f64,
) -> Result<Dsr, StatsError> {
    let sums = weighted_sums(bands)?;
    // var(DSR) = sum(x (w/n)^2) / (sum w)^2
    let variance = sums.squared_weighted_counts / sums.standard_population.powi(2);
    dobson(sums, variance, confidence, multiplier)
}

/// People in one age band who had `events_per_person` events each.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PeopleWithEvents {
    /// How many events each of these people had (1, 2, 3 ...).
    pub events_per_person: f64,
    /// How many people had that many events.
    pub people: f64,
}

/// One age band for a DSR of events that can happen more than once to the same person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventFrequencyBand {
    /// The area's population in the band.
    pub population: f64,
    /// The standard population's weight for the band.
    pub standard_population: f64,
    /// The band's people, broken down by how many events each had.
    pub people_by_frequency: Vec<PeopleWithEvents>,
}

/// The DSR of non-independent events: the value counts every event, and the variance is
/// `sum over f of f^2 var_f`, where `var_f` is the Dobson variance of the people with `f` events
/// (`calculate_dsr(independent_events = FALSE)`).
pub fn directly_standardised_rate_non_independent(
    bands: &[EventFrequencyBand],
    confidence: ConfidenceLevel,
    multiplier: f64,
) -> Result<Dsr, StatsError> {
    let mut events = Vec::with_capacity(bands.len());
    let mut variance_numerator = 0.0;
    for band in bands {
        let population = positive("denominator", band.population)?;
        let weight = non_negative("standard population", band.standard_population)?;
        let mut count = 0.0;
        for group in &band.people_by_frequency {
            let f = non_negative("event frequency", group.events_per_person)?;
            let people = non_negative("people with events", group.people)?;
            count += f * people;
            variance_numerator += f * f * people * (weight / population).powi(2);
        }
        events.push(StandardisationBand {
            count,
            population,
            standard_population: weight,
        });
    }
    let sums = weighted_sums(&events)?;
    let variance = variance_numerator / sums.standard_population.powi(2);
    dobson(sums, variance, confidence, multiplier)
}

/// The sums every DSR needs.
#[derive(Debug, Clone, Copy)]
struct WeightedSums {
    total_count: f64,
    total_population: f64,
    standard_population: f64,
    weighted_rates: f64,
    squared_weighted_counts: f64,
}

fn weighted_sums(bands: &[StandardisationBand]) -> Result<WeightedSums, StatsError> {
    if bands.is_empty() {
        return Err(StatsError::Empty {
            what: "directly standardised rate",
        });
    }
    let mut sums = WeightedSums {
        total_count: 0.0,
        total_population: 0.0,
        standard_population: 0.0,
        weighted_rates: 0.0,
        squared_weighted_counts: 0.0,
    };
    for band in bands {
        let x = non_negative("numerator", band.count)?;
        let n = positive("denominator", band.population)?;
        let w = non_negative("standard population", band.standard_population)?;
        sums.total_count += x;
        sums.total_population += n;
        sums.standard_population += w;
        sums.weighted_rates += x * w / n;
        sums.squared_weighted_counts += x * (w / n).powi(2);
    }
    positive("total standard population", sums.standard_population)?;
    Ok(sums)
}

/// Dobson: `DSR + sqrt(var/O) (O_limit - O)`, with Byar's limits `O_limit` on the total count `O`.
fn dobson(
    sums: WeightedSums,
    variance: f64,
    confidence: ConfidenceLevel,
    multiplier: f64,
) -> Result<Dsr, StatsError> {
    let multiplier = positive("multiplier", multiplier)?;
    let total = sums.total_count;
    let estimate = if total < DSR_MINIMUM_COUNT {
        None
    } else {
        let value = sums.weighted_rates / sums.standard_population * multiplier;
        let spread = (variance / total).sqrt() * multiplier;
        let lower = byars_lower(total, confidence)?.map(|l| value + spread * (l - total));
        let upper = value + spread * (byars_upper(total, confidence)? - total);
        Some(Estimate {
            value,
            lower: lower.and_then(finite),
            upper: finite(upper),
        })
    };
    Ok(Dsr {
        total_count: total,
        total_population: sums.total_population,
        estimate,
    })
}
