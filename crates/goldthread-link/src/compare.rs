//! Comparison levels: how closely two values of a field agree.
//!
//! Level 0 is always "missing on either side" (no evidence), level 1 is
//! "different", and higher levels are closer agreement; the highest is exact.
use strsim::osa_distance;

use crate::aliases::AliasTable;
use crate::prepare::{Entry, Part, PreparedField, MISSING};
use crate::spec::FieldKind;

/// Level 0: value missing on one side or both.
pub const NULL: u8 = 0;

const NAME: &[&str] = &[
    "missing",
    "different",
    "initial only",
    "jaro-winkler >= 0.80",
    "jaro-winkler >= 0.88",
    "jaro-winkler >= 0.94",
    "nickname or alias",
    "exact",
];
const DATE: &[&str] = &[
    "missing",
    "different",
    "same year",
    "one digit different",
    "year off by one",
    "day and month transposed",
    "exact",
];
const POSTCODE: &[&str] = &[
    "missing",
    "different",
    "one character different",
    "same district",
    "same sector",
    "exact",
];
const ADDRESS: &[&str] = &[
    "missing",
    "different",
    "some parts agree",
    "most parts agree",
    "all parts close",
    "exact",
];
const TOWN: &[&str] = &["missing", "different", "jaro-winkler >= 0.88", "exact"];
const IDENTIFIER: &[&str] = &["missing", "different", "two edits", "one edit", "exact"];
const EXACT_ONLY: &[&str] = &["missing", "different", "exact"];

const DICE_NAME: &[&str] = &[
    "missing",
    "different",
    "dice >= 0.60",
    "dice >= 0.75",
    "dice >= 0.90",
    "exact",
];
const DICE_DATE: &[&str] = &[
    "missing",
    "different",
    "dice >= 0.35",
    "dice >= 0.55",
    "exact",
];
const DICE_POSTCODE: &[&str] = &[
    "missing",
    "different",
    "dice >= 0.45",
    "dice >= 0.70",
    "exact",
];
const DICE_TEXT: &[&str] = &[
    "missing",
    "different",
    "dice >= 0.75",
    "dice >= 0.90",
    "exact",
];
const DICE_ID: &[&str] = &[
    "missing",
    "different",
    "dice >= 0.60",
    "dice >= 0.80",
    "exact",
];

/// Labels of the comparison levels of a field, index = level.
pub fn level_labels(kind: FieldKind, encoded: bool) -> &'static [&'static str] {
    use FieldKind::*;
    match (kind, encoded) {
        (GivenName | Surname | Name, false) => NAME,
        (DateOfBirth, false) => DATE,
        (Postcode, false) => POSTCODE,
        (Address, false) => ADDRESS,
        (Town | Text, false) => TOWN,
        (NhsNumber | Identifier, false) => IDENTIFIER,
        (Sex | Uprn | Category, _) => EXACT_ONLY,
        (GivenName | Surname | Name, true) => DICE_NAME,
        (DateOfBirth, true) => DICE_DATE,
        (Postcode, true) => DICE_POSTCODE,
        (Address | Town | Text, true) => DICE_TEXT,
        (NhsNumber | Identifier, true) => DICE_ID,
    }
}

/// Compares records `i` and `j` on a field and returns the level.
#[inline]
pub fn compare(field: &PreparedField, aliases: &AliasTable, i: u32, j: u32) -> u8 {
    compare_values(
        field,
        aliases,
        field.values[i as usize],
        field.values[j as usize],
    )
}

/// Compares two values (entry numbers) of a field and returns the level.
#[inline]
pub fn compare_values(field: &PreparedField, aliases: &AliasTable, a: u32, b: u32) -> u8 {
    if a == MISSING || b == MISSING || !field.compared {
        return NULL;
    }
    let top = level_labels(field.spec.kind, field.encoded).len() as u8 - 1;
    if a == b {
        return top;
    }
    let ea = &field.entries[a as usize];
    let eb = &field.entries[b as usize];
    compare_entries(field.spec.kind, field.encoded, aliases, ea, eb).min(top)
}

/// Best level over all pairs of parts (multi-valued fields match on any value).
pub fn compare_entries(
    kind: FieldKind,
    encoded: bool,
    aliases: &AliasTable,
    a: &Entry,
    b: &Entry,
) -> u8 {
    if a.parts.len() == 1 && b.parts.len() == 1 {
        // Distinct single-valued entries never have equal text.
        let (pa, pb) = (&a.parts[0], &b.parts[0]);
        return if encoded {
            compare_bits(kind, pa, pb)
        } else {
            compare_differing(kind, aliases, pa, pb)
        };
    }
    let mut best = 1;
    for pa in &a.parts {
        for pb in &b.parts {
            let l = if encoded {
                compare_bits(kind, pa, pb)
            } else {
                compare_parts(kind, aliases, pa, pb)
            };
            best = best.max(l);
        }
    }
    best
}

