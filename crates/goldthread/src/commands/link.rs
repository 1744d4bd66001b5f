//! `goldthread link`: probabilistic record linkage between partners.
//!
//! Thin wrapper over the `goldthread-link` library: parses arguments, reads
//! and writes files, prints summaries.
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use goldthread_link::bloom::{encode, EncodeOptions, Secret};
use goldthread_link::io::{self as lio, IdColumn, ReadReport};
use goldthread_link::prepare::PrepareBuilder;
use goldthread_link::synth::{generate_chunks, Side, SynthOptions, COLUMNS};
use goldthread_link::{
    clusters, evaluate, households, link_incremental, LinkOptions, LinkOutput, LinkSpec, Model,
    Prepared, Scorer, Table,
};

/// The `goldthread link` subcommands.
#[derive(Debug, Subcommand)]
pub enum LinkCommand {
    /// Link two files (or two encoded files with --encoded) and write the predicted pairs.
    Pairs(PairsArgs),
    /// Find records of one file that are the same person and write clusters.
    Dedupe(DedupeArgs),
    /// Encode a file's identifying fields with a shared secret, for linkage at a hub.
    Encode(EncodeArgs),
    /// Generate two synthetic files of UK-style people with the true pairs.
    Synth(SynthArgs),
    /// Print precision, recall and F1 of predicted pairs against true pairs.
    Evaluate(EvaluateArgs),
    /// Print the field specification inferred from a file's header.
    Spec(SpecArgs),
    /// Link new records against an already linked population, keeping cluster ids stable.
    Incremental(IncrementalArgs),
    /// Group the records of a file into households (same UPRN or same address).
    Households(HouseholdArgs),
}

/// Options shared by commands that read record files.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Field specification (TOML). Without it, fields are inferred from column names.
    #[arg(long)]
    spec: Option<PathBuf>,
    /// Column holding the record id (default: guessed, else row numbers).
    #[arg(long)]
    id_column: Option<String>,
    /// Skip rows that cannot be read (counted in the summary) instead of stopping.
    #[arg(long)]
    skip_bad_rows: bool,
    /// Write the specification used (inferred or given) to this file.
    #[arg(long)]
    save_spec: Option<PathBuf>,
}

/// Options shared by commands that score pairs.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Pairs with match probability at or above this are matches.
    #[arg(long, default_value_t = 0.5)]
    threshold: f64,
    /// Lower bound of the clerical-review band (pairs between it and --threshold).
    #[arg(long)]
    review_from: Option<f64>,
    /// Where to write the clerical-review pairs.
    #[arg(long)]
    review_out: Option<PathBuf>,
    /// Add an explanation column: each field's level and contribution.
    #[arg(long)]
    explain: bool,
    /// Known matching pairs (CSV: left_id,right_id) to train m from instead of EM.
    #[arg(long)]
    labels: Option<PathBuf>,
    /// Use a saved model (JSON) instead of training.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Save the trained model (JSON).
    #[arg(long)]
    save_model: Option<PathBuf>,
    /// Go on even when training finds degenerate estimates (prints them as warnings).
    #[arg(long)]
    allow_degenerate: bool,
    /// Seed for the random pairs used in training.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

/// Arguments of `goldthread link pairs`.
#[derive(Debug, Args)]
pub struct PairsArgs {
    /// Left file (CSV, or encoded with --encoded).
    left: PathBuf,
    /// Right file (CSV, or encoded with --encoded).
    right: PathBuf,
    /// The inputs are encoded files from `goldthread link encode`.
    #[arg(long)]
    encoded: bool,
    /// Keep at most one match per record, best first.
    #[arg(long)]
    one_to_one: bool,
    /// Output CSV (or .parquet): left_id,right_id,match_probability,match_weight.
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    score: ScoreArgs,
}

/// Arguments of `goldthread link dedupe`.
#[derive(Debug, Args)]
pub struct DedupeArgs {
    /// Input file (CSV, or encoded with --encoded).
    file: PathBuf,
    /// The input is an encoded file.
    #[arg(long)]
    encoded: bool,
    /// Output CSV: id,cluster_id.
    #[arg(long)]
    out: PathBuf,
    /// Also write the matched pairs here.
    #[arg(long)]
    pairs_out: Option<PathBuf>,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    score: ScoreArgs,
}

