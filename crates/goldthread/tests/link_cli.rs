//! End-to-end tests of `goldthread link` on deterministic synthetic data
//! and on the FEBRL files shipped beside the repository.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn goldthread(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_goldthread"))
        .arg("link")
        .args(args)
        .output()
        .expect("the goldthread binary runs")
}

fn ok(args: &[&str]) -> String {
    let out = goldthread(args);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "goldthread link {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("goldthread-link-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Reads the F1 printed by `goldthread link evaluate`.
fn f1_of(pairs: &Path, truth: &Path) -> (f64, f64) {
    let out = ok(&["evaluate", "--pairs", p(pairs), "--truth", p(truth)]);
    let get = |label: &str| -> f64 {
        out.lines()
            .find_map(|l| l.strip_prefix(label))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {label} in {out}"))
    };
    (get("precision:"), get("F1:"))
}

fn synth(dir: &Path, n: &str, overlap: &str, seed: &str) {
    ok(&[
        "synth",
        "--n",
        n,
        "--seed",
        seed,
        "--overlap",
        overlap,
        "--out",
        p(dir),
    ]);
}

#[test]
fn synth_is_deterministic_for_a_seed() {
    let (a, b, c) = (scratch("det-a"), scratch("det-b"), scratch("det-c"));
    synth(&a, "300", "0.5", "9");
    synth(&b, "300", "0.5", "9");
    synth(&c, "300", "0.5", "10");
    let read = |d: &Path, f: &str| std::fs::read(d.join(f)).unwrap();
    assert_eq!(read(&a, "right.csv"), read(&b, "right.csv"));
    assert_eq!(read(&a, "truth.csv"), read(&b, "truth.csv"));
    assert_ne!(read(&a, "right.csv"), read(&c, "right.csv"));
}

#[test]
fn pairs_on_synthetic_data_are_accurate_and_well_formed() {
    let dir = scratch("pairs");
    synth(&dir, "3000", "0.7", "3");
    let out = dir.join("pairs.csv");
    let summary = ok(&[
        "pairs",
        p(&dir.join("left.csv")),
        p(&dir.join("right.csv")),
        "--threshold",
        "0.5",
        "--one-to-one",
        "--explain",
        "--out",
        p(&out),
    ]);
    assert!(summary.contains("candidate pairs"), "{summary}");
    assert!(summary.contains("pairs above threshold"), "{summary}");
    let text = std::fs::read_to_string(&out).unwrap();
    let header = text.lines().next().unwrap();
    assert!(
        header.starts_with("left_id,right_id,match_probability,match_weight"),
        "{header}"
    );
    assert!(header.ends_with("explanation"));
    let (precision, f1) = f1_of(&out, &dir.join("truth.csv"));
    assert!(
        precision >= 0.98 && f1 >= 0.97,
        "precision {precision} f1 {f1}"
    );
}

#[test]
fn encoded_linkage_is_close_to_plain_linkage() {
    let dir = scratch("encoded");
    synth(&dir, "3000", "0.7", "4");
    let key = dir.join("key");
    std::fs::write(&key, "a secret shared only by the partners").unwrap();
    let spec = dir.join("spec.toml");
    let plain = dir.join("plain.csv");
    ok(&[
        "pairs",
        p(&dir.join("left.csv")),
        p(&dir.join("right.csv")),
        "--one-to-one",
        "--save-spec",
        p(&spec),
        "--out",
        p(&plain),
    ]);
    for side in ["left", "right"] {
        ok(&[
            "encode",
            p(&dir.join(format!("{side}.csv"))),
            "--secret-file",
            p(&key),
            "--spec",
            p(&spec),
            "--out",
            p(&dir.join(format!("{side}.enc"))),
        ]);
    }
    // The encoded file must not contain any raw identifying value.
    let left_csv = std::fs::read_to_string(dir.join("left.csv")).unwrap();
    let encoded = std::fs::read_to_string(dir.join("left.enc")).unwrap();
    let second_row: Vec<&str> = left_csv.lines().nth(1).unwrap().split(',').collect();
    for value in &second_row[1..4] {
        assert!(
            !encoded.contains(value),
            "raw value {value:?} found in the encoded file"
        );
    }
    let enc = dir.join("enc.csv");
    ok(&[
        "pairs",
        "--encoded",
        p(&dir.join("left.enc")),
        p(&dir.join("right.enc")),
        "--one-to-one",
        "--out",
        p(&enc),
    ]);
    let truth = dir.join("truth.csv");
    let (_, f1_plain) = f1_of(&plain, &truth);
    let (_, f1_enc) = f1_of(&enc, &truth);
    assert!(
        f1_plain - f1_enc <= 0.01,
        "plain {f1_plain} encoded {f1_enc}"
    );
}

#[test]
fn encoded_files_with_different_secrets_are_refused() {
    let dir = scratch("secrets");
    synth(&dir, "200", "0.5", "5");
    std::fs::write(dir.join("k1"), "first secret, long enough").unwrap();
    std::fs::write(dir.join("k2"), "second secret, long enough").unwrap();
    for (side, key) in [("left", "k1"), ("right", "k2")] {
        ok(&[
            "encode",
            p(&dir.join(format!("{side}.csv"))),
            "--secret-file",
            p(&dir.join(key)),
            "--out",
            p(&dir.join(format!("{side}.enc"))),
        ]);
    }
    let out = goldthread(&[
        "pairs",
        "--encoded",
        p(&dir.join("left.enc")),
        p(&dir.join("right.enc")),
        "--out",
        p(&dir.join("x.csv")),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("different secrets"));
}

#[test]
fn dedupe_writes_one_cluster_per_record() {
    let dir = scratch("dedupe");
    synth(&dir, "1500", "0.8", "6");
    // One file holding both sides: the true pairs are duplicates.
    let left = std::fs::read_to_string(dir.join("left.csv")).unwrap();
    let right = std::fs::read_to_string(dir.join("right.csv")).unwrap();
    let both = format!("{left}{}", right.split_once('\n').unwrap().1);
    std::fs::write(dir.join("both.csv"), both).unwrap();
    let out = dir.join("clusters.csv");
    ok(&["dedupe", p(&dir.join("both.csv")), "--out", p(&out)]);
    let mut rdr = csv::Reader::from_path(&out).unwrap();
    assert_eq!(rdr.headers().unwrap(), vec!["id", "cluster_id"]);
    let rows: Vec<(String, String)> = rdr
        .records()
        .map(|r| r.unwrap())
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect();
    assert_eq!(rows.len(), 3000);
    let cluster: std::collections::HashMap<_, _> = rows.into_iter().collect();
    let truth = csv::Reader::from_path(dir.join("truth.csv"))
        .unwrap()
        .into_records()
        .map(|r| r.unwrap())
        .collect::<Vec<_>>();
    let together = truth
        .iter()
        .filter(|t| cluster[&t[0]] == cluster[&t[1]])
        .count();
    assert!(
        together as f64 >= 0.95 * truth.len() as f64,
        "{together} of {}",
        truth.len()
    );
}

#[test]
fn bad_rows_are_reported_with_line_numbers_or_skipped() {
    let dir = scratch("bad");
    synth(&dir, "400", "0.5", "7");
    let mut left = std::fs::read_to_string(dir.join("left.csv")).unwrap();
    left.push_str("Lbad,only,three\n");
    std::fs::write(dir.join("left.csv"), &left).unwrap();
    let (l, r, o) = (
        dir.join("left.csv"),
        dir.join("right.csv"),
        dir.join("o.csv"),
    );
    let args = ["pairs", p(&l), p(&r), "--out", p(&o)];
    let out = goldthread(&args);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 402") && err.contains("3 fields"),
        "{err}"
    );
    let mut skipping = args.to_vec();
    skipping.push("--skip-bad-rows");
    let summary = ok(&skipping);
    assert!(summary.contains("1 bad rows skipped"), "{summary}");
}

#[test]
fn incremental_keeps_existing_cluster_ids() {
    let dir = scratch("incremental");
    synth(&dir, "1000", "0.6", "8");
    let clusters = dir.join("clusters.csv");
    ok(&["dedupe", p(&dir.join("left.csv")), "--out", p(&clusters)]);
    let out = dir.join("after.csv");
    ok(&[
        "incremental",
        "--existing",
        p(&dir.join("left.csv")),
        "--clusters",
        p(&clusters),
        "--new",
        p(&dir.join("right.csv")),
        "--out",
        p(&out),
    ]);
    let read = |f: &Path| -> std::collections::HashMap<String, String> {
        csv::Reader::from_path(f)
            .unwrap()
            .into_records()
            .map(|r| r.unwrap())
            .map(|r| (r[0].to_string(), r[1].to_string()))
            .collect()
    };
    let (before, after) = (read(&clusters), read(&out));
    assert_eq!(after.len(), 2000);
    let kept = before.iter().filter(|(id, c)| after[*id] == **c).count();
    assert!(
        kept as f64 >= 0.99 * before.len() as f64,
        "{kept} of {} kept their cluster",
        before.len()
    );
    let truth = csv::Reader::from_path(dir.join("truth.csv"))
        .unwrap()
        .into_records()
        .map(|r| r.unwrap())
        .collect::<Vec<_>>();
    let joined = truth
        .iter()
        .filter(|t| after[&t[1]] == after[&t[0]])
        .count();
    assert!(
        joined as f64 >= 0.95 * truth.len() as f64,
        "{joined} of {} new records joined their person",
        truth.len()
    );
}

#[test]
fn febrl4_with_no_spec_meets_the_f1_bar() {
    let febrl = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/febrl");
    let dir = scratch("febrl");
    let out = dir.join("pairs.csv");
    ok(&[
        "pairs",
        p(&febrl.join("dataset4a.csv")),
        p(&febrl.join("dataset4b.csv")),
        "--threshold",
        "0.5",
        "--one-to-one",
        "--out",
        p(&out),
    ]);
    let truth = dir.join("truth.csv");
    let rows: String = (0..5000)
        .map(|i| format!("rec-{i}-org,rec-{i}-dup-0\n"))
        .collect();
    std::fs::write(&truth, format!("left_id,right_id\n{rows}")).unwrap();
    let (_, f1) = f1_of(&out, &truth);
    assert!(f1 >= 0.999, "F1 {f1}");
}

#[test]
fn parquet_in_and_out() {
    let dir = scratch("parquet");
    ok(&[
        "synth",
        "--n",
        "1500",
        "--seed",
        "12",
        "--overlap",
        "0.6",
        "--parquet",
        "--out",
        p(&dir),
    ]);
    let out = dir.join("pairs.parquet");
    ok(&[
        "pairs",
        p(&dir.join("left.parquet")),
        p(&dir.join("right.parquet")),
        "--one-to-one",
        "--out",
        p(&out),
    ]);
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[..4], b"PAR1", "not a Parquet file");
    let (precision, f1) = f1_of(&out, &dir.join("truth.csv"));
    assert!(
        precision >= 0.98 && f1 >= 0.97,
        "precision {precision} f1 {f1}"
    );
}
