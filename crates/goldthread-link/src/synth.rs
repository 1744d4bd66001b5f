//! Synthetic UK-style people in two files with realistic corruption and the
//! true pairs. Deterministic for a seed, whatever the number of threads:
//! each person and each household draws from its own seeded generator.
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::aliases::BUILT_IN;
use crate::synth_names::*;
use crate::table::Table;

/// Settings for [`generate`].
#[derive(Debug, Clone)]
pub struct SynthOptions {
    /// Records in each file.
    pub n: usize,
    /// Seed; the same seed gives the same files.
    pub seed: u64,
    /// Share of right-hand records that have a partner in the left file.
    pub overlap: f64,
    /// Overall corruption strength: 1.0 is the default mix of errors.
    pub corruption: f64,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            n: 10_000,
            seed: 1,
            overlap: 0.8,
            corruption: 1.0,
        }
    }
}

/// Two files and the pairs that are the same person.
#[derive(Debug)]
pub struct SynthOutput {
    /// Left file (a waiting list, say).
    pub left: Table,
    /// Right file (a housing register, say).
    pub right: Table,
    /// True pairs as (left id, right id).
    pub truth: Vec<(String, String)>,
}

/// Column names of the generated files (the id column is `id`).
pub const COLUMNS: &[&str] = &[
    "given_name",
    "surname",
    "date_of_birth",
    "sex",
    "address_line_1",
    "town",
    "postcode",
    "uprn",
];

#[derive(Clone)]
struct Person {
    given: String,
    surname: String,
    dob: (u32, u32, u32),
    sex: char,
    household: u64,
}

#[derive(Clone)]
struct Address {
    line1: String,
    town: String,
    postcode: String,
    uprn: u64,
}

fn rng_for(seed: u64, stream: u64, i: u64) -> ChaCha8Rng {
    let mut s = seed ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    s = s.wrapping_add(i.wrapping_mul(0xbf58_476d_1ce4_e5b9));
    ChaCha8Rng::seed_from_u64(s)
}

