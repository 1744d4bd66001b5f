//! Reading and writing files: the only part of the crate that does IO.
//!
//! CSV input follows RFC 4180 and also accepts spaces after the delimiter.
//! Bad rows are reported with their line number and reason.
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

use rustc_hash::FxHashSet;

use crate::error::{BadRow, LinkError, Result};
use crate::model::Scorer;
use crate::pipeline::ScoredPair;
use crate::prepare::{hash_text, Prepared};
use crate::table::Table;

/// How to find the record identifier column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdColumn {
    /// Use this column.
    Named(String),
    /// Guess from common names (id, rec_id, person_id, ...), else number the rows.
    Infer,
}

/// What reading a file found.
#[derive(Debug, Clone, Default)]
pub struct ReadReport {
    /// Rows read successfully.
    pub rows: usize,
    /// Bad rows skipped.
    pub skipped: usize,
    /// The first ten bad rows.
    pub bad_rows: Vec<BadRow>,
    /// Name of the id column used, or `None` when rows were numbered.
    pub id_column: Option<String>,
}

/// Opens a file for reading, naming it in any error.
pub fn open(path: &Path) -> Result<BufReader<File>> {
    File::open(path)
        .map(|f| BufReader::with_capacity(1 << 20, f))
        .map_err(|source| LinkError::Io {
            path: path.display().to_string(),
            source,
        })
}

/// Creates a file for writing, naming it in any error.
pub fn create(path: &Path) -> Result<BufWriter<File>> {
    File::create(path)
        .map(|f| BufWriter::with_capacity(1 << 20, f))
        .map_err(|source| LinkError::Io {
            path: path.display().to_string(),
            source,
        })
}

/// Reads a CSV file of records.
pub fn read_csv(path: &Path, id: &IdColumn, skip_bad_rows: bool) -> Result<(Table, ReadReport)> {
    read_csv_from(open(path)?, &path.display().to_string(), id, skip_bad_rows)
}

/// Reads CSV records from any reader; `name` is used in messages.
pub fn read_csv_from<R: Read>(
    reader: R,
    name: &str,
    id: &IdColumn,
    skip_bad_rows: bool,
) -> Result<(Table, ReadReport)> {
    let fmt = |reason: String| LinkError::Format {
        path: name.to_string(),
        reason,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(reader);
    let mut record = csv::ByteRecord::new();
    let io_err = |e: csv::Error| LinkError::Io {
        path: name.to_string(),
        source: std::io::Error::other(e.to_string()),
    };
    if !rdr.read_byte_record(&mut record).map_err(io_err)? {
        return Err(fmt("the file is empty (no header row)".into()));
    }
    let mut header = Vec::with_capacity(record.len());
    for (c, f) in record.iter().enumerate() {
        let h = std::str::from_utf8(f)
            .map_err(|_| fmt(format!("header column {}: not valid UTF-8", c + 1)))?;
        header.push(h.trim_start_matches('\u{feff}').to_string());
    }
    for (c, h) in header.iter().enumerate() {
        if header[..c].iter().any(|g| g.eq_ignore_ascii_case(h)) {
            return Err(fmt(format!("header: column '{h}' appears twice")));
        }
    }
    let id_index = match id {
        IdColumn::Named(n) => Some(
            header
                .iter()
                .position(|h| h.eq_ignore_ascii_case(n))
                .ok_or_else(|| {
                    fmt(format!(
                        "id column '{n}' not found (columns: {})",
                        header.join(", ")
                    ))
                })?,
        ),
        IdColumn::Infer => header.iter().position(|h| crate::spec::is_id_column(h)),
    };
    let columns: Vec<String> = header
        .iter()
        .enumerate()
        .filter(|(c, _)| Some(*c) != id_index)
        .map(|(_, h)| h.clone())
        .collect();
    let mut table = Table::new(columns);
    let mut report = ReadReport {
        id_column: id_index.map(|i| header[i].clone()),
        ..Default::default()
    };
    let mut seen_ids: FxHashSet<u64> = FxHashSet::default();
    let mut row_number = 0u64;
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                note_bad(
                    &mut report,
                    BadRow {
                        line,
                        reason: format!("unreadable: {e}"),
                    },
                    skip_bad_rows,
                    name,
                )?;
                continue;
            }
        }
        row_number += 1;
        let line = record
            .position()
            .map(|p| p.line())
            .unwrap_or(row_number + 1);
        if record.len() == 1 && record.get(0).is_some_and(|f| f.is_empty()) {
            continue; // blank line
        }
        let bad = |reason: String| BadRow { line, reason };
        if record.len() != header.len() {
            let reason = format!(
                "has {} fields, the header has {}",
                record.len(),
                header.len()
            );
            note_bad(&mut report, bad(reason), skip_bad_rows, name)?;
            continue;
        }
        let mut cells: Vec<&str> = Vec::with_capacity(header.len());
        let mut utf8_error = None;
        for (c, f) in record.iter().enumerate() {
            match std::str::from_utf8(f) {
                Ok(s) => cells.push(s),
                Err(_) => {
                    utf8_error = Some(c);
                    break;
                }
            }
        }
        if let Some(c) = utf8_error {
            note_bad(
                &mut report,
                bad(format!("column '{}': not valid UTF-8", header[c])),
                skip_bad_rows,
                name,
            )?;
            continue;
        }
        let row_id = match id_index {
            Some(i) => cells[i].to_string(),
            None => row_number.to_string(),
        };
        if row_id.is_empty() {
            note_bad(
                &mut report,
                bad("empty record id".into()),
                skip_bad_rows,
                name,
            )?;
            continue;
        }
        if !seen_ids.insert(hash_text(&row_id)) {
            note_bad(
                &mut report,
                bad(format!("duplicate record id '{row_id}'")),
                skip_bad_rows,
                name,
            )?;
            continue;
        }
        let rest: Vec<&str> = cells
            .iter()
            .enumerate()
            .filter(|(c, _)| Some(*c) != id_index)
            .map(|(_, s)| *s)
            .collect();
        table.push_row(&row_id, &rest);
    }
    if !report.bad_rows.is_empty() && !skip_bad_rows {
        return Err(LinkError::BadRows {
            path: name.to_string(),
            count: report.skipped,
            rows: report.bad_rows,
        });
    }
    report.rows = table.len();
    Ok((table, report))
}

