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

/// Rows per chunk when files are streamed.
pub const CHUNK_ROWS: usize = 1 << 16;

/// Reads a CSV file of records.
pub fn read_csv(path: &Path, id: &IdColumn, skip_bad_rows: bool) -> Result<(Table, ReadReport)> {
    read_csv_from(open(path)?, &path.display().to_string(), id, skip_bad_rows)
}

/// Reads CSV records from any reader; `name` is used in messages.
pub fn read_csv_from<R: Read + Send>(
    reader: R,
    name: &str,
    id: &IdColumn,
    skip_bad_rows: bool,
) -> Result<(Table, ReadReport)> {
    let table = std::cell::RefCell::new(Table::default());
    let report = read_csv_chunks(
        reader,
        name,
        id,
        skip_bad_rows,
        usize::MAX,
        &mut |h| {
            *table.borrow_mut() = Table::new(h.to_vec());
            Ok(())
        },
        &mut |chunk| {
            *table.borrow_mut() = std::mem::take(chunk);
            Ok(())
        },
    )?;
    Ok((table.into_inner(), report))
}

/// Splits a header into the record columns and the id column, checking
/// for repeated names.
fn split_header(
    header: Vec<String>,
    id: &IdColumn,
    fmt: &dyn Fn(String) -> LinkError,
) -> Result<(Vec<String>, Option<usize>)> {
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
    let columns = header
        .into_iter()
        .enumerate()
        .filter(|(c, _)| Some(*c) != id_index)
        .map(|(_, h)| h)
        .collect();
    Ok((columns, id_index))
}

/// The header of a record file (CSV, or Parquet by extension): its record
/// columns (the id column left out) and the id column's name, if any.
/// Reads only the first record, so a quoted field may span lines.
pub fn read_header(path: &Path, id: &IdColumn) -> Result<(Vec<String>, Option<String>)> {
    let name = path.display().to_string();
    let fmt = |reason: String| LinkError::Format {
        path: name.clone(),
        reason,
    };
    let header = if is_parquet(path) {
        #[cfg(feature = "parquet")]
        {
            crate::parquet_io::read_schema(path)?
        }
        #[cfg(not(feature = "parquet"))]
        return Err(fmt("built without Parquet support".into()));
    } else {
        read_header_from(open(path)?, &name)?
    };
    let full = header.clone();
    let (columns, id_index) = split_header(header, id, &fmt)?;
    Ok((columns, id_index.map(|i| full[i].clone())))
}

/// The raw header row of CSV from any reader (every column, the id included).
pub fn read_header_from<R: Read>(reader: R, name: &str) -> Result<Vec<String>> {
    let mut rdr = csv_reader(reader);
    let mut record = csv::ByteRecord::new();
    let fmt = |reason: String| LinkError::Format {
        path: name.to_string(),
        reason,
    };
    if !rdr
        .read_byte_record(&mut record)
        .map_err(|e| fmt(format!("header: {e}")))?
    {
        return Err(fmt("the file is empty (no header row)".into()));
    }
    header_names(&record, &fmt)
}

fn csv_reader<R: Read>(reader: R) -> csv::Reader<SpaceAfterDelimiter<R>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(SpaceAfterDelimiter::new(reader))
}

/// Where [`SpaceAfterDelimiter`] is within a CSV record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CsvState {
    /// At the start of a field (after a delimiter, a line end, or the start).
    FieldStart,
    /// Inside an unquoted field.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field (`""` is an escaped quote).
    QuoteInQuoted,
}

/// Drops spaces and tabs at the start of a field, outside quotes, so that
/// `a, "b, c"` reads as two fields as RFC 4180 would read `a,"b, c"`: the
/// FEBRL files put a space after each comma. Unquoted fields are trimmed
/// anyway, so nothing else changes.
pub struct SpaceAfterDelimiter<R> {
    inner: R,
    state: CsvState,
}

