//! `goldthread report board` on a real demo database: a multi-page PDF from headless Chromium,
//! and a clear error when Chromium is missing.

use std::path::PathBuf;
use std::process::Command;

fn goldthread() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_goldthread"));
    c.env_remove("GOLDTHREAD_DATABASE")
        .env_remove("GOLDTHREAD_PRODUCTION");
    c
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gt-report-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Type /Page")
        .filter(|(i, m)| !text[i + m.len()..].starts_with('s'))
        .count()
}

#[test]
fn the_board_report_prints_to_pdf_and_a_missing_chromium_is_named() {
    let dir = temp_dir("board");
    let url = format!("sqlite://{}", dir.join("demo.db").display());
    let out = goldthread()
        .args(["demo", "--database", &url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let pdf_path = dir.join("report.pdf");
    let pdf_arg = pdf_path.to_str().unwrap();
    let out = goldthread()
        .args([
            "report",
            "board",
            "--icb",
            "E54000022",
            "--out",
            pdf_arg,
            "--database",
            &url,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("wrote the board report"));
    let pdf = std::fs::read(&pdf_path).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pages(&pdf) >= 4, "{} pages", pages(&pdf));

    let missing = dir.join("missing.pdf");
    let out = goldthread()
        .env("GOLDTHREAD_CHROMIUM", dir.join("no-such-chromium"))
        .args([
            "report",
            "board",
            "--icb",
            "E54000022",
            "--out",
            missing.to_str().unwrap(),
            "--database",
            &url,
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("headless Chromium is needed") && err.contains("GOLDTHREAD_CHROMIUM"),
        "{err}"
    );
    assert!(!missing.exists(), "nothing written");

    let out = goldthread()
        .args([
            "report",
            "board",
            "--icb",
            "E07000148",
            "--out",
            missing.to_str().unwrap(),
            "--database",
            &url,
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an ICB code"));
    std::fs::remove_dir_all(&dir).unwrap();
}
