//! Life expectancy from an abridged life table (`phe_life_expectancy`): Chiang's method II,
//! with Silcocks' variance for the open-ended 90+ band, as OHID publishes it.
//!
//! Bands are the 20 PHE/ONS start ages 0, 1, 5, 10, ..., 85, 90 (90+ open-ended). As in
//! PHEindicatormethods an area gets no life expectancy when any band has negative deaths, a
//! population of zero or less, more deaths than population, or the total population is 5,000
//! or less; and a single age's value (not its limits) is suppressed when its 95% interval is
//! wider than 20 years.

use serde::Serialize;

use crate::confidence::ConfidenceLevel;
use crate::distributions::normal_quantile;
use crate::error::StatsError;
use crate::estimate::finite;

/// The start ages of the life-table bands OHID and ONS use (the last, 90, is open-ended).
pub const LIFE_TABLE_START_AGES: [u32; 20] = [
    0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90,
];

/// Areas with this total population or less get no life expectancy (Toson and Baker, 2003).
pub const MINIMUM_TOTAL_POPULATION: f64 = 5000.0;

/// Values whose 95% interval is wider than this many years are suppressed.
pub const MAXIMUM_CI_WIDTH_YEARS: f64 = 20.0;

/// One age band's deaths and population (person-years) for one area.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LifeTableBand {
    /// The band's first age (0, 1, 5, ... 90).
    pub start_age: u32,
    /// Population (person-years at risk) in the band.
    pub population: f64,
    /// Deaths in the band.
    pub deaths: f64,
}

/// Life expectancy at one start age.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LifeExpectancyAtAge {
    /// The age the expectancy is measured from.
    pub start_age: u32,
    /// Life expectancy in years; `None` when its 95% interval is wider than 20 years.
    pub value: Option<f64>,
    /// Lower confidence limit (still given when the value is suppressed).
    pub lower: Option<f64>,
    /// Upper confidence limit.
    pub upper: Option<f64>,
    /// Standard error of the life expectancy.
    pub standard_error: Option<f64>,
    /// Population summed over this and all older bands (PHEindicatormethods' `pops_used`).
    pub population_used: f64,
    /// Deaths summed over this and all older bands (`deaths_used`).
    pub deaths_used: f64,
}

/// Life expectancy at every start age, with limits at `confidence`.
pub fn life_expectancy(
    bands: &[LifeTableBand],
    confidence: ConfidenceLevel,
) -> Result<Vec<LifeExpectancyAtAge>, StatsError> {
    life_expectancy_with_z(bands, confidence.z())
}

/// As [`life_expectancy`], with the normal critical value given directly.
///
/// For reproducing tables made with a rounded z (the PHEindicatormethods life-expectancy test
/// values use 1.96, not qnorm(0.975) = 1.959964). The 20-year suppression rule always uses
/// qnorm(0.975), as PHEindicatormethods does.
pub fn life_expectancy_with_z(
    bands: &[LifeTableBand],
    z: f64,
) -> Result<Vec<LifeExpectancyAtAge>, StatsError> {
    let bands = sorted_standard_bands(bands)?;
    check_usable(&bands)?;
    let table = chiang(&bands);
    let z95 = normal_quantile(0.975);
    let mut population_used = 0.0;
    let mut deaths_used = 0.0;
    let mut rows: Vec<LifeExpectancyAtAge> = Vec::with_capacity(bands.len());
    for (i, band) in bands.iter().enumerate().rev() {
        population_used += band.population;
        deaths_used += band.deaths;
        let e = finite(table.expectancy[i]);
        let se = finite(table.standard_error[i]);
        let too_wide = se.is_some_and(|se| z95 * se > MAXIMUM_CI_WIDTH_YEARS / 2.0);
        rows.push(LifeExpectancyAtAge {
            start_age: band.start_age,
            value: e.filter(|_| !too_wide),
            lower: e.zip(se).and_then(|(e, se)| finite(e - z * se)),
            upper: e.zip(se).and_then(|(e, se)| finite(e + z * se)),
            standard_error: se,
            population_used,
            deaths_used,
        });
    }
    rows.reverse();
    Ok(rows)
}

fn sorted_standard_bands(bands: &[LifeTableBand]) -> Result<Vec<LifeTableBand>, StatsError> {
    let mut sorted = bands.to_vec();
    sorted.sort_by_key(|b| b.start_age);
    let ages: Vec<u32> = sorted.iter().map(|b| b.start_age).collect();
    if ages != LIFE_TABLE_START_AGES {
        return Err(StatsError::AgeBands(format!(
            "life expectancy needs exactly one band for each start age {LIFE_TABLE_START_AGES:?}, got {ages:?}"
        )));
    }
    Ok(sorted)
}

