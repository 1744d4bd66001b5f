//! `goldthread stats` end to end: inputs derived at run time from the PHEindicatormethods test
//! vectors in the project's shared reference data (GPL-3, never copied into the repository),
//! run through the built binary, and compared with the vectors to 1e-6 relative.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

type Row = HashMap<String, String>;

fn shared_dir() -> PathBuf {
    let dir = match std::env::var_os("GOLDTHREAD_SHARED") {
        Some(custom) => PathBuf::from(custom),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    assert!(
        dir.join("data/methods").is_dir(),
        "shared reference data not found at {}: these tests need the project's `shared` \
         directory beside the workspace (or GOLDTHREAD_SHARED pointing at it)",
        dir.display()
    );
    dir
}

fn phe(file: &str) -> PathBuf {
    shared_dir()
        .join("data/methods/phe_indicator_methods")
        .join(file)
}

fn parse_csv(text: &str) -> Vec<Row> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn read_csv(path: PathBuf) -> Vec<Row> {
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse_csv(&text)
}

/// Writes `rows` (only `columns`, renamed as given) as a CSV in a fresh temporary file.
fn write_input(name: &str, rows: &[&Row], columns: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("goldthread-stats-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.csv"));
    let mut writer = csv::Writer::from_path(&path).unwrap();
    writer
        .write_record(columns.iter().map(|(_, to)| *to))
        .unwrap();
    for row in rows {
        writer
            .write_record(columns.iter().map(|(from, _)| row[*from].as_str()))
            .unwrap();
    }
    writer.flush().unwrap();
    path
}

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_goldthread"))
        .arg("stats")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run goldthread");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

