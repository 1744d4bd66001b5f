//! The command line as a user runs it: the real binary, real databases.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn goldthread() -> Command {
    Command::new(env!("CARGO_BIN_EXE_goldthread"))
}

fn run(args: &[&str]) -> (bool, String, String) {
    let out = goldthread()
        .args(args)
        .env_remove("GOLDTHREAD_DATABASE")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn geography_show_prints_a_district_with_its_county_and_icb() {
    let (ok, out, _) = run(&["geography", "show", "E07000148"]);
    assert!(ok);
    assert!(out.contains("Norwich (E07000148)"), "{out}");
    assert!(out.contains("upper tier:  Norfolk (E10000020)"), "{out}");
    assert!(out.contains("E54000022"), "{out}");
}

#[test]
fn geography_show_json_is_the_api_shape() {
    let (ok, out, _) = run(&["geography", "show", "E54000022", "--json"]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ods_code"], "QMM");
    assert_eq!(v["districts"].as_array().unwrap().len(), 8);
}

#[test]
fn a_malformed_code_fails_with_the_reason() {
    let (ok, out, err) = run(&["geography", "show", "NOTACODE"]);
    assert!(!ok);
    assert!(out.is_empty());
    assert!(err.contains("a GSS code has 9"), "{err}");
}

#[test]
fn the_exported_lookup_keeps_split_authorities_split() {
    let (ok, out, _) = run(&["geography", "export"]);
    assert!(ok);
    let mut rdr = csv::Reader::from_reader(out.as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(
        rows.len(),
        310,
        "296 authorities, 13 of them in two or three ICBs"
    );
    let east_suffolk: Vec<_> = rows.iter().filter(|r| &r[0] == "E07000244").collect();
    assert_eq!(east_suffolk.len(), 2);
    let total: f64 = east_suffolk
        .iter()
        .map(|r| r[10].parse::<f64>().unwrap())
        .sum();
    assert!((total - 1.0).abs() < 1e-5);
}

#[test]
fn icbs_lists_all_42() {
    let (ok, out, _) = run(&["geography", "icbs", "--json"]);
    assert!(ok);
    let v: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(v.len(), 42);
}

#[test]
fn demo_then_geography_from_the_database() {
    let dir = std::env::temp_dir().join(format!("gt-cli-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("demo.db").display());
    let (ok, out, err) = run(&["demo", "--database", &url]);
    assert!(ok, "{err}");
    assert!(out.contains("Norfolk and Waveney"));
    // Running it again resets rather than duplicating.
    assert!(run(&["demo", "--database", &url]).0);
    let (ok, out, _) = run(&["geography", "show", "E10000020", "--database", &url]);
    assert!(ok);
    assert!(out.contains("district:    Norwich"), "{out}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn serve_loads_the_demo_prints_its_url_and_stops_on_sigterm() {
    let dir = std::env::temp_dir().join(format!("gt-cli-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("serve.db").display());
    let mut child = goldthread()
        .args(["serve", "--addr", "127.0.0.1:0", "--database", &url])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .trim_end_matches('/')
        .to_owned();
    let body = http_get(&base, "/api/v1/icbs/E54000022");
    assert!(body.contains("\"ods_code\":\"QMM\""), "{body}");
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "graceful shutdown exits 0: {exit:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// A minimal HTTP/1.1 GET, so the test needs no client library.
fn http_get(base: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let host = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}
