//! Errors raised by the linkage engine.
use thiserror::Error;

/// One input row that could not be used, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    /// 1-based line number in the input file.
    pub line: u64,
    /// Why the row was rejected.
    pub reason: String,
}

impl std::fmt::Display for BadRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// Everything that can go wrong in linkage.
#[derive(Debug, Error)]
pub enum LinkError {
    /// A file could not be opened, read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The input had rows that could not be parsed and skipping was not asked for.
    #[error("{path}: {count} bad row(s); first ones:\n{}\n(use --skip-bad-rows to skip them)", list_rows(.rows))]
    BadRows {
        /// The file involved.
        path: String,
        /// How many bad rows were seen before stopping.
        count: usize,
        /// Up to ten of them.
        rows: Vec<BadRow>,
    },
    /// The file is not in the expected format (missing header, unknown column, ...).
    #[error("{path}: {reason}")]
    Format {
        /// The file involved.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The field specification is invalid.
    #[error("field specification: {0}")]
    Spec(String),
    /// Training produced estimates that cannot be trusted.
    #[error("training failed, the model cannot be trusted:\n  - {}", .0.join("\n  - "))]
    TrainingFailed(Vec<String>),
    /// The inputs do not fit together (different secrets, different fields, ...).
    #[error("{0}")]
    Mismatch(String),
}

fn list_rows(rows: &[BadRow]) -> String {
    rows.iter()
        .map(|r| format!("  {r}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Result alias for the linkage engine.
pub type Result<T> = std::result::Result<T, LinkError>;
