//! `goldthread organisations import|export`: organisations as CSV (the columns of
//! `goldthread_domain::directory::organisations_csv`).

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use goldthread_domain::directory::{organisations_csv, organisations_diff};
use goldthread_domain::{GssCode, GssEntity};
use goldthread_store::{redact_url, Store};

use super::DEFAULT_DATABASE;

/// `goldthread organisations ...`.
#[derive(Debug, Subcommand)]
pub enum OrganisationsCommand {
    /// Import organisations from CSV, all or nothing: every bad row is named by line, field and
    /// reason and nothing is written. `--dry-run` prints what would change and writes nothing.
    Import(ImportArgs),
    /// Export every organisation as CSV.
    Export(ExportArgs),
}

/// Arguments of `goldthread organisations import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file: id, name, kind, ods_code, gss_code, description, website, email, phone,
    /// companies_house, charity_number (name and kind required).
    file: PathBuf,
    /// Make every organisation a member of this ICS (its ICB's GSS code, E54...).
    #[arg(long)]
    icb: Option<String>,
    /// Print the organisations the file would add and change (field by field, old -> new) and
    /// how many it leaves as they are, without writing anything.
    #[arg(long)]
    dry_run: bool,
    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB.
    #[arg(long, env = "GOLDTHREAD_DATABASE", default_value = DEFAULT_DATABASE)]
    database: String,
}

/// Arguments of `goldthread organisations export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB.
    #[arg(long, env = "GOLDTHREAD_DATABASE", default_value = DEFAULT_DATABASE)]
    database: String,
}

/// Runs `goldthread organisations ...`.
pub fn run(cmd: OrganisationsCommand) -> anyhow::Result<()> {
    match cmd {
        OrganisationsCommand::Import(args) => import(args),
        OrganisationsCommand::Export(args) => export(args),
    }
}

fn import(args: ImportArgs) -> anyhow::Result<()> {
    let icb = args
        .icb
        .as_deref()
        .map(|c| {
            let code = GssCode::parse(c).map_err(|e| anyhow::anyhow!("--icb: {e}"))?;
            if code.entity() != GssEntity::IntegratedCareBoard {
                anyhow::bail!("--icb: {code} is not an ICB code; ICB codes start E54");
            }
            Ok(code)
        })
        .transpose()?;
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let file = args.file.display().to_string();
    let refuse = |errors: Vec<organisations_csv::RowError>| {
        for e in &errors {
            eprintln!("{file}: {e}");
        }
        anyhow::anyhow!("{} problems in {file}; nothing was imported", errors.len())
    };
    let rows = organisations_csv::parse_rows(&text).map_err(refuse)?;
    super::runtime()?.block_on(async {
        let store = Store::connect(&args.database).await?;
        let stored = store.organisation_records().await?;
        let diff = organisations_diff::diff(&stored, &rows).map_err(refuse)?;
        if args.dry_run {
            print!("{}", describe(&diff));
            println!("{file}: {} (dry run: nothing was written)", diff.summary());
            return Ok(());
        }
        // Matched rows carry the stored organisation's id, so the import does what the dry
        // run says.
        let mut records = diff.writes();
        records.extend(diff.unchanged.iter().map(|u| u.record.clone()));
        store
            .import_organisations(&records, icb.as_ref())
            .await
            .context("nothing was imported")?;
        println!(
            "imported {} organisations into {} ({})",
            records.len(),
            redact_url(&args.database),
            diff.summary()
        );
        Ok(())
    })
}

/// The added and changed rows, one line each, changed fields as `field: "old" -> "new"`.
fn describe(diff: &organisations_diff::OrganisationsDiff) -> String {
    let mut out = String::new();
    for a in &diff.added {
        out.push_str(&format!(
            "add     line {}: {} ({})\n",
            a.line, a.record.0.name, a.record.0.kind
        ));
    }
    for c in &diff.changed {
        let fields: Vec<String> = c
            .fields
            .iter()
            .map(|f| format!("{}: {:?} -> {:?}", f.field, f.old, f.new))
            .collect();
        out.push_str(&format!(
            "change  line {}: {}: {}\n",
            c.line,
            c.before.0.name,
            fields.join("; ")
        ));
    }
    out
}

fn export(args: ExportArgs) -> anyhow::Result<()> {
    super::runtime()?.block_on(async {
        let store = Store::connect(&args.database).await?;
        let records = store.organisation_records().await?;
        let csv = organisations_csv::write(&records);
        match &args.out {
            Some(path) => {
                std::fs::write(path, csv).with_context(|| format!("writing {}", path.display()))?;
                eprintln!(
                    "wrote {} organisations to {}",
                    records.len(),
                    path.display()
                );
            }
            None => print!("{csv}"),
        }
        Ok(())
    })
}
