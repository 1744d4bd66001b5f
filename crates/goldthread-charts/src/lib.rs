//! Accessible SVG charts for goldthread's outcomes pages and board reports.
//!
//! **For**: the charts public-health teams and NHS boards know: Fingertips' compare-areas bar
//! chart ([`bar::compare_areas`]), trends with intervals ([`trend::trend`]), Making Data Count
//! XmR charts with their icons ([`xmr::xmr_chart`]) and the prevention-share chart
//! ([`share::prevention_share`]). Each chart is a self-contained `<svg>` with a `<title>` and
//! `<desc>` (`role="img"`), its own styles (so it prints and saves the same), and tooltips on
//! every point. Pages add a data table beside each chart as its full text alternative.
//!
//! **Not for**: computing statistics (callers bring values, limits and calls from
//! `goldthread-stats`), maps, or IO. Charts are plain strings of SVG written by hand: no
//! JavaScript, no fonts to fetch.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod bar;
pub mod run;
pub mod share;
pub mod svg;
pub mod trend;
pub mod xmr;

use goldthread_stats::Comparison;

/// The words that make a chart accessible: a page-unique id, a title, and a description that
/// says what the chart shows in a sentence or two.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartText {
    /// Unique on the page (letters, digits, hyphens).
    pub id: String,
    /// The chart's title.
    pub title: String,
    /// What it shows.
    pub desc: String,
}

/// Fingertips' colour for a comparison with England.
pub fn comparison_colour(c: Comparison) -> &'static str {
    match c {
        Comparison::Better => "#92d050",
        Comparison::Similar => "#ffc000",
        Comparison::Worse => "#c00000",
        Comparison::Higher => "#bed2ff",
        Comparison::Lower => "#5555e6",
        Comparison::NotCompared => "#c9c9c9",
    }
}
