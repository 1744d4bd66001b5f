//! `goldthread stats`: OHID indicator statistics for a CSV, as PHEindicatormethods computes them.
//!
//! Reads a CSV (a file or `-` for standard input) with PHEindicatormethods' column names and
//! writes CSV to standard output. Row-wise methods (proportion, rate) keep every input row in
//! order and append `value`, `lowercl`, `uppercl`. Grouped methods (dsr, isr, mean,
//! life-expectancy) write one row per group, in order of first appearance, led by the grouping
//! columns (`--group-by`, or by default every column the method does not use).
//!
//! Every published count goes through disclosure control (`--disclosure`, default OpenSAFELY):
//! a withheld count is written as an empty cell, and so are the statistics computed from it.
//! Proportions, rates and ratios are computed from the published (rounded) count, so they
//! cannot give the unrounded count away; a DSR, a weighted sum of band rates, is computed from
//! the real counts. Denominators and populations are written as given.

use std::collections::HashMap;
use std::io::{self, Read};

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, ValueEnum};
use goldthread_stats::esp::{esp2013_for_start_ages, start_age_from_label};
use goldthread_stats::{
    crude_rate, directly_standardised_rate, indirectly_standardised_ratio, life_expectancy, mean,
    observed_and_expected, proportion, ConfidenceLevel, Disclosed, DisclosureRule, Estimate,
    IsrBand, LifeTableBand, StandardisationBand,
};

/// Arguments of `goldthread stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// The statistic to compute.
    #[arg(value_enum)]
    pub method: Method,
    /// Input CSV file, or `-` for standard input.
    #[arg(long, short)]
    pub input: String,
    /// Confidence level: 0.95 (default), 0.998, or another level such as 99 or 0.9.
    #[arg(long, default_value = "0.95")]
    pub confidence: ConfidenceLevel,
    /// Multiplier: 1 for proportions and ratios, 100,000 for rates and DSRs unless given
    /// (e.g. 100 for percentages, 1000 for rates per 1,000).
    #[arg(long)]
    pub multiplier: Option<f64>,
    /// Grouping columns for dsr, isr, mean and life-expectancy (comma-separated); by default
    /// every column the method does not read.
    #[arg(long, value_delimiter = ',')]
    pub group_by: Option<Vec<String>>,
    /// Disclosure control for published counts: opensafely (withhold 0-7, round to 5),
    /// nhs-digital (withhold 1-7, round to 5) or none (unpublished analysis only).
    #[arg(long, value_enum, default_value = "opensafely")]
    pub disclosure: DisclosureChoice,
    /// life-expectancy only: report only this start age (e.g. 0 for life expectancy at birth).
    #[arg(long)]
    pub age: Option<u32>,
}

/// The statistics `goldthread stats` computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// Proportion with Wilson score limits (columns numerator, denominator).
    Proportion,
    /// Crude rate, exact limits below 10 events and Byar's above (numerator, denominator).
    Rate,
    /// Directly standardised rate, Dobson limits (count, pop, and stdpop or ageband for ESP 2013).
    Dsr,
    /// Indirectly standardised ratio (count, pop, refcount, refpop).
    Isr,
    /// Mean with Student's t limits (x).
    Mean,
    /// Life expectancy, Chiang II (startage, pops, deaths).
    LifeExpectancy,
}

/// Named disclosure-control rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DisclosureChoice {
    /// OpenSAFELY: counts of 7 or fewer withheld, the rest rounded to the nearest 5.
    Opensafely,
    /// NHS Digital: counts of 1 to 7 withheld, the rest rounded to the nearest 5.
    NhsDigital,
    /// No disclosure control.
    None,
}

impl DisclosureChoice {
    fn rule(self) -> DisclosureRule {
        match self {
            DisclosureChoice::Opensafely => DisclosureRule::OPENSAFELY,
            DisclosureChoice::NhsDigital => DisclosureRule::NHS_DIGITAL,
            DisclosureChoice::None => DisclosureRule::NONE,
        }
    }
}