/// Picks from a list with power-law weights (earlier entries more common;
/// the first of 100 is drawn about 5% of the time).
fn zipf<'a>(rng: &mut ChaCha8Rng, list: &'a [&'a str]) -> &'a str {
    let u: f64 = rng.gen();
    let idx = (list.len() as f64 * u.powf(1.6)) as usize;
    list[idx.min(list.len() - 1)]
}

fn tail_name(rng: &mut ChaCha8Rng) -> String {
    let k = rng.gen_range(2..=3);
    (0..k)
        .map(|_| *SYLLABLES.choose(rng).unwrap_or(&"ash"))
        .collect()
}

fn surname(rng: &mut ChaCha8Rng) -> String {
    if rng.gen_bool(0.45) {
        tail_name(rng)
    } else {
        zipf(rng, SURNAMES).to_string()
    }
}

fn given_name(rng: &mut ChaCha8Rng, sex: char) -> String {
    if rng.gen_bool(0.08) {
        tail_name(rng)
    } else if sex == 'F' {
        zipf(rng, FEMALE).to_string()
    } else {
        zipf(rng, MALE).to_string()
    }
}

fn sex_and_name(seed: u64, i: u64) -> (char, String) {
    let mut rng = rng_for(seed, 6, i);
    let sex = if rng.gen_bool(0.5) { 'F' } else { 'M' };
    let mut given = given_name(&mut rng, sex);
    // Two people sharing a home rarely share a given name too.
    if i % 2 == 1 {
        let (_, other) = sex_and_name(seed, i - 1);
        let mut tries = 0;
        while given == other && tries < 5 {
            given = given_name(&mut rng, sex);
            tries += 1;
        }
    }
    (sex, given)
}

fn person(seed: u64, i: u64, n: u64, households: u64) -> Person {
    let mut rng = rng_for(seed, 1, i);
    let (sex, given) = sex_and_name(seed, i);
    // People in the same household often share a surname.
    // People only in the right file live in their own households, apart
    // from the left file's people (a register's other tenants are not
    // co-residents of the waiting list).
    let h = households.max(1);
    let household = if i < n {
        i / 2 % h
    } else {
        h + (i - n) / 2 % h
    };
    let surname = if rng.gen_bool(0.6) {
        let mut hr = rng_for(seed, 3, household);
        self::surname(&mut hr)
    } else {
        self::surname(&mut rng)
    };
    let year = rng.gen_range(1930..=2015);
    let month = rng.gen_range(1..=12);
    let day = rng.gen_range(1..=days_in(month));
    Person {
        given,
        surname,
        dob: (year, month, day),
        sex,
        household,
    }
}

fn days_in(month: u32) -> u32 {
    match month {
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn address(seed: u64, h: u64) -> Address {
    // Households sit on streets of about 40 houses, each street in one sector.
    let street = h / 40;
    let mut sr = rng_for(seed, 4, street);
    let (area, town) = AREAS[sr.gen_range(0..AREAS.len())];
    let district = sr.gen_range(1..=30);
    let sector = sr.gen_range(0..=9);
    let name = format!(
        "{} {}",
        STREET_WORDS[sr.gen_range(0..STREET_WORDS.len())],
        STREET_TYPES[sr.gen_range(0..STREET_TYPES.len())]
    );
    let number = h % 40 + 1;
    // About 15 houses share a postcode unit.
    let unit = street * 3 + number / 15;
    const LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
    let l1 = LETTERS[(unit % 20) as usize] as char;
    let l2 = LETTERS[(unit / 20 % 20) as usize] as char;
    Address {
        line1: format!("{number} {name}"),
        town: town.to_string(),
        postcode: format!("{area}{district} {sector}{l1}{l2}"),
        uprn: 100_000_000_000 + h,
    }
}

fn typo(rng: &mut ChaCha8Rng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    if chars.len() < 2 {
        return s.to_string();
    }
    let p = rng.gen_range(0..chars.len());
    match rng.gen_range(0..4) {
        0 => {
            chars.remove(p);
        }
        1 => chars.insert(p, (b'a' + rng.gen_range(0..26)) as char),
        2 => chars[p] = (b'a' + rng.gen_range(0..26)) as char,
        _ => {
            let q = (p + 1) % chars.len();
            chars.swap(p, q)
        }
    }
    chars.into_iter().collect()
}

fn nickname(rng: &mut ChaCha8Rng, given: &str) -> Option<String> {
    let group = BUILT_IN.iter().find(|g| g[0] == given)?;
    Some(group[rng.gen_range(1..group.len())].to_string())
}

/// Writes a person as a row, corrupting it when `strength` > 0.
fn row(seed: u64, stream: u64, i: u64, p: &Person, households: u64, strength: f64) -> Vec<String> {
    let mut rng = rng_for(seed, stream, i);
    let mut chance = |q: f64| rng.gen_bool((q * strength).clamp(0.0, 1.0));
    let mut given = p.given.clone();
    let mut sur = p.surname.clone();
    let (mut y, mut m, mut d) = p.dob;
    let mut household = p.household;
    let mut dob_missing = false;
    let flags: Vec<bool> = [
        0.08, 0.08, 0.06, 0.02, 0.03, 0.03, 0.02, 0.02, 0.02, 0.10, 0.03, 0.02, 0.03, 0.02,
    ]
    .iter()
    .map(|&q| chance(q))
    .collect();
    let mut r = rng_for(seed, stream + 100, i);
    if flags[0] {
        given = typo(&mut r, &given);
    }
    if flags[1] {
        sur = typo(&mut r, &sur);
    }
    if flags[2] {
        if let Some(n) = nickname(&mut r, &given) {
            given = n;
        }
    }
    if flags[3] {
        std::mem::swap(&mut given, &mut sur);
    }
    if flags[4] {
        given.clear();
    }
    if flags[5] {
        dob_missing = true;
    }
    if flags[6] && d <= 12 {
        std::mem::swap(&mut m, &mut d);
    }
    if flags[7] {
        y = if r.gen_bool(0.5) { y + 1 } else { y - 1 };
    }
    if flags[8] {
        d = if d > 1 { d - 1 } else { d + 1 };
    }
    if flags[9] {
        household = r.gen_range(0..households.max(1));
    }
    if flags[12] {
        let mut hr = r.clone();
        sur = surname(&mut hr);
    }
    let a = address(seed, household);
    let mut postcode = a.postcode.clone();
    if flags[10] {
        postcode = typo(&mut r, &postcode.to_lowercase()).to_uppercase();
    }
    if flags[11] {
        postcode.clear();
    }
    let style = r.gen_range(0..3);
    let cap = |s: &str| -> String {
        let mut c = s.chars();
        match c.next() {
            Some(f) => f.to_uppercase().chain(c).collect(),
            None => String::new(),
        }
    };
    let dob = if dob_missing {
        String::new()
    } else if style == 0 {
        format!("{d:02}/{m:02}/{y:04}")
    } else {
        format!("{y:04}-{m:02}-{d:02}")
    };
    let sex = if flags[13] {
        String::new()
    } else {
        p.sex.to_string()
    };
    vec![
        cap(&given),
        cap(&sur),
        dob,
        sex,
        a.line1,
        cap(&a.town),
        postcode,
        a.uprn.to_string(),
    ]
}

/// Generates the two files and their true pairs.
pub fn generate(opts: &SynthOptions) -> SynthOutput {
    let columns: Vec<String> = COLUMNS.iter().map(|s| s.to_string()).collect();
    let mut out = SynthOutput {
        left: Table::new(columns.clone()),
        right: Table::new(columns),
        truth: Vec::new(),
    };
    generate_chunks(opts, usize::MAX, &mut |chunk| {
        let dest = match chunk.side {
            Side::Left => &mut out.left,
            Side::Right => &mut out.right,
        };
        for i in 0..chunk.rows.len() {
            let cells: Vec<&str> = (0..COLUMNS.len()).map(|c| chunk.rows.cell(i, c)).collect();
            dest.push_row(chunk.rows.id(i), &cells);
        }
        out.truth.extend(chunk.truth.iter().cloned());
    });
    out
}

/// Which file a chunk belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The left file.
    Left,
    /// The right file.
    Right,
}

/// A chunk of generated records.
#[derive(Debug)]
pub struct Chunk {
    /// The file the rows belong to (all left chunks come first).
    pub side: Side,
    /// The rows, with [`COLUMNS`].
    pub rows: Table,
    /// True pairs (left id, right id) whose right record is in this chunk.
    pub truth: Vec<(String, String)>,
}

/// Generates the files in chunks of at most `chunk_rows` records, left
/// file first, handing each chunk to `sink`: only one chunk is held at a
/// time, so ten million records per file need little memory. Gives the
/// same records as [`generate`].
pub fn generate_chunks(opts: &SynthOptions, chunk_rows: usize, sink: &mut dyn FnMut(&Chunk)) {
    let n = opts.n as u64;
    let seed = opts.seed;
    let households = (2 * n / 5).max(1);
    let step = chunk_rows.max(1) as u64;
    let columns: Vec<String> = COLUMNS.iter().map(|s| s.to_string()).collect();
    let mut chunk = Chunk {
        side: Side::Left,
        rows: Table::new(columns),
        truth: Vec::new(),
    };
    let push = |rows: &mut Table, prefix: char, from: u64, generated: Vec<Vec<String>>| {
        let mut id = String::new();
        for (k, r) in generated.iter().enumerate() {
            use std::fmt::Write as _;
            id.clear();
            let _ = write!(id, "{prefix}{}", from + k as u64);
            let cells: Vec<&str> = r.iter().map(|s| s.as_str()).collect();
            rows.push_row(&id, &cells);
        }
    };
    let mut from = 0;
    while from < n {
        let to = (from + step).min(n);
        let generated: Vec<Vec<String>> = (from..to)
            .into_par_iter()
            .map(|i| {
                row(
                    seed,
                    10,
                    i,
                    &person(seed, i, n, households),
                    households,
                    opts.corruption * 0.3,
                )
            })
            .collect();
        chunk.rows.clear();
        push(&mut chunk.rows, 'L', from, generated);
        sink(&chunk);
        from = to;
    }
    // Right file: copies of a share of left people, then new people; shuffled.
    let mut picker = rng_for(seed, 5, 0);
    let shared = ((opts.overlap.clamp(0.0, 1.0)) * n as f64).round() as u64;
    let mut left_pick: Vec<u64> = (0..n).collect();
    left_pick.shuffle(&mut picker);
    left_pick.truncate(shared as usize);
    let mut sources: Vec<u64> = left_pick;
    sources.extend(n..n + (n - shared));
    sources.shuffle(&mut picker);
    chunk.side = Side::Right;
    let mut from = 0;
    while from < n {
        let to = (from + step).min(n);
        let generated: Vec<Vec<String>> = (from..to)
            .into_par_iter()
            .map(|k| {
                let src = sources[k as usize];
                row(
                    seed,
                    20,
                    k,
                    &person(seed, src, n, households),
                    households,
                    opts.corruption,
                )
            })
            .collect();
        chunk.rows.clear();
        push(&mut chunk.rows, 'R', from, generated);
        chunk.truth = (from..to)
            .filter(|&k| sources[k as usize] < n)
            .map(|k| (format!("L{}", sources[k as usize]), format!("R{k}")))
            .collect();
        sink(&chunk);
        from = to;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_sized() {
        let o = SynthOptions {
            n: 500,
            seed: 7,
            overlap: 0.3,
            corruption: 1.0,
        };
        let a = generate(&o);
        let b = generate(&o);
        assert_eq!(a.left.len(), 500);
        assert_eq!(a.right.len(), 500);
        assert_eq!(a.truth.len(), 150);
        assert_eq!(a.truth, b.truth);
        // Chunked generation gives the same records.
        let mut right = Vec::new();
        let mut truth = Vec::new();
        generate_chunks(&o, 64, &mut |c| {
            if c.side == Side::Right {
                for i in 0..c.rows.len() {
                    right.push((c.rows.id(i).to_string(), c.rows.cell(i, 0).to_string()));
                }
                truth.extend(c.truth.iter().cloned());
            }
        });
        assert_eq!(truth, a.truth);
        assert_eq!(right.len(), 500);
        for (i, (id, given)) in right.iter().enumerate() {
            assert_eq!(
                (id.as_str(), given.as_str()),
                (a.right.id(i), a.right.cell(i, 0))
            );
        }
        for i in 0..500 {
            for c in 0..COLUMNS.len() {
                assert_eq!(a.right.cell(i, c), b.right.cell(i, c));
            }
        }
        let pc = a.left.column_index("postcode").unwrap();
        let valid = (0..500)
            .filter(|&i| crate::normalize::parse_uk_postcode(a.left.cell(i, pc)).is_some())
            .count();
        assert!(valid > 450, "{valid} valid postcodes");
    }
}
