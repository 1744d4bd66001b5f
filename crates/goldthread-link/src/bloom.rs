//! Privacy-preserving encodings: keyed Bloom filters of identifying fields
//! and keyed blocking tokens. Each partner encodes its own file with a
//! shared secret; the hub links the encodings without seeing raw values.
//!
//! Hardening: positions come from HMAC-SHA256 keyed with the secret and the
//! field (random hashing, not double hashing), so without the secret no one
//! can build a dictionary of encodings; filters can be balanced (a filter
//! and its complement, permuted by a keyed permutation) so that every
//! filter has the same number of set bits. See the crate README for the
//! threat model and known attacks.
use hmac::{Hmac, Mac};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use sha2::Sha256;

use crate::blocking::record_keys;
use crate::normalize::{parse_date, parse_uk_postcode};
use crate::prepare::{Prepared, COMPONENT, MISSING};
use crate::spec::{FieldKind, LinkSpec};

type HmacSha256 = Hmac<Sha256>;

/// A shared secret held by the data owners only, never by the hub.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Secret {
    /// Wraps secret bytes; at least 16 are required.
    pub fn new(bytes: &[u8]) -> crate::Result<Self> {
        let trimmed: Vec<u8> = bytes
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        if trimmed.len() < 16 {
            return Err(crate::LinkError::Spec(
                "the secret must have at least 16 non-blank bytes".into(),
            ));
        }
        Ok(Secret(trimmed))
    }

    fn mac(&self, purpose: &str) -> HmacSha256 {
        let mut m = HmacSha256::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        m.update(purpose.as_bytes());
        let derived = m.finalize().into_bytes();
        HmacSha256::new_from_slice(&derived).expect("HMAC takes keys of any length")
    }

    /// A public fingerprint that tells whether two files used the same secret.
    pub fn fingerprint(&self) -> String {
        let tag = self
            .mac("goldthread-link/fingerprint")
            .finalize()
            .into_bytes();
        tag[..8].iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Encoding settings, shared by all partners.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodeOptions {
    /// Bits per field filter (before balancing).
    pub bits: usize,
    /// Append the complement and permute, so every filter has the same weight.
    pub balanced: bool,
}

impl Default for EncodeOptions {
    fn default() -> Self {
        EncodeOptions {
            bits: 512,
            balanced: false,
        }
    }
}

/// Encoded records of one file: per field a Bloom filter (or none when
/// missing), and blocking tokens per rule and refinement level.
pub struct Encoded {
    /// The specification used (column names and rules only, no values).
    pub spec: LinkSpec,
    /// Fingerprint of the secret.
    pub fingerprint: String,
    /// Settings.
    pub options: EncodeOptions,
    /// Record ids.
    pub ids: Vec<String>,
    /// `[field][record]` filters as 64-bit words.
    pub filters: Vec<Vec<Option<Box<[u64]>>>>,
    /// `[rule][level][record]` keyed tokens, 0 = none.
    pub block_keys: Vec<Vec<Vec<u64>>>,
}

impl std::fmt::Debug for Encoded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoded")
            .field("records", &self.ids.len())
            .field("fields", &self.filters.len())
            .finish()
    }
}

/// Hash positions per token: names, dates and codes get more than long text.
fn hashes_per_token(kind: FieldKind) -> usize {
    match kind {
        FieldKind::Address | FieldKind::Town | FieldKind::Text => 8,
        _ => 16,
    }
}

/// Key purpose for a field: given names and surnames share one, so that
/// names written the other way round still match at the hub.
fn field_purpose(name: &str, kind: FieldKind) -> String {
    if matches!(
        kind,
        FieldKind::GivenName | FieldKind::Surname | FieldKind::Name
    ) {
        "goldthread-link/bloom/names".into()
    } else {
        format!("goldthread-link/bloom/field/{name}")
    }
}

fn bigrams(s: &str, prefix: &str, out: &mut Vec<String>) {
    let padded: Vec<char> = std::iter::once('_')
        .chain(s.chars())
        .chain(std::iter::once('_'))
        .collect();
    for w in padded.windows(2) {
        out.push(format!("{prefix}{}{}", w[0], w[1]));
    }
}

