//! `goldthread indicators import` as a user runs it: a real Fingertips extract and a partner's
//! counts into a fresh database; bad rows named by line and reason; nothing stored on error.

use std::path::{Path, PathBuf};
use std::process::Command;

use goldthread_domain::outcomes::indicator::IndicatorCode;
use goldthread_domain::GssCode;
use goldthread_store::Store;

fn goldthread() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_goldthread"));
    c.env_remove("GOLDTHREAD_DATABASE");
    c
}

fn run(args: &[&str]) -> (bool, String, String) {
    let out = goldthread().args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn shared(file: &str) -> PathBuf {
    let dir = match std::env::var_os("GOLDTHREAD_SHARED") {
        Some(custom) => PathBuf::from(custom),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    dir.join("data/indicators").join(file)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gt-indicators-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A stored value: area, period, count, denominator, value.
type StoredValue = (String, String, Option<f64>, Option<f64>, Option<f64>);

/// What the database holds for an indicator: its definition version and its values as
/// (area, period, count, denominator, value).
fn stored(url: &str, code: &str, areas: &[&str]) -> (Option<u32>, Vec<StoredValue>) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = Store::connect(url).await.unwrap();
        let code = IndicatorCode::parse(code).unwrap();
        let version = store
            .indicator_definitions()
            .await
            .unwrap()
            .into_iter()
            .find(|d| d.code == code)
            .map(|d| d.version);
        let areas: Vec<GssCode> = areas.iter().map(|a| GssCode::parse(a).unwrap()).collect();
        let mut values: Vec<_> = store
            .indicator_values(&code, &areas)
            .await
            .unwrap()
            .into_iter()
            .map(|v| {
                (
                    v.area.to_string(),
                    v.period.label,
                    v.count,
                    v.denominator,
                    v.value,
                )
            })
            .collect();
        values.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        store.close().await;
        (version, values)
    })
}

fn url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("gt.db").display())
}