fn compare_parts(kind: FieldKind, aliases: &AliasTable, a: &Part, b: &Part) -> u8 {
    if a.text == b.text {
        return level_labels(kind, false).len() as u8 - 1;
    }
    compare_differing(kind, aliases, a, b)
}

/// Level of two values known to differ.
fn compare_differing(kind: FieldKind, aliases: &AliasTable, a: &Part, b: &Part) -> u8 {
    use FieldKind::*;
    match kind {
        GivenName | Surname | Name => compare_names(aliases, a, b),
        DateOfBirth => compare_dates(a.keys[0], b.keys[0]),
        Postcode => compare_postcodes(a, b),
        Address if (2..=4).contains(&a.keys[2]) && a.keys[2] == b.keys[2] => {
            compare_hashed_components(a, b)
        }
        Address if a.keys[2] > 1 && b.keys[2] > 1 => compare_components(&a.text, &b.text),
        Address => compare_addresses(&a.text, &b.text),
        Town | Text => jw_levels(&a.text, &b.text, &[0.88]),
        NhsNumber | Identifier => match osa_distance(&a.text, &b.text) {
            1 => 3,
            2 => 2,
            _ => 1,
        },
        Sex | Uprn | Category => 1,
    }
}

/// Address components (lines, town, postcode) compared one by one: the level
/// says how many of those present on both sides are close. A single-line
/// address uses Jaro-Winkler bands instead.
fn compare_addresses(a: &str, b: &str) -> u8 {
    if a.contains(crate::prepare::COMPONENT) || b.contains(crate::prepare::COMPONENT) {
        return compare_components(a, b);
    }
    match jaro_winkler_from(a, b, 0.80) {
        s if s >= 0.92 => 4,
        s if s >= 0.80 => 3,
        _ => 1,
    }
}

/// Component-wise comparison using the precomputed component hashes; only
/// differing text components are split out and compared with Jaro-Winkler.
fn compare_hashed_components(a: &Part, b: &Part) -> u8 {
    use crate::prepare::COMPONENT;
    let (mut both, mut close) = (0u32, 0u32);
    for k in 0..a.keys[2] as usize {
        let ha = (a.keys[0] >> (16 * k)) & 0xffff;
        let hb = (b.keys[0] >> (16 * k)) & 0xffff;
        if ha == 0 || hb == 0 {
            continue;
        }
        both += 1;
        // Lines written in another order (line 1 as line 2) still agree.
        let elsewhere = (0..a.keys[2] as usize).any(|m| (b.keys[0] >> (16 * m)) & 0xffff == ha);
        if ha == hb || elsewhere {
            close += 1;
        } else if (a.keys[1] | b.keys[1]) >> k & 1 == 0 {
            let x = a.text.split(COMPONENT).nth(k).unwrap_or("");
            let y = b.text.split(COMPONENT).nth(k).unwrap_or("");
            if jaro_winkler_from(x, y, 0.92) >= 0.92 {
                close += 1;
            }
        }
    }
    share_level(both, close)
}

fn share_level(both: u32, close: u32) -> u8 {
    if both == 0 {
        return 1;
    }
    let share = f64::from(close) / f64::from(both);
    match share {
        s if s >= 1.0 => 4,
        s if s >= 0.6 => 3,
        s if s > 0.0 => 2,
        _ => 1,
    }
}

fn compare_components(a: &str, b: &str) -> u8 {
    use crate::prepare::COMPONENT;
    let (mut both, mut close) = (0u32, 0u32);
    for (x, y) in a.split(COMPONENT).zip(b.split(COMPONENT)) {
        if x.is_empty() || y.is_empty() {
            continue;
        }
        both += 1;
        let numeric = x.bytes().all(|c| c.is_ascii_digit() || c == b' ');
        if x == y || (!numeric && x.len() > 4 && jaro_winkler_from(x, y, 0.92) >= 0.92) {
            close += 1;
        }
    }
    share_level(both, close)
}

