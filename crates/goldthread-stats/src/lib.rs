//! Public-health statistics as OHID publishes them on Fingertips, and disclosure control.
//!
//! **For**: the indicator methods England's public-health analysts use, computed exactly as the
//! R package PHEindicatormethods (v2.1.0) computes them, so that goldthread's numbers agree with
//! Fingertips:
//! - [`proportion`] with Wilson score limits;
//! - [`crude_rate`] with exact Poisson limits below 10 events and Byar's from 10 up;
//! - [`directly_standardised_rate`] (and its non-independent-events variant) with Dobson limits,
//!   usually against the 2013 European Standard Population ([`esp`]);
//! - [`indirectly_standardised_ratio`] and [`indirectly_standardised_rate`];
//! - [`mean()`] with Student's t limits;
//! - [`life_expectancy`] by Chiang's method II with Silcocks' variance for the 90+ band;
//! - comparison with a benchmark ([`compare`]) with Fingertips' Better/Similar/Worse labels;
//! - disclosure control ([`DisclosureRule`]) for every published count.
//!
//! **Not for**: reading or writing files, databases or the network (the crate is pure: callers
//! bring numbers in and take numbers out), plotting, or methods OHID does not use. Suppressed
//! values are typed ([`Disclosed::Suppressed`], `Option::None`), never strings.
//!
//! Every function checks its inputs and returns [`StatsError`] saying what was wrong. See the
//! crate README for each method's formula, source and the known quirks of the reference values.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod compare;
mod confidence;
pub mod disclosure;
mod distributions;
mod dsr;
mod error;
pub mod esp;
mod estimate;
mod isr;
mod life_expectancy;
mod limits;
mod mean;
mod proportion;
mod rate;
pub mod spc;

pub use compare::{Comparison, Polarity};
pub use confidence::ConfidenceLevel;
pub use disclosure::{Disclosed, DisclosedTable, DisclosureRule, Rounding};
pub use dsr::{
    directly_standardised_rate, directly_standardised_rate_non_independent, Dsr,
    EventFrequencyBand, PeopleWithEvents, StandardisationBand, DSR_MINIMUM_COUNT,
};
pub use error::StatsError;
pub use estimate::Estimate;
pub use isr::{
    indirectly_standardised_rate, indirectly_standardised_ratio, observed_and_expected,
    reference_rate, Isr, IsrBand,
};
pub use life_expectancy::{
    life_expectancy, life_expectancy_with_z, LifeExpectancyAtAge, LifeTableBand,
    LIFE_TABLE_START_AGES, MAXIMUM_CI_WIDTH_YEARS, MINIMUM_TOTAL_POPULATION,
};
pub use limits::{
    byars_lower, byars_upper, exact_poisson_limits, poisson_count_limits, wilson_limits,
    PoissonMethod, EXACT_POISSON_BELOW,
};
pub use mean::{mean, Mean};
pub use proportion::proportion;
pub use rate::{crude_rate, Rate};
