//! Turns raw tables into prepared fields: every distinct cleaned value is
//! stored once (with its sound code, alias groups, postcode parts or Bloom
//! filter) and each record holds a 4-byte reference per field. Equal
//! references mean exact agreement, and value counts give term frequencies.
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::aliases::AliasTable;
use crate::error::{LinkError, Result};
use crate::normalize::{self, parse_date, parse_uk_postcode};
use crate::spec::{FieldKind, FieldSpec, LinkSpec};
use crate::table::{Column, Table};

/// Marks a missing value in [`PreparedField::values`].
pub const MISSING: u32 = u32::MAX;

/// Separates the components of a composite address in cleaned text.
pub const COMPONENT: char = '\u{1e}';

/// One value of a (possibly multi-valued) cell, with precomputed keys.
#[derive(Clone, Default)]
pub struct Part {
    /// Cleaned text (empty in encoded mode).
    pub text: Box<str>,
    /// Kind-specific codes: names `[soundex, alias groups]`, dates `[yyyymmdd]`,
    /// postcodes `[sector hash, district hash, area hash]`, Bloom filters `[popcount]`.
    pub keys: [u64; 3],
    /// Bloom filter bits (encoded mode only).
    pub bits: Box<[u64]>,
}

/// A distinct cleaned cell value: one part, or several for multi-valued fields.
#[derive(Clone, Default)]
pub struct Entry {
    /// The values in the cell (address history has several).
    pub parts: Vec<Part>,
}

/// A field ready for comparison.
pub struct PreparedField {
    /// The field's specification.
    pub spec: FieldSpec,
    /// True when values are Bloom-filter encodings.
    pub encoded: bool,
    /// Distinct values.
    pub entries: Vec<Entry>,
    /// Share of non-missing records holding each entry.
    pub frequency: Vec<f64>,
    /// Per record, index into `entries` or [`MISSING`].
    pub values: Vec<u32>,
    /// False for block-only fields, which always compare as missing.
    pub compared: bool,
}

/// Records of one file (deduplication) or two files (linkage), prepared.
///
/// Records are numbered left first, then right. The `Debug` output shows
/// sizes only, never values.
pub struct Prepared {
    /// Number of records from the left file; equal to `len()` for deduplication.
    pub n_left: usize,
    /// Record identifiers, left then right.
    pub ids: Column,
    /// Prepared fields, in spec order.
    pub fields: Vec<PreparedField>,
    /// Alias table used for given names.
    pub aliases: AliasTable,
    /// Blocking keys given with encoded inputs: `[rule][refinement level][record]`.
    pub given_block_keys: Option<Vec<Vec<Vec<u64>>>>,
    /// Given-name and surname fields, checked for names written the other way round.
    pub name_pair: Option<(usize, usize)>,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("left", &self.n_left)
            .field("right", &(self.len() - self.n_left))
            .field("fields", &self.fields.len())
            .finish()
    }
}

impl Prepared {
    /// Total number of records.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when there are no records.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// True when linking two files, false when deduplicating one.
    pub fn is_link(&self) -> bool {
        self.n_left < self.len()
    }

    /// Identifier of record `i`.
    pub fn id(&self, i: u32) -> &str {
        self.ids.get(i as usize)
    }

    /// Number of record pairs that could be compared (the full cross product).
    pub fn total_pairs(&self) -> f64 {
        let n = self.len() as f64;
        let l = self.n_left as f64;
        if self.is_link() {
            l * (n - l)
        } else {
            n * (n - 1.0) / 2.0
        }
    }

    /// Prepares two tables for linkage.
    pub fn link(spec: &LinkSpec, left: &Table, right: &Table) -> Result<Self> {
        Self::build(spec, &[left, right])
    }

    /// Prepares one table for deduplication.
    pub fn dedupe(spec: &LinkSpec, table: &Table) -> Result<Self> {
        Self::build(spec, &[table])
    }

    fn build(spec: &LinkSpec, tables: &[&Table]) -> Result<Self> {
        let mut builder = PrepareBuilder::new(spec, tables.len())?;
        for t in tables {
            builder.start_file(t.header())?;
            builder.add_chunk(t)?;
        }
        builder.finish()
    }
}

/// The raw cells of one field, interned as records stream in: each
/// distinct raw value is held once and records keep its 4-byte number.
struct RawField {
    spec: FieldSpec,
    index: FxHashMap<Box<str>, u32>,
    raw_of_record: Vec<u32>,
    /// Column indices of the field in the file being read.
    cols: Vec<usize>,
}

