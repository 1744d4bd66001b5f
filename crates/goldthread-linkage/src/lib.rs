//! Linkage of the datasets partners share: each row's identifiers are turned into keyed
//! Bloom-filter encodings at upload (with `goldthread-link`'s public encoder, under a linkage
//! secret only the server holds), and a linkage job links two datasets from those encodings
//! alone, so no raw value is needed after the door.
//!
//! What it is not: it does no IO, stores nothing and decides no access; the server authorises a
//! job and the store keeps the encodings as opaque text. The engine's internals (comparison
//! levels, training) belong to `goldthread-link`; this crate only uses its public API.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use base64::Engine as _;
use goldthread_domain::sharing::Identity;
use goldthread_link::bloom::{encode, EncodeOptions, Encoded, EncodedField, Secret};
use goldthread_link::prepare::MISSING;
use goldthread_link::table::Column;
use goldthread_link::{run, LinkOptions, LinkSpec, Prepared, Table};
use serde::{Deserialize, Serialize};

/// The identifier columns every dataset's rows are encoded from, in the order encoded.
pub const IDENTITY_COLUMNS: [&str; 5] = [
    "nhs_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "postcode",
];

/// The shortest linkage secret accepted, in bytes.
pub const MIN_SECRET_BYTES: usize = 32;

/// Why encoding or a linkage job failed.
#[derive(Debug, thiserror::Error)]
pub enum LinkageError {
    /// The secret is too short.
    #[error("the linkage secret must have at least {MIN_SECRET_BYTES} bytes")]
    ShortSecret,
    /// The two datasets were encoded under different secrets or specifications: re-upload one.
    #[error(
        "the datasets were encoded under different linkage schemes ({0}); upload them again under the current one"
    )]
    SchemeMismatch(String),
    /// A stored encoding could not be read back (named by line).
    #[error("the stored encoding of line {line} cannot be read: {reason}")]
    Corrupt {
        /// The row's line in its upload.
        line: i64,
        /// Why.
        reason: String,
    },
    /// The engine refused the job (for example, training found nothing to tell matches apart).
    #[error("the linkage engine stopped: {0}")]
    Engine(#[from] goldthread_link::LinkError),
}

/// The server's linkage secret. Its `Debug` never prints it.
#[derive(Clone)]
pub struct LinkageSecret(Secret);

impl std::fmt::Debug for LinkageSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkageSecret(<secret>)")
    }
}

impl LinkageSecret {
    /// A secret from at least [`MIN_SECRET_BYTES`] bytes.
    pub fn new(bytes: &[u8]) -> Result<Self, LinkageError> {
        if bytes.len() < MIN_SECRET_BYTES {
            return Err(LinkageError::ShortSecret);
        }
        Secret::new(bytes)
            .map(Self)
            .map_err(|_| LinkageError::ShortSecret)
    }

    /// A public fingerprint: equal for encodings made with the same secret.
    pub fn fingerprint(&self) -> String {
        self.0.fingerprint()
    }
}

/// How a dataset's rows were encoded (no values: the specification, the secret's fingerprint
/// and the filter settings). Two datasets link only if their schemes are equal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheme {
    /// The linkage specification as TOML (column names and blocking rules).
    pub spec: String,
    /// The secret's fingerprint.
    pub fingerprint: String,
    /// Bits per field filter.
    pub bits: usize,
    /// Whether filters are balanced (the filter and its permuted complement).
    pub balanced: bool,
    /// How rows are laid out into fields ([`LAYOUT`] for encodings made now; 0 for those made
    /// before it was recorded, whose fields were shifted by one column and cannot be linked).
    #[serde(default)]
    pub layout: u32,
}

/// The current row layout: each identity column encoded into the field of its own name.
pub const LAYOUT: u32 = 1;

/// One row's encodings as stored: its line in the upload and the encodings as JSON text
/// (one Bloom filter per compared field, keyed blocking tokens per rule and level).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowEncoding {
    /// Line in the uploaded file.
    pub line: i64,
    /// The encodings (opaque text to everything but this crate).
    pub encoding: String,
}

/// A dataset's stored encodings, as a job reads them back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodedDataset {
    /// How they were made.
    pub scheme: Scheme,
    /// One per row.
    pub rows: Vec<RowEncoding>,
}