/// The tokens a cleaned value is split into before hashing.
pub fn tokens(kind: FieldKind, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    match kind {
        FieldKind::DateOfBirth => {
            if let Some(d) = parse_date(text) {
                let (lo, hi) = (d.month.min(d.day), d.month.max(d.day));
                out.push(format!("y{}", d.year));
                out.push(format!("m{}", d.month));
                out.push(format!("d{}", d.day));
                out.push(format!("md{lo}-{hi}"));
                out.push(format!("ym{}-{}", d.year, d.month));
            }
        }
        FieldKind::Postcode => match parse_uk_postcode(text) {
            Some(p) => {
                out.push(format!("u{}", p.unit));
                out.push(format!("s{}", p.sector));
                out.push(format!("d{}", p.district));
                out.push(format!("a{}", p.area));
            }
            None => bigrams(text, "", &mut out),
        },
        FieldKind::Sex | FieldKind::Category | FieldKind::Uprn => out.push(format!("v{text}")),
        FieldKind::Address => {
            for (k, c) in text.split(COMPONENT).enumerate() {
                if !c.is_empty() {
                    bigrams(c, &format!("{k}:"), &mut out);
                }
            }
        }
        _ => bigrams(text, "", &mut out),
    }
    out
}

/// Bloom filter of one cleaned value (multi-valued cells: union of parts).
fn filter(
    mac: &HmacSha256,
    kind: FieldKind,
    text: &str,
    opts: &EncodeOptions,
    perm: &[u32],
) -> Box<[u64]> {
    let words = opts.bits.div_ceil(64);
    let mut bits = vec![0u64; words];
    let k = hashes_per_token(kind);
    for part in text.split('\u{1f}') {
        for t in tokens(kind, part) {
            let mut m = mac.clone();
            m.update(t.as_bytes());
            let digest = m.finalize().into_bytes();
            for c in digest.chunks_exact(2).take(k) {
                let pos = usize::from(u16::from_le_bytes([c[0], c[1]])) % opts.bits;
                bits[pos / 64] |= 1 << (pos % 64);
            }
        }
    }
    if !opts.balanced {
        return bits.into_boxed_slice();
    }
    let total = 2 * opts.bits;
    let get = |p: usize| -> bool {
        if p < opts.bits {
            bits[p / 64] >> (p % 64) & 1 == 1
        } else {
            let q = p - opts.bits;
            bits[q / 64] >> (q % 64) & 1 == 0
        }
    };
    let mut out = vec![0u64; total.div_ceil(64)];
    for (to, &from) in perm.iter().enumerate() {
        if get(from as usize) {
            out[to / 64] |= 1 << (to % 64);
        }
    }
    out.into_boxed_slice()
}

/// Keyed permutation of the balanced filter's positions.
fn permutation(secret: &Secret, purpose: &str, opts: &EncodeOptions) -> Vec<u32> {
    if !opts.balanced {
        return Vec::new();
    }
    let seed = secret
        .mac(&format!("{purpose}/permutation"))
        .finalize()
        .into_bytes();
    let mut s = [0u8; 32];
    s.copy_from_slice(&seed);
    let mut rng = ChaCha8Rng::from_seed(s);
    let mut p: Vec<u32> = (0..(2 * opts.bits) as u32).collect();
    p.shuffle(&mut rng);
    p
}

/// Encodes prepared records (one file) with the secret.
pub fn encode(
    spec: &LinkSpec,
    prep: &Prepared,
    secret: &Secret,
    opts: &EncodeOptions,
) -> crate::Result<Encoded> {
    let filters = prep
        .fields
        .par_iter()
        .map(|f| {
            // Block-only fields travel as keyed blocking tokens only.
            if !f.compared {
                return vec![None; f.values.len()];
            }
            let purpose = field_purpose(&f.spec.name, f.spec.kind);
            let mac = secret.mac(&purpose);
            let perm = permutation(secret, &purpose, opts);
            let per_entry: Vec<Box<[u64]>> = f
                .entries
                .par_iter()
                .map(|e| {
                    let text: Vec<&str> = e.parts.iter().map(|p| &*p.text).collect();
                    filter(&mac, f.spec.kind, &text.join("\u{1f}"), opts, &perm)
                })
                .collect();
            f.values
                .iter()
                .map(|&v| {
                    if v == MISSING {
                        None
                    } else {
                        Some(per_entry[v as usize].clone())
                    }
                })
                .collect()
        })
        .collect();
    let block_mac = secret.mac("goldthread-link/blocking");
    let mut block_keys = Vec::new();
    for rule in &spec.blocking {
        let mut levels = Vec::new();
        for level in 0..=rule.refine_with.len() {
            let parts = rule
                .keys
                .iter()
                .chain(&rule.refine_with[..level])
                .map(|k| spec.key_part(k))
                .collect::<crate::Result<Vec<_>>>()?;
            let plain = record_keys(prep, &parts);
            levels.push(
                plain
                    .par_iter()
                    .map(|&k| keyed_token(&block_mac, k))
                    .collect(),
            );
        }
        block_keys.push(levels);
    }
    Ok(Encoded {
        spec: spec.clone(),
        fingerprint: secret.fingerprint(),
        options: *opts,
        ids: (0..prep.len() as u32)
            .map(|i| prep.id(i).to_string())
            .collect(),
        filters,
        block_keys,
    })
}

