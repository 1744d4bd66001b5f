//! The 2013 European Standard Population (Eurostat, *Revision of the European Standard
//! Population*, 2013), the standard OHID and ONS use for directly standardised rates.
//!
//! Three band layouts: 19 bands (0-4 ... 85-89, 90+) as PHEindicatormethods' `esp2013`;
//! 20 bands (0, 1-4, 5-9 ... 90+) as ONS and OHID band ages for life tables; and Eurostat's
//! original 21 bands (0, 1-4, ... 90-94, 95+). Each sums to 100,000.

use serde::Serialize;

use crate::error::StatsError;

/// One band of a standard population.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StandardPopulationBand {
    /// First age in the band.
    pub start_age: u32,
    /// Last age in the band; `None` for the open-ended top band.
    pub end_age: Option<u32>,
    /// The band's weight (people per 100,000).
    pub population: u32,
}

const fn band(start_age: u32, end_age: Option<u32>, population: u32) -> StandardPopulationBand {
    StandardPopulationBand {
        start_age,
        end_age,
        population,
    }
}

/// ESP 2013 in 19 five-year bands, 0-4 to 90+.
pub const ESP2013_19_BANDS: [StandardPopulationBand; 19] = [
    band(0, Some(4), 5000),
    band(5, Some(9), 5500),
    band(10, Some(14), 5500),
    band(15, Some(19), 5500),
    band(20, Some(24), 6000),
    band(25, Some(29), 6000),
    band(30, Some(34), 6500),
    band(35, Some(39), 7000),
    band(40, Some(44), 7000),
    band(45, Some(49), 7000),
    band(50, Some(54), 7000),
    band(55, Some(59), 6500),
    band(60, Some(64), 6000),
    band(65, Some(69), 5500),
    band(70, Some(74), 5000),
    band(75, Some(79), 4000),
    band(80, Some(84), 2500),
    band(85, Some(89), 1500),
    band(90, None, 1000),
];

/// ESP 2013 in 20 bands: under 1, 1-4, then five-year bands to 90+.
pub const ESP2013_20_BANDS: [StandardPopulationBand; 20] = [
    band(0, Some(0), 1000),
    band(1, Some(4), 4000),
    band(5, Some(9), 5500),
    band(10, Some(14), 5500),
    band(15, Some(19), 5500),
    band(20, Some(24), 6000),
    band(25, Some(29), 6000),
    band(30, Some(34), 6500),
    band(35, Some(39), 7000),
    band(40, Some(44), 7000),
    band(45, Some(49), 7000),
    band(50, Some(54), 7000),
    band(55, Some(59), 6500),
    band(60, Some(64), 6000),
    band(65, Some(69), 5500),
    band(70, Some(74), 5000),
    band(75, Some(79), 4000),
    band(80, Some(84), 2500),
    band(85, Some(89), 1500),
    band(90, None, 1000),
];

/// ESP 2013 in Eurostat's 21 bands: under 1, 1-4, five-year bands, 90-94 and 95+.
pub const ESP2013_21_BANDS: [StandardPopulationBand; 21] = [
    band(0, Some(0), 1000),
    band(1, Some(4), 4000),
    band(5, Some(9), 5500),
    band(10, Some(14), 5500),
    band(15, Some(19), 5500),
    band(20, Some(24), 6000),
    band(25, Some(29), 6000),
    band(30, Some(34), 6500),
    band(35, Some(39), 7000),
    band(40, Some(44), 7000),
    band(45, Some(49), 7000),
    band(50, Some(54), 7000),
    band(55, Some(59), 6500),
    band(60, Some(64), 6000),
    band(65, Some(69), 5500),
    band(70, Some(74), 5000),
    band(75, Some(79), 4000),
    band(80, Some(84), 2500),
    band(85, Some(89), 1500),
    band(90, Some(94), 800),
    band(95, None, 200),
];

/// The ESP 2013 weights for a set of band start ages, in the order given.
///
/// The start ages must be exactly one of the three layouts (in any order): matching on the
/// start age rather than on position or label means a mislabelled band ("55-69" for 55-59)
/// still lands on the right weight, while a missing or extra band is an error.
pub fn esp2013_for_start_ages(start_ages: &[u32]) -> Result<Vec<u32>, StatsError> {
    let mut sorted = start_ages.to_vec();
    sorted.sort_unstable();
    let layouts: [&[StandardPopulationBand]; 3] =
        [&ESP2013_19_BANDS, &ESP2013_20_BANDS, &ESP2013_21_BANDS];
    let layout = layouts
        .iter()
        .find(|layout| {
            layout
                .iter()
                .map(|b| b.start_age)
                .eq(sorted.iter().copied())
        })
        .ok_or_else(|| {
            StatsError::AgeBands(format!(
                "start ages {start_ages:?} are not one of the ESP 2013 layouts \
                 (19 bands 0,5,...,90; 20 bands 0,1,5,...,90; 21 bands 0,1,5,...,95), \
                 each exactly once"
            ))
        })?;
    Ok(start_ages
        .iter()
        .map(|age| {
            layout
                .iter()
                .find(|b| b.start_age == *age)
                .map_or(0, |b| b.population)
        })
        .collect())
}

/// The first whole number in an age-band label: "0-4" → 0, "90+" → 90, "05-09" → 5, "Age 85 to 89" → 85.
///
/// This is how PHEindicatormethods reads start ages from labels (`sub("\\D*(\\d+).*", "\\1", x)`).
pub fn start_age_from_label(label: &str) -> Option<u32> {
    let digits: String = label
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}