/// Records a bad row; stops the read once ten are listed unless skipping.
fn note_bad(report: &mut ReadReport, row: BadRow, skip: bool, name: &str) -> Result<()> {
    report.skipped += 1;
    if report.bad_rows.len() < 10 {
        report.bad_rows.push(row);
    }
    if !skip && report.bad_rows.len() >= 10 {
        return Err(LinkError::BadRows {
            path: name.to_string(),
            count: report.skipped,
            rows: report.bad_rows.clone(),
        });
    }
    Ok(())
}

/// Reads pairs of ids from the first two columns of a CSV with a header
/// (`left_id,right_id` or any names).
pub fn read_pairs(path: &Path) -> Result<Vec<(String, String)>> {
    #[cfg(feature = "parquet")]
    if is_parquet(path) {
        let (t, _) = crate::parquet_io::read_table(path, &IdColumn::Infer, true)?;
        if t.header().len() < 2 {
            return Err(LinkError::Format {
                path: path.display().to_string(),
                reason: "expected two id columns".into(),
            });
        }
        return Ok((0..t.len())
            .map(|i| (t.cell(i, 0).to_string(), t.cell(i, 1).to_string()))
            .collect());
    }
    let name = path.display().to_string();
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(open(path)?);
    let mut out = Vec::new();
    for (n, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| LinkError::Format {
            path: name.clone(),
            reason: format!("line {}: {e}", n + 2),
        })?;
        match (rec.get(0), rec.get(1)) {
            (Some(a), Some(b)) if !a.is_empty() && !b.is_empty() => {
                out.push((a.to_string(), b.to_string()))
            }
            _ => {
                return Err(LinkError::Format {
                    path: name.clone(),
                    reason: format!(
                        "line {}: expected two ids",
                        rec.position().map(|p| p.line()).unwrap_or(n as u64 + 2)
                    ),
                })
            }
        }
    }
    Ok(out)
}

/// Writes predicted pairs as CSV: `left_id,right_id,match_probability,match_weight`
/// and, with a scorer, an `explanation` column.
pub fn write_pairs<W: Write>(
    out: W,
    prep: &Prepared,
    pairs: &[ScoredPair],
    explain: Option<&Scorer>,
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec!["left_id", "right_id", "match_probability", "match_weight"];
    if explain.is_some() {
        header.push("explanation");
    }
    w.write_record(&header)?;
    for p in pairs {
        let prob = format!("{:.6}", p.probability);
        let weight = format!("{:.3}", p.weight);
        let mut row = vec![
            prep.id(p.left).to_string(),
            prep.id(p.right).to_string(),
            prob,
            weight,
        ];
        if let Some(s) = explain {
            row.push(s.explain(p.left, p.right).to_compact());
        }
        w.write_record(&row)?;
    }
    w.flush()
}

/// First line of an encoded file.
const ENCODED_MAGIC: &str = "#goldthread-link-encoded v1";

