//! Holding each other to account: indicators with one versioned definition each, shared
//! outcomes with accountable partners, the golden thread of objectives from system to local
//! delivery, and the share of spending that goes to prevention.
//!
//! Everything here is pure: readers take bytes, rules take values. Statistics come from
//! `goldthread-stats`, so values, limits and comparisons are computed as OHID computes them.

pub mod agreement;
pub mod budget;
pub mod disclosure;
pub mod fingertips;
pub mod indicator;
pub mod local;
pub mod outcome;
pub mod polarity;
pub mod rebase;
pub mod thread;

use std::fmt;

/// One row of an input file that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct BadRow {
    /// Line number in the file (the header is line 1).
    pub line: u64,
    /// What was wrong, naming the field.
    pub reason: String,
}

impl BadRow {
    /// A bad row.
    pub fn new(line: u64, reason: impl Into<String>) -> Self {
        Self {
            line,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for BadRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// Why an indicator file was not imported. Nothing from a failed file is kept.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is not CSV.
    #[error("not a readable CSV file: {0}")]
    Csv(String),
    /// A required column is absent.
    #[error("the header has no {0:?} column")]
    MissingColumn(&'static str),
    /// Some rows could not be read.
    #[error("{} row(s) could not be read:\n{}", .0.len(), list(.0))]
    BadRows(Vec<BadRow>),
    /// The declared polarity contradicts the file.
    #[error("indicator {indicator}: polarity: {reason}")]
    Polarity {
        /// Indicator code.
        indicator: String,
        /// Why.
        reason: String,
    },
    /// The definition given cannot be used for this file.
    #[error("{0}")]
    Definition(String),
}

fn list(rows: &[BadRow]) -> String {
    let mut s: Vec<String> = rows.iter().take(50).map(ToString::to_string).collect();
    if rows.len() > 50 {
        s.push(format!("... and {} more", rows.len() - 50));
    }
    s.join("\n")
}
