//! `goldthread directory import|export`: the service directory as Open Referral UK JSON.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use goldthread_domain::directory::oruk::FullService;
use goldthread_domain::directory::oruk_import;
use goldthread_store::{redact_url, Store};

use super::DEFAULT_DATABASE;

/// `goldthread directory ...`.
#[derive(Debug, Subcommand)]
pub enum DirectoryCommand {
    /// Import ORUK v3 service records (an array of full records, or a page object holding them
    /// in `contents`) with their organisations and taxonomy terms, all or nothing: any bad
    /// record is named by its index, field and reason and nothing is written.
    Import(ImportArgs),
    /// Export every service as a JSON array of full ORUK records.
    Export(ExportArgs),
}

/// Arguments of `goldthread directory import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The ORUK JSON file.
    file: PathBuf,
    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB.
    #[arg(long, env = "GOLDTHREAD_DATABASE", default_value = DEFAULT_DATABASE)]
    database: String,
}

/// Arguments of `goldthread directory export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB.
    #[arg(long, env = "GOLDTHREAD_DATABASE", default_value = DEFAULT_DATABASE)]
    database: String,
}

/// Runs `goldthread directory ...`.
pub fn run(cmd: DirectoryCommand) -> anyhow::Result<()> {
    match cmd {
        DirectoryCommand::Import(args) => import(args),
        DirectoryCommand::Export(args) => export(args),
    }
}

fn import(args: ImportArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let parsed = match oruk_import::parse(&text, chrono::Utc::now()) {
        Ok(p) => p,
        Err(errors) => {
            for e in &errors {
                eprintln!("{}: {e}", args.file.display());
            }
            anyhow::bail!(
                "{} problems in {}; nothing was imported",
                errors.len(),
                args.file.display()
            );
        }
    };
    super::runtime()?.block_on(async {
        let store = Store::connect(&args.database).await?;
        store
            .import_directory(&parsed)
            .await
            .context("nothing was imported")?;
        println!(
            "imported {} services, {} organisations and {} taxonomy terms into {}",
            parsed.services.len(),
            parsed.organisations.len(),
            parsed.terms.len(),
            redact_url(&args.database)
        );
        Ok(())
    })
}

fn export(args: ExportArgs) -> anyhow::Result<()> {
    super::runtime()?.block_on(async {
        let store = Store::connect(&args.database).await?;
        let snapshot = store.directory_snapshot().await?;
        let records: Vec<FullService> = snapshot
            .services
            .iter()
            .filter_map(|s| {
                let (o, p) = snapshot
                    .organisations
                    .iter()
                    .find(|(o, _)| o.id == s.organisation)?;
                Some(FullService::new(s, o, p, &snapshot.terms))
            })
            .collect();
        let json = serde_json::to_string_pretty(&records)?;
        match &args.out {
            Some(path) => {
                std::fs::write(path, json + "\n")
                    .with_context(|| format!("writing {}", path.display()))?;
                eprintln!("wrote {} services to {}", records.len(), path.display());
            }
            None => println!("{json}"),
        }
        Ok(())
    })
}
