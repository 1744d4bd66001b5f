//! Privacy-preserving encodings: keyed Bloom filters of identifying fields
//! and keyed blocking tokens. Each partner encodes its own file with a
//! shared secret; the hub links the encodings without seeing raw values.
//!
//! Hardening: one key per field is derived from the secret with
//! HMAC-SHA256; each token's bit positions come from HMAC-SHA256 under that
//! key (random hashing: sixteen independent positions from one 256-bit
//! digest, not double hashing), so without the secret no one can build a
//! dictionary of encodings. Each distinct token of a field is hashed once
//! and its positions reused, so a file costs one HMAC per distinct token,
//! not per token of every record. Filters can be balanced (a filter and its
//! complement, permuted by a keyed permutation) so that every filter has
//! the same number of set bits. See the crate README for the threat model
//! and known attacks.
use std::fmt::Write as _;

use hmac::{Hmac, Mac};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use sha2::Sha256;

use crate::blocking::record_keys;
use crate::normalize::{parse_date, parse_uk_postcode};
use crate::prepare::{Prepared, COMPONENT, MISSING};
use crate::spec::{FieldKind, LinkSpec};
use crate::table::Column;

type HmacSha256 = Hmac<Sha256>;

/// Version of the encoding (hashing scheme and file layout). Files of
/// another version are refused: re-encode them with this version.
pub const FORMAT_VERSION: u32 = 2;

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

    /// A 256-bit key for one purpose: HMAC-SHA256 of the purpose under the
    /// secret, computed once per field (never per value).
    fn derive(&self, purpose: &str) -> [u8; 32] {
        let mut m = HmacSha256::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        m.update(purpose.as_bytes());
        m.finalize().into_bytes().into()
    }

    /// HMAC-SHA256 keyed with the key derived for `purpose`.
    fn mac(&self, purpose: &str) -> HmacSha256 {
        HmacSha256::new_from_slice(&self.derive(purpose)).expect("HMAC takes keys of any length")
    }

    /// A public fingerprint that tells whether two files used the same secret.
    pub fn fingerprint(&self) -> String {
        let mut m = self.mac("goldthread-link/fingerprint");
        m.update(format!("goldthread-link encoding v{FORMAT_VERSION}").as_bytes());
        let tag = m.finalize().into_bytes();
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

impl EncodeOptions {
    /// Smallest and largest filter sizes accepted (positions are 16-bit).
    pub const BITS: std::ops::RangeInclusive<usize> = 8..=65_536;

    /// 64-bit words in one stored filter (balanced filters are twice as long).
    pub fn words(&self) -> usize {
        if self.balanced {
            (2 * self.bits).div_ceil(64)
        } else {
            self.bits.div_ceil(64)
        }
    }
}

/// One encoded field of a file: each distinct filter once, and per record
/// the number of its filter (or [`MISSING`]).
#[derive(Clone, Default)]
pub struct EncodedField {
    /// Distinct filters, each [`EncodeOptions::words`] 64-bit words.
    pub filters: Vec<Box<[u64]>>,
    /// Per record, index into `filters` or [`MISSING`].
    pub values: Vec<u32>,
}

impl EncodedField {
    /// The filter of record `i`, if it has one.
    pub fn get(&self, i: usize) -> Option<&[u64]> {
        match self.values[i] {
            MISSING => None,
            v => Some(&self.filters[v as usize]),
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
    pub ids: Column,
    /// Per field (in spec order) the filters of its records.
    pub fields: Vec<EncodedField>,
    /// `[rule][level][record]` keyed tokens, 0 = none.
    pub block_keys: Vec<Vec<Vec<u64>>>,
}

impl std::fmt::Debug for Encoded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoded")
            .field("records", &self.ids.len())
            .field("fields", &self.fields.len())
            .finish()
    }
}

impl Encoded {
    /// Number of records.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when the file holds no records.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
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

/// Calls `f` with each bigram of `_s_` (padded), prefixed; one buffer, no allocation.
fn bigrams(s: &str, prefix: &str, buf: &mut String, f: &mut dyn FnMut(&[u8])) {
    let mut prev = '_';
    for c in s.chars().chain(std::iter::once('_')) {
        buf.clear();
        buf.push_str(prefix);
        buf.push(prev);
        buf.push(c);
        f(buf.as_bytes());
        prev = c;
    }
}

/// Formats one token into the buffer and hands it to `f`.
fn emit(buf: &mut String, f: &mut dyn FnMut(&[u8]), args: std::fmt::Arguments<'_>) {
    buf.clear();
    let _ = buf.write_fmt(args);
    f(buf.as_bytes());
}

/// Calls `f` with each token a cleaned value is split into before hashing,
/// reusing `buf` so that no token allocates.
pub fn for_each_token(kind: FieldKind, text: &str, buf: &mut String, f: &mut dyn FnMut(&[u8])) {
    match kind {
        FieldKind::DateOfBirth => {
            if let Some(d) = parse_date(text) {
                let (lo, hi) = (d.month.min(d.day), d.month.max(d.day));
                emit(buf, f, format_args!("y{}", d.year));
                emit(buf, f, format_args!("m{}", d.month));
                emit(buf, f, format_args!("d{}", d.day));
                emit(buf, f, format_args!("md{lo}-{hi}"));
                emit(buf, f, format_args!("ym{}-{}", d.year, d.month));
            }
        }
        FieldKind::Postcode => match parse_uk_postcode(text) {
            Some(p) => {
                emit(buf, f, format_args!("u{}", p.unit));
                emit(buf, f, format_args!("s{}", p.sector));
                emit(buf, f, format_args!("d{}", p.district));
                emit(buf, f, format_args!("a{}", p.area));
            }
            None => bigrams(text, "", buf, f),
        },
        FieldKind::Sex | FieldKind::Category | FieldKind::Uprn => {
            emit(buf, f, format_args!("v{text}"))
        }
        FieldKind::Address => {
            let mut prefix = String::with_capacity(8);
            for (k, c) in text.split(COMPONENT).enumerate() {
                if !c.is_empty() {
                    prefix.clear();
                    let _ = write!(prefix, "{k}:");
                    bigrams(c, &prefix, buf, f);
                }
            }
        }
        _ => bigrams(text, "", buf, f),
    }
}

/// The tokens a cleaned value is split into before hashing.
pub fn tokens(kind: FieldKind, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut buf = String::new();
    for_each_token(kind, text, &mut buf, &mut |t| {
        out.push(String::from_utf8_lossy(t).into_owned())
    });
    out
}

/// Positions of one token: sixteen 16-bit pieces of its keyed digest.
type Positions = [u16; 16];

/// Hashing state of one field: its keyed HMAC, the number of positions
/// per token, the keyed permutation of balanced filters, and the
/// positions of every distinct token seen, each hashed once.
struct FieldHasher {
    mac: HmacSha256,
    kind: FieldKind,
    k: usize,
    opts: EncodeOptions,
    perm: Vec<u32>,
    memo: FxHashMap<Box<[u8]>, Positions>,
}

impl FieldHasher {
    fn new(secret: &Secret, name: &str, kind: FieldKind, opts: &EncodeOptions) -> Self {
        let purpose = field_purpose(name, kind);
        FieldHasher {
            mac: secret.mac(&purpose),
            kind,
            k: hashes_per_token(kind),
            opts: *opts,
            perm: permutation(secret, &purpose, opts),
            memo: FxHashMap::default(),
        }
    }

    /// Keyed positions of a token (HMAC-SHA256 under the field's key).
    fn hash(&self, token: &[u8]) -> Positions {
        let mut m = self.mac.clone();
        m.update(token);
        let digest = m.finalize().into_bytes();
        let mut out = [0u16; 16];
        for (o, c) in out.iter_mut().zip(digest.chunks_exact(2)) {
            *o = u16::from_le_bytes([c[0], c[1]]);
        }
        out
    }

    /// Hashes every distinct token of these cleaned values once, in parallel.
    fn learn<'a>(&mut self, texts: impl ParallelIterator<Item = &'a str>) {
        let kind = self.kind;
        let distinct: FxHashSet<Box<[u8]>> = texts
            .fold(
                || (FxHashSet::<Box<[u8]>>::default(), String::new()),
                |(mut set, mut buf), text| {
                    for part in text.split('\u{1f}') {
                        for_each_token(kind, part, &mut buf, &mut |t| {
                            if !set.contains(t) {
                                set.insert(t.into());
                            }
                        });
                    }
                    (set, buf)
                },
            )
            .map(|(set, _)| set)
            .reduce(FxHashSet::default, |mut a, b| {
                if a.len() < b.len() {
                    return b.into_iter().fold(a, |mut acc, t| {
                        acc.insert(t);
                        acc
                    });
                }
                a.extend(b);
                a
            });
        let tokens: Vec<Box<[u8]>> = distinct.into_iter().collect();
        let hashed: Vec<Positions> = tokens.par_iter().map(|t| self.hash(t)).collect();
        self.memo = tokens.into_iter().zip(hashed).collect();
    }

    /// Bloom filter of one cleaned value (multi-valued cells: union of parts).
    fn filter(&self, text: &str) -> Box<[u64]> {
        let bits = self.opts.bits;
        let mut filter = vec![0u64; bits.div_ceil(64)];
        let mut buf = String::with_capacity(32);
        for part in text.split('\u{1f}') {
            for_each_token(self.kind, part, &mut buf, &mut |t| {
                let fresh;
                let positions = match self.memo.get(t) {
                    Some(p) => p,
                    None => {
                        fresh = self.hash(t);
                        &fresh
                    }
                };
                for &p in &positions[..self.k] {
                    let pos = usize::from(p) % bits;
                    filter[pos / 64] |= 1 << (pos % 64);
                }
            });
        }
        if !self.opts.balanced {
            return filter.into_boxed_slice();
        }
        let get = |p: usize| -> bool {
            if p < bits {
                filter[p / 64] >> (p % 64) & 1 == 1
            } else {
                let q = p - bits;
                filter[q / 64] >> (q % 64) & 1 == 0
            }
        };
        let mut out = vec![0u64; self.opts.words()];
        for (to, &from) in self.perm.iter().enumerate() {
            if get(from as usize) {
                out[to / 64] |= 1 << (to % 64);
            }
        }
        out.into_boxed_slice()
    }
}

/// Keyed permutation of the balanced filter's positions.
fn permutation(secret: &Secret, purpose: &str, opts: &EncodeOptions) -> Vec<u32> {
    if !opts.balanced {
        return Vec::new();
    }
    let seed = secret.derive(&format!("{purpose}/permutation"));
    let mut rng = ChaCha8Rng::from_seed(seed);
    let mut p: Vec<u32> = (0..(2 * opts.bits) as u32).collect();
    p.shuffle(&mut rng);
    p
}

/// Encodes prepared records (one file) with the secret. Each distinct
/// cleaned value is encoded once, in parallel.
pub fn encode(
    spec: &LinkSpec,
    prep: &Prepared,
    secret: &Secret,
    opts: &EncodeOptions,
) -> crate::Result<Encoded> {
    if !EncodeOptions::BITS.contains(&opts.bits) {
        return Err(crate::LinkError::Spec(format!(
            "filter size {} out of range ({} to {} bits)",
            opts.bits,
            EncodeOptions::BITS.start(),
            EncodeOptions::BITS.end()
        )));
    }
    let fields = prep
        .fields
        .par_iter()
        .map(|f| {
            // Block-only fields travel as keyed blocking tokens only.
            if !f.compared {
                return EncodedField {
                    filters: Vec::new(),
                    values: vec![MISSING; f.values.len()],
                };
            }
            let mut hasher = FieldHasher::new(secret, &f.spec.name, f.spec.kind, opts);
            // Multi-valued entries join their parts with the unit separator.
            let texts: Vec<String> = f
                .entries
                .par_iter()
                .map(|e| {
                    let parts: Vec<&str> = e.parts.iter().map(|p| &*p.text).collect();
                    parts.join("\u{1f}")
                })
                .collect();
            hasher.learn(texts.par_iter().map(String::as_str));
            let filters: Vec<Box<[u64]>> = texts
                .par_iter()
                .with_min_len(256)
                .map(|t| hasher.filter(t))
                .collect();
            EncodedField {
                filters,
                values: f.values.clone(),
            }
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
            // One HMAC per distinct key (records in a block share theirs).
            let mut distinct = plain.clone();
            distinct.par_sort_unstable();
            distinct.dedup();
            let keyed: FxHashMap<u64, u64> = distinct
                .par_iter()
                .map(|&k| (k, keyed_token(&block_mac, k)))
                .collect();
            levels.push(plain.iter().map(|k| keyed[k]).collect());
        }
        block_keys.push(levels);
    }
    Ok(Encoded {
        spec: spec.clone(),
        fingerprint: secret.fingerprint(),
        options: *opts,
        ids: prep.ids.clone(),
        fields,
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
        let mut ids = Column::default();
        for f in &files {
            for i in 0..f.ids.len() {
                ids.push(f.ids.get(i));
            }
        }
        let words = left.options.words();
        let fields = left
            .spec
            .fields
            .par_iter()
            .enumerate()
            .map(|(fi, spec)| {
                for f in &files {
                    let field = f.fields.get(fi).ok_or_else(|| {
                        crate::LinkError::Mismatch(format!("encoded input lacks field {fi}"))
                    })?;
                    if field.values.len() != f.ids.len()
                        || field.filters.iter().any(|b| b.len() != words)
                        || field
                            .values
                            .iter()
                            .any(|&v| v != MISSING && v as usize >= field.filters.len())
                    {
                        return Err(crate::LinkError::Mismatch(format!(
                            "encoded field '{}' is inconsistent",
                            spec.name
                        )));
                    }
                }
                // The same filter in both files becomes one entry (exact agreement).
                let mut index: FxHashMap<&[u64], u32> = FxHashMap::default();
                let mut entries: Vec<Entry> = Vec::new();
                let mut values = Vec::with_capacity(ids.len());
                for f in &files {
                    let field = &f.fields[fi];
                    let map: Vec<u32> = field
                        .filters
                        .iter()
                        .map(|bits| {
                            *index.entry(&bits[..]).or_insert_with(|| {
                                let ones: u32 = bits.iter().map(|w| w.count_ones()).sum();
                                entries.push(Entry {
                                    parts: vec![Part {
                                        text: "".into(),
                                        keys: [u64::from(ones), 0, 0],
                                        bits: bits.clone(),
                                    }],
                                });
                                (entries.len() - 1) as u32
                            })
                        })
                        .collect();
                    values.extend(field.values.iter().map(|&v| match v {
                        MISSING => MISSING,
                        v => map[v as usize],
                    }));
                }
                if left.options.balanced {
                    mark_balanced(&mut entries, left.options.bits);
                }
                let frequency = frequencies(&values, entries.len());
                Ok(PreparedField {
                    spec: spec.clone(),
                    encoded: true,
                    entries,
                    frequency,
                    values,
                    compared: spec.is_compared(),
                })
            })
            .collect::<crate::Result<Vec<_>>>()?;
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
            n_left: left.len(),
            ids,
            fields,
            aliases: crate::aliases::AliasTable::default(),
            given_block_keys: Some(given_block_keys),
            name_pair,
        })
    }
}

