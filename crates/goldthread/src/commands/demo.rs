//! `goldthread demo`: create or reset the Norfolk and Waveney demo ICS.

use clap::Args;
use goldthread_store::{redact_url, Store};

use super::DEFAULT_DATABASE;

/// Arguments of `goldthread demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Database URL: sqlite://FILE (created if missing) or postgres://USER@HOST/DB.
    #[arg(long, env = "GOLDTHREAD_DATABASE", default_value = DEFAULT_DATABASE)]
    database: String,
    /// Also load a full year of programme activity (District Direct, Waiting Well, home
    /// adaptations, social prescribing) instead of the default representative month.
    #[arg(long)]
    full: bool,
}

/// Runs `goldthread demo`.
pub fn run(args: DemoArgs) -> anyhow::Result<()> {
    super::runtime()?.block_on(async {
        let store = Store::connect(&args.database).await?;
        goldthread_demo::install(&store).await?;
        if args.full {
            goldthread_demo::programmes::install_year(&store).await?;
        }
        println!(
            "The Norfolk and Waveney demo ICS is ready in {}",
            redact_url(&args.database)
        );
        Ok(())
    })
}
