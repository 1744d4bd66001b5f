//! `goldthread indicators import`: load a Fingertips export or a partner's counts into the
//! database, in one transaction, after checking every row and the polarity.

use std::io::Read;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use goldthread_domain::outcomes::agreement::call_agreement;
use goldthread_domain::outcomes::fingertips::{parse_fingertips, FingertipsOptions};
use goldthread_domain::outcomes::indicator::{
    BenchmarkMethod, IndicatorCode, IndicatorDefinition, ValueMethod,
};
use goldthread_domain::outcomes::local::parse_local_counts;
use goldthread_stats::Polarity;
use goldthread_store::{redact_url, Store};

use super::DEFAULT_DATABASE;

/// `goldthread indicators ...`
#[derive(Debug, Subcommand)]
pub enum IndicatorsCommand {
    /// Import indicator values.
    #[command(subcommand)]
    Import(ImportCommand),
}

/// What to import.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A Fingertips CSV export (full layout, or a cut-down extract with --indicator-id).
    Fingertips(FingertipsArgs),
    /// A partner's counts: area_code, period, numerator, denominator [, area_name, sex].
    Local(LocalArgs),
}

/// Options shared by both imports.
#[derive(Debug, Args)]
pub struct Common {
    /// The CSV file, or - for standard input.
    file: PathBuf,
    /// Database URL.
    #[arg(long, env = "GOLDTHREAD_DATABASE", default_value = DEFAULT_DATABASE)]
    database: String,
    /// Polarity from your metadata (high-is-good, low-is-good, no-judgement); checked against
    /// the file's own Better/Worse calls.
    #[arg(long)]
    polarity: Option<String>,
    /// Comparison with England: 95, 99.8 or none.
    #[arg(long, default_value = "95")]
    benchmark: String,
    /// The extract's "as of" date (YYYY-MM-DD).
    #[arg(long)]
    as_of: String,
    /// Where the data come from.
    #[arg(long, default_value = "OHID Fingertips (OGL v3.0)")]
    source: String,
    /// Dashboard theme.
    #[arg(long, default_value = "Healthy lives")]
    theme: String,
    /// Who is loading it (recorded with any new definition version).
    #[arg(long, default_value = "goldthread indicators import")]
    changed_by: String,
    /// Check the file and report, but store nothing.
    #[arg(long)]
    dry_run: bool,
}

/// `goldthread indicators import fingertips`
#[derive(Debug, Args)]
pub struct FingertipsArgs {
    #[command(flatten)]
    common: Common,
    /// Indicator ID for cut-down extracts that carry none.
    #[arg(long)]
    indicator_id: Option<String>,
}

/// `goldthread indicators import local`
#[derive(Debug, Args)]
pub struct LocalArgs {
    #[command(flatten)]
    common: Common,
    /// The indicator's code (e.g. NW-QUITS-4WK).
    #[arg(long)]
    code: String,
    /// Its name.
    #[arg(long)]
    name: String,
    /// What is counted, in words.
    #[arg(long)]
    definition: String,
    /// proportion or crude_rate.
    #[arg(long)]
    method: String,
    /// Multiplier (100 for a percentage, 100000 for a rate per 100,000).
    #[arg(long, default_value_t = 100.0)]
    multiplier: f64,
    /// Unit shown with values.
    #[arg(long, default_value = "%")]
    unit: String,
}

fn read(file: &PathBuf) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if file.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut bytes)?;
    } else {
        bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    }
    Ok(bytes)
}

fn polarity(p: &Option<String>) -> anyhow::Result<Option<Polarity>> {
    p.as_deref()
        .map(|s| s.parse::<Polarity>().map_err(anyhow::Error::msg))
        .transpose()
}

/// Runs `goldthread indicators ...`.
pub fn run(cmd: IndicatorsCommand) -> anyhow::Result<()> {
    let IndicatorsCommand::Import(what) = cmd;
    let (common, definitions, values) = match what {
        ImportCommand::Fingertips(a) => {
            let options = FingertipsOptions {
                indicator: a
                    .indicator_id
                    .as_deref()
                    .map(IndicatorCode::parse)
                    .transpose()?,
                polarity: polarity(&a.common.polarity)?,
                benchmark: BenchmarkMethod::parse(&a.common.benchmark)?,
                as_of: a.common.as_of.clone(),
                source: a.common.source.clone(),
                theme: a.common.theme.clone(),
            };
            let import = parse_fingertips(&read(&a.common.file)?, &options)?;
            for (reason, n) in &import.skipped {
                println!("skipped {n} {reason}");
            }
            for (code, e) in &import.polarity_evidence {
                println!(
                    "indicator {code}: calls imply high-is-good {}, low-is-good {}, no judgement {}",
                    e.high_is_good, e.low_is_good, e.no_judgement
                );
            }
            let agreement = call_agreement(&import.definitions, &import.values);
            println!(
                "compared with England: goldthread's recomputed calls equal the file's on {} of {} rows ({:.1}%); {} rows have a call but no limits to recompute from",
                agreement.agreeing,
                agreement.compared,
                agreement.rate() * 100.0,
                agreement.not_recomputable
            );
            for d in agreement.differences.iter().take(10) {
                println!(
                    "  differs: {} {} {}: file {}, goldthread {}",
                    d.indicator, d.area, d.period, d.source, d.goldthread
                );
            }
            (a.common, import.definitions, import.values)
        }
        ImportCommand::Local(a) => {
            let method = ValueMethod::parse(&a.method)?;
            if method == ValueMethod::AsPublished {
                bail!("--method must be proportion or crude_rate: local counts are recomputed");
            }
            let def = IndicatorDefinition {
                code: IndicatorCode::parse(&a.code)?,
                version: 1,
                name: a.name,
                definition: a.definition,
                source: a.common.source.clone(),
                unit: a.unit,
                theme: a.common.theme.clone(),
                polarity: polarity(&a.common.polarity)?.unwrap_or(Polarity::NoJudgement),
                method,
                multiplier: a.multiplier,
                benchmark: BenchmarkMethod::parse(&a.common.benchmark)?,
                as_of: a.common.as_of.clone(),
            };
            let values = parse_local_counts(&read(&a.common.file)?, &def)?;
            (a.common, vec![def], values)
        }
    };
    println!(
        "{} indicator(s), {} value(s) read",
        definitions.len(),
        values.len()
    );
    if common.dry_run {
        println!("dry run: nothing stored");
        return Ok(());
    }
    super::runtime()?.block_on(async {
        let store = Store::connect(&common.database).await?;
        let summary = store
            .import_indicators(
                &definitions,
                &values,
                &common.changed_by,
                "indicators import",
            )
            .await?;
        println!(
            "stored {} value(s) and {} new definition version(s) in {}",
            summary.values,
            summary.new_definition_versions,
            redact_url(&common.database)
        );
        Ok(())
    })
}
