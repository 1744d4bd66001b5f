//! `goldthread ledger verify`: checks every budget reconciles.

use clap::{Args, Subcommand};
use goldthread_store::{redact_url, Store};

use super::DEFAULT_DATABASE;

/// `goldthread ledger ...`.
#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Check that every transaction balances and every budget's balance equals the sum of its
    /// entries; exits non-zero and lists each problem when one does not.
    Verify(VerifyArgs),
}

/// Arguments of `goldthread ledger verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB.
    #[arg(long, env = "GOLDTHREAD_DATABASE", default_value = DEFAULT_DATABASE)]
    database: String,
}

/// Runs `goldthread ledger ...`.
pub fn run(cmd: LedgerCommand) -> anyhow::Result<()> {
    let LedgerCommand::Verify(args) = cmd;
    super::runtime()?.block_on(async {
        let store = Store::connect(&args.database).await?;
        let check = store.verify_ledgers().await?;
        if check.problems.is_empty() {
            println!(
                "{} budgets and {} transactions reconcile in {}",
                check.budgets,
                check.transactions,
                redact_url(&args.database)
            );
            Ok(())
        } else {
            for p in &check.problems {
                eprintln!("{p}");
            }
            anyhow::bail!(
                "{} problems in {} budgets and {} transactions",
                check.problems.len(),
                check.budgets,
                check.transactions
            )
        }
    })
}
