//! `goldthread report board`: the board report of an ICS as a PDF, printed by headless
//! Chromium (`GOLDTHREAD_CHROMIUM`, else `chromium` on the PATH).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use goldthread_domain::GssCode;
use goldthread_server::{board_report_pdf, AppState};
use goldthread_store::Store;

use super::DEFAULT_DATABASE;

/// `goldthread report ...`.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The outcomes board report of an ICS as a PDF.
    Board(BoardArgs),
}

/// Arguments of `goldthread report board`.
#[derive(Debug, Args)]
pub struct BoardArgs {
    /// The ICB's GSS code (E54...).
    #[arg(long)]
    icb: String,
    /// Where to write the PDF.
    #[arg(long)]
    out: PathBuf,
    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB.
    #[arg(long, env = "GOLDTHREAD_DATABASE", default_value = DEFAULT_DATABASE)]
    database: String,
}

/// Runs `goldthread report ...`.
pub fn run(cmd: ReportCommand) -> anyhow::Result<()> {
    let ReportCommand::Board(args) = cmd;
    let icb = GssCode::parse(&args.icb).map_err(|e| anyhow::anyhow!("--icb: {e}"))?;
    if icb.entity() != goldthread_domain::GssEntity::IntegratedCareBoard {
        anyhow::bail!("--icb: {icb} is not an ICB code (E54...)");
    }
    super::runtime()?.block_on(async {
        let store = Store::connect(&args.database).await?;
        let state = AppState::load(store).await?;
        let pdf = board_report_pdf(&state, &icb).await?;
        std::fs::write(&args.out, &pdf)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", args.out.display()))?;
        println!(
            "wrote the board report for {icb} to {} ({} bytes)",
            args.out.display(),
            pdf.len()
        );
        Ok(())
    })
}