/// The checks after which PHEindicatormethods returns NA for the whole area.
fn check_usable(bands: &[LifeTableBand]) -> Result<(), StatsError> {
    let unavailable = |reason: String| Err(StatsError::LifeExpectancyUnavailable(reason));
    for b in bands {
        if !b.deaths.is_finite() || !b.population.is_finite() {
            return unavailable(format!(
                "age {}: deaths and population must be numbers",
                b.start_age
            ));
        }
        if b.deaths < 0.0 {
            return unavailable(format!(
                "age {}: negative deaths ({})",
                b.start_age, b.deaths
            ));
        }
        if b.population <= 0.0 {
            return unavailable(format!(
                "age {}: population {} is not above zero",
                b.start_age, b.population
            ));
        }
        if b.deaths > b.population {
            return unavailable(format!(
                "age {}: more deaths ({}) than population ({})",
                b.start_age, b.deaths, b.population
            ));
        }
    }
    let total: f64 = bands.iter().map(|b| b.population).sum();
    if total <= MINIMUM_TOTAL_POPULATION {
        return unavailable(format!(
            "total population {total} is {MINIMUM_TOTAL_POPULATION} or less"
        ));
    }
    if bands.last().is_some_and(|b| b.deaths == 0.0) {
        return unavailable("the 90+ band needs at least one death".to_string());
    }
    Ok(())
}

/// Life expectancy and its standard error at each band's start age.
struct ChiangTable {
    expectancy: Vec<f64>,
    standard_error: Vec<f64>,
}

/// Chiang II life table with Silcocks' variance for the last band; the names follow Chiang:
/// n interval width, a fraction of the interval lived by those who die, M death rate,
/// q probability of dying, l survivors of 100,000, d deaths, L person-years, T years to come.
fn chiang(bands: &[LifeTableBand]) -> ChiangTable {
    let k = bands.len();
    let last = k - 1;
    let m: Vec<f64> = bands.iter().map(|b| b.deaths / b.population).collect();
    let width: Vec<f64> = (0..k)
        .map(|i| match bands.get(i + 1) {
            Some(next) => f64::from(next.start_age - bands[i].start_age),
            None => 2.0 / m[i],
        })
        .collect();
    let a: Vec<f64> = bands
        .iter()
        .map(|b| if b.start_age == 0 { 0.1 } else { 0.5 })
        .collect();
    let q: Vec<f64> = (0..k)
        .map(|i| {
            if bands[i].deaths <= bands[i].population / width[i] / a[i] {
                m[i] * width[i] / (1.0 + m[i] * width[i] * (1.0 - a[i]))
            } else {
                1.0
            }
        })
        .collect();
    let mut l = vec![100_000.0; k];
    for i in 1..k {
        l[i] = l[i - 1] * (1.0 - q[i - 1]);
    }
    let next_l = |i: usize| if i < last { l[i + 1] } else { 0.0 };
    let person_years: Vec<f64> = (0..k)
        .map(|i| {
            if i < last {
                width[i] * (next_l(i) + a[i] * (l[i] - next_l(i)))
            } else {
                l[i] / m[i]
            }
        })
        .collect();
    let years_to_come = reverse_cumulative_sum(&person_years);
    let expectancy: Vec<f64> = (0..k)
        .map(|i| {
            if l[i] == 0.0 {
                0.0
            } else {
                years_to_come[i] / l[i]
            }
        })
        .collect();
    let weighted_variance: Vec<f64> = (0..k)
        .map(|i| {
            if i == last {
                // Silcocks et al (2001): the 90+ band's variance comes from its death rate.
                let s = 4.0 / (bands[i].deaths * m[i] * m[i]);
                (l[i] / 2.0).powi(2) * s
            } else if l[i] - next_l(i) == 0.0 {
                0.0
            } else {
                let s = q[i] * q[i] * (1.0 - q[i]) / bands[i].deaths;
                s * l[i] * l[i] * ((1.0 - a[i]) * width[i] + expectancy[i + 1]).powi(2)
            }
        })
        .collect();
    let summed = reverse_cumulative_sum(&weighted_variance);
    let standard_error = (0..k).map(|i| (summed[i] / (l[i] * l[i])).sqrt()).collect();
    ChiangTable {
        expectancy,
        standard_error,
    }
}

fn reverse_cumulative_sum(values: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; values.len()];
    let mut running = 0.0;
    for (i, v) in values.iter().enumerate().rev() {
        running += v;
        out[i] = running;
    }
    out
}
