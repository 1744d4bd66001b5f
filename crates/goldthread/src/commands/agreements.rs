//! `goldthread agreements due`: the agreements whose review or expiry date is near or past.

use anyhow::Context;
use clap::{Args, Subcommand};
use goldthread_server::sharing::{due_agreements, parse_within};
use goldthread_store::{redact_url, Store};

use super::DEFAULT_DATABASE;

/// `goldthread agreements ...`.
#[derive(Debug, Subcommand)]
pub enum AgreementsCommand {
    /// List agreements whose review or expiry date falls within the window, or is past
    /// (revoked agreements are left out), soonest first.
    Due(DueArgs),
}

/// Arguments of `goldthread agreements due`.
#[derive(Debug, Args)]
pub struct DueArgs {
    /// The window, in days from today (0 to 3650).
    #[arg(long, default_value = "60")]
    within: String,
    /// Database URL.
    #[arg(long, env = "GOLDTHREAD_DATABASE", default_value = DEFAULT_DATABASE)]
    database: String,
}

/// Runs an agreements subcommand.
pub fn run(cmd: AgreementsCommand) -> anyhow::Result<()> {
    let AgreementsCommand::Due(args) = cmd;
    let within = parse_within(Some(&args.within)).map_err(anyhow::Error::msg)?;
    super::runtime()?.block_on(async {
        let store = Store::connect(&args.database)
            .await
            .with_context(|| format!("opening {}", redact_url(&args.database)))?;
        let agreements = store.agreements().await?;
        store.close().await;
        let today = chrono::Utc::now().date_naive();
        let due = due_agreements(agreements, today, within);
        if due.is_empty() {
            println!("no agreement has a review or expiry date within {within} days");
            return Ok(());
        }
        let mut out = csv::WriterBuilder::new()
            .delimiter(b'\t')
            .from_writer(std::io::stdout().lock());
        out.write_record(["reference", "status", "due", "date", "when", "title"])?;
        for (a, dates) in &due {
            for d in dates {
                out.write_record([
                    a.reference.as_str(),
                    a.status_on(today).as_str(),
                    d.kind.label(),
                    &d.date.to_string(),
                    &d.when(),
                    a.title.as_str(),
                ])?;
            }
        }
        out.flush()?;
        Ok(())
    })
}
