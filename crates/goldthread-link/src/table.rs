//! Column-major table of text cells, compact enough for tens of millions of rows.
use std::fmt;

/// One column of text cells stored in a single buffer with end offsets.
#[derive(Clone, Default)]
pub struct Column {
    data: String,
    ends: Vec<u64>,
}

impl Column {
    /// Appends a cell.
    pub fn push(&mut self, value: &str) {
        self.data.push_str(value);
        self.ends.push(self.data.len() as u64);
    }

    /// Returns cell `i`.
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.data[start..self.ends[i] as usize]
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Removes every cell, keeping the buffers for reuse.
    pub fn clear(&mut self) {
        self.data.clear();
        self.ends.clear();
    }

    /// True when the column holds no cells.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// A table of records: an identifier per row and named text columns.
///
/// Its `Debug` output shows the shape only, never cell values, so that
/// identifiers do not leak into logs.
#[derive(Clone, Default)]
pub struct Table {
    header: Vec<String>,
    ids: Column,
    columns: Vec<Column>,
}

impl fmt::Debug for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Table")
            .field("columns", &self.header)
            .field("rows", &self.len())
            .finish()
    }
}

impl Table {
    /// Creates an empty table with the given column names (the id column excluded).
    pub fn new(header: Vec<String>) -> Self {
        let columns = vec![Column::default(); header.len()];
        Table {
            header,
            ids: Column::default(),
            columns,
        }
    }

    /// Builds a table from rows of `(id, cells)`; each row must have one cell per column.
    pub fn from_rows<I, S>(header: &[&str], rows: I) -> Self
    where
        I: IntoIterator<Item = (S, Vec<S>)>,
        S: AsRef<str>,
    {
        let mut t = Table::new(header.iter().map(|s| s.to_string()).collect());
        for (id, cells) in rows {
            let cells: Vec<&str> = cells.iter().map(|c| c.as_ref()).collect();
            t.push_row(id.as_ref(), &cells);
        }
        t
    }

    /// Appends a row; missing trailing cells are stored empty.
    pub fn push_row(&mut self, id: &str, cells: &[&str]) {
        self.ids.push(id);
        for (c, col) in self.columns.iter_mut().enumerate() {
            col.push(cells.get(c).copied().unwrap_or(""));
        }
    }

    /// Removes every row, keeping the columns and their buffers.
    pub fn clear(&mut self) {
        self.ids.clear();
        self.columns.iter_mut().for_each(Column::clear);
    }

    /// Column names, the id column excluded.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The record identifier of row `i`.
    pub fn id(&self, i: usize) -> &str {
        self.ids.get(i)
    }

    /// Index of a column by name (case-insensitive).
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.header
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
    }

    /// Cell at row `i`, column `c`.
    pub fn cell(&self, i: usize, c: usize) -> &str {
        self.columns[c].get(i)
    }
}
