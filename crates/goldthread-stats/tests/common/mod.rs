//! Shared helpers for the reference-vector tests.
//!
//! The vectors are read at run time from the project's shared reference data (never copied
//! into the repository: the PHEindicatormethods files are GPL-3). They live in `../shared`
//! beside the workspace; set `GOLDTHREAD_SHARED` to use another copy.

#![allow(dead_code)] // Each test binary uses a different subset of these helpers.

use std::collections::HashMap;
use std::path::PathBuf;

/// Relative tolerance for agreement with the reference values.
pub const RELATIVE_TOLERANCE: f64 = 1e-6;

/// The shared reference-data directory; panics with a clear message when it is missing.
pub fn shared_dir() -> PathBuf {
    let dir = match std::env::var_os("GOLDTHREAD_SHARED") {
        Some(custom) => PathBuf::from(custom),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    assert!(
        dir.join("data/methods").is_dir(),
        "shared reference data not found at {}: these tests need the project's `shared` \
         directory beside the workspace (or GOLDTHREAD_SHARED pointing at it)",
        dir.display()
    );
    dir
}

/// The PHEindicatormethods test-data directory.
pub fn phe_dir() -> PathBuf {
    shared_dir().join("data/methods/phe_indicator_methods")
}

/// One CSV row as column name → text.
pub type Row = HashMap<String, String>;

/// Reads a CSV file into rows; panics naming the file when it cannot.
pub fn read_csv(path: PathBuf) -> Vec<Row> {
    let mut reader = csv::Reader::from_path(&path)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    let headers = reader.headers().expect("header row").clone();
    reader
        .records()
        .map(|record| {
            let record = record.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            headers
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// A numeric field; `None` for an empty cell (R's NA).
pub fn num(row: &Row, column: &str) -> Option<f64> {
    let text = row
        .get(column)
        .unwrap_or_else(|| panic!("column {column:?} missing from {row:?}"));
    if text.is_empty() || text == "NA" {
        None
    } else {
        Some(
            text.parse()
                .unwrap_or_else(|_| panic!("column {column:?}: {text:?} is not a number")),
        )
    }
}

/// A numeric field that must be present.
pub fn req(row: &Row, column: &str) -> f64 {
    num(row, column).unwrap_or_else(|| panic!("column {column:?} empty in {row:?}"))
}

/// Whether `actual` agrees with `expected` to the relative tolerance.
pub fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() <= RELATIVE_TOLERANCE * expected.abs().max(1e-12)
}

/// Asserts agreement to the relative tolerance, naming what was compared.
pub fn assert_close(what: &str, actual: f64, expected: f64) {
    assert!(
        close(actual, expected),
        "{what}: got {actual:.12}, expected {expected:.12} (relative difference {:.3e})",
        (actual - expected).abs() / expected.abs().max(1e-12)
    );
}

/// Asserts that an optional result matches an optional expected value (both missing, or close).
pub fn assert_close_opt(what: &str, actual: Option<f64>, expected: Option<f64>) {
    match (actual, expected) {
        (Some(a), Some(e)) => assert_close(what, a, e),
        (None, None) => {}
        _ => panic!("{what}: got {actual:?}, expected {expected:?}"),
    }
}