impl RawField {
    fn intern_chunk(&mut self, chunk: &Table) {
        let mut joined = String::new();
        // Address components stay apart so they can be compared one by one;
        // other multi-column fields are joined with a space.
        let sep = if self.spec.kind == FieldKind::Address {
            COMPONENT
        } else {
            ' '
        };
        self.raw_of_record.reserve(chunk.len());
        for i in 0..chunk.len() {
            let cell: &str = if self.cols.len() == 1 {
                chunk.cell(i, self.cols[0])
            } else {
                joined.clear();
                for (k, &c) in self.cols.iter().enumerate() {
                    if k > 0 {
                        joined.push(sep);
                    }
                    joined.push_str(chunk.cell(i, c).trim());
                }
                &joined
            };
            let id = match self.index.get(cell) {
                Some(&id) => id,
                None => {
                    let id = self.index.len() as u32;
                    self.index.insert(cell.into(), id);
                    id
                }
            };
            self.raw_of_record.push(id);
        }
    }

    /// Cleans each distinct raw value once and makes the entries.
    fn finish(self, aliases: &AliasTable) -> PreparedField {
        let f = self.spec;
        let mut raw_values: Vec<Box<str>> = vec![Box::default(); self.index.len()];
        for (k, v) in self.index {
            raw_values[v as usize] = k;
        }
        let cleaned: Vec<String> = raw_values
            .par_iter()
            .with_min_len(1024)
            .map(|r| clean_cell(&f, r))
            .collect();
        drop(raw_values);
        let mut entry_index: FxHashMap<&str, u32> = FxHashMap::default();
        let mut entry_texts: Vec<&str> = Vec::new();
        let raw_to_entry: Vec<u32> = cleaned
            .iter()
            .map(|c| {
                if c.is_empty() {
                    return MISSING;
                }
                *entry_index.entry(c.as_str()).or_insert_with(|| {
                    entry_texts.push(c.as_str());
                    (entry_texts.len() - 1) as u32
                })
            })
            .collect();
        drop(entry_index);
        let entries: Vec<Entry> = entry_texts
            .par_iter()
            .with_min_len(1024)
            .map(|t| make_entry(&f, t, aliases))
            .collect();
        drop(entry_texts);
        drop(cleaned);
        let mut values = self.raw_of_record;
        for v in values.iter_mut() {
            *v = raw_to_entry[*v as usize];
        }
        let frequency = frequencies(&values, entries.len());
        PreparedField {
            compared: f.is_compared(),
            spec: f,
            encoded: false,
            entries,
            frequency,
            values,
        }
    }
}

/// Builds [`Prepared`] from files read in chunks, so that no file is ever
/// held whole: each chunk's cells are interned per field (each distinct raw
/// value kept once) and then dropped; `finish` cleans each distinct value
/// once.
///
/// ```
/// use goldthread_link::{prepare::PrepareBuilder, LinkSpec, Table};
///
/// let header = ["given_name", "surname", "dob"];
/// let cols: Vec<String> = header.iter().map(|s| s.to_string()).collect();
/// let spec = LinkSpec::infer(&cols, None).unwrap();
/// let mut b = PrepareBuilder::new(&spec, 2).unwrap();
/// b.start_file(&cols).unwrap();
/// b.add_chunk(&Table::from_rows(&header, vec![("a1", vec!["Ann", "Lee", "1970-01-02"])])).unwrap();
/// b.start_file(&cols).unwrap();
/// b.add_chunk(&Table::from_rows(&header, vec![("b1", vec!["Anne", "Lee", "1970-01-02"])])).unwrap();
/// let prep = b.finish().unwrap();
/// assert_eq!((prep.n_left, prep.len()), (1, 2));
/// ```
pub struct PrepareBuilder {
    aliases: AliasTable,
    fields: Vec<RawField>,
    ids: Column,
    files: usize,
    started: usize,
    n_left: usize,
}

impl std::fmt::Debug for PrepareBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrepareBuilder")
            .field("records", &self.ids.len())
            .finish()
    }
}

impl PrepareBuilder {
    /// A builder for `files` files: 1 to deduplicate, 2 to link.
    pub fn new(spec: &LinkSpec, files: usize) -> Result<Self> {
        spec.validate()?;
        let mut aliases = AliasTable::built_in();
        for g in &spec.aliases {
            aliases.add_group(g.iter().map(|s| s.as_str()));
        }
        Ok(PrepareBuilder {
            aliases,
            fields: spec
                .fields
                .iter()
                .map(|f| RawField {
                    spec: f.clone(),
                    index: FxHashMap::default(),
                    raw_of_record: Vec::new(),
                    cols: Vec::new(),
                })
                .collect(),
            ids: Column::default(),
            files,
            started: 0,
            n_left: 0,
        })
    }