impl<R> SpaceAfterDelimiter<R> {
    /// Wraps a reader of CSV bytes.
    pub fn new(inner: R) -> Self {
        SpaceAfterDelimiter {
            inner,
            state: CsvState::FieldStart,
        }
    }
}

impl<R: Read> Read for SpaceAfterDelimiter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 {
                return Ok(0);
            }
            let mut kept = 0;
            for r in 0..n {
                let b = buf[r];
                use CsvState::*;
                let (keep, next) = match (self.state, b) {
                    (FieldStart, b' ' | b'\t') => (false, FieldStart),
                    (FieldStart, b'"') => (true, Quoted),
                    (FieldStart | Unquoted | QuoteInQuoted, b',' | b'\n' | b'\r') => {
                        (true, FieldStart)
                    }
                    (FieldStart | Unquoted, _) => (true, Unquoted),
                    (Quoted, b'"') => (true, QuoteInQuoted),
                    (Quoted, _) => (true, Quoted),
                    (QuoteInQuoted, b'"') => (true, Quoted),
                    (QuoteInQuoted, _) => (true, Unquoted),
                };
                self.state = next;
                if keep {
                    buf[kept] = b;
                    kept += 1;
                }
            }
            if kept > 0 {
                return Ok(kept);
            }
        }
    }
}

fn header_names(
    record: &csv::ByteRecord,
    fmt: &dyn Fn(String) -> LinkError,
) -> Result<Vec<String>> {
    let mut header = Vec::with_capacity(record.len());
    for (c, f) in record.iter().enumerate() {
        let h = std::str::from_utf8(f)
            .map_err(|_| fmt(format!("header column {}: not valid UTF-8", c + 1)))?;
        header.push(h.trim_start_matches('\u{feff}').trim().to_string());
    }
    Ok(header)
}

/// Reads CSV records in chunks of at most `chunk_rows`: `on_header` gets the
/// record columns (the id column left out) before any row, then
/// `on_chunk` gets each chunk (which it may take). Only one chunk is held
/// at a time.
pub fn read_csv_chunks<R: Read + Send>(
    reader: R,
    name: &str,
    id: &IdColumn,
    skip_bad_rows: bool,
    chunk_rows: usize,
    on_header: &mut dyn FnMut(&[String]) -> Result<()>,
    on_chunk: &mut dyn FnMut(&mut Table) -> Result<()>,
) -> Result<ReadReport> {
    let fmt = |reason: String| LinkError::Format {
        path: name.to_string(),
        reason,
    };
    let mut rdr = csv_reader(reader);
    let mut record = csv::ByteRecord::new();
    let io_err = |e: csv::Error| LinkError::Io {
        path: name.to_string(),
        source: std::io::Error::other(e.to_string()),
    };
    if !rdr.read_byte_record(&mut record).map_err(io_err)? {
        return Err(fmt("the file is empty (no header row)".into()));
    }
    let header = header_names(&record, &fmt)?;
    let (columns, id_index) = split_header(header.clone(), id, &fmt)?;
    on_header(&columns)?;
    // Parsing runs on its own thread, a chunk or two ahead of `on_chunk` (which prepares the
    // previous chunk meanwhile); at most two parsed chunks wait, so memory stays bounded.
    let (full_chunks, parsed) = std::sync::mpsc::sync_channel::<Table>(2);
    std::thread::scope(|scope| {
        let parser = scope.spawn(move || {
            parse_rows(
                rdr,
                name,
                &header,
                id_index,
                skip_bad_rows,
                chunk_rows,
                Table::new(columns),
                &full_chunks,
            )
        });
        let mut consumed = Ok(());
        for mut chunk in parsed.iter() {
            consumed = on_chunk(&mut chunk);
            if consumed.is_err() {
                break;
            }
        }
        drop(parsed);
        let report = parser.join().map_err(|_| LinkError::Format {
            path: name.to_string(),
            reason: "the CSV reader stopped unexpectedly".into(),
        })??;
        consumed.map(|()| report)
    })
}

