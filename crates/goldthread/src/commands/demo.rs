//! `goldthread demo`: create or reset the Norfolk and Waveney demo ICS.

use anyhow::Context;
use clap::Args;
use goldthread_domain::geography::ReferenceGeography;
use goldthread_store::{redact_url, Store};

use super::DEFAULT_DATABASE;

/// Arguments of `goldthread demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Database URL: sqlite://FILE (created if missing) or postgres://USER@HOST/DB.
    #[arg(long, env = "GOLDTHREAD_DATABASE", default_value = DEFAULT_DATABASE)]
    database: String,
}

/// Loads the reference geography and the demo ICS into a database, replacing earlier copies.
pub async fn load(store: &Store) -> anyhow::Result<()> {
    let geo = ReferenceGeography::england_2024();
    store
        .replace_reference_geography(&geo)
        .await
        .context("loading the reference geography")?;
    let (system, organisations) = goldthread_demo::norfolk_and_waveney(&geo);
    store
        .put_system(&system, &organisations)
        .await
        .context("loading the demo ICS")?;
    tracing::info!(
        icb = %system.icb,
        organisations = organisations.len(),
        "loaded the {} demo ICS and the {} reference geography",
        system.name,
        geo.vintage
    );
    Ok(())
}

/// Runs `goldthread demo`.
pub fn run(args: DemoArgs) -> anyhow::Result<()> {
    super::runtime()?.block_on(async {
        let store = Store::connect(&args.database).await?;
        load(&store).await?;
        println!(
            "The Norfolk and Waveney demo ICS is ready in {}",
            redact_url(&args.database)
        );
        Ok(())
    })
}