    /// Starts the next file, whose columns (the id column excluded) are `header`.
    pub fn start_file(&mut self, header: &[String]) -> Result<()> {
        if self.started == self.files {
            return Err(LinkError::Spec(format!(
                "more than {} input files given",
                self.files
            )));
        }
        if self.started == 1 {
            self.n_left = self.ids.len();
        }
        let which = if self.files == 1 {
            "input"
        } else if self.started == 0 {
            "left input"
        } else {
            "right input"
        };
        self.started += 1;
        for f in &mut self.fields {
            f.cols = f
                .spec
                .columns
                .iter()
                .map(|c| {
                    header
                        .iter()
                        .position(|h| h.eq_ignore_ascii_case(c))
                        .ok_or_else(|| {
                            LinkError::Spec(format!(
                                "field '{}': column '{c}' not found in the {which} (columns: {})",
                                f.spec.name,
                                header.join(", ")
                            ))
                        })
                })
                .collect::<Result<_>>()?;
        }
        Ok(())
    }

    /// Adds a chunk of records of the current file (its columns as given to
    /// [`start_file`](Self::start_file)).
    pub fn add_chunk(&mut self, chunk: &Table) -> Result<()> {
        if self.started == 0 {
            return Err(LinkError::Spec("add_chunk before start_file".into()));
        }
        if self.ids.len() + chunk.len() >= MISSING as usize {
            return Err(LinkError::Spec(format!(
                "too many records (at most {} in one run)",
                MISSING - 1
            )));
        }
        for i in 0..chunk.len() {
            self.ids.push(chunk.id(i));
        }
        self.fields
            .par_iter_mut()
            .for_each(|f| f.intern_chunk(chunk));
        Ok(())
    }

    /// Records added so far.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when no record has been added.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Cleans every distinct value once and returns the prepared records.
    pub fn finish(self) -> Result<Prepared> {
        if self.started != self.files {
            return Err(LinkError::Spec(format!(
                "{} input files expected, {} given",
                self.files, self.started
            )));
        }
        let n_left = if self.files == 1 {
            self.ids.len()
        } else {
            self.n_left
        };
        let aliases = self.aliases;
        // One field at a time (each in parallel inside) keeps the peak low.
        let fields: Vec<PreparedField> = self
            .fields
            .into_iter()
            .map(|f| f.finish(&aliases))
            .collect();
        let name_pair = name_pair(&fields);
        Ok(Prepared {
            n_left,
            ids: self.ids,
            fields,
            aliases,
            given_block_keys: None,
            name_pair,
        })
    }
}

/// The compared given-name and surname fields, when both exist.
pub fn name_pair(fields: &[PreparedField]) -> Option<(usize, usize)> {
    let find = |k: FieldKind| fields.iter().position(|f| f.spec.kind == k && f.compared);
    Some((find(FieldKind::GivenName)?, find(FieldKind::Surname)?))
}

impl Prepared {
    /// Levels of given name against surname and surname against given name
    /// when the two records have them the other way round (possibly with
    /// typos); `None` unless at least one cross comparison is close.
    pub fn swapped_levels(&self, i: u32, j: u32) -> Option<(u8, u8)> {
        let (g, s) = self.name_pair?;
        let (g, s) = (&self.fields[g], &self.fields[s]);
        let entry = |f: &'_ PreparedField, r: u32| -> Option<usize> {
            match f.values[r as usize] {
                MISSING => None,
                v => Some(v as usize),
            }
        };
        let cross = |x: &PreparedField, a: usize, y: &PreparedField, b: usize| -> u8 {
            let (ea, eb) = (&x.entries[a], &y.entries[b]);
            let top = crate::compare::level_labels(x.spec.kind, x.encoded).len() as u8 - 1;
            // Plain parts compare by text, encoded parts by their bits.
            let same = ea.parts.len() == eb.parts.len()
                && ea
                    .parts
                    .iter()
                    .zip(&eb.parts)
                    .all(|(p, q)| p.text == q.text && p.bits == q.bits);
            if same {
                top
            } else {
                crate::compare::compare_entries(x.spec.kind, x.encoded, &self.aliases, ea, eb)
                    .min(top)
            }
        };
        let (gi, sj, si, gj) = (entry(g, i)?, entry(s, j)?, entry(s, i)?, entry(g, j)?);
        let (lg, ls) = (cross(g, gi, s, sj), cross(s, si, g, gj));
        // Close means level 4 or better (Jaro-Winkler 0.88 or Dice 0.90);
        // one name may be swapped while the other changed (a new surname).
        let keep = |l: u8| if l >= 4 { l } else { 1 };
        let (lg, ls) = (keep(lg), keep(ls));
        (lg > 1 || ls > 1).then_some((lg, ls))
    }
}