/// Arguments of `goldthread link encode`.
#[derive(Debug, Args)]
pub struct EncodeArgs {
    /// Input CSV.
    file: PathBuf,
    /// File holding the secret shared by the partners (never give it to the hub).
    #[arg(long)]
    secret_file: PathBuf,
    /// Output encoded file.
    #[arg(long)]
    out: PathBuf,
    /// Bloom filter size in bits per field.
    #[arg(long, default_value_t = 512)]
    bits: usize,
    /// Balanced filters: append the complement and permute with a keyed permutation.
    #[arg(long)]
    balanced: bool,
    #[command(flatten)]
    input: InputArgs,
}

/// Arguments of `goldthread link synth`.
#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Records per file.
    #[arg(long)]
    n: usize,
    /// Seed: the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Share of right-hand records with a partner on the left.
    #[arg(long, default_value_t = 0.8)]
    overlap: f64,
    /// Corruption strength (1.0 = default mix of typos, nicknames, moves, missing values).
    #[arg(long, default_value_t = 1.0)]
    corruption: f64,
    /// Directory for left.csv, right.csv and truth.csv.
    #[arg(long)]
    out: PathBuf,
    /// Write left.parquet and right.parquet instead of CSV.
    #[arg(long)]
    parquet: bool,
}

/// Arguments of `goldthread link evaluate`.
#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// Predicted pairs (CSV with left_id,right_id first).
    #[arg(long)]
    pairs: PathBuf,
    /// True pairs (CSV with two id columns first).
    #[arg(long)]
    truth: PathBuf,
    /// Pairs are unordered (deduplication).
    #[arg(long)]
    unordered: bool,
}

/// Arguments of `goldthread link spec`.
#[derive(Debug, Args)]
pub struct SpecArgs {
    /// CSV file whose header to read.
    file: PathBuf,
    /// Column holding the record id.
    #[arg(long)]
    id_column: Option<String>,
}

/// Arguments of `goldthread link incremental`.
#[derive(Debug, Args)]
pub struct IncrementalArgs {
    /// The already linked population (CSV).
    #[arg(long)]
    existing: PathBuf,
    /// Its clusters (CSV: id,cluster_id), from dedupe or an earlier incremental run.
    #[arg(long)]
    clusters: PathBuf,
    /// The new records (CSV, same columns).
    #[arg(long)]
    new: PathBuf,
    /// Output: all clusters, existing then new (CSV: id,cluster_id).
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    score: ScoreArgs,
}

/// Arguments of `goldthread link households`.
#[derive(Debug, Args)]
pub struct HouseholdArgs {
    /// Input CSV.
    file: PathBuf,
    /// Output CSV: id,household_id.
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    input: InputArgs,
}

/// Runs a `goldthread link` subcommand.
pub fn run(cmd: LinkCommand) -> anyhow::Result<()> {
    match cmd {
        LinkCommand::Pairs(a) => pairs(a),
        LinkCommand::Dedupe(a) => dedupe(a),
        LinkCommand::Encode(a) => encode_file(a),
        LinkCommand::Synth(a) => synth(a),
        LinkCommand::Evaluate(a) => evaluate_pairs(a),
        LinkCommand::Spec(a) => print_spec(a),
        LinkCommand::Incremental(a) => incremental(a),
        LinkCommand::Households(a) => household_groups(a),
    }
}

/// Wall-clock phases for the summary.
struct Clock {
    phases: Vec<(String, Duration)>,
    last: Instant,
}

impl Clock {
    fn new() -> Self {
        Clock {
            phases: Vec::new(),
            last: Instant::now(),
        }
    }

    fn lap(&mut self, name: &str) {
        self.phases.push((name.to_string(), self.last.elapsed()));
        self.last = Instant::now();
    }

