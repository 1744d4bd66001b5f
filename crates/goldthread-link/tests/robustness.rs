//! Hostile input never panics: random bytes and mangled CSV go through the
//! readers (plain and encoded), and whatever they accept goes through the
//! whole pipeline. Deterministic (seeded) so a failure can be replayed.
use std::io::Cursor;

use goldthread_link::io::{read_csv_from, read_encoded_from, IdColumn};
use goldthread_link::normalize::{
    clean_name, normalize_address, parse_date, parse_uk_postcode, soundex,
};
use goldthread_link::{run, LinkOptions, LinkSpec, Prepared};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const PIECES: &[&str] = &[
    ",",
    "\"",
    "\n",
    "\r\n",
    " ",
    "\u{feff}",
    "\u{1e}",
    "\u{1f}",
    "|",
    "é",
    "ß",
    "\u{0}",
    "\u{ffff}",
    "rec_id",
    "given_name",
    "surname",
    "dob",
    "postcode",
    "id",
    "SW1A 1AA",
    "19800101",
    "31/12/1999",
    "smith",
    "o'neil",
    "-",
    "'",
    "9999999999",
    "\"\"",
    ", ",
    "zz",
];

fn random_text(rng: &mut ChaCha8Rng) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..rng.gen_range(0..200) {
        if rng.gen_bool(0.2) {
            out.push(rng.gen());
        } else {
            out.extend_from_slice(PIECES[rng.gen_range(0..PIECES.len())].as_bytes());
        }
    }
    out
}

/// A CSV with a plausible header and mangled rows.
fn mangled_csv(rng: &mut ChaCha8Rng) -> Vec<u8> {
    let mut out = b"id, given_name, surname, dob, postcode\n".to_vec();
    for r in 0..rng.gen_range(0..40) {
        out.extend_from_slice(format!("r{r}").as_bytes());
        for _ in 0..rng.gen_range(0..7) {
            out.push(b',');
            out.extend(
                random_text(rng)
                    .into_iter()
                    .take(12)
                    .filter(|b| *b != b'\n'),
            );
        }
        out.push(b'\n');
    }
    out
}

#[test]
fn readers_and_pipeline_survive_random_input() {
    let mut rng = ChaCha8Rng::seed_from_u64(20240601);
    for case in 0..400 {
        let bytes = if case % 2 == 0 {
            random_text(&mut rng)
        } else {
            mangled_csv(&mut rng)
        };
        for skip in [false, true] {
            let Ok((table, _)) = read_csv_from(Cursor::new(&bytes), "fuzz", &IdColumn::Infer, skip)
            else {
                continue;
            };
            let Ok(spec) = LinkSpec::infer(table.header(), None) else {
                continue;
            };
            let Ok(prep) = Prepared::dedupe(&spec, &table) else {
                continue;
            };
            let mut opts = LinkOptions::default();
            opts.train.allow_degenerate = true;
            opts.train.u_pairs = 2_000;
            let _ = run(&spec, &prep, &opts);
        }
        let _ = read_encoded_from(Cursor::new(&bytes), "fuzz");
        let mut enc = b"#goldthread-link-encoded v2\n#bits 64\n".to_vec();
        enc.extend_from_slice(&bytes);
        let _ = read_encoded_from(Cursor::new(&enc), "fuzz");
    }
}

#[test]
fn cleaning_functions_are_total() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for _ in 0..2000 {
        let s = String::from_utf8_lossy(&random_text(&mut rng)).to_string();
        let _ = (
            clean_name(&s),
            normalize_address(&s),
            parse_date(&s),
            parse_uk_postcode(&s),
            soundex(&s),
        );
    }
}