/// Share of non-missing records holding each entry.
pub fn frequencies(values: &[u32], n_entries: usize) -> Vec<f64> {
    let mut counts = vec![0u64; n_entries];
    let mut present = 0u64;
    for &v in values {
        if v != MISSING {
            counts[v as usize] += 1;
            present += 1;
        }
    }
    let denom = present.max(1) as f64;
    counts.into_iter().map(|c| c as f64 / denom).collect()
}

/// Cleans a whole cell; multi-valued cells keep their separator between cleaned parts.
fn clean_cell(f: &FieldSpec, raw: &str) -> String {
    match &f.multi_value_separator {
        Some(sep) if !sep.is_empty() => {
            let parts: Vec<String> = raw
                .split(sep.as_str())
                .map(|p| clean_value(f.kind, p))
                .filter(|p| !p.is_empty())
                .collect();
            parts.join("\u{1f}")
        }
        _ => clean_value(f.kind, raw),
    }
}

/// Cleans one value for its kind; empty means missing.
pub fn clean_value(kind: FieldKind, raw: &str) -> String {
    match kind {
        FieldKind::GivenName | FieldKind::Surname | FieldKind::Name => normalize::clean_name(raw),
        FieldKind::DateOfBirth => parse_date(raw).map(|d| d.digits()).unwrap_or_default(),
        FieldKind::Sex => normalize::normalize_sex(raw),
        FieldKind::Postcode => match parse_uk_postcode(raw) {
            Some(p) => p.unit,
            None => normalize::clean_identifier(raw),
        },
        FieldKind::Address if raw.contains(COMPONENT) => {
            let parts: Vec<String> = raw
                .split(COMPONENT)
                .map(normalize::normalize_address)
                .collect();
            if parts.iter().all(|p| p.is_empty()) {
                String::new()
            } else {
                parts.join("\u{1e}")
            }
        }
        FieldKind::Address => normalize::normalize_address(raw),
        FieldKind::Town | FieldKind::Category | FieldKind::Text => normalize::clean_text(raw),
        FieldKind::NhsNumber | FieldKind::Identifier | FieldKind::Uprn => {
            normalize::clean_identifier(raw)
        }
    }
}

/// Stable 64-bit hash of text (FNV-1a), used for keys and codes.
pub fn hash_text(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h | 1
}

fn make_entry(f: &FieldSpec, text: &str, aliases: &AliasTable) -> Entry {
    let parts = text
        .split('\u{1f}')
        .map(|p| Part {
            text: p.into(),
            keys: part_keys(f.kind, p, aliases),
            bits: Box::new([]),
        })
        .collect();
    Entry { parts }
}

/// Codes of a composite address: 16-bit hashes of its first four
/// components (0 = empty), a mask of the numeric ones, and the count, so
/// comparison can skip equal components without splitting the text.
fn address_keys(text: &str) -> [u64; 3] {
    let (mut hashes, mut numeric, mut count) = (0u64, 0u64, 0u64);
    for (k, c) in text.split(COMPONENT).enumerate() {
        count += 1;
        if k < 4 && !c.is_empty() {
            let h = (hash_text(c) >> 16) & 0xffff;
            hashes |= h.max(1) << (16 * k);
            if c.bytes().all(|b| b.is_ascii_digit() || b == b' ') || c.len() <= 4 {
                numeric |= 1 << k;
            }
        }
    }
    [hashes, numeric, count]
}

/// Kind-specific codes for one cleaned value.
pub fn part_keys(kind: FieldKind, text: &str, aliases: &AliasTable) -> [u64; 3] {
    match kind {
        FieldKind::GivenName | FieldKind::Surname | FieldKind::Name => {
            let groups = aliases.groups_of(text);
            let g = |k: usize| groups.get(k).map(|&x| u64::from(x) + 1).unwrap_or(0);
            [u64::from(normalize::soundex(text)), g(0) | (g(1) << 32), 0]
        }
        FieldKind::DateOfBirth => [
            parse_date(text).map(|d| u64::from(d.packed())).unwrap_or(0),
            0,
            0,
        ],
        FieldKind::Postcode => match parse_uk_postcode(text) {
            Some(p) => [
                hash_text(&p.sector),
                hash_text(&p.district),
                hash_text(&p.area),
            ],
            None => [0, 0, 0],
        },
        // Number of address components, so comparison knows without scanning.
        FieldKind::Address => address_keys(text),
        _ => [0, 0, 0],
    }
}