#[derive(Serialize, Deserialize)]
struct Wire {
    /// Filters per field: base64 of the little-endian words, or none when missing.
    f: Vec<Option<String>>,
    /// Keyed blocking tokens per rule and refinement level (0: no key).
    b: Vec<Vec<u64>>,
}

const SETTINGS: EncodeOptions = EncodeOptions {
    bits: 512,
    balanced: true,
};

/// The linkage specification every dataset is encoded with (inferred once from the identifier
/// columns, so every upload of every partner uses the same one).
pub fn spec() -> Result<LinkSpec, LinkageError> {
    let header: Vec<String> = std::iter::once("row")
        .chain(IDENTITY_COLUMNS)
        .map(str::to_owned)
        .collect();
    Ok(LinkSpec::infer(&header, Some("row"))?)
}

/// Encodes rows' identities (line, identity) under the secret. Pure and parallel.
pub fn encode_rows(
    secret: &LinkageSecret,
    rows: &[(i64, &Identity)],
) -> Result<(Scheme, Vec<RowEncoding>), LinkageError> {
    let spec = spec()?;
    let scheme = Scheme {
        spec: spec.to_toml(),
        fingerprint: secret.fingerprint(),
        bits: SETTINGS.bits,
        balanced: SETTINGS.balanced,
        layout: LAYOUT,
    };
    if rows.is_empty() {
        return Ok((scheme, Vec::new()));
    }
    // A table's header names its cells only (its row id is kept apart), so the identity
    // columns line up with the cells pushed below.
    let mut table = Table::new(IDENTITY_COLUMNS.iter().map(|h| (*h).to_owned()).collect());
    for (line, who) in rows {
        let nhs = who
            .nhs_number
            .as_ref()
            .map(|n| n.digits())
            .unwrap_or_default();
        let dob = who.date_of_birth.to_string();
        let cells = [
            nhs.as_str(),
            who.given_name.as_str(),
            who.family_name.as_str(),
            dob.as_str(),
            who.postcode.as_str(),
        ];
        table.push_row(&line.to_string(), &cells);
    }
    let prep = Prepared::dedupe(&spec, &table)?;
    let enc = encode(&spec, &prep, &secret.0, &SETTINGS)?;
    let b64 = base64::engine::general_purpose::STANDARD_NO_PAD;
    let out = rows
        .iter()
        .enumerate()
        .map(|(i, (line, _))| {
            let f = enc
                .fields
                .iter()
                .map(|field| {
                    field.get(i).map(|words| {
                        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
                        b64.encode(bytes)
                    })
                })
                .collect();
            let b = enc
                .block_keys
                .iter()
                .map(|levels| levels.iter().map(|l| l[i]).collect())
                .collect();
            let encoding = serde_json::to_string(&Wire { f, b }).expect("plain data serialises");
            RowEncoding {
                line: *line,
                encoding,
            }
        })
        .collect();
    Ok((scheme, out))
}