/// The row loop of [`read_csv_chunks`]: checks each row and sends full chunks to `full_chunks`.
#[allow(clippy::too_many_arguments)]
fn parse_rows<R: Read>(
    mut rdr: csv::Reader<R>,
    name: &str,
    header: &[String],
    id_index: Option<usize>,
    skip_bad_rows: bool,
    chunk_rows: usize,
    mut chunk: Table,
    full_chunks: &std::sync::mpsc::SyncSender<Table>,
) -> Result<ReadReport> {
    let n_cols = header.len();
    let chunk_header = chunk.header().to_vec();
    let mut record = csv::ByteRecord::new();
    let mut report = ReadReport {
        id_column: id_index.map(|i| header[i].clone()),
        ..Default::default()
    };
    let mut seen_ids: FxHashSet<u64> = FxHashSet::default();
    let mut row_number = 0u64;
    let mut rows = 0usize;
    let mut number = String::new();
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
        if record.len() != n_cols {
            let reason = format!("has {} fields, the header has {}", record.len(), n_cols);
            note_bad(&mut report, bad(reason), skip_bad_rows, name)?;
            continue;
        }
        let mut cells: Vec<&str> = Vec::with_capacity(n_cols);
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
        let row_id: &str = match id_index {
            Some(i) => cells[i],
            None => {
                number.clear();
                number.push_str(&row_number.to_string());
                &number
            }
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
        if !seen_ids.insert(hash_text(row_id)) {
            let reason = format!("duplicate record id '{row_id}'");
            note_bad(&mut report, bad(reason), skip_bad_rows, name)?;
            continue;
        }
        if let Some(i) = id_index {
            cells.remove(i);
        }
        chunk.push_row(row_id, &cells);
        rows += 1;
        if chunk.len() >= chunk_rows {
            let full = std::mem::replace(&mut chunk, Table::new(chunk_header.clone()));
            if full_chunks.send(full).is_err() {
                return Ok(report); // the consumer stopped with its own error
            }
        }
    }
    if !report.bad_rows.is_empty() && !skip_bad_rows {
        return Err(LinkError::BadRows {
            path: name.to_string(),
            count: report.skipped,
            rows: report.bad_rows,
        });
    }
    if !chunk.is_empty() {
        let _ = full_chunks.send(chunk);
    }
    report.rows = rows;
    Ok(report)
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
        .from_reader(SpaceAfterDelimiter::new(open(path)?));
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

/// Start of the first line of an encoded file; the format version follows.
const ENCODED_MAGIC: &str = "#goldthread-link-encoded v";

/// Checks the version named by an encoded file; any other than
/// [`crate::bloom::FORMAT_VERSION`] is refused with a clear reason.
pub fn check_encoded_version(found: &str) -> std::result::Result<(), String> {
    let want = crate::bloom::FORMAT_VERSION;
    match found.trim().parse::<u32>() {
        Ok(v) if v == want => Ok(()),
        Ok(v) => Err(format!(
            "encoded with format version {v}; this goldthread reads version {want} only \
             (ask the partner to encode the file again with this version)"
        )),
        Err(_) => Err(format!(
            "unreadable encoding format version '{}'",
            found.trim()
        )),
    }
}

/// Writes an encoded file: a few `#` lines (format version, key
/// fingerprint, settings and the specification: column names and rules
/// only), then CSV with the id, one base64 Bloom filter per field and one
/// hex token per blocking rule and refinement level. No raw value is
/// written. Each distinct filter is base64-encoded once.
pub fn write_encoded<W: Write>(mut out: W, enc: &crate::bloom::Encoded) -> std::io::Result<()> {
    use base64::Engine;
    writeln!(out, "{ENCODED_MAGIC}{}", crate::bloom::FORMAT_VERSION)?;
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
    let texts: Vec<Vec<String>> = enc
        .fields
        .iter()
        .map(|f| {
            let mut bytes = Vec::new();
            f.filters
                .iter()
                .map(|bits| {
                    bytes.clear();
                    bits.iter()
                        .for_each(|w| bytes.extend_from_slice(&w.to_le_bytes()));
                    b64.encode(&bytes)
                })
                .collect()
        })
        .collect();
    let mut hex = String::with_capacity(16);
    for i in 0..enc.len() {
        w.write_field(enc.ids.get(i))?;
        for (f, t) in enc.fields.iter().zip(&texts) {
            match f.values[i] {
                crate::prepare::MISSING => w.write_field("")?,
                v => w.write_field(&t[v as usize])?,
            }
        }
        for levels in &enc.block_keys {
            for l in levels {
                hex.clear();
                if l[i] != 0 {
                    use std::fmt::Write as _;
                    let _ = write!(hex, "{:016x}", l[i]);
                }
                w.write_field(&hex)?;
            }
        }
        w.write_record(None::<&[u8]>)?;
    }
    w.flush()
}

/// Reads an encoded file written by [`write_encoded`] (or, for a path ending in `.parquet`,
/// by the Parquet writer).
pub fn read_encoded(path: &Path) -> Result<crate::bloom::Encoded> {
    #[cfg(feature = "parquet")]
    if is_parquet(path) {
        return crate::parquet_io::read_encoded(path);
    }
    read_encoded_from(open(path)?, &path.display().to_string())
}

/// Writes an encoded file (see [`write_encoded`]).
pub fn write_encoded_to(path: &Path, enc: &crate::bloom::Encoded) -> Result<()> {
    #[cfg(feature = "parquet")]
    if is_parquet(path) {
        return crate::parquet_io::write_encoded(path, enc);
    }
    write_encoded(create(path)?, enc).map_err(|source| LinkError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// The specification and settings in an encoded file's metadata, checked.
pub(crate) fn encoded_settings(
    bits: &str,
    balanced: &str,
    spec_text: &str,
) -> std::result::Result<(crate::spec::LinkSpec, crate::bloom::EncodeOptions), String> {
    let bits: usize = bits
        .trim()
        .parse()
        .map_err(|_| format!("bad filter size '{}'", bits.trim()))?;
    if !crate::bloom::EncodeOptions::BITS.contains(&bits) {
        return Err(format!("filter size {bits} out of range"));
    }
    let balanced = match balanced.trim() {
        "true" => true,
        "false" | "" => false,
        other => return Err(format!("bad balanced setting '{other}'")),
    };
    let spec = crate::spec::LinkSpec::from_toml(spec_text).map_err(|e| e.to_string())?;
    Ok((spec, crate::bloom::EncodeOptions { bits, balanced }))
}

/// Interns the filters of one encoded field as they are read: each
/// distinct filter is decoded and stored once.
pub(crate) struct FilterInterner {
    index: rustc_hash::FxHashMap<Box<[u8]>, u32>,
    words: usize,
    /// The field being built.
    pub field: crate::bloom::EncodedField,
}

impl FilterInterner {
    /// An empty field whose filters have `words` 64-bit words.
    pub fn new(words: usize) -> Self {
        FilterInterner {
            index: Default::default(),
            words,
            field: Default::default(),
        }
    }

    /// Adds a record whose filter is stored as `key` (its text or bytes);
    /// `decode` turns a new key into little-endian filter bytes.
    pub fn push(
        &mut self,
        key: &[u8],
        decode: impl FnOnce(&[u8]) -> std::result::Result<Vec<u8>, String>,
    ) -> std::result::Result<(), String> {
        if key.is_empty() {
            self.field.values.push(crate::prepare::MISSING);
            return Ok(());
        }
        if let Some(&v) = self.index.get(key) {
            self.field.values.push(v);
            return Ok(());
        }
        let bytes = decode(key)?;
        if bytes.len() != self.words * 8 {
            return Err(format!(
                "filter has {} bytes, expected {}",
                bytes.len(),
                self.words * 8
            ));
        }
        let filter: Box<[u64]> = bytes
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect();
        let v = self.field.filters.len() as u32;
        self.field.filters.push(filter);
        self.index.insert(key.into(), v);
        self.field.values.push(v);
        Ok(())
    }
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
    let mut first = Vec::new();
    reader.read_until(b'\n', &mut first).map_err(io)?;
    let first = String::from_utf8_lossy(&first);
    let Some(version) = first.trim_end().strip_prefix(ENCODED_MAGIC) else {
        return Err(fmt("not a goldthread encoded file (bad first line)".into()));
    };
    check_encoded_version(version).map_err(fmt)?;
    let (mut fingerprint, mut bits, mut balanced, mut spec_text) =
        (String::new(), String::new(), String::new(), String::new());
    let mut rest = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).map_err(io)? == 0 {
            break;
        }
        let Some(meta) = line.strip_prefix(b"#") else {
            rest = line.clone();
            break;
        };
        let meta = std::str::from_utf8(meta)
            .map_err(|_| fmt("a settings line is not valid UTF-8".into()))?
            .trim_end_matches(['\n', '\r']);
        let (key, value) = meta.split_once(' ').unwrap_or((meta, ""));
        match key {
            "fingerprint" => fingerprint = value.to_string(),
            "bits" => bits = value.to_string(),
            "balanced" => balanced = value.to_string(),
            "spec" => {
                spec_text.push_str(value);
                spec_text.push('\n');
            }
            _ => {}
        }
    }
    let (spec, options) = encoded_settings(&bits, &balanced, &spec_text).map_err(fmt)?;
    let words = options.words();
    let chained = std::io::Cursor::new(rest).chain(reader);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(chained);
    let n_fields = spec.fields.len();
    let levels: Vec<usize> = spec
        .blocking
        .iter()
        .map(|r| r.refine_with.len() + 1)
        .collect();
    let width = 1 + n_fields + levels.iter().sum::<usize>();
    let mut fields: Vec<FilterInterner> =
        (0..n_fields).map(|_| FilterInterner::new(words)).collect();
    let mut block_keys: Vec<Vec<Vec<u64>>> = levels.iter().map(|&l| vec![Vec::new(); l]).collect();
    let mut ids = crate::table::Column::default();
    let mut seen: FxHashSet<u64> = FxHashSet::default();
    let b64 = base64::engine::general_purpose::STANDARD_NO_PAD;
    let mut rec = csv::ByteRecord::new();
    let mut header_seen = false;
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(fmt(e.to_string())),
        }
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        if rec.len() != width {
            return Err(fmt(format!(
                "line {line}: {} fields, expected {width}",
                rec.len()
            )));
        }
        if !header_seen {
            header_seen = true;
            continue;
        }
        let id = std::str::from_utf8(&rec[0])
            .map_err(|_| fmt(format!("line {line}: the id is not valid UTF-8")))?;
        if id.is_empty() {
            return Err(fmt(format!("line {line}: empty record id")));
        }
        if !seen.insert(hash_text(id)) {
            return Err(fmt(format!("line {line}: duplicate record id '{id}'")));
        }
        ids.push(id);
        for (f, interner) in fields.iter_mut().enumerate() {
            interner
                .push(&rec[1 + f], |text| {
                    b64.decode(text).map_err(|e| e.to_string())
                })
                .map_err(|e| fmt(format!("line {line}: field {}: {e}", spec.fields[f].name)))?;
        }
        let mut c = 1 + n_fields;
        for rule in block_keys.iter_mut() {
            for level in rule.iter_mut() {
                let cell = &rec[c];
                let v = if cell.is_empty() {
                    0
                } else {
                    std::str::from_utf8(cell)
                        .ok()
                        .and_then(|t| u64::from_str_radix(t, 16).ok())
                        .ok_or_else(|| fmt(format!("line {line}: bad blocking token")))?
                };
                level.push(v);
                c += 1;
            }
        }
    }
    if !header_seen {
        return Err(fmt("no header row after the settings".into()));
    }
    Ok(crate::bloom::Encoded {
        spec,
        fingerprint,
        options,
        ids,
        fields: fields.into_iter().map(|f| f.field).collect(),
        block_keys,
    })
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

