//! Property tests of the readers: RFC 4180 CSV (with a space after the
//! delimiter) reads back what was written; hostile bytes given to the CSV,
//! header, encoded (text and Parquet) and specification readers give
//! errors, never a panic.
use std::io::Cursor;

use goldthread_link::bloom::{encode, EncodeOptions, Secret};
use goldthread_link::io::{
    read_csv_from, read_encoded, read_encoded_from, read_header, read_header_from, write_encoded,
    write_encoded_to, IdColumn,
};
use goldthread_link::synth::{generate, SynthOptions};
use goldthread_link::{LinkSpec, Prepared};
use proptest::prelude::*;

/// A field as RFC 4180 writes it, quoted when it must be.
fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn cell() -> impl Strategy<Value = String> {
    // Letters, separators, quotes, line ends and a little Unicode.
    proptest::string::string_regex("[a-zA-Z0-9 ,\"'\\n\\ré-]{0,10}").unwrap()
}

fn encoded_sample(parquet: bool) -> Vec<u8> {
    let s = generate(&SynthOptions {
        n: 60,
        seed: 3,
        overlap: 0.5,
        corruption: 1.0,
    });
    let spec = LinkSpec::infer(s.left.header(), None).unwrap();
    let prep = Prepared::dedupe(&spec, &s.left).unwrap();
    let secret = Secret::new(b"a secret for the property tests").unwrap();
    let enc = encode(&spec, &prep, &secret, &EncodeOptions::default()).unwrap();
    if parquet {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sample.enc.parquet");
        write_encoded_to(&p, &enc).unwrap();
        std::fs::read(&p).unwrap()
    } else {
        let mut out = Vec::new();
        write_encoded(&mut out, &enc).unwrap();
        out
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever cells are written as RFC 4180 with ", " between fields, the
    /// reader gives them back (trimmed, as the reader trims).
    #[test]
    fn csv_round_trips_with_a_space_after_the_delimiter(
        header in proptest::collection::vec("[a-z]{1,6}", 1..5),
        rows in proptest::collection::vec(proptest::collection::vec(cell(), 5), 0..12),
        crlf in any::<bool>(),
    ) {
        let mut names: Vec<String> = vec!["id".into()];
        for (k, h) in header.iter().enumerate() {
            names.push(format!("{h}{k}"));
        }
        let end = if crlf { "\r\n" } else { "\n" };
        let mut text = names.join(", ") + end;
        let width = names.len() - 1;
        for (r, row) in rows.iter().enumerate() {
            let mut fields = vec![format!("r{r}")];
            fields.extend(row[..width].iter().map(|c| quote(c)));
            text.push_str(&fields.join(", "));
            text.push_str(end);
        }
        let (table, report) =
            read_csv_from(Cursor::new(text.as_bytes()), "prop", &IdColumn::Infer, false).unwrap();
        prop_assert_eq!(report.rows, rows.len());
        prop_assert_eq!(table.header(), &names[1..]);
        for (r, row) in rows.iter().enumerate() {
            prop_assert_eq!(table.id(r), format!("r{r}"));
            for (c, value) in row[..width].iter().enumerate() {
                prop_assert_eq!(table.cell(r, c), value.trim());
            }
        }
    }

    /// A quoted header field may hold a line end; the header is still one record.
    #[test]
    fn header_with_a_quoted_line_end_is_one_row(a in "[a-z]{1,5}", b in "[a-z]{1,5}") {
        let text = format!("id, \"{a}\n{b}\", surname\nr1, x, y\n");
        let header = read_header_from(Cursor::new(text.as_bytes()), "prop").unwrap();
        prop_assert_eq!(header, vec!["id".to_string(), format!("{a}\n{b}"), "surname".to_string()]);
    }

    /// Random bytes never panic the CSV reader, the header reader or the
    /// specification parser.
    #[test]
    fn hostile_csv_and_spec_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        for skip in [false, true] {
            let _ = read_csv_from(Cursor::new(&bytes), "fuzz", &IdColumn::Infer, skip);
        }
        let _ = read_header_from(Cursor::new(&bytes), "fuzz");
        let _ = LinkSpec::from_toml(&String::from_utf8_lossy(&bytes));
    }

    /// TOML that parses but says odd things is refused with an error.
    #[test]
    fn odd_specs_never_panic(
        kind in "[a-z_]{0,12}",
        key in "[a-z_:|]{0,20}",
        max in any::<i64>(),
        sep in "[|,;]{0,2}",
    ) {
        let text = format!(
            "id_column = \"id\"\nmax_pairs_per_rule = {max}\n[[field]]\nname = \"f\"\nkind = \"{kind}\"\n\
             columns = [\"a\"]\nmulti_value_separator = \"{sep}\"\n[[blocking]]\nname = \"b\"\nkeys = [\"{key}\"]\n"
        );
        if let Ok(spec) = LinkSpec::from_toml(&text) {
            let _ = spec.validate();
            let _ = spec.to_toml();
        }
    }

    /// A text encoded file cut short or with bytes changed gives an error or
    /// a file, never a panic.
    #[test]
    fn damaged_text_encodings_never_panic(cut in 0usize..20_000, flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8)) {
        let mut bytes = encoded_sample(false);
        for (at, b) in flips {
            let n = bytes.len();
            bytes[at % n] = b;
        }
        bytes.truncate(cut.min(bytes.len()));
        let _ = read_encoded_from(Cursor::new(&bytes), "fuzz");
    }

    /// A Parquet encoded file cut short or with bytes changed gives an
    /// error naming the file, never a panic.
    #[test]
    fn damaged_parquet_encodings_give_errors(cut in 0usize..40_000, flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4)) {
        let mut bytes = encoded_sample(true);
        let whole = bytes.clone();
        for (at, b) in flips {
            let n = bytes.len();
            bytes[at % n] = b;
        }
        bytes.truncate(cut.min(bytes.len()));
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("damaged.enc.parquet");
        std::fs::write(&p, &bytes).unwrap();
        let read = read_encoded(&p);
        if bytes.len() < whole.len() {
            // Parquet keeps its index at the end: a cut file cannot be read.
            let e = read.unwrap_err().to_string();
            prop_assert!(e.contains("damaged.enc.parquet"), "{}", e);
        }
    }
}