/// Rebuilds the engine's view of one dataset's stored encodings.
fn decode(d: &EncodedDataset) -> Result<Encoded, LinkageError> {
    let spec = LinkSpec::from_toml(&d.scheme.spec)?;
    let n_fields = spec.fields.len();
    let levels: Vec<usize> = spec
        .blocking
        .iter()
        .map(|r| r.refine_with.len() + 1)
        .collect();
    let mut fields: Vec<EncodedField> = (0..n_fields)
        .map(|_| EncodedField {
            filters: Vec::new(),
            values: Vec::with_capacity(d.rows.len()),
        })
        .collect();
    let mut block_keys: Vec<Vec<Vec<u64>>> = levels
        .iter()
        .map(|&n| vec![Vec::with_capacity(d.rows.len()); n])
        .collect();
    let b64 = base64::engine::general_purpose::STANDARD_NO_PAD;
    for row in &d.rows {
        let bad = |reason: String| LinkageError::Corrupt {
            line: row.line,
            reason,
        };
        let wire: Wire = serde_json::from_str(&row.encoding).map_err(|e| bad(e.to_string()))?;
        if wire.f.len() != n_fields
            || wire.b.len() != levels.len()
            || wire.b.iter().zip(&levels).any(|(b, n)| b.len() != *n)
        {
            return Err(bad("it does not fit its scheme's fields and rules".into()));
        }
        for (field, cell) in fields.iter_mut().zip(wire.f) {
            let words = cell
                .map(|text| {
                    let bytes = b64.decode(text).map_err(|e| bad(e.to_string()))?;
                    if bytes.len() % 8 != 0 {
                        return Err(bad("a filter is not a whole number of words".into()));
                    }
                    Ok(bytes
                        .chunks_exact(8)
                        .map(|c| u64::from_le_bytes(c.try_into().expect("eight bytes")))
                        .collect::<Box<[u64]>>())
                })
                .transpose()?;
            match words {
                Some(w) => {
                    field.values.push(
                        u32::try_from(field.filters.len())
                            .map_err(|_| bad("too many filters".into()))?,
                    );
                    field.filters.push(w);
                }
                None => field.values.push(MISSING),
            }
        }
        for (rule, tokens) in block_keys.iter_mut().zip(wire.b) {
            for (level, token) in rule.iter_mut().zip(tokens) {
                level.push(token);
            }
        }
    }
    Ok(Encoded {
        spec,
        fingerprint: d.scheme.fingerprint.clone(),
        options: EncodeOptions {
            bits: d.scheme.bits,
            balanced: d.scheme.balanced,
        },
        ids: {
            let mut ids = Column::default();
            for r in &d.rows {
                ids.push(&r.line.to_string());
            }
            ids
        },
        fields,
        block_keys,
    })
}

/// A linked pair: a row of the left dataset and a row of the right, by line, with the match
/// probability.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LinkedPair {
    /// Line of the left dataset's row.
    pub left_line: i64,
    /// Line of the right dataset's row.
    pub right_line: i64,
    /// Calibrated match probability.
    pub probability: f64,
}

/// What a job produced.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Predicted matches (one-to-one), best first.
    pub pairs: Vec<LinkedPair>,
    /// Candidate pairs the blocking rules made and the engine scored.
    pub candidate_pairs: u64,
    /// The engine's warnings about its training (small inputs train poorly).
    pub warnings: Vec<String>,
}

/// Links two datasets from their stored encodings: one-to-one matches at or above
/// `threshold`. CPU-bound; run it off the async executor.
pub fn link(
    left: &EncodedDataset,
    right: &EncodedDataset,
    threshold: f64,
) -> Result<Outcome, LinkageError> {
    if let Some(old) = [left, right].iter().find(|d| d.scheme.layout != LAYOUT) {
        return Err(LinkageError::SchemeMismatch(format!(
            "a dataset was encoded with row layout {}, the current one is {LAYOUT}",
            old.scheme.layout
        )));
    }
    if left.scheme != right.scheme {
        let why = if left.scheme.fingerprint != right.scheme.fingerprint {
            "different secrets"
        } else {
            "different specifications or settings"
        };
        return Err(LinkageError::SchemeMismatch(why.into()));
    }
    if left.rows.is_empty() || right.rows.is_empty() {
        return Ok(Outcome {
            pairs: Vec::new(),
            candidate_pairs: 0,
            warnings: Vec::new(),
        });
    }
    let (l, r) = (decode(left)?, decode(right)?);
    let prep = Prepared::from_encoded(&l, Some(&r))?;
    let mut opts = LinkOptions {
        threshold,
        one_to_one: true,
        ..LinkOptions::default()
    };
    // A district's list is small next to a national file: training on it is noisy, and a
    // warning (kept with the job) is more use than no result.
    opts.train.allow_degenerate = true;
    let spec = l.spec.clone();
    let out = run(&spec, &prep, &opts)?;
    let line = |i: u32| -> Result<i64, LinkageError> {
        prep.id(i).parse().map_err(|_| LinkageError::Corrupt {
            line: -1,
            reason: format!("record id {:?} is not a line number", prep.id(i)),
        })
    };
    let pairs = out
        .matches
        .iter()
        .map(|p| {
            Ok(LinkedPair {
                left_line: line(p.left)?,
                right_line: line(p.right)?,
                probability: p.probability,
            })
        })
        .collect::<Result<Vec<_>, LinkageError>>()?;
    Ok(Outcome {
        pairs,
        candidate_pairs: out.candidate_pairs,
        warnings: out.model.warnings.clone(),
    })
}

#[cfg(test)]
mod tests;
