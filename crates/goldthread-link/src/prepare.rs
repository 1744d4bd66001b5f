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
        spec.validate()?;
        let mut aliases = AliasTable::built_in();
        for g in &spec.aliases {
            aliases.add_group(g.iter().map(|s| s.as_str()));
        }
        let mut ids = Column::default();
        for t in tables {
            for i in 0..t.len() {
                ids.push(t.id(i));
            }
        }
        let fields = spec
            .fields
            .par_iter()
            .map(|f| prepare_field(f, tables, &aliases))
            .collect::<Result<Vec<_>>>()?;
        let name_pair = name_pair(&fields);
        Ok(Prepared {
            n_left: tables[0].len(),
            ids,
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

/// Resolves the column indices of a field in each table.
fn column_indices(f: &FieldSpec, tables: &[&Table]) -> Result<Vec<Vec<usize>>> {
    tables
        .iter()
        .enumerate()
        .map(|(side, t)| {
            f.columns
                .iter()
                .map(|c| {
                    t.column_index(c).ok_or_else(|| {
                        let which = if tables.len() == 1 {
                            "input"
                        } else if side == 0 {
                            "left input"
                        } else {
                            "right input"
                        };
                        LinkError::Spec(format!(
                            "field '{}': column '{c}' not found in the {which} (columns: {})",
                            f.name,
                            t.header().join(", ")
                        ))
                    })
                })
                .collect()
        })
        .collect()
}

fn prepare_field(f: &FieldSpec, tables: &[&Table], aliases: &AliasTable) -> Result<PreparedField> {
    let cols = column_indices(f, tables)?;
    // First intern raw cells so each distinct raw value is cleaned once.
    let mut raw_index: FxHashMap<String, u32> = FxHashMap::default();
    let mut raw_values: Vec<String> = Vec::new();
    let total: usize = tables.iter().map(|t| t.len()).sum();
    let mut raw_of_record: Vec<u32> = Vec::with_capacity(total);
    let mut joined = String::new();
    for (t, cols) in tables.iter().zip(&cols) {
        for i in 0..t.len() {
            let cell: &str = if cols.len() == 1 {
                t.cell(i, cols[0])
            } else {
                // Address components stay apart so they can be compared one by one;
                // other multi-column fields are joined with a space.
                let sep = if f.kind == FieldKind::Address {
                    COMPONENT
                } else {
                    ' '
                };
                joined.clear();
                for (k, &c) in cols.iter().enumerate() {
                    if k > 0 {
                        joined.push(sep);
                    }
                    joined.push_str(t.cell(i, c).trim());
                }
                &joined
            };
            let id = match raw_index.get(cell) {
                Some(&id) => id,
                None => {
                    let id = raw_values.len() as u32;
                    raw_index.insert(cell.to_string(), id);
                    raw_values.push(cell.to_string());
                    id
                }
            };
            raw_of_record.push(id);
        }
    }
    drop(raw_index);
    let cleaned: Vec<String> = raw_values.par_iter().map(|r| clean_cell(f, r)).collect();
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
    let entries: Vec<Entry> = entry_texts
        .par_iter()
        .map(|t| make_entry(f, t, aliases))
        .collect();
    let values: Vec<u32> = raw_of_record
        .iter()
        .map(|&r| raw_to_entry[r as usize])
        .collect();
    let frequency = frequencies(&values, entries.len());
    Ok(PreparedField {
        spec: f.clone(),
        encoded: false,
        entries,
        frequency,
        values,
        compared: f.is_compared(),
    })
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
