//! `goldthread audit verify`: checks the audit trail's hash chain.

use anyhow::Context;
use clap::{Args, Subcommand};
use goldthread_store::{redact_url, Store};

use super::DEFAULT_DATABASE;

/// `goldthread audit ...`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check that no audit event was edited or removed; exits non-zero naming the first bad one.
    Verify(VerifyArgs),
}

/// Arguments of `goldthread audit verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Database URL.
    #[arg(long, env = "GOLDTHREAD_DATABASE", default_value = DEFAULT_DATABASE)]
    database: String,
}

/// Runs an audit subcommand.
pub fn run(cmd: AuditCommand) -> anyhow::Result<()> {
    let AuditCommand::Verify(args) = cmd;
    super::runtime()?.block_on(async {
        let store = Store::connect(&args.database)
            .await
            .with_context(|| format!("opening {}", redact_url(&args.database)))?;
        let result = store.verify_audit_chain().await?;
        store.close().await;
        match result {
            Ok(n) => {
                println!("audit trail intact: {n} events, every hash chained to the one before");
                Ok(())
            }
            Err(b) => anyhow::bail!("audit trail broken at event {}: {}", b.seq, b.reason),
        }
    })
}