/// Writes an encoded file: a few `#` lines of settings and the
/// specification (column names and rules only), then CSV with the id,
/// one base64 Bloom filter per field and one hex token per blocking rule
/// and refinement level. No raw value is written.
pub fn write_encoded<W: Write>(mut out: W, enc: &crate::bloom::Encoded) -> std::io::Result<()> {
    use base64::Engine;
    writeln!(out, "{ENCODED_MAGIC}")?;
    writeln!(out, "#fingerprint {}", enc.fingerprint)?;
    writeln!(out, "#bits {}", enc.options.bits)?;
    writeln!(out, "#balanced {}", enc.options.balanced)?;
    for line in enc.spec.to_toml().lines() {
        writeln!(out, "#spec {line}")?;
    }
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec!["id".to_string()];
    header.extend(enc.spec.fields.iter().map(|f| format!("bloom:{}", f.name)));
    for (r, levels) in enc.block_keys.iter().enumerate() {
        header.extend((0..levels.len()).map(|l| format!("block:{r}:{l}")));
    }
    w.write_record(&header)?;
    let b64 = base64::engine::general_purpose::STANDARD_NO_PAD;
    let mut bytes = Vec::new();
    for (i, id) in enc.ids.iter().enumerate() {
        let mut row = Vec::with_capacity(header.len());
        row.push(id.clone());
        for f in &enc.filters {
            row.push(match &f[i] {
                None => String::new(),
                Some(bits) => {
                    bytes.clear();
                    bits.iter()
                        .for_each(|w| bytes.extend_from_slice(&w.to_le_bytes()));
                    b64.encode(&bytes)
                }
            });
        }
        for levels in &enc.block_keys {
            for l in levels {
                row.push(if l[i] == 0 {
                    String::new()
                } else {
                    format!("{:016x}", l[i])
                });
            }
        }
        w.write_record(&row)?;
    }
    w.flush()
}

/// Reads an encoded file written by [`write_encoded`].
pub fn read_encoded(path: &Path) -> Result<crate::bloom::Encoded> {
    read_encoded_from(open(path)?, &path.display().to_string())
}

/// Reads an encoded file from any reader; `name` is used in messages.
pub fn read_encoded_from<R: std::io::BufRead>(
    mut reader: R,
    name: &str,
) -> Result<crate::bloom::Encoded> {
    use base64::Engine;
    let fmt = |reason: String| LinkError::Format {
        path: name.to_string(),
        reason,
    };
    let io = |e: std::io::Error| LinkError::Io {
        path: name.to_string(),
        source: e,
    };
    let mut line = String::new();
    reader.read_line(&mut line).map_err(io)?;
    if line.trim_end() != ENCODED_MAGIC {
        return Err(fmt("not a goldthread encoded file (bad first line)".into()));
    }
    let (mut fingerprint, mut bits, mut balanced, mut spec_text) =
        (String::new(), 0usize, false, String::new());
    let mut rest = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).map_err(io)? == 0 {
            break;
        }
        let Some(meta) = line.strip_prefix('#') else {
            rest = line.clone();
            break;
        };
        let (key, value) = meta
            .trim_end_matches(['\n', '\r'])
            .split_once(' ')
            .unwrap_or((meta.trim_end(), ""));
        match key {
            "fingerprint" => fingerprint = value.to_string(),
            "bits" => {
                bits = value
                    .parse()
                    .map_err(|_| fmt(format!("bad bits '{value}'")))?
            }
            "balanced" => balanced = value == "true",
            "spec" => {
                spec_text.push_str(value);
                spec_text.push('\n');
            }
            _ => {}
        }
    }
    if !(8..=65_536).contains(&bits) {
        return Err(fmt(format!("filter size {bits} out of range")));
    }
    let spec = crate::spec::LinkSpec::from_toml(&spec_text).map_err(|e| fmt(e.to_string()))?;
    let options = crate::bloom::EncodeOptions { bits, balanced };
    let words = if balanced {
        (2 * bits).div_ceil(64)
    } else {
        bits.div_ceil(64)
    };
    let chained = std::io::Cursor::new(rest.into_bytes()).chain(reader);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(chained);
    let n_fields = spec.fields.len();
    let levels: Vec<usize> = spec
        .blocking
        .iter()
        .map(|r| r.refine_with.len() + 1)
        .collect();
    let width = 1 + n_fields + levels.iter().sum::<usize>();
    let mut enc = crate::bloom::Encoded {
        spec,
        fingerprint,
        options,
        ids: Vec::new(),
        filters: vec![Vec::new(); n_fields],
        block_keys: levels.iter().map(|&l| vec![Vec::new(); l]).collect(),
    };
    let b64 = base64::engine::general_purpose::STANDARD_NO_PAD;
    for rec in rdr.records() {
        let rec = rec.map_err(|e| fmt(e.to_string()))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        if rec.len() != width {
            return Err(fmt(format!(
                "line {line}: {} fields, expected {width}",
                rec.len()
            )));
        }
        enc.ids.push(rec[0].to_string());
        for f in 0..n_fields {
            let cell = &rec[1 + f];
            let filter = if cell.is_empty() {
                None
            } else {
                let bytes = b64.decode(cell).map_err(|e| {
                    fmt(format!(
                        "line {line}: field {}: {e}",
                        enc.spec.fields[f].name
                    ))
                })?;
                if bytes.len() != words * 8 {
                    return Err(fmt(format!(
                        "line {line}: field {}: filter has {} bytes, expected {}",
                        enc.spec.fields[f].name,
                        bytes.len(),
                        words * 8
                    )));
                }
                Some(
                    bytes
                        .chunks_exact(8)
                        .map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
                        .collect(),
                )
            };
            enc.filters[f].push(filter);
        }
        let mut c = 1 + n_fields;
        for rule in enc.block_keys.iter_mut() {
            for level in rule.iter_mut() {
                let cell = &rec[c];
                let v = if cell.is_empty() {
                    0
                } else {
                    u64::from_str_radix(cell, 16)
                        .map_err(|_| fmt(format!("line {line}: bad blocking token")))?
                };
                level.push(v);
                c += 1;
            }
        }
    }
    Ok(enc)
}