/// Keyed blocking token of a plain key; 0 stays 0 (no key).
fn keyed_token(mac: &HmacSha256, plain: u64) -> u64 {
    if plain == 0 {
        return 0;
    }
    let mut m = mac.clone();
    m.update(&plain.to_le_bytes());
    let d = m.finalize().into_bytes();
    u64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]]) | 1
}

impl Prepared {
    /// Prepares encoded files for linkage at the hub (one file: deduplication).
    /// Both must come from the same secret, settings and specification.
    pub fn from_encoded(left: &Encoded, right: Option<&Encoded>) -> crate::Result<Prepared> {
        use crate::prepare::{frequencies, name_pair, Entry, Part, PreparedField};
        use rustc_hash::FxHashMap;
        let files: Vec<&Encoded> = std::iter::once(left).chain(right).collect();
        for f in &files[1..] {
            if f.fingerprint != left.fingerprint {
                return Err(crate::LinkError::Mismatch(
                    "the encoded files were made with different secrets (fingerprints differ)"
                        .into(),
                ));
            }
            if f.options != left.options || f.spec != left.spec {
                return Err(crate::LinkError::Mismatch(
                    "the encoded files were made with different specifications or settings".into(),
                ));
            }
        }
        let mut ids = crate::table::Column::default();
        for f in &files {
            for id in &f.ids {
                ids.push(id);
            }
        }
        let fields = left
            .spec
            .fields
            .iter()
            .enumerate()
            .map(|(fi, spec)| {
                let mut index: FxHashMap<&[u64], u32> = FxHashMap::default();
                let mut entries: Vec<Entry> = Vec::new();
                let mut values = Vec::with_capacity(ids.len());
                for f in &files {
                    for cell in &f.filters[fi] {
                        let v = match cell {
                            None => MISSING,
                            Some(bits) => *index.entry(&bits[..]).or_insert_with(|| {
                                let ones: u32 = bits.iter().map(|w| w.count_ones()).sum();
                                entries.push(Entry {
                                    parts: vec![Part {
                                        text: "".into(),
                                        keys: [u64::from(ones), 0, 0],
                                        bits: bits.clone(),
                                    }],
                                });
                                (entries.len() - 1) as u32
                            }),
                        };
                        values.push(v);
                    }
                }
                let frequency = frequencies(&values, entries.len());
                PreparedField {
                    spec: spec.clone(),
                    encoded: true,
                    entries,
                    frequency,
                    values,
                    compared: spec.is_compared(),
                }
            })
            .collect::<Vec<_>>();
        let given_block_keys = (0..left.block_keys.len())
            .map(|r| {
                (0..left.block_keys[r].len())
                    .map(|l| {
                        files
                            .iter()
                            .flat_map(|f| f.block_keys[r][l].iter().copied())
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let name_pair = name_pair(&fields);
        Ok(Prepared {
            n_left: left.ids.len(),
            ids,
            fields,
            aliases: crate::aliases::AliasTable::default(),
            given_block_keys: Some(given_block_keys),
            name_pair,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::dice;
    use crate::prepare::Part;

    fn part(bits: Box<[u64]>) -> Part {
        let ones: u32 = bits.iter().map(|w| w.count_ones()).sum();
        Part {
            text: "".into(),
            keys: [u64::from(ones), 0, 0],
            bits,
        }
    }

    #[test]
    fn similar_names_have_high_dice_and_keys_matter() {
        let s = Secret::new(b"a shared secret of some length").unwrap();
        let other = Secret::new(b"a different secret, also long").unwrap();
        let o = EncodeOptions::default();
        let mac = s.mac("x");
        let f = |m: &HmacSha256, t: &str| part(filter(m, FieldKind::Surname, t, &o, &[]));
        let (a, b, c) = (f(&mac, "thompson"), f(&mac, "thomson"), f(&mac, "patel"));
        assert!(dice(&a, &b) > 0.75, "{}", dice(&a, &b));
        assert!(dice(&a, &c) < 0.4, "{}", dice(&a, &c));
        let d = f(&other.mac("x"), "thompson");
        assert!(
            dice(&a, &d) < 0.5,
            "same name under another key: {}",
            dice(&a, &d)
        );
        assert_ne!(s.fingerprint(), other.fingerprint());
    }

    #[test]
    fn balanced_filters_have_constant_weight() {
        let s = Secret::new(b"0123456789abcdef0123").unwrap();
        let o = EncodeOptions {
            bits: 256,
            balanced: true,
        };
        let perm = permutation(&s, "p", &o);
        let mac = s.mac("p");
        for name in ["al", "bartholomew", "li"] {
            let ones: u32 = filter(&mac, FieldKind::GivenName, name, &o, &perm)
                .iter()
                .map(|w| w.count_ones())
                .sum();
            assert_eq!(ones, 256);
        }
    }
}
