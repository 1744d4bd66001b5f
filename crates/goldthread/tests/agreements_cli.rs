//! `goldthread agreements due` on a real demo database: the reminders the library computes, as
//! a table, and a clear error for a bad window.

use std::process::Command;

use goldthread_server::sharing::due_agreements;
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
fn agreements_due_lists_what_is_near_or_past_and_refuses_a_bad_window() {
    let dir = std::env::temp_dir().join(format!("gt-agreements-due-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("demo.db").display());
    let (ok, out, err) = run(&["demo", "--database", &url]);
    assert!(ok, "{out}{err}");

    let agreements = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = Store::connect(&url).await.unwrap();
        let a = store.agreements().await.unwrap();
        store.close().await;
        a
    });
    let today = chrono::Utc::now().date_naive();
    for within in ["0", "400"] {
        let (ok, out, err) = run(&["agreements", "due", "--within", within, "--database", &url]);
        assert!(ok, "{err}");
        let expected: Vec<(String, String, String)> =
            due_agreements(agreements.clone(), today, within.parse().unwrap())
                .into_iter()
                .flat_map(|(a, dates)| {
                    dates.into_iter().map(move |d| {
                        (
                            a.reference.clone(),
                            d.kind.label().to_owned(),
                            d.date.to_string(),
                        )
                    })
                })
                .collect();
        assert!(!expected.is_empty(), "the demo has an expired agreement");
        let mut lines = out.lines();
        assert_eq!(
            lines.next(),
            Some("reference\tstatus\tdue\tdate\twhen\ttitle")
        );
        let got: Vec<(String, String, String)> = lines
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f[0].to_owned(), f[2].to_owned(), f[3].to_owned())
            })
            .collect();
        assert_eq!(got, expected, "within {within}");
    }
    // The demo's ended pilot is listed by its past expiry even with no window.
    let (_, out, _) = run(&["agreements", "due", "--within", "0", "--database", &url]);
    assert!(out.contains("DSA-HR-000\texpired\texpiry\t"), "{out}");
    assert!(out.contains("days ago"), "{out}");
    assert!(!out.contains("DSA-WW-001"), "{out}");

    let (ok, _, err) = run(&["agreements", "due", "--within", "soon", "--database", &url]);
    assert!(!ok);
    assert!(
        err.contains("within must be a whole number of days"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