#[test]
fn encoded_files_of_another_version_are_refused_clearly() {
    let text = String::from_utf8(encoded_sample(false)).unwrap();
    let old = text.replacen(
        "#goldthread-link-encoded v2",
        "#goldthread-link-encoded v1",
        1,
    );
    let e = read_encoded_from(Cursor::new(old.as_bytes()), "old.enc")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("format version 1") && e.contains("version 2"),
        "{e}"
    );
    assert!(read_encoded_from(Cursor::new(text.as_bytes()), "new.enc").is_ok());
}

#[test]
fn parquet_and_text_encodings_read_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let text = read_encoded_from(Cursor::new(encoded_sample(false)), "a.enc").unwrap();
    let p = dir.path().join("a.enc.parquet");
    std::fs::write(&p, encoded_sample(true)).unwrap();
    let parquet = read_encoded(&p).unwrap();
    assert_eq!(text.len(), 60);
    assert_eq!(parquet.len(), text.len());
    assert_eq!(parquet.fingerprint, text.fingerprint);
    assert_eq!(parquet.block_keys, text.block_keys);
    for (a, b) in parquet.fields.iter().zip(&text.fields) {
        for i in 0..text.len() {
            assert_eq!(a.get(i), b.get(i));
        }
    }
    // A file that is not Parquet at all, and a missing file, name the file.
    let junk = dir.path().join("junk.enc.parquet");
    std::fs::write(&junk, b"PAR1 not really").unwrap();
    let e = read_encoded(&junk).unwrap_err().to_string();
    assert!(e.contains("junk.enc.parquet"), "{e}");
    let none = read_header(&dir.path().join("none.csv"), &IdColumn::Infer).unwrap_err();
    assert!(none.to_string().contains("none.csv"), "{none}");
}