/// Runs the command and returns its CSV output, failing with its error text if it failed.
fn stats(method: &str, input: &Path, extra: &[&str]) -> Vec<Row> {
    let mut args = vec![method, "--input", input.to_str().unwrap()];
    args.extend(extra);
    let out = run(&args, None);
    assert!(
        out.status.success(),
        "goldthread stats {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    parse_csv(&String::from_utf8(out.stdout).unwrap())
}

/// Asserts a printed number equals the expected one to 1e-6 relative (both empty also agree).
fn assert_cell(what: &str, got: &str, expected: &str) {
    match (got.is_empty(), expected.is_empty()) {
        (true, true) => return,
        (false, false) => {}
        _ => panic!("{what}: got {got:?}, expected {expected:?}"),
    }
    let (g, e): (f64, f64) = (got.parse().unwrap(), expected.parse().unwrap());
    assert!(
        (g - e).abs() <= 1e-6 * e.abs().max(1e-12),
        "{what}: got {g}, expected {e}"
    );
}

const LEVELS: [(&str, &str); 2] = [("0.95", "95_0"), ("0.998", "99_8")];

/// Row-wise methods: each multiplier's rows, at both levels, in input order.
fn check_row_wise(method: &str, file: &str) -> usize {
    let vectors = read_csv(phe(file));
    let mut checked = 0;
    for multiplier in ["1", "100", "100000"] {
        let rows: Vec<&Row> = vectors
            .iter()
            .filter(|r| r["multiplier"] == multiplier)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let columns = [
            ("Area", "area"),
            ("Numerator", "numerator"),
            ("Denominator", "denominator"),
        ];
        let input = write_input(&format!("{method}-{multiplier}"), &rows, &columns);
        for (level, suffix) in LEVELS {
            let args = [
                "--confidence",
                level,
                "--multiplier",
                multiplier,
                "--disclosure",
                "none",
            ];
            let out = stats(method, &input, &args);
            assert_eq!(out.len(), rows.len(), "one output row per input row");
            for (got, expected) in out.iter().zip(&rows) {
                let what = format!("{method} {} x{multiplier} at {level}", expected["Area"]);
                assert_eq!(got["area"], expected["Area"], "{what}: rows out of order");
                assert_cell(&format!("{what} value"), &got["value"], &expected["value"]);
                assert_cell(
                    &format!("{what} lower"),
                    &got["lowercl"],
                    &expected[&format!("lower{suffix}cl")],
                );
                assert_cell(
                    &format!("{what} upper"),
                    &got["uppercl"],
                    &expected[&format!("upper{suffix}cl")],
                );
                checked += 1;
            }
        }
    }
    checked
}

#[test]
fn proportions_match_the_vectors() {
    assert_eq!(
        check_row_wise("proportion", "testdata_Proportion__testdata_Prop.csv"),
        38
    );
}

#[test]
fn rates_match_the_vectors() {
    assert_eq!(
        check_row_wise("rate", "testdata_Rate__testdata_Rate.csv"),
        40
    );
}

#[test]
fn dsrs_use_esp2013_from_the_age_bands_and_match_the_vectors() {
    let data = read_csv(phe("testdata_DSR_ISR__testdata_multiarea.csv"));
    let rows: Vec<&Row> = data.iter().collect();
    let columns = [
        ("area", "area"),
        ("ageband", "ageband"),
        ("count", "count"),
        ("pop", "pop"),
    ];
    let input = write_input("dsr", &rows, &columns);
    let results = read_csv(phe("testdata_DSR_ISR__testresults_DSR.csv"));
    // Rows 5-7 of the results sheet: ESP 2013, per 100,000 (tiny: NA, total count < 10).
    let expected = &results[4..7];
    assert!(expected.iter().all(|r| r["statistic"] != "dsr per 10000"));
    for (level, suffix) in LEVELS {
        let out = stats(
            "dsr",
            &input,
            &["--confidence", level, "--disclosure", "none"],
        );
        assert_eq!(
            out.iter().map(|r| r["area"].as_str()).collect::<Vec<_>>(),
            ["testdata_big", "testdata_small", "testdata_tiny"]
        );
        for (got, exp) in out.iter().zip(expected) {
            let what = format!("dsr {} at {level}", exp["area"]);
            assert_cell(
                &format!("{what} total"),
                &got["total_count"],
                &exp["total_count"],
            );
            assert_cell(&format!("{what} pop"), &got["total_pop"], &exp["total_pop"]);
            assert_cell(&format!("{what} value"), &got["value"], &exp["value"]);
            assert_cell(
                &format!("{what} lower"),
                &got["lowercl"],
                &exp[&format!("lower{suffix}cl")],
            );
            assert_cell(
                &format!("{what} upper"),
                &got["uppercl"],
                &exp[&format!("upper{suffix}cl")],
            );
        }
    }
}

#[test]
fn isrs_match_the_vectors() {
    let data = read_csv(phe("testdata_DSR_ISR__testdata_multiarea_isr.csv"));
    let rows: Vec<&Row> = data.iter().collect();
    let columns = [
        ("area", "area"),
        ("ageband", "ageband"),
        ("count", "count"),
        ("pop", "pop"),
        ("refcount", "refcount"),
        ("refpop", "refpop"),
    ];
    let input = write_input("isr", &rows, &columns);
    let results = read_csv(phe("testdata_DSR_ISR__testresults_ISR.csv"));
    // Rows 7-9: indirectly standardised ratio x 1.
    let expected = &results[6..9];
    for (level, suffix) in LEVELS {
        let out = stats(
            "isr",
            &input,
            &["--confidence", level, "--disclosure", "none"],
        );
        assert_eq!(out.len(), 3);
        for (got, exp) in out.iter().zip(expected) {
            let what = format!("isr {} at {level}", exp["area"]);
            assert_eq!(got["area"], exp["area"]);
            assert_cell(
                &format!("{what} observed"),
                &got["observed"],
                &exp["observed"],
            );
            assert_cell(
                &format!("{what} expected"),
                &got["expected"],
                &exp["expected"],
            );
            assert_cell(&format!("{what} value"), &got["value"], &exp["value"]);
            assert_cell(
                &format!("{what} lower"),
                &got["lowercl"],
                &exp[&format!("lower{suffix}cl")],
            );
            assert_cell(
                &format!("{what} upper"),
                &got["uppercl"],
                &exp[&format!("upper{suffix}cl")],
            );
        }
    }
}

#[test]
fn means_match_by_area_and_overall() {
    let data = read_csv(phe("testdata_Mean__testdata_Mean.csv"));
    let rows: Vec<&Row> = data.iter().collect();
    let results = read_csv(phe("testdata_Mean__testdata_Mean_results.csv"));
    let by_area = write_input("mean", &rows, &[("area", "area"), ("values", "x")]);
    let overall = write_input("mean-all", &rows, &[("values", "x")]);
    for (level, suffix) in LEVELS {
        let mut out = stats("mean", &by_area, &["--confidence", level]);
        out.extend(stats("mean", &overall, &["--confidence", level]));
        assert_eq!(out.len(), 3, "Area1, Area2, then all rows");
        for (got, exp) in out.iter().zip(&results) {
            let what = format!("mean {} at {level}", exp["area"]);
            for column in ["value_sum", "value_count", "stdev", "value"] {
                assert_cell(&format!("{what} {column}"), &got[column], &exp[column]);
            }
            assert_cell(
                &format!("{what} lower"),
                &got["lowercl"],
                &exp[&format!("lower{suffix}cl")],
            );
            assert_cell(
                &format!("{what} upper"),
                &got["uppercl"],
                &exp[&format!("upper{suffix}cl")],
            );
        }
    }
}

#[test]
fn life_expectancy_matches_and_an_impossible_area_is_blank_with_a_warning() {
    // The widecis vectors were computed with qnorm(0.975), so the default level reproduces them.
    let data = read_csv(phe("le_chiang_test_widecis_from_testLifeExpectancy_R.csv"));
    let rows: Vec<&Row> = data.iter().collect();
    let columns = [
        ("area", "area"),
        ("startage", "startage"),
        ("pops", "pops"),
        ("deaths", "deaths"),
    ];
    let input = write_input("le", &rows, &columns);
    let out = run(
        &["life-expectancy", "--input", input.to_str().unwrap()],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Area 1") && stderr.contains("more deaths (312) than population (311)"),
        "{stderr}"
    );
    let got = parse_csv(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(got.len(), 40, "one row per area and start age");
    for (g, e) in got.iter().zip(&data) {
        let what = format!("{} age {}", e["area"], e["startage"]);
        assert_eq!(
            (&g["area"], &g["startage"]),
            (&e["area"], &e["startage"]),
            "{what}: order"
        );
        assert_cell(&format!("{what} LE"), &g["value"], &e["expected_le"]);
        assert_cell(
            &format!("{what} lower"),
            &g["lowercl"],
            &e["expected_lower95"],
        );
        assert_cell(
            &format!("{what} upper"),
            &g["uppercl"],
            &e["expected_upper95"],
        );
    }
}

#[test]
fn disclosure_control_is_on_by_default() {
    let input = "area,numerator,denominator\nsmall,5,100\nmid,65,100\nbig,9856,12345\n";
    let out = run(&["rate", "--input", "-"], Some(input));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = parse_csv(&String::from_utf8(out.stdout).unwrap());
    // 5 is withheld with everything computed from it; the others are rounded to 5, and the
    // rate comes from the rounded count so that it cannot reveal the real one.
    assert_eq!(
        (
            got[0]["numerator"].as_str(),
            got[0]["value"].as_str(),
            got[0]["lowercl"].as_str()
        ),
        ("", "", "")
    );
    assert_eq!(got[1]["numerator"], "65");
    assert_eq!(got[2]["numerator"], "9855");
    let rate: f64 = got[2]["value"].parse().unwrap();
    assert!(
        (rate - 9855.0 / 12345.0 * 1e5).abs() < 1e-9 * rate,
        "{rate}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 count(s) withheld"));
}

#[test]
fn a_count_rounded_past_its_denominator_is_withheld() {
    let out = run(
        &["proportion", "--input", "-"],
        Some("area,numerator,denominator\nA,99,99\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = parse_csv(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(
        (got[0]["numerator"].as_str(), got[0]["value"].as_str()),
        ("", "")
    );
}

#[test]
fn bad_input_names_the_line_field_and_reason() {
    let input = "area,numerator,denominator\nA,1,100\nB,lots,100\n";
    let out = run(
        &["proportion", "--input", "-", "--disclosure", "none"],
        Some(input),
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 3")
            && stderr.contains("\"numerator\"")
            && stderr.contains("not a number"),
        "{stderr}"
    );

    let input = "area,numerator,denominator\nA,120,100\n";
    let out = run(
        &["proportion", "--input", "-", "--disclosure", "none"],
        Some(input),
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 2") && stderr.contains("larger than denominator"),
        "{stderr}"
    );

    let out = run(&["dsr", "--input", "-"], Some("area,count,pop\nA,1,2\n"));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard population"));
}
