//! `goldthread programmes measures refresh`: recounts every programme's measures as local
//! indicators on the outcomes framework.

use clap::{Args, Subcommand};
use goldthread_store::{redact_url, Store};

use super::DEFAULT_DATABASE;

/// `goldthread programmes ...`.
#[derive(Debug, Subcommand)]
pub enum ProgrammesCommand {
    /// Programme measures as local indicators.
    #[command(subcommand)]
    Measures(MeasuresCommand),
}

/// `goldthread programmes measures ...`.
#[derive(Debug, Subcommand)]
pub enum MeasuresCommand {
    /// Count each programme's measures by district, month and financial year from the case
    /// records and store them as local indicator values (earlier values of each are replaced;
    /// a changed definition becomes a new version).
    Refresh(RefreshArgs),
}

/// Arguments of `goldthread programmes measures refresh`.
#[derive(Debug, Args)]
pub struct RefreshArgs {
    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB.
    #[arg(long, env = "GOLDTHREAD_DATABASE", default_value = DEFAULT_DATABASE)]
    database: String,
    /// Who the new definition versions are attributed to.
    #[arg(long, default_value = "goldthread programmes measures refresh")]
    by: String,
}

/// Runs `goldthread programmes ...`.
pub fn run(cmd: ProgrammesCommand) -> anyhow::Result<()> {
    let ProgrammesCommand::Measures(MeasuresCommand::Refresh(args)) = cmd;
    super::runtime()?.block_on(async {
        let store = Store::connect(&args.database).await?;
        let today = chrono::Utc::now().date_naive();
        let done = store.refresh_programme_measures(today, &args.by).await?;
        println!(
            "{} programmes: {} indicator values, {} new definition versions in {}",
            done.programmes,
            done.values,
            done.new_definition_versions,
            redact_url(&args.database)
        );
        for (programme, measure, why) in &done.not_computed {
            println!("not computed: {programme} {measure}: {why}");
        }
        if done.without_district > 0 {
            println!(
                "{} cases have no district and are not counted",
                done.without_district
            );
        }
        Ok(())
    })
}