/// True when a path names a Parquet file (by its extension).
pub fn is_parquet(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// Reads records from CSV, or from Parquet when the path ends in `.parquet`
/// (row numbers stand for line numbers in Parquet messages).
pub fn read_records(
    path: &Path,
    id: &IdColumn,
    skip_bad_rows: bool,
) -> Result<(Table, ReadReport)> {
    if is_parquet(path) {
        #[cfg(feature = "parquet")]
        return crate::parquet_io::read_table(path, id, skip_bad_rows);
        #[cfg(not(feature = "parquet"))]
        return Err(LinkError::Format {
            path: path.display().to_string(),
            reason: "built without Parquet support".into(),
        });
    }
    read_csv(path, id, skip_bad_rows)
}

/// Writes text columns to CSV, or to Parquet when the path ends in `.parquet`.
pub fn write_text_columns(path: &Path, names: &[&str], columns: Vec<Vec<String>>) -> Result<()> {
    if is_parquet(path) {
        #[cfg(feature = "parquet")]
        return crate::parquet_io::write_columns(
            path,
            names,
            columns
                .into_iter()
                .map(crate::parquet_io::OutColumn::Text)
                .collect(),
        );
    }
    let io_err = |e: std::io::Error| LinkError::Io {
        path: path.display().to_string(),
        source: e,
    };
    let mut w = csv::Writer::from_writer(create(path)?);
    w.write_record(names).map_err(|e| io_err(e.into()))?;
    let rows = columns.first().map(|c| c.len()).unwrap_or(0);
    for r in 0..rows {
        w.write_record(columns.iter().map(|c| c[r].as_str()))
            .map_err(|e| io_err(e.into()))?;
    }
    w.flush().map_err(io_err)
}

/// Writes predicted pairs to CSV (see [`write_pairs`]) or Parquet by extension.
pub fn write_pairs_to(
    path: &Path,
    prep: &Prepared,
    pairs: &[ScoredPair],
    explain: Option<&Scorer>,
) -> Result<()> {
    if is_parquet(path) {
        #[cfg(feature = "parquet")]
        {
            use crate::parquet_io::OutColumn;
            let mut names = vec!["left_id", "right_id", "match_probability", "match_weight"];
            let mut cols = vec![
                OutColumn::Text(pairs.iter().map(|p| prep.id(p.left).to_string()).collect()),
                OutColumn::Text(pairs.iter().map(|p| prep.id(p.right).to_string()).collect()),
                OutColumn::Number(pairs.iter().map(|p| p.probability).collect()),
                OutColumn::Number(pairs.iter().map(|p| p.weight).collect()),
            ];
            if let Some(s) = explain {
                names.push("explanation");
                cols.push(OutColumn::Text(
                    pairs
                        .iter()
                        .map(|p| s.explain(p.left, p.right).to_compact())
                        .collect(),
                ));
            }
            return crate::parquet_io::write_columns(path, &names, cols);
        }
    }
    write_pairs(create(path)?, prep, pairs, explain).map_err(|source| LinkError::Io {
        path: path.display().to_string(),
        source,
    })
}
