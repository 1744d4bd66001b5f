//! `goldthread programmes measures refresh` on a real demo database: the measures become local
//! indicator values, and refreshing the same data adds no definition version.

use std::process::Command;

use goldthread_domain::outcomes::indicator::IndicatorCode;
use goldthread_store::Store;

fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_goldthread"))
        .env_remove("GOLDTHREAD_DATABASE")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn refreshing_programme_measures_writes_local_indicators() {
    let dir = std::env::temp_dir().join(format!("gt-programme-measures-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("demo.db").display());
    let (ok, out, err) = run(&["demo", "--database", &url]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = run(&["programmes", "measures", "refresh", "--database", &url]);
    assert!(ok, "{err}");
    assert!(out.contains("4 programmes"), "{out}");
    assert!(out.contains(" 0 new definition versions"), "{out}");
    assert!(
        out.contains("not computed: district-direct bed_days_value"),
        "{out}"
    );
    let values = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = Store::connect(&url).await.unwrap();
        let code = IndicatorCode::parse("district-direct.bed_days_saved").unwrap();
        let areas = [goldthread_domain::GssCode::parse("E07000145").unwrap()];
        let v = store.indicator_values(&code, &areas).await.unwrap();
        store.close().await;
        v
    });
    assert!(!values.is_empty());
    let written: usize = out
        .split(" indicator values")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(written >= values.len());
    let _ = std::fs::remove_dir_all(&dir);
}
