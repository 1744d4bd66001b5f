//! `goldthread audit verify` on a real demo database: whole, then with one byte edited; and a
//! production start refusing demo accounts.

use std::process::Command;

use goldthread_domain::sharing::DatasetId;

fn goldthread() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_goldthread"));
    c.env_remove("GOLDTHREAD_DATABASE")
        .env_remove("GOLDTHREAD_PRODUCTION");
    c
}

fn run(args: &[&str]) -> (bool, String) {
    let out = goldthread().args(args).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

fn temp_db(name: &str) -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("gt-audit-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("demo.db");
    let url = format!("sqlite://{}", file.display());
    (file, url)
}

#[test]
fn editing_one_byte_of_the_audit_table_is_caught_and_the_event_named() {
    let (file, url) = temp_db("tamper");
    let (ok, out) = run(&["demo", "--database", &url]);
    assert!(ok, "{out}");
    let (ok, out) = run(&["audit", "verify", "--database", &url]);
    assert!(ok, "a fresh demo's trail is whole: {out}");
    assert!(out.contains("intact"), "{out}");

    // The demo's third upload (the evaluation copy of the waiting list) is recorded with its
    // dataset as the subject; change one character of it in the database file itself.
    let subject = format!("dataset/{}", DatasetId::for_name("DSA-WW-002/waiting_list"));
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes
        .windows(subject.len())
        .position(|w| w == subject.as_bytes())
        .expect("the event is in the file");
    assert_eq!(
        bytes
            .windows(subject.len())
            .filter(|w| *w == subject.as_bytes())
            .count(),
        1,
        "only the audit event names it so"
    );
    let i = at + subject.len() - 1;
    bytes[i] = if bytes[i] == b'0' { b'1' } else { b'0' };
    std::fs::write(&file, &bytes).unwrap();

    let (ok, out) = run(&["audit", "verify", "--database", &url]);
    assert!(!ok, "an edited trail fails: {out}");
    assert!(
        out.contains("event 3"),
        "the first bad event is named: {out}"
    );
}

#[test]
fn a_production_start_refuses_demo_accounts_and_secrets() {
    let (_, url) = temp_db("production");
    let (ok, out) = run(&["demo", "--database", &url]);
    assert!(ok, "{out}");
    let (ok, out) = run(&[
        "serve",
        "--production",
        "--addr",
        "127.0.0.1:0",
        "--database",
        &url,
    ]);
    assert!(!ok);
    assert!(out.contains("refusing a production start"), "{out}");
    assert!(out.contains("demo accounts"), "{out}");
    assert!(out.contains("pseudonym_key"), "{out}");
}
