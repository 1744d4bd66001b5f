//! One module per subcommand: each parses its arguments and calls the libraries.

pub mod account;
pub mod agreements;
pub mod audit;
pub mod demo;
pub mod directory;
pub mod geography;
pub mod indicators;
pub mod ledger;
pub mod link;
pub mod organisations;
pub mod programmes;
pub mod report;
pub mod serve;
pub mod stats;

/// The database used when none is given: a SQLite file in the working directory.
pub const DEFAULT_DATABASE: &str = "sqlite://goldthread.db";

/// Builds the single-purpose async runtime the database and server commands use.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
