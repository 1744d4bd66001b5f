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

/// Reads a Parquet file of records; every column is read as text.
pub fn read_table(path: &Path, id: &IdColumn, skip_bad_rows: bool) -> Result<(Table, ReadReport)> {
    let file = File::open(path).map_err(|source| LinkError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| err(path, e))?;
    let header: Vec<String> = builder
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
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
    let mut table = Table::new(columns);
    let mut report = ReadReport {
        id_column: id_index.map(|i| header[i].clone()),
        ..Default::default()
    };
    let mut seen: FxHashSet<u64> = FxHashSet::default();
    let reader = builder.build().map_err(|e| err(path, e))?;
    let options = FormatOptions::default().with_null("");
    let mut row = 0u64;
    for batch in reader {
        let batch = batch.map_err(|e| err(path, e))?;
        let formatters = batch
            .columns()
            .iter()
            .map(|a| ArrayFormatter::try_new(a.as_ref(), &options))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| err(path, e))?;
        for r in 0..batch.num_rows() {
            row += 1;
            let cells: Vec<String> = formatters.iter().map(|f| f.value(r).to_string()).collect();
            let rid = match id_index {
                Some(i) => cells[i].clone(),
                None => row.to_string(),
            };
            let problem = if rid.is_empty() {
                Some("empty record id".to_string())
            } else if !seen.insert(hash_text(&rid)) {
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
                    break;
                }
                continue;
            }
            let rest: Vec<&str> = cells
                .iter()
                .enumerate()
                .filter(|(c, _)| Some(*c) != id_index)
                .map(|(_, s)| s.as_str())
                .collect();
            table.push_row(&rid, &rest);
        }
    }
    if !report.bad_rows.is_empty() && !skip_bad_rows {
        return Err(LinkError::BadRows {
            path: path.display().to_string(),
            count: report.skipped,
            rows: report.bad_rows,
        });
    }
    report.rows = table.len();
    Ok((table, report))
}
