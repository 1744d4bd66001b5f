//! Parquet input and output (the `parquet` feature), alongside CSV.
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use rustc_hash::FxHashSet;

use crate::error::{BadRow, LinkError, Result};
use crate::io::{IdColumn, ReadReport};
use crate::prepare::hash_text;
use crate::table::Table;

/// A column to write.
pub enum OutColumn {
    /// Text values.
    Text(Vec<String>),
    /// Numbers.
    Number(Vec<f64>),
}

fn err(path: &Path, reason: impl std::fmt::Display) -> LinkError {
    LinkError::Format {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

/// Writes named columns to a Parquet file.
pub fn write_columns(path: &Path, names: &[&str], columns: Vec<OutColumn>) -> Result<()> {
    let fields: Vec<Field> = names
        .iter()
        .zip(&columns)
        .map(|(n, c)| {
            let t = match c {
                OutColumn::Text(_) => DataType::Utf8,
                OutColumn::Number(_) => DataType::Float64,
            };
            Field::new(*n, t, false)
        })
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let arrays: Vec<ArrayRef> = columns
        .into_iter()
        .map(|c| -> ArrayRef {
            match c {
                OutColumn::Text(v) => Arc::new(StringArray::from(v)),
                OutColumn::Number(v) => Arc::new(Float64Array::from(v)),
            }
        })
        .collect();
    let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(|e| err(path, e))?;
    let file = File::create(path).map_err(|source| LinkError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let mut w = ArrowWriter::try_new(file, schema, None).map_err(|e| err(path, e))?;
    w.write(&batch).map_err(|e| err(path, e))?;
    w.close().map_err(|e| err(path, e))?;
    Ok(())
}

/// Writes text columns to a Parquet file batch by batch.
pub struct TextWriter {
    path: std::path::PathBuf,
    schema: Arc<Schema>,
    writer: ArrowWriter<File>,
}

impl TextWriter {
    /// Creates the file with these text columns.
    pub fn create(path: &Path, names: &[&str]) -> Result<Self> {
        let schema = Arc::new(Schema::new(
            names
                .iter()
                .map(|n| Field::new(*n, DataType::Utf8, false))
                .collect::<Vec<_>>(),
        ));
        let file = File::create(path).map_err(|source| LinkError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let writer = ArrowWriter::try_new(file, schema.clone(), None).map_err(|e| err(path, e))?;
        Ok(TextWriter {
            path: path.to_path_buf(),
            schema,
            writer,
        })
    }

    /// Writes one batch: a column of text per name, all of one length.
    pub fn write(&mut self, columns: Vec<Vec<String>>) -> Result<()> {
        let arrays: Vec<ArrayRef> = columns
            .into_iter()
            .map(|c| Arc::new(StringArray::from(c)) as ArrayRef)
            .collect();
        let batch =
            RecordBatch::try_new(self.schema.clone(), arrays).map_err(|e| err(&self.path, e))?;
        self.writer.write(&batch).map_err(|e| err(&self.path, e))
    }

    /// Finishes the file.
    pub fn close(self) -> Result<()> {
        self.writer.close().map_err(|e| err(&self.path, e))?;
        Ok(())
    }
}

/// Opens a Parquet file, naming it in any error.
fn open_reader(path: &Path) -> Result<ParquetRecordBatchReaderBuilder<File>> {
    let file = File::open(path).map_err(|source| LinkError::Io {
        path: path.display().to_string(),
        source,
    })?;
    ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| err(path, e))
}

/// Column names of a Parquet file (its first row of names, as a header).
pub fn read_schema(path: &Path) -> Result<Vec<String>> {
    Ok(open_reader(path)?
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect())
}

/// Reads a Parquet file of records; every column is read as text.
pub fn read_table(path: &Path, id: &IdColumn, skip_bad_rows: bool) -> Result<(Table, ReadReport)> {
    let table = std::cell::RefCell::new(Table::default());
    let report = read_table_chunks(
        path,
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

/// Reads a Parquet file of records in chunks (see [`crate::io::read_csv_chunks`]).
pub fn read_table_chunks(
    path: &Path,
    id: &IdColumn,
    skip_bad_rows: bool,
    chunk_rows: usize,
    on_header: &mut dyn FnMut(&[String]) -> Result<()>,
    on_chunk: &mut dyn FnMut(&mut Table) -> Result<()>,
) -> Result<ReadReport> {
    let builder = open_reader(path)?;
    let header: Vec<String> = builder
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    for (c, h) in header.iter().enumerate() {
        if header[..c].iter().any(|g| g.eq_ignore_ascii_case(h)) {
            return Err(err(path, format!("header: column '{h}' appears twice")));
        }
    }
    let id_index = match id {
        IdColumn::Named(n) => Some(
            header
                .iter()
                .position(|h| h.eq_ignore_ascii_case(n))
                .ok_or_else(|| {
                    err(
                        path,
                        format!("id column '{n}' not found (columns: {})", header.join(", ")),
                    )
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
    on_header(&columns)?;
    let (n_columns, chunk_header) = (columns.len(), columns.clone());
    let mut chunk = Table::new(columns);
    let mut report = ReadReport {
        id_column: id_index.map(|i| header[i].clone()),
        ..Default::default()
    };
    let mut seen: FxHashSet<u64> = FxHashSet::default();
    let reader = builder.build().map_err(|e| err(path, e))?;
    let options = FormatOptions::default().with_null("");
    let mut row = 0u64;
    let mut rows = 0usize;
    let mut cells: Vec<String> = vec![String::new(); header.len()];
    'batches: for batch in reader {
        let batch = batch.map_err(|e| err(path, e))?;
        let formatters = batch
            .columns()
            .iter()
            .map(|a| ArrayFormatter::try_new(a.as_ref(), &options))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| err(path, e))?;
        for r in 0..batch.num_rows() {
            row += 1;
            for (cell, f) in cells.iter_mut().zip(&formatters) {
                use std::fmt::Write as _;
                cell.clear();
                let _ = write!(cell, "{}", f.value(r));
            }
            let number;
            let rid: &str = match id_index {
                Some(i) => &cells[i],
                None => {
                    number = row.to_string();
                    &number
                }
            };
            let problem = if rid.is_empty() {
                Some("empty record id".to_string())
            } else if !seen.insert(hash_text(rid)) {
                Some(format!("duplicate record id '{rid}'"))
            } else {
                None
            };
            if let Some(reason) = problem {
                report.skipped += 1;
                if report.bad_rows.len() < 10 {
                    report.bad_rows.push(BadRow { line: row, reason });
                }
                if !skip_bad_rows && report.bad_rows.len() >= 10 {
                    break 'batches;
                }
                continue;
            }
            let rest: Vec<&str> = cells
                .iter()
                .enumerate()
                .filter(|(c, _)| Some(*c) != id_index)
                .map(|(_, s)| s.as_str())
                .collect();
            chunk.push_row(rid, &rest);
            rows += 1;
            if chunk.len() >= chunk_rows {
                on_chunk(&mut chunk)?;
                if chunk.header().len() == n_columns {
                    chunk.clear();
                } else {
                    chunk = Table::new(chunk_header.clone()); // the callback took it
                }
            }
        }
    }
    if !report.bad_rows.is_empty() && !skip_bad_rows {
        return Err(LinkError::BadRows {
            path: path.display().to_string(),
            count: report.skipped,
            rows: report.bad_rows,
        });
    }
    if !chunk.is_empty() {
        on_chunk(&mut chunk)?;
    }
    report.rows = rows;
    Ok(report)
}

/// Schema metadata key holding the encoding format version.
const ENCODED_KEY: &str = "goldthread-link-encoded";

/// Records per row group batch when writing encoded files.
const ENCODED_BATCH: usize = 1 << 16;

/// Writes an encoded file as Parquet: an `id` text column, one fixed-size
/// binary column per field filter (`bloom:<field>`, null when missing) and
/// one 64-bit column per blocking rule and refinement level
/// (`block:<rule>:<level>`, null when none). The format version, key
/// fingerprint, settings and specification (names and rules, no values)
/// are in the schema metadata.
pub fn write_encoded(path: &Path, enc: &crate::bloom::Encoded) -> Result<()> {
    use arrow_array::{FixedSizeBinaryArray, UInt64Array};
    let width = (enc.options.words() * 8) as i32;
    let mut fields = vec![Field::new("id", DataType::Utf8, false)];
    fields.extend(enc.spec.fields.iter().map(|f| {
        Field::new(
            format!("bloom:{}", f.name),
            DataType::FixedSizeBinary(width),
            true,
        )
    }));
    for (r, levels) in enc.block_keys.iter().enumerate() {
        fields.extend(
            (0..levels.len()).map(|l| Field::new(format!("block:{r}:{l}"), DataType::UInt64, true)),
        );
    }
    let metadata: std::collections::HashMap<String, String> = [
        (ENCODED_KEY, crate::bloom::FORMAT_VERSION.to_string()),
        ("fingerprint", enc.fingerprint.clone()),
        ("bits", enc.options.bits.to_string()),
        ("balanced", enc.options.balanced.to_string()),
        ("spec", enc.spec.to_toml()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let schema = Arc::new(Schema::new(fields).with_metadata(metadata));
    let file = File::create(path).map_err(|source| LinkError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let mut w = ArrowWriter::try_new(file, schema.clone(), None).map_err(|e| err(path, e))?;
    let mut from = 0;
    while from < enc.len() || from == 0 {
        let to = (from + ENCODED_BATCH).min(enc.len());
        let mut arrays: Vec<ArrayRef> = vec![Arc::new(StringArray::from_iter_values(
            (from..to).map(|i| enc.ids.get(i)),
        ))];
        for f in &enc.fields {
            let bytes: Vec<Option<Vec<u8>>> = (from..to)
                .map(|i| {
                    f.get(i)
                        .map(|bits| bits.iter().flat_map(|w| w.to_le_bytes()).collect())
                })
                .collect();
            let array =
                FixedSizeBinaryArray::try_from_sparse_iter_with_size(bytes.into_iter(), width)
                    .map_err(|e| err(path, e))?;
            arrays.push(Arc::new(array));
        }
        for levels in &enc.block_keys {
            for l in levels {
                arrays.push(Arc::new(UInt64Array::from_iter(
                    l[from..to].iter().map(|&k| (k != 0).then_some(k)),
                )));
            }
        }
        let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(|e| err(path, e))?;
        w.write(&batch).map_err(|e| err(path, e))?;
        if to == enc.len() {
            break;
        }
        from = to;
    }
    w.close().map_err(|e| err(path, e))?;
    Ok(())
}

/// Reads an encoded Parquet file written by [`write_encoded`]. A file that
/// is truncated, corrupt, of another format version or not an encoded
/// file gives an error naming the file and the reason.
pub fn read_encoded(path: &Path) -> Result<crate::bloom::Encoded> {
    // The Parquet decoder is third-party code fed hostile bytes: a panic in
    // it becomes an error naming the file rather than ending the run.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_encoded_inner(path)))
        .unwrap_or_else(|_| Err(err(path, "corrupt Parquet file (the decoder failed)")))
}

fn read_encoded_inner(path: &Path) -> Result<crate::bloom::Encoded> {
    use arrow_array::{Array, FixedSizeBinaryArray, UInt64Array};
    let builder = open_reader(path)?;
    let schema = builder.schema().clone();
    let meta = schema.metadata();
    let Some(version) = meta.get(ENCODED_KEY) else {
        return Err(err(
            path,
            "not a goldthread encoded file (no format version)",
        ));
    };
    crate::io::check_encoded_version(version).map_err(|e| err(path, e))?;
    let get = |k: &str| meta.get(k).map(String::as_str).unwrap_or("");
    let (spec, options) = crate::io::encoded_settings(get("bits"), get("balanced"), get("spec"))
        .map_err(|e| err(path, e))?;
    let words = options.words();
    let n_fields = spec.fields.len();
    let levels: Vec<usize> = spec
        .blocking
        .iter()
        .map(|r| r.refine_with.len() + 1)
        .collect();
    let mut expected = vec![("id".to_string(), DataType::Utf8)];
    expected.extend(spec.fields.iter().map(|f| {
        (
            format!("bloom:{}", f.name),
            DataType::FixedSizeBinary((words * 8) as i32),
        )
    }));
    for (r, &l) in levels.iter().enumerate() {
        expected.extend((0..l).map(|l| (format!("block:{r}:{l}"), DataType::UInt64)));
    }
    let found: Vec<(String, DataType)> = schema
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone()))
        .collect();
    if found != expected {
        return Err(err(
            path,
            "the columns do not match the specification and settings in the file",
        ));
    }
    let mut fields: Vec<crate::io::FilterInterner> = (0..n_fields)
        .map(|_| crate::io::FilterInterner::new(words))
        .collect();
    let mut block_keys: Vec<Vec<Vec<u64>>> = levels.iter().map(|&l| vec![Vec::new(); l]).collect();
    let mut ids = crate::table::Column::default();
    let mut seen: FxHashSet<u64> = FxHashSet::default();
    let reader = builder.build().map_err(|e| err(path, e))?;
    let mut row = 0u64;
    for batch in reader {
        let batch = batch.map_err(|e| err(path, e))?;
        let cols = batch.columns();
        let id_col = cols[0]
            .as_any()
            .downcast_ref::<StringArray>()
            .ok_or_else(|| err(path, "the id column is not text"))?;
        let bloom: Vec<&FixedSizeBinaryArray> = cols[1..1 + n_fields]
            .iter()
            .map(|c| c.as_any().downcast_ref::<FixedSizeBinaryArray>())
            .collect::<Option<_>>()
            .ok_or_else(|| err(path, "a filter column is not fixed-size binary"))?;
        let blocks: Vec<&UInt64Array> = cols[1 + n_fields..]
            .iter()
            .map(|c| c.as_any().downcast_ref::<UInt64Array>())
            .collect::<Option<_>>()
            .ok_or_else(|| err(path, "a blocking column is not 64-bit"))?;
        for r in 0..batch.num_rows() {
            row += 1;
            if id_col.is_null(r) || id_col.value(r).is_empty() {
                return Err(err(path, format!("row {row}: empty record id")));
            }
            let id = id_col.value(r);
            if !seen.insert(hash_text(id)) {
                return Err(err(path, format!("row {row}: duplicate record id '{id}'")));
            }
            ids.push(id);
            for (f, (interner, col)) in fields.iter_mut().zip(&bloom).enumerate() {
                let bytes: &[u8] = if col.is_null(r) { &[] } else { col.value(r) };
                interner.push(bytes, |b| Ok(b.to_vec())).map_err(|e| {
                    err(
                        path,
                        format!("row {row}: field {}: {e}", spec.fields[f].name),
                    )
                })?;
            }
            let mut c = 0;
            for rule in block_keys.iter_mut() {
                for level in rule.iter_mut() {
                    let col = blocks[c];
                    level.push(if col.is_null(r) { 0 } else { col.value(r) });
                    c += 1;
                }
            }
        }
    }
    Ok(crate::bloom::Encoded {
        spec,
        fingerprint: get("fingerprint").to_string(),
        options,
        ids,
        fields: fields.into_iter().map(|f| f.field).collect(),
        block_keys,
    })
}