/// Runs `goldthread stats`.
pub fn run(args: StatsArgs) -> Result<()> {
    let table = read_table(&args.input)?;
    let output = compute(&args, &table)?;
    let stdout = io::stdout();
    let mut writer = csv::Writer::from_writer(stdout.lock());
    writer.write_record(&output.header)?;
    for row in &output.rows {
        writer.write_record(row)?;
    }
    writer.flush()?;
    for warning in &output.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(())
}

/// The input CSV: its header and rows, each with the line it started on.
struct Table {
    header: Vec<String>,
    rows: Vec<(u64, Vec<String>)>,
}

/// The output CSV and anything the user should be told beside it.
struct Output {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    warnings: Vec<String>,
}

impl Output {
    fn new(header: Vec<String>, rows: Vec<Vec<String>>, warnings: Vec<String>) -> Self {
        Output {
            header,
            rows,
            warnings,
        }
    }
}

fn read_table(input: &str) -> Result<Table> {
    let mut text = String::new();
    if input == "-" {
        io::stdin()
            .read_to_string(&mut text)
            .context("reading standard input")?;
    } else {
        text = std::fs::read_to_string(input).with_context(|| format!("reading {input}"))?;
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .context("reading the header row")?
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.context("reading the CSV")?;
        let line = record.position().map_or(0, |p| p.line());
        rows.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(Table { header, rows })
}

fn compute(args: &StatsArgs, table: &Table) -> Result<Output> {
    let rule = args.disclosure.rule();
    match args.method {
        Method::Proportion => row_wise(args, table, rule, 1.0, |x, n, c, m| {
            Ok(proportion(x, n, c, m)?)
        }),
        Method::Rate => row_wise(args, table, rule, 100_000.0, |x, n, c, m| {
            Ok(crude_rate(x, n, c, m)?.estimate)
        }),
        Method::Dsr => dsr(args, table, rule),
        Method::Isr => isr(args, table, rule),
        Method::Mean => mean_by_group(args, table),
        Method::LifeExpectancy => life_expectancy_by_group(args, table),
    }
}

// ---------------------------------------------------------------------------------------------
// Columns

const NUMERATOR: &[&str] = &["numerator", "x", "count", "obs", "observed"];
const DENOMINATOR: &[&str] = &["denominator", "n", "pop", "population", "pops"];
const STANDARD_POPULATION: &[&str] = &["stdpop", "esp2013", "esp1976", "standard_population"];
const AGE_BAND: &[&str] = &["ageband", "age band", "age_band", "startage", "start_age"];
const REFERENCE_COUNT: &[&str] = &["refcount", "x_ref", "reference_count"];
const REFERENCE_POPULATION: &[&str] = &["refpop", "n_ref", "reference_population"];
const MEAN_VALUE: &[&str] = &["x", "value", "values"];
const DEATHS: &[&str] = &["deaths", "count", "x", "numerator"];
const LIFE_POPULATION: &[&str] = &["pops", "population", "pop", "denominator", "n"];

/// The column playing a role, matched case-insensitively against its accepted names.
fn find_column(table: &Table, role: &str, names: &[&str]) -> Result<Option<usize>> {
    let matches: Vec<usize> = table
        .header
        .iter()
        .enumerate()
        .filter(|(_, h)| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
        .map(|(i, _)| i)
        .collect();
    match matches.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(*one)),
        many => {
            let names: Vec<&str> = many.iter().map(|i| table.header[*i].as_str()).collect();
            bail!("columns {names:?} could all be the {role}; rename all but one")
        }
    }
}

fn require_column(table: &Table, role: &str, names: &[&str]) -> Result<usize> {
    find_column(table, role, names)?.ok_or_else(|| {
        anyhow!(
            "no {role} column: name one of {names:?} (found {:?})",
            table.header
        )
    })
}