/// Pairs of distinct filters compared to estimate a field's mean weight.
const WEIGHT_SAMPLE: usize = 4096;

/// Marks a field's balanced filters (`keys[1] = 1`) and gives each the
/// field's mean original weight (`keys[0]`), so that [`crate::compare::dice`]
/// puts them on the plain Dice scale.
///
/// Two unrelated filters of weight `w` in `bits` bits differ in
/// `2w(1 - w / bits)` bits on average (half that of their balanced forms),
/// so the mean distance over a deterministic sample of pairs of distinct
/// filters gives `w`. Only the field's mean is estimated: the hub learns
/// nothing about any one value's weight, which balancing hides.
fn mark_balanced(entries: &mut [crate::prepare::Entry], bits: usize) {
    let n = entries.len();
    let mut sum = 0.0;
    let mut count = 0usize;
    if n >= 2 {
        // Stepping by a stride coprime with n visits pairs spread over the field.
        let stride = (n / 2 + 1..n).find(|s| gcd(*s, n) == 1).unwrap_or(1);
        for k in 0..WEIGHT_SAMPLE.min(n * (n - 1) / 2) {
            let i = k % n;
            let j = (i + stride * (1 + k / n)) % n;
            if i == j {
                continue;
            }
            let (a, b) = (&entries[i].parts[0].bits, &entries[j].parts[0].bits);
            let differ: u32 = a
                .iter()
                .zip(b.iter())
                .map(|(x, y)| (x ^ y).count_ones())
                .sum();
            sum += f64::from(differ) / 2.0;
            count += 1;
        }
    }
    let l = bits as f64;
    // With no pairs to learn from, assume a filter an eighth full.
    let mean_distance = if count == 0 {
        2.0 * l / 8.0 * (1.0 - 1.0 / 8.0)
    } else {
        sum / count as f64
    };
    let w = l / 2.0 * (1.0 - (1.0 - 2.0 * mean_distance / l).max(0.0).sqrt());
    let w = w.round().max(1.0) as u64;
    for e in entries {
        for p in e.parts.iter_mut() {
            p.keys = [w, 1, 0];
        }
    }
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
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

    fn hasher(s: &Secret, kind: FieldKind, o: &EncodeOptions) -> FieldHasher {
        FieldHasher::new(s, "x", kind, o)
    }

    #[test]
    fn similar_names_have_high_dice_and_keys_matter() {
        let s = Secret::new(b"a shared secret of some length").unwrap();
        let other = Secret::new(b"a different secret, also long").unwrap();
        let o = EncodeOptions::default();
        let h = hasher(&s, FieldKind::Surname, &o);
        let f = |h: &FieldHasher, t: &str| part(h.filter(t));
        let (a, b, c) = (f(&h, "thompson"), f(&h, "thomson"), f(&h, "patel"));
        assert!(dice(&a, &b) > 0.75, "{}", dice(&a, &b));
        assert!(dice(&a, &c) < 0.4, "{}", dice(&a, &c));
        let d = f(&hasher(&other, FieldKind::Surname, &o), "thompson");
        assert!(
            dice(&a, &d) < 0.5,
            "same name under another key: {}",
            dice(&a, &d)
        );
        assert_ne!(s.fingerprint(), other.fingerprint());
    }

    #[test]
    fn tokens_are_the_padded_bigrams_and_parts() {
        assert_eq!(tokens(FieldKind::Surname, "li"), ["_l", "li", "i_"]);
        assert_eq!(
            tokens(FieldKind::DateOfBirth, "19500301"),
            ["y1950", "m3", "d1", "md1-3", "ym1950-3"]
        );
        let addr = format!("1 high st{COMPONENT}{COMPONENT}ab");
        assert_eq!(
            tokens(FieldKind::Address, &addr),
            [
                "0:_1", "0:1 ", "0: h", "0:hi", "0:ig", "0:gh", "0:h ", "0: s", "0:st", "0:t_",
                "2:_a", "2:ab", "2:b_"
            ]
        );
    }

    #[test]
    fn each_token_sets_at_most_its_positions() {
        let s = Secret::new(b"0123456789abcdef0123").unwrap();
        let o = EncodeOptions::default();
        let h = hasher(&s, FieldKind::GivenName, &o);
        for name in ["al", "bartholomew", "li"] {
            let ones: u32 = h.filter(name).iter().map(|w| w.count_ones()).sum();
            let bound = 16 * tokens(FieldKind::GivenName, name).len() as u32;
            assert!(
                ones > 0 && ones <= bound,
                "{name}: {ones} of at most {bound}"
            );
        }
        assert_eq!(h.filter("al"), h.filter("al"));
    }

    #[test]
    fn balanced_filters_have_constant_weight() {
        let s = Secret::new(b"0123456789abcdef0123").unwrap();
        let o = EncodeOptions {
            bits: 256,
            balanced: true,
        };
        let h = hasher(&s, FieldKind::GivenName, &o);
        for name in ["al", "bartholomew", "li"] {
            let ones: u32 = h.filter(name).iter().map(|w| w.count_ones()).sum();
            assert_eq!(ones, 256);
        }
    }

    #[test]
    fn balanced_filters_are_compared_on_the_plain_dice_scale() {
        use crate::prepare::Entry;
        let s = Secret::new(b"0123456789abcdef0123").unwrap();
        let plain = EncodeOptions::default();
        let bal = EncodeOptions {
            balanced: true,
            ..plain
        };
        let names: Vec<String> = crate::synth_names::SURNAMES
            .iter()
            .filter(|n| !n.starts_with("thom"))
            .map(|n| n.to_lowercase())
            .chain(["thompson".to_string(), "thomson".to_string()])
            .collect();
        let entries = |o: &EncodeOptions| -> Vec<Entry> {
            let h = hasher(&s, FieldKind::Surname, o);
            names
                .iter()
                .map(|n| Entry {
                    parts: vec![part(h.filter(n))],
                })
                .collect()
        };
        let p = entries(&plain);
        let mut b = entries(&bal);
        mark_balanced(&mut b, bal.bits);
        let d = |e: &[Entry], i: usize, j: usize| dice(&e[i].parts[0], &e[j].parts[0]);
        let (x, y) = (names.len() - 2, names.len() - 1);
        // A one-letter typo: close on both scales.
        assert!(
            (d(&p, x, y) - d(&b, x, y)).abs() < 0.05,
            "{} vs {}",
            d(&p, x, y),
            d(&b, x, y)
        );
        // Unrelated names stay low rather than crowding into the top bands.
        assert!(d(&b, x, 1) < 0.5, "unrelated balanced dice {}", d(&b, x, 1));
        assert!((d(&p, x, 1) - d(&b, x, 1)).abs() < 0.15);
    }
}