/// Jaro-Winkler similarity on bytes, without allocating (the cleaned values
/// are short; longer ones fall back to the strsim crate).
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() > 64 || b.len() > 64 {
        return strsim::jaro_winkler(&String::from_utf8_lossy(a), &String::from_utf8_lossy(b));
    }
    if a.is_empty() || b.is_empty() {
        return if a.is_empty() && b.is_empty() {
            1.0
        } else {
            0.0
        };
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut b_used = [false; 64];
    let mut a_matched = [0u8; 64];
    let mut matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !b_used[j] && b[j] == ca {
                b_used[j] = true;
                a_matched[matches] = ca;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut k = 0usize;
    for (j, &cb) in b.iter().enumerate() {
        if b_used[j] {
            if a_matched[k] != cb {
                transpositions += 1;
            }
            k += 1;
        }
    }
    let m = matches as f64;
    let jaro =
        (m / a.len() as f64 + m / b.len() as f64 + (m - (transpositions / 2) as f64) / m) / 3.0;
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count() as f64;
    jaro + prefix * 0.1 * (1.0 - jaro)
}

/// Jaro-Winkler similarity when it can reach `floor`, else 0. A cheap upper
/// bound from shared letter counts and common prefix rejects most
/// dissimilar pairs (random pairs in training) without the full algorithm.
pub fn jaro_winkler_from(a: &str, b: &str, floor: f64) -> f64 {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let mut counts = [0i16; 64];
    for &c in x {
        counts[(c & 63) as usize] += 1;
    }
    let mut common = 0usize;
    for &c in y {
        let slot = &mut counts[(c & 63) as usize];
        if *slot > 0 {
            *slot -= 1;
            common += 1;
        }
    }
    let m = common as f64;
    let jaro_max = (m / x.len() as f64 + m / y.len() as f64 + 1.0) / 3.0;
    let prefix = x.iter().zip(y).take(4).take_while(|(p, q)| p == q).count() as f64;
    if jaro_max + prefix * 0.1 * (1.0 - jaro_max) < floor {
        return 0.0;
    }
    jaro_winkler(a, b)
}

/// Level 1 + the number of thresholds reached.
fn jw_levels(a: &str, b: &str, thresholds: &[f64]) -> u8 {
    let s = jaro_winkler_from(a, b, thresholds.first().copied().unwrap_or(0.0));
    1 + thresholds.iter().filter(|&&t| s >= t).count() as u8
}

fn compare_names(_aliases: &AliasTable, a: &Part, b: &Part) -> u8 {
    let groups = |k: u64| [k & 0xffff_ffff, k >> 32];
    let (ga, gb) = (groups(a.keys[1]), groups(b.keys[1]));
    if ga.iter().any(|&g| g != 0 && gb.contains(&g)) {
        return 6;
    }
    let s = jaro_winkler_from(&a.text, &b.text, 0.80);
    if s >= 0.94 {
        return 5;
    }
    if s >= 0.88 {
        return 4;
    }
    if s >= 0.80 {
        return 3;
    }
    let short = a.text.len() == 1 || b.text.len() == 1;
    if short && a.text.as_bytes().first() == b.text.as_bytes().first() {
        return 2;
    }
    1
}

fn compare_dates(a: u64, b: u64) -> u8 {
    if a == 0 || b == 0 {
        return 1;
    }
    let split = |x: u64| (x / 10_000, (x / 100) % 100, x % 100);
    let (ya, ma, da) = split(a);
    let (yb, mb, db) = split(b);
    if ya == yb && ma == db && da == mb {
        return 5;
    }
    if ma == mb && da == db && ya.abs_diff(yb) == 1 {
        return 4;
    }
    let mut diff = 0;
    let (mut x, mut y) = (a, b);
    for _ in 0..8 {
        diff += usize::from(x % 10 != y % 10);
        x /= 10;
        y /= 10;
    }
    if diff == 1 {
        return 3;
    }
    if ya == yb {
        return 2;
    }
    1
}

fn compare_postcodes(a: &Part, b: &Part) -> u8 {
    let uk = a.keys[0] != 0 && b.keys[0] != 0;
    if uk {
        if a.keys[0] == b.keys[0] {
            return 4;
        }
        if a.keys[1] == b.keys[1] {
            return 3;
        }
        return 1;
    }
    if osa_distance(&a.text, &b.text) == 1 {
        2
    } else {
        1
    }
}

/// Dice coefficient of two Bloom filters, written as `1 - H / (wa + wb)`
/// with `H` the Hamming distance and `w` the weights, in `keys[0]`.
///
/// Balanced filters (marked by `keys[1] == 1`) hold a filter and its
/// permuted complement, so every one has the same weight and their raw
/// Dice is `1 - H / bits`, which crowds every pair into the top bands: a
/// typo and two unrelated values look alike. There `H` is half the
/// Hamming distance of the stored filters (that of the originals) and
/// `keys[0]` holds the field's mean original weight, estimated once per
/// field from random pairs (no single filter's weight is recovered), which
/// puts balanced pairs on the plain Dice scale the bands are set for.
#[inline]
pub fn dice(a: &Part, b: &Part) -> f64 {
    let differ: u32 = a
        .bits
        .iter()
        .zip(b.bits.iter())
        .map(|(x, y)| (x ^ y).count_ones())
        .sum();
    let total = a.keys[0] + b.keys[0];
    if total == 0 {
        return 0.0;
    }
    let h = if a.keys[1] == 1 {
        f64::from(differ) / 2.0
    } else {
        f64::from(differ)
    };
    (1.0 - h / total as f64).max(0.0)
}

fn compare_bits(kind: FieldKind, a: &Part, b: &Part) -> u8 {
    use FieldKind::*;
    let d = dice(a, b);
    let top = level_labels(kind, true).len() as u8 - 1;
    if d >= 0.9999 {
        return top;
    }
    let thresholds: &[f64] = match kind {
        GivenName | Surname | Name => &[0.60, 0.75, 0.90],
        DateOfBirth => &[0.35, 0.55],
        Postcode => &[0.45, 0.70],
        Address | Town | Text => &[0.75, 0.90],
        NhsNumber | Identifier => &[0.60, 0.80],
        Sex | Uprn | Category => &[],
    };
    1 + thresholds.iter().filter(|&&t| d >= t).count() as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepare::part_keys;

    fn part(kind: FieldKind, s: &str) -> Part {
        Part {
            text: s.into(),
            keys: part_keys(kind, s, &AliasTable::built_in()),
            bits: Box::new([]),
        }
    }

    #[test]
    fn jaro_winkler_agrees_with_strsim() {
        for (a, b) in [
            ("martha", "marhta"),
            ("dwayne", "duane"),
            ("dixon", "dicksonx"),
            ("a", "a"),
            ("abc", "xyz"),
            ("jonathan", "jonathon"),
        ] {
            let ours = jaro_winkler(a, b);
            let theirs = strsim::jaro_winkler(a, b);
            assert!((ours - theirs).abs() < 1e-9, "{a} {b}: {ours} vs {theirs}");
        }
    }

    #[test]
    fn date_levels() {
        let l = |a: &str, b: &str| {
            compare_parts(
                FieldKind::DateOfBirth,
                &AliasTable::built_in(),
                &part(FieldKind::DateOfBirth, a),
                &part(FieldKind::DateOfBirth, b),
            )
        };
        assert_eq!(
            DATE[l("19800512", "19801205") as usize],
            "day and month transposed"
        );
        assert_eq!(DATE[l("19800512", "19810512") as usize], "year off by one");
        assert_eq!(
            DATE[l("19800512", "19800513") as usize],
            "one digit different"
        );
        assert_eq!(DATE[l("19800512", "19800101") as usize], "same year");
        assert_eq!(DATE[l("19800512", "19550101") as usize], "different");
        assert_eq!(DATE[l("19800512", "19800512") as usize], "exact");
    }

    #[test]
    fn name_levels() {
        let t = AliasTable::built_in();
        let l = |a: &str, b: &str| {
            NAME[compare_parts(
                FieldKind::GivenName,
                &t,
                &part(FieldKind::GivenName, a),
                &part(FieldKind::GivenName, b),
            ) as usize]
        };
        assert_eq!(l("bill", "william"), "nickname or alias");
        assert_eq!(l("j", "john"), "initial only");
        assert_eq!(l("jonathan", "jonathon"), "jaro-winkler >= 0.94");
        assert_eq!(l("mary", "peter"), "different");
    }

    #[test]
    fn postcode_levels() {
        let t = AliasTable::built_in();
        let l = |a: &str, b: &str| {
            POSTCODE[compare_parts(
                FieldKind::Postcode,
                &t,
                &part(FieldKind::Postcode, a),
                &part(FieldKind::Postcode, b),
            ) as usize]
        };
        assert_eq!(l("LS1 4AB", "LS1 4XY"), "same sector");
        assert_eq!(l("LS1 4AB", "LS1 9XY"), "same district");
        assert_eq!(l("LS1 4AB", "M1 1AE"), "different");
        assert_eq!(l("4223", "4233"), "one character different");
    }
}