/// A number from a cell: `None` when empty or NA; an error naming the line and field otherwise.
fn cell_number(table: &Table, row: usize, column: usize) -> Result<Option<f64>> {
    let (line, cells) = &table.rows[row];
    let field = &table.header[column];
    let text = cells.get(column).map_or("", String::as_str);
    if text.is_empty() || text.eq_ignore_ascii_case("na") {
        return Ok(None);
    }
    let value: f64 = text
        .parse()
        .map_err(|_| anyhow!("line {line}, field {field:?}: {text:?} is not a number"))?;
    if !value.is_finite() {
        bail!("line {line}, field {field:?}: {text:?} is not a finite number");
    }
    Ok(Some(value))
}

fn cell_required(table: &Table, row: usize, column: usize) -> Result<f64> {
    cell_number(table, row, column)?.ok_or_else(|| {
        let (line, _) = &table.rows[row];
        anyhow!("line {line}, field {:?}: empty", table.header[column])
    })
}

/// The count as it may be printed, and the count statistics may be computed from: the
/// published (rounded) one, so that a rate or ratio cannot give the unrounded count away;
/// `None` when the count is withheld.
fn published_count(
    rule: &DisclosureRule,
    count: f64,
    line: u64,
    field: &str,
) -> Result<(String, Option<f64>)> {
    if *rule == DisclosureRule::NONE {
        return Ok((f64::to_string(&count), Some(count)));
    }
    if count < 0.0 || count.fract() != 0.0 {
        bail!(
            "line {line}, field {field:?}: disclosure control needs a whole-number count, got {count} \
             (use --disclosure none for unpublished analysis)"
        );
    }
    Ok(match rule.apply(count as u64) {
        Disclosed::Published(v) => (v.to_string(), Some(v as f64)),
        Disclosed::Suppressed => (String::new(), None),
    })
}

/// Tells the user how many counts the disclosure rule withheld, and how to see them if allowed.
fn withheld_note(withheld: usize, choice: DisclosureChoice) -> Vec<String> {
    if withheld == 0 {
        return Vec::new();
    }
    let rule = choice
        .to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default();
    vec![format!(
        "{withheld} count(s) withheld by disclosure rule {rule}, with the statistics computed from them; \
         use --disclosure none only for unpublished analysis"
    )]
}