/// Streams a record file (CSV, or Parquet by extension) into a
/// [`PrepareBuilder`](crate::prepare::PrepareBuilder) in chunks of
/// [`CHUNK_ROWS`], so that the file is never held whole.
pub fn read_into(
    path: &Path,
    id: &IdColumn,
    skip_bad_rows: bool,
    builder: &mut crate::prepare::PrepareBuilder,
) -> Result<ReadReport> {
    let cell = std::cell::RefCell::new(builder);
    let on_header = &mut |h: &[String]| cell.borrow_mut().start_file(h);
    let on_chunk = &mut |c: &mut Table| cell.borrow_mut().add_chunk(c);
    if is_parquet(path) {
        #[cfg(feature = "parquet")]
        return crate::parquet_io::read_table_chunks(
            path,
            id,
            skip_bad_rows,
            CHUNK_ROWS,
            on_header,
            on_chunk,
        );
        #[cfg(not(feature = "parquet"))]
        return Err(LinkError::Format {
            path: path.display().to_string(),
            reason: "built without Parquet support".into(),
        });
    }
    read_csv_chunks(
        open(path)?,
        &path.display().to_string(),
        id,
        skip_bad_rows,
        CHUNK_ROWS,
        on_header,
        on_chunk,
    )
}

/// Writes text columns in chunks to CSV, or to Parquet when the path ends
/// in `.parquet`, so that large outputs are never held whole.
pub struct ColumnWriter {
    path: String,
    inner: WriterKind,
}