#[test]
fn a_real_fingertips_extract_imports_with_every_call_agreeing() {
    let dir = temp_dir("fingertips");
    let db = url(&dir);
    let file = shared("trafforddatalab_fingertips_inactive_adults.csv");
    let file = file.to_str().unwrap();
    let common = [
        "--indicator-id",
        "93015",
        "--as-of",
        "2026-05-13",
        "--database",
        &db,
    ];

    // Declaring the wrong polarity is refused and stores nothing.
    let mut args = vec![
        "indicators",
        "import",
        "fingertips",
        file,
        "--polarity",
        "high-is-good",
    ];
    args.extend(common);
    let (ok, _, err) = run(&args);
    assert!(!ok);
    assert!(err.contains("polarity"), "{err}");
    assert_eq!(stored(&db, "93015", &["E07000145"]), (None, vec![]));

    let mut args = vec![
        "indicators",
        "import",
        "fingertips",
        file,
        "--polarity",
        "low-is-good",
    ];
    args.extend(common);
    let (ok, out, err) = run(&args);
    assert!(ok, "{err}");
    assert!(out.contains("stored "), "{out}");

    // The full 2020 export (modelled prevalence, which Fingertips does not compare with
    // England): every recomputed call must equal the file's own.
    let export = shared("fingertips_export_2020-03_district_ua_pre419_prevalence_estimates.csv");
    let (ok, out, err) = run(&[
        "indicators",
        "import",
        "fingertips",
        export.to_str().unwrap(),
        "--as-of",
        "2020-03-01",
        "--benchmark",
        "none",
        "--database",
        &db,
    ]);
    assert!(ok, "{err}");
    let agreement = out
        .lines()
        .find(|l| l.starts_with("compared with England"))
        .expect("the agreement line");
    let (of, _) = agreement.split_once(" rows (").expect("counts");
    let words: Vec<&str> = of.split_whitespace().collect();
    let (agreeing, compared) = (words[words.len() - 3], words[words.len() - 1]);
    assert_eq!(
        agreeing, compared,
        "every recomputed call equals the file's: {agreement}"
    );
    assert!(compared.parse::<u32>().unwrap() > 1000, "{agreement}");
    let (version, values) = stored(&db, "93015", &["E07000145", "E92000001"]);
    assert_eq!(version, Some(1));
    let gy_2024 = values
        .iter()
        .find(|v| v.0 == "E07000145" && v.1 == "2024/25")
        .expect("Great Yarmouth 2024/25");
    // The value as the file publishes it (the shared extract's own number).
    let mut reader =
        csv::Reader::from_path(shared("trafforddatalab_fingertips_inactive_adults.csv")).unwrap();
    let published: f64 = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == "E07000145" && &r[3] == "2024/25")
        .unwrap()[7]
        .parse()
        .unwrap();
    assert_eq!(gy_2024.4, Some(published));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn partner_counts_import_and_bad_rows_are_named_with_nothing_stored() {
    let dir = temp_dir("local");
    let db = url(&dir);
    let good = dir.join("quits.csv");
    std::fs::write(
        &good,
        "area_code,area_name,period,numerator,denominator\n\
         E07000145,Great Yarmouth,2025-01,40,70\n\
         E07000148,Norwich,2025-01,51,88\n",
    )
    .unwrap();
    let args = |file: &Path| -> Vec<String> {
        [
            "indicators",
            "import",
            "local",
            file.to_str().unwrap(),
            "--code",
            "NW-QUITS-4WK",
            "--name",
            "Four-week quits",
            "--definition",
            "Quits among people setting a quit date",
            "--method",
            "proportion",
            "--polarity",
            "high-is-good",
            "--benchmark",
            "none",
            "--as-of",
            "2025-04-30",
            "--source",
            "Stop-smoking service returns",
            "--database",
            &db,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let out = goldthread().args(args(&good)).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("stored 2 value(s)"));
    let before = stored(&db, "NW-QUITS-4WK", &["E07000145", "E07000148"]);
    assert_eq!(before.1.len(), 2);
    let gy = &before.1[0];
    let expected = goldthread_stats::proportion(
        40.0,
        70.0,
        goldthread_stats::ConfidenceLevel::NINETY_FIVE,
        100.0,
    )
    .unwrap();
    assert_eq!(
        gy.4,
        Some(expected.value),
        "the value is computed from the counts"
    );

    // A second return with bad rows: each named by line and reason; nothing from it stored.
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "area_code,area_name,period,numerator,denominator\n\
         E07000145,Great Yarmouth,2025-01,45,70\n\
         E07000148,Norwich,2025-02,lots,88\n\
         NOTACODE,Nowhere,2025-02,1,2\n\
         E07000145,Great Yarmouth,2025-02,90,70\n\
         E07000148,Norwich,someday,1,2\n\
         E07000145,Great Yarmouth,2025-01,41,70\n",
    )
    .unwrap();
    let out = goldthread().args(args(&bad)).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for (line, words) in [
        ("line 3", "numerator"),
        ("line 4", "area_code"),
        ("line 5", "numerator/denominator"),
        ("line 6", "period"),
        ("line 7", "repeats the area, period and sex of line 2"),
    ] {
        let l = err
            .lines()
            .find(|l| l.contains(&format!("{line}:")))
            .unwrap_or_else(|| panic!("{line} is named: {err}"));
        assert!(l.contains(words), "{line}: {l}");
    }
    assert!(
        !err.contains("line 2:"),
        "the good row is not blamed: {err}"
    );
    assert_eq!(
        stored(&db, "NW-QUITS-4WK", &["E07000145", "E07000148"]),
        before,
        "nothing stored"
    );

    // A file without a required column is refused before any row.
    let headless = dir.join("headless.csv");
    std::fs::write(
        &headless,
        "area_code,period,numerator\nE07000145,2025-03,1\n",
    )
    .unwrap();
    let out = goldthread().args(args(&headless)).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no \"denominator\" column"));
    assert_eq!(
        stored(&db, "NW-QUITS-4WK", &["E07000145", "E07000148"]),
        before
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