fn optional(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

fn estimate_cells(estimate: Option<&Estimate>) -> [String; 3] {
    match estimate {
        Some(e) => [
            f64::to_string(&e.value),
            optional(e.lower),
            optional(e.upper),
        ],
        None => Default::default(),
    }
}

fn with_suffix(mut header: Vec<String>, extra: &[&str]) -> Vec<String> {
    header.extend(extra.iter().map(|s| s.to_string()));
    header
}

// ---------------------------------------------------------------------------------------------
// Row-wise methods

type RowStatistic = fn(f64, f64, ConfidenceLevel, f64) -> Result<Estimate>;

fn row_wise(
    args: &StatsArgs,
    table: &Table,
    rule: DisclosureRule,
    default_multiplier: f64,
    statistic: RowStatistic,
) -> Result<Output> {
    let x_col = require_column(table, "numerator", NUMERATOR)?;
    let n_col = require_column(table, "denominator", DENOMINATOR)?;
    let multiplier = args.multiplier.unwrap_or(default_multiplier);
    let header = with_suffix(table.header.clone(), &["value", "lowercl", "uppercl"]);
    let mut rows = Vec::with_capacity(table.rows.len());
    let mut withheld = 0;
    for (i, (line, cells)) in table.rows.iter().enumerate() {
        let mut out = cells.clone();
        out.resize(table.header.len(), String::new());
        let x = cell_number(table, i, x_col)?;
        let n = cell_number(table, i, n_col)?;
        let mut stats = Default::default();
        if let (Some(x), Some(n)) = (x, n) {
            // Check the real count first, so that input errors are reported as such.
            statistic(x, n, args.confidence, multiplier)
                .map_err(|e| anyhow!("line {line}: {e}"))?;
            let (shown, usable) = published_count(&rule, x, *line, &table.header[x_col])?;
            out[x_col] = shown;
            // Rounding can lift a count past its denominator (99 of 99 → 100): withhold that too.
            match usable.map(|p| statistic(p, n, args.confidence, multiplier)) {
                Some(Ok(estimate)) => stats = estimate_cells(Some(&estimate)),
                Some(Err(_)) | None => {
                    out[x_col] = String::new();
                    withheld += 1;
                }
            }
        } else if let Some(x) = x {
            let (shown, usable) = published_count(&rule, x, *line, &table.header[x_col])?;
            out[x_col] = shown;
            withheld += usize::from(usable.is_none());
        }
        out.extend(stats);
        rows.push(out);
    }
    Ok(Output::new(
        header,
        rows,
        withheld_note(withheld, args.disclosure),
    ))
}

// ---------------------------------------------------------------------------------------------
// Grouping

/// Rows of one group, in input order, under the group's key.
struct Group {
    key: Vec<String>,
    rows: Vec<usize>,
}

fn grouping_columns(args: &StatsArgs, table: &Table, used: &[usize]) -> Result<Vec<usize>> {
    match &args.group_by {
        Some(names) => {
            names
                .iter()
                .map(|name| {
                    table.header.iter().position(|h| h == name).ok_or_else(|| {
                        anyhow!("--group-by: no column {name:?} in {:?}", table.header)
                    })
                })
                .collect()
        }
        None => Ok((0..table.header.len())
            .filter(|i| !used.contains(i))
            .collect()),
    }
}

/// Groups in order of first appearance.
fn groups(table: &Table, columns: &[usize]) -> Vec<Group> {
    let mut order: Vec<Group> = Vec::new();
    let mut index: HashMap<Vec<String>, usize> = HashMap::new();
    for (i, (_, cells)) in table.rows.iter().enumerate() {
        let key: Vec<String> = columns
            .iter()
            .map(|c| cells.get(*c).cloned().unwrap_or_default())
            .collect();
        let slot = *index.entry(key.clone()).or_insert_with(|| {
            order.push(Group {
                key,
                rows: Vec::new(),
            });
            order.len() - 1
        });
        order[slot].rows.push(i);
    }
    order
}

fn group_header(table: &Table, columns: &[usize], extra: &[&str]) -> Vec<String> {
    with_suffix(
        columns.iter().map(|c| table.header[*c].clone()).collect(),
        extra,
    )
}

fn describe(table: &Table, columns: &[usize], group: &Group) -> String {
    let first_line = table.rows[group.rows[0]].0;
    let key: Vec<String> = columns
        .iter()
        .zip(&group.key)
        .map(|(c, v)| format!("{}={v}", table.header[*c]))
        .collect();
    if key.is_empty() {
        format!("all rows (from line {first_line})")
    } else {
        format!("group {} (from line {first_line})", key.join(", "))
    }
}

/// Start ages of a group's rows, read from band labels ("0-4", "90+").
fn start_ages(table: &Table, rows: &[usize], column: usize) -> Result<Vec<u32>> {
    rows.iter()
        .map(|&r| {
            let (line, cells) = &table.rows[r];
            let label = cells.get(column).map_or("", String::as_str);
            start_age_from_label(label).ok_or_else(|| {
                anyhow!(
                    "line {line}, field {:?}: {label:?} has no start age",
                    table.header[column]
                )
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Grouped methods

fn dsr(args: &StatsArgs, table: &Table, rule: DisclosureRule) -> Result<Output> {
    let x_col = require_column(table, "numerator", NUMERATOR)?;
    let n_col = require_column(table, "denominator", DENOMINATOR)?;
    let std_col = find_column(table, "standard population", STANDARD_POPULATION)?;
    let age_col = find_column(table, "age band", AGE_BAND)?;
    if std_col.is_none() && age_col.is_none() {
        bail!("dsr needs a standard population column (stdpop) or an age band column (ageband) to use ESP 2013");
    }
    let used: Vec<usize> = [x_col, n_col]
        .into_iter()
        .chain(std_col)
        .chain(age_col)
        .collect();
    let group_cols = grouping_columns(args, table, &used)?;
    let multiplier = args.multiplier.unwrap_or(100_000.0);
    let header = group_header(
        table,
        &group_cols,
        &["total_count", "total_pop", "value", "lowercl", "uppercl"],
    );
    let (mut rows, mut withheld) = (Vec::new(), 0);
    for group in groups(table, &group_cols) {
        let where_ = describe(table, &group_cols, &group);
        let weights: Vec<f64> = match (std_col, age_col) {
            (Some(c), _) => group
                .rows
                .iter()
                .map(|&r| cell_required(table, r, c))
                .collect::<Result<_>>()?,
            (None, Some(c)) => esp2013_for_start_ages(&start_ages(table, &group.rows, c)?)
                .with_context(|| where_.clone())?
                .into_iter()
                .map(f64::from)
                .collect(),
            (None, None) => unreachable!("checked above"),
        };
        let mut bands = Vec::with_capacity(group.rows.len());
        for (&r, w) in group.rows.iter().zip(weights) {
            bands.push(StandardisationBand {
                count: cell_number(table, r, x_col)?.unwrap_or(0.0),
                population: cell_required(table, r, n_col)?,
                standard_population: w,
            });
        }
        let dsr = directly_standardised_rate(&bands, args.confidence, multiplier)
            .map_err(|e| anyhow!("{where_}: {e}"))?;
        let line = table.rows[group.rows[0]].0;
        // The DSR is a weighted sum of band rates, so it does not give the total count away:
        // it is computed from the real counts and withheld only with a withheld total.
        let (count, usable) = published_count(&rule, dsr.total_count, line, "total_count")?;
        let publishable = usable.is_some();
        withheld += usize::from(!publishable);
        let estimate = dsr.estimate.filter(|_| publishable);
        let mut out = group.key.clone();
        out.extend([count, f64::to_string(&dsr.total_population)]);
        out.extend(estimate_cells(estimate.as_ref()));
        rows.push(out);
    }
    Ok(Output::new(
        header,
        rows,
        withheld_note(withheld, args.disclosure),
    ))
}

fn isr(args: &StatsArgs, table: &Table, rule: DisclosureRule) -> Result<Output> {
    let x_col = require_column(table, "numerator", NUMERATOR)?;
    let n_col = require_column(table, "denominator", DENOMINATOR)?;
    let xr_col = require_column(table, "reference count", REFERENCE_COUNT)?;
    let nr_col = require_column(table, "reference population", REFERENCE_POPULATION)?;
    let age_col = find_column(table, "age band", AGE_BAND)?;
    let used: Vec<usize> = [x_col, n_col, xr_col, nr_col]
        .into_iter()
        .chain(age_col)
        .collect();
    let group_cols = grouping_columns(args, table, &used)?;
    let multiplier = args.multiplier.unwrap_or(1.0);
    let header = group_header(
        table,
        &group_cols,
        &["observed", "expected", "value", "lowercl", "uppercl"],
    );
    let (mut rows, mut withheld) = (Vec::new(), 0);
    for group in groups(table, &group_cols) {
        let where_ = describe(table, &group_cols, &group);
        let mut bands = Vec::with_capacity(group.rows.len());
        for &r in &group.rows {
            // As PHEindicatormethods: missing counts and populations count as zero.
            bands.push(IsrBand {
                observed: cell_number(table, r, x_col)?.unwrap_or(0.0),
                population: cell_number(table, r, n_col)?.unwrap_or(0.0),
                reference_count: cell_number(table, r, xr_col)?.unwrap_or(0.0),
                reference_population: cell_required(table, r, nr_col)?,
            });
        }
        let (observed, expected) =
            observed_and_expected(&bands).map_err(|e| anyhow!("{where_}: {e}"))?;
        let line = table.rows[group.rows[0]].0;
        // O/E with E published would give O away, so the ratio uses the published count.
        let (count, usable) = published_count(&rule, observed, line, "observed")?;
        withheld += usize::from(usable.is_none());
        let isr = usable
            .map(|o| indirectly_standardised_ratio(o, expected, args.confidence, multiplier))
            .transpose()
            .map_err(|e| anyhow!("{where_}: {e}"))?;
        let mut out = group.key.clone();
        out.extend([count, f64::to_string(&expected)]);
        out.extend(estimate_cells(isr.as_ref().map(|i| &i.estimate)));
        rows.push(out);
    }
    Ok(Output::new(
        header,
        rows,
        withheld_note(withheld, args.disclosure),
    ))
}

fn mean_by_group(args: &StatsArgs, table: &Table) -> Result<Output> {
    let x_col = require_column(table, "value (x)", MEAN_VALUE)?;
    let group_cols = grouping_columns(args, table, &[x_col])?;
    let columns = [
        "value_sum",
        "value_count",
        "stdev",
        "value",
        "lowercl",
        "uppercl",
    ];
    let header = group_header(table, &group_cols, &columns);
    let mut rows = Vec::new();
    for group in groups(table, &group_cols) {
        let mut values = Vec::with_capacity(group.rows.len());
        for &r in &group.rows {
            // Empty cells are left out, as R's phe_mean does with na.rm.
            values.extend(cell_number(table, r, x_col)?);
        }
        let where_ = describe(table, &group_cols, &group);
        let m = mean(&values, args.confidence).map_err(|e| anyhow!("{where_}: {e}"))?;
        let mut out = group.key.clone();
        out.extend([
            f64::to_string(&m.sum),
            m.count.to_string(),
            optional(m.standard_deviation),
        ]);
        out.extend(estimate_cells(Some(&m.estimate)));
        rows.push(out);
    }
    Ok(Output::new(header, rows, Vec::new()))
}

fn life_expectancy_by_group(args: &StatsArgs, table: &Table) -> Result<Output> {
    let age_col = require_column(table, "start age", AGE_BAND)?;
    let deaths_col = require_column(table, "deaths", DEATHS)?;
    let pop_col = require_column(table, "population", LIFE_POPULATION)?;
    let group_cols = grouping_columns(args, table, &[age_col, deaths_col, pop_col])?;
    let header = group_header(
        table,
        &group_cols,
        &[&table.header[age_col], "value", "lowercl", "uppercl"],
    );
    let (mut rows, mut warnings) = (Vec::new(), Vec::new());
    for group in groups(table, &group_cols) {
        let where_ = describe(table, &group_cols, &group);
        let ages = start_ages(table, &group.rows, age_col)?;
        let mut bands = Vec::with_capacity(ages.len());
        let mut labels: HashMap<u32, String> = HashMap::new();
        for (&r, &age) in group.rows.iter().zip(&ages) {
            labels.insert(age, table.rows[r].1[age_col].clone());
            bands.push(LifeTableBand {
                start_age: age,
                population: cell_required(table, r, pop_col)?,
                deaths: cell_required(table, r, deaths_col)?,
            });
        }
        let results = match life_expectancy(&bands, args.confidence) {
            Ok(results) => results
                .into_iter()
                .map(|r| (r.start_age, Some(r)))
                .collect(),
            Err(goldthread_stats::StatsError::LifeExpectancyUnavailable(reason)) => {
                warnings.push(format!(
                    "{where_}: life expectancy not calculated: {reason}"
                ));
                let mut sorted = ages.clone();
                sorted.sort_unstable();
                sorted.into_iter().map(|a| (a, None)).collect::<Vec<_>>()
            }
            Err(e) => bail!("{where_}: {e}"),
        };
        for (age, result) in results {
            if args.age.is_some_and(|wanted| wanted != age) {
                continue;
            }
            let mut out = group.key.clone();
            out.push(labels.get(&age).cloned().unwrap_or_else(|| age.to_string()));
            out.extend(match result {
                Some(r) => [optional(r.value), optional(r.lower), optional(r.upper)],
                None => Default::default(),
            });
            rows.push(out);
        }
    }
    Ok(Output::new(header, rows, warnings))
}