enum WriterKind {
    Csv(csv::Writer<BufWriter<File>>),
    #[cfg(feature = "parquet")]
    Parquet(crate::parquet_io::TextWriter),
}

impl std::fmt::Debug for ColumnWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ColumnWriter")
            .field("path", &self.path)
            .finish()
    }
}

impl ColumnWriter {
    /// Creates the file with a header of `names`.
    pub fn create(path: &Path, names: &[&str]) -> Result<Self> {
        let name = path.display().to_string();
        if is_parquet(path) {
            #[cfg(feature = "parquet")]
            return Ok(ColumnWriter {
                path: name,
                inner: WriterKind::Parquet(crate::parquet_io::TextWriter::create(path, names)?),
            });
        }
        let mut w = csv::Writer::from_writer(create(path)?);
        w.write_record(names).map_err(|e| LinkError::Io {
            path: name.clone(),
            source: e.into(),
        })?;
        Ok(ColumnWriter {
            path: name,
            inner: WriterKind::Csv(w),
        })
    }

    /// Appends rows given as columns of equal length.
    pub fn write(&mut self, columns: Vec<Vec<String>>) -> Result<()> {
        match &mut self.inner {
            WriterKind::Csv(w) => {
                let rows = columns.first().map(|c| c.len()).unwrap_or(0);
                for r in 0..rows {
                    w.write_record(columns.iter().map(|c| c[r].as_str()))
                        .map_err(|e| LinkError::Io {
                            path: self.path.clone(),
                            source: e.into(),
                        })?;
                }
                Ok(())
            }
            #[cfg(feature = "parquet")]
            WriterKind::Parquet(w) => w.write(columns),
        }
    }

    /// Appends a table's rows: its id, then its columns.
    pub fn write_table(&mut self, t: &Table) -> Result<()> {
        let mut columns = vec![(0..t.len()).map(|i| t.id(i).to_string()).collect()];
        for c in 0..t.header().len() {
            columns.push((0..t.len()).map(|i| t.cell(i, c).to_string()).collect());
        }
        self.write(columns)
    }

    /// Finishes the file.
    pub fn finish(self) -> Result<()> {
        match self.inner {
            WriterKind::Csv(mut w) => w.flush().map_err(|source| LinkError::Io {
                path: self.path,
                source,
            }),
            #[cfg(feature = "parquet")]
            WriterKind::Parquet(w) => w.close(),
        }
    }
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