    fn extend(&mut self, phases: &[(&'static str, Duration)]) {
        self.phases
            .extend(phases.iter().map(|(n, d)| (n.to_string(), *d)));
        self.last = Instant::now();
    }

    fn print(&self) {
        let parts: Vec<String> = self
            .phases
            .iter()
            .map(|(n, d)| format!("{n} {:.2}s", d.as_secs_f64()))
            .collect();
        let total: f64 = self.phases.iter().map(|(_, d)| d.as_secs_f64()).sum();
        println!("time: {} (total {total:.2}s)", parts.join(", "));
    }
}

fn id_choice(input: &InputArgs, spec: Option<&LinkSpec>) -> IdColumn {
    match (&input.id_column, spec.and_then(|s| s.id_column.clone())) {
        (Some(c), _) => IdColumn::Named(c.clone()),
        (None, Some(c)) => IdColumn::Named(c),
        (None, None) => IdColumn::Infer,
    }
}

fn read_spec(path: &Path) -> anyhow::Result<LinkSpec> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    LinkSpec::from_toml(&text).with_context(|| format!("{}", path.display()))
}

/// Reads a record file, reporting skipped rows.
fn read_table(path: &Path, id: &IdColumn, skip: bool) -> anyhow::Result<(Table, ReadReport)> {
    let (t, report) = lio::read_records(path, id, skip)?;
    print_read(path, &report);
    Ok((t, report))
}

/// Reads the header of the first input, settles the specification (given or
/// inferred and printed), then streams every input into the preparation in
/// chunks: no input is ever held whole.
fn stream_prepare(
    input: &InputArgs,
    files: &[&Path],
    clock: &mut Clock,
) -> anyhow::Result<(LinkSpec, Prepared)> {
    let given = input.spec.as_deref().map(read_spec).transpose()?;
    let id = id_choice(input, given.as_ref());
    let (header, id_column) = lio::read_header(files[0], &id)?;
    let spec = resolve_spec(input, &header, id_column.as_deref())?;
    let mut builder = PrepareBuilder::new(&spec, files.len())?;
    for f in files {
        let report = lio::read_into(f, &id, input.skip_bad_rows, &mut builder)?;
        print_read(f, &report);
    }
    clock.lap("read");
    let prep = builder.finish()?;
    clock.lap("prepare");
    Ok((spec, prep))
}

fn print_read(path: &Path, report: &ReadReport) {
    println!(
        "read {}: {} records{}",
        path.display(),
        report.rows,
        skipped_note(report)
    );
    for b in &report.bad_rows {
        println!("  skipped {}: {b}", path.display());
    }
}

fn skipped_note(r: &ReadReport) -> String {
    if r.skipped > 0 {
        format!(", {} bad rows skipped", r.skipped)
    } else {
        String::new()
    }
}

/// The spec given with --spec, or one inferred from the header (printed).
fn resolve_spec(
    input: &InputArgs,
    header: &[String],
    id_column: Option<&str>,
) -> anyhow::Result<LinkSpec> {
    let spec = match &input.spec {
        Some(p) => read_spec(p)?,
        None => {
            let mut spec = LinkSpec::infer(header, None)?;
            spec.id_column = id_column.map(str::to_string);
            println!(
                "no --spec given; inferred this specification (save it with --save-spec and edit):"
            );
            for line in spec.to_toml().lines() {
                println!("  {line}");
            }
            spec
        }
    };
    if let Some(p) = &input.save_spec {
        std::fs::write(p, spec.to_toml()).with_context(|| format!("writing {}", p.display()))?;
    }
    Ok(spec)
}

fn link_options(
    score: &ScoreArgs,
    one_to_one: bool,
    prep: &Prepared,
) -> anyhow::Result<LinkOptions> {
    let mut opts = LinkOptions {
        threshold: score.threshold,
        review_from: score.review_from,
        one_to_one,
        ..Default::default()
    };
    opts.train.allow_degenerate = score.allow_degenerate;
    opts.train.seed = score.seed;
    if let Some(p) = &score.model {
        let text =
            std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
        let model: Model = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a saved model", p.display()))?;
        if model.fields.len() != prep.fields.len() {
            bail!(
                "{}: the model has {} fields, the specification {}",
                p.display(),
                model.fields.len(),
                prep.fields.len()
            );
        }
        opts.model = Some(model);
    }
    if let Some(p) = &score.labels {
        let index: std::collections::HashMap<&str, u32> =
            (0..prep.len() as u32).map(|i| (prep.id(i), i)).collect();
        for (a, b) in lio::read_pairs(p)? {
            match (index.get(a.as_str()), index.get(b.as_str())) {
                (Some(&i), Some(&j)) => opts.labelled.push((i, j)),
                _ => bail!(
                    "{}: labelled pair ({a}, {b}) names an unknown record",
                    p.display()
                ),
            }
        }
        println!("training m from {} labelled pairs", opts.labelled.len());
    }
    Ok(opts)
}

fn print_run(out: &LinkOutput) {
    println!("blocking rules (candidate pairs each makes / new ones not made by an earlier rule):");
    for r in &out.rules {
        println!(
            "  {:<48} {:>12} / {:>12}   keys: {}",
            r.name,
            r.pairs,
            r.new_pairs,
            r.keys.join(", ")
        );
    }
    println!("candidate pairs: {}", out.candidate_pairs);
    println!(
        "estimated prior match probability {:.3e} ({:.0} expected matching pairs)",
        out.model.prior, out.model.expected_matches
    );
    for w in &out.model.warnings {
        println!("warning: {w}");
    }
}

fn write_csv_pairs(
    path: &Path,
    prep: &Prepared,
    pairs: &[goldthread_link::ScoredPair],
    scorer: Option<&Scorer>,
) -> anyhow::Result<()> {
    Ok(lio::write_pairs_to(path, prep, pairs, scorer)?)
}

/// Writes `id,<name>` rows to CSV or Parquet (by extension).
fn write_id_column(
    path: &Path,
    name: &str,
    ids: Vec<String>,
    values: Vec<String>,
) -> anyhow::Result<()> {
    Ok(lio::write_text_columns(
        path,
        &["id", name],
        vec![ids, values],
    )?)
}

fn save_model(score: &ScoreArgs, model: &Model) -> anyhow::Result<()> {
    if let Some(p) = &score.save_model {
        std::fs::write(p, serde_json::to_string_pretty(model)?)
            .with_context(|| format!("writing {}", p.display()))?;
    }
    Ok(())
}

/// Reads both inputs and prepares them (plain or encoded).
fn prepare_pair(a: &PairsArgs, clock: &mut Clock) -> anyhow::Result<(LinkSpec, Prepared)> {
    if a.encoded {
        let left = lio::read_encoded(&a.left)?;
        let right = lio::read_encoded(&a.right)?;
        println!(
            "read {}: {} encoded records",
            a.left.display(),
            left.ids.len()
        );
        println!(
            "read {}: {} encoded records",
            a.right.display(),
            right.ids.len()
        );
        clock.lap("read");
        let prep = Prepared::from_encoded(&left, Some(&right))?;
        clock.lap("prepare");
        return Ok((left.spec.clone(), prep));
    }
    stream_prepare(&a.input, &[&a.left, &a.right], clock)
}

fn pairs(a: PairsArgs) -> anyhow::Result<()> {
    let mut clock = Clock::new();
    let (spec, prep) = prepare_pair(&a, &mut clock)?;
    let opts = link_options(&a.score, a.one_to_one, &prep)?;
    let out = goldthread_link::run(&spec, &prep, &opts)?;
    clock.extend(&out.timings);
    print_run(&out);
    let scorer = Scorer::new(&out.model, &prep);
    let explain = a.score.explain.then_some(&scorer);
    write_csv_pairs(&a.out, &prep, &out.matches, explain)?;
    if let Some(r) = &a.score.review_out {
        write_csv_pairs(r, &prep, &out.review, explain)?;
        println!(
            "pairs for clerical review: {} (written to {})",
            out.review.len(),
            r.display()
        );
    }
    save_model(&a.score, &out.model)?;
    clock.lap("write");
    println!(
        "pairs above threshold {}: {} (written to {})",
        a.score.threshold,
        out.matches.len(),
        a.out.display()
    );
    clock.print();
    Ok(())
}

fn dedupe(a: DedupeArgs) -> anyhow::Result<()> {
    let mut clock = Clock::new();
    let (spec, prep) = if a.encoded {
        let enc = lio::read_encoded(&a.file)?;
        println!(
            "read {}: {} encoded records",
            a.file.display(),
            enc.ids.len()
        );
        let prep = Prepared::from_encoded(&enc, None)?;
        clock.lap("read and prepare");
        (enc.spec.clone(), prep)
    } else {
        stream_prepare(&a.input, &[&a.file], &mut clock)?
    };
    let opts = link_options(&a.score, false, &prep)?;
    let out = goldthread_link::run(&spec, &prep, &opts)?;
    clock.extend(&out.timings);
    print_run(&out);
    let rep = clusters(prep.len(), &out.matches);
    let ids: Vec<String> = (0..prep.len() as u32)
        .map(|i| prep.id(i).to_string())
        .collect();
    let cluster_ids = rep.iter().map(|&r| prep.id(r).to_string()).collect();
    write_id_column(&a.out, "cluster_id", ids, cluster_ids)?;
    if let Some(p) = &a.pairs_out {
        let scorer = Scorer::new(&out.model, &prep);
        write_csv_pairs(p, &prep, &out.matches, a.score.explain.then_some(&scorer))?;
    }
    save_model(&a.score, &out.model)?;
    clock.lap("write");
    let distinct = rep
        .iter()
        .enumerate()
        .filter(|(i, r)| *i as u32 == **r)
        .count();
    println!(
        "matched pairs: {}; clusters: {distinct} for {} records (written to {})",
        out.matches.len(),
        prep.len(),
        a.out.display()
    );
    clock.print();
    Ok(())
}

fn encode_file(a: EncodeArgs) -> anyhow::Result<()> {
    let mut clock = Clock::new();
    let bytes = std::fs::read(&a.secret_file)
        .with_context(|| format!("reading {}", a.secret_file.display()))?;
    let secret = Secret::new(&bytes).with_context(|| format!("{}", a.secret_file.display()))?;
    if a.input.spec.is_none() {
        println!(
            "note: every partner must encode with the same specification; pass it with --spec"
        );
    }
    let (spec, prep) = stream_prepare(&a.input, &[&a.file], &mut clock)?;
    let enc = encode(
        &spec,
        &prep,
        &secret,
        &EncodeOptions {
            bits: a.bits,
            balanced: a.balanced,
        },
    )?;
    clock.lap("encode");
    lio::write_encoded_to(&a.out, &enc)?;
    clock.lap("write");
    println!(
        "encoded {} records (key fingerprint {}) to {}",
        enc.len(),
        enc.fingerprint,
        a.out.display()
    );
    clock.print();
    Ok(())
}

fn synth(a: SynthArgs) -> anyhow::Result<()> {
    let mut clock = Clock::new();
    if !(0.0..=1.0).contains(&a.overlap) {
        bail!("--overlap must be between 0 and 1");
    }
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    let ext = if a.parquet { "parquet" } else { "csv" };
    let mut names = vec!["id"];
    names.extend(COLUMNS);
    let mut left = lio::ColumnWriter::create(&a.out.join(format!("left.{ext}")), &names)?;
    let mut right = lio::ColumnWriter::create(&a.out.join(format!("right.{ext}")), &names)?;
    let mut truth = lio::ColumnWriter::create(&a.out.join("truth.csv"), &["left_id", "right_id"])?;
    let (mut n_left, mut n_right, mut n_truth) = (0, 0, 0);
    let mut failed = None;
    // Chunks are written as they are generated: memory stays small at any size.
    generate_chunks(
        &SynthOptions {
            n: a.n,
            seed: a.seed,
            overlap: a.overlap,
            corruption: a.corruption,
        },
        lio::CHUNK_ROWS,
        &mut |chunk| {
            if failed.is_some() {
                return;
            }
            let written = match chunk.side {
                Side::Left => {
                    n_left += chunk.rows.len();
                    left.write_table(&chunk.rows)
                }
                Side::Right => {
                    n_right += chunk.rows.len();
                    n_truth += chunk.truth.len();
                    let (l, r): (Vec<String>, Vec<String>) = chunk.truth.iter().cloned().unzip();
                    right
                        .write_table(&chunk.rows)
                        .and_then(|_| truth.write(vec![l, r]))
                }
            };
            if let Err(e) = written {
                failed = Some(e);
            }
        },
    );
    if let Some(e) = failed {
        return Err(e.into());
    }
    left.finish()?;
    right.finish()?;
    truth.finish()?;
    clock.lap("generate and write");
    println!(
        "wrote {n_left} left, {n_right} right records and {n_truth} true pairs to {}",
        a.out.display()
    );
    clock.print();
    Ok(())
}

fn evaluate_pairs(a: EvaluateArgs) -> anyhow::Result<()> {
    let predicted = lio::read_pairs(&a.pairs)?;
    let truth = lio::read_pairs(&a.truth)?;
    let q = evaluate(&predicted, &truth, a.unordered);
    println!("predicted pairs: {}", q.predicted);
    println!("true pairs:      {}", q.actual);
    println!("true positives:  {}", q.true_positives);
    println!("precision: {:.4}", q.precision());
    println!("recall:    {:.4}", q.recall());
    println!("F1:        {:.4}", q.f1());
    Ok(())
}

fn print_spec(a: SpecArgs) -> anyhow::Result<()> {
    let id = a
        .id_column
        .clone()
        .map(IdColumn::Named)
        .unwrap_or(IdColumn::Infer);
    let (table, report) = lio::read_records(&a.file, &id, true)?;
    let mut spec = LinkSpec::infer(table.header(), None)?;
    spec.id_column = report.id_column;
    print!("{}", spec.to_toml());
    Ok(())
}

fn incremental(a: IncrementalArgs) -> anyhow::Result<()> {
    let mut clock = Clock::new();
    let given = a.input.spec.as_deref().map(read_spec).transpose()?;
    let id = id_choice(&a.input, given.as_ref());
    let (existing, report) = read_table(&a.existing, &id, a.input.skip_bad_rows)?;
    let (new, _) = read_table(&a.new, &id, a.input.skip_bad_rows)?;
    let spec = resolve_spec(&a.input, existing.header(), report.id_column.as_deref())?;
    let known: std::collections::HashMap<String, String> =
        lio::read_pairs(&a.clusters)?.into_iter().collect();
    let cluster_of: Vec<String> = (0..existing.len())
        .map(|i| {
            known.get(existing.id(i)).cloned().with_context(|| {
                format!(
                    "{}: no cluster for record '{}'",
                    a.clusters.display(),
                    existing.id(i)
                )
            })
        })
        .collect::<anyhow::Result<_>>()?;
    clock.lap("read");
    let probe = Prepared::dedupe(&spec, &new)?;
    let opts = link_options(&a.score, false, &probe)?;
    let out = link_incremental(&spec, &existing, &cluster_of, &new, &opts)?;
    clock.extend(&out.against_existing.timings);
    print_run(&out.against_existing);
    let merged: std::collections::HashMap<&str, &str> = out
        .merged
        .iter()
        .map(|(k, l)| (l.as_str(), k.as_str()))
        .collect();
    let mut ids: Vec<String> = (0..existing.len())
        .map(|i| existing.id(i).to_string())
        .collect();
    let mut cluster_ids: Vec<String> = cluster_of
        .iter()
        .map(|c| merged.get(c.as_str()).copied().unwrap_or(c).to_string())
        .collect();
    ids.extend((0..new.len()).map(|i| new.id(i).to_string()));
    cluster_ids.extend(out.new_clusters.iter().cloned());
    write_id_column(&a.out, "cluster_id", ids, cluster_ids)?;
    save_model(&a.score, &out.against_existing.model)?;
    clock.lap("write");
    let joined = out
        .new_clusters
        .iter()
        .filter(|c| !c.starts_with("C-"))
        .count();
    println!(
        "new records: {}; joined existing clusters: {joined}; clusters merged: {} (written to {})",
        new.len(),
        out.merged.len(),
        a.out.display()
    );
    clock.print();
    Ok(())
}

fn household_groups(a: HouseholdArgs) -> anyhow::Result<()> {
    let (_, prep) = stream_prepare(&a.input, &[&a.file], &mut Clock::new())?;
    let groups = households(&prep);
    let ids = (0..prep.len() as u32)
        .map(|i| prep.id(i).to_string())
        .collect();
    let households = groups
        .iter()
        .map(|g| g.map(|g| prep.id(g).to_string()).unwrap_or_default())
        .collect();
    write_id_column(&a.out, "household_id", ids, households)?;
    let distinct = groups
        .iter()
        .enumerate()
        .filter(|(i, g)| **g == Some(*i as u32))
        .count();
    println!(
        "{} records in {distinct} households (written to {})",
        prep.len(),
        a.out.display()
    );
    Ok(())
}
