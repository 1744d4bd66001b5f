//! `goldthread directory export|import` and `goldthread organisations export|import`: the demo
//! directory exported, imported into a fresh database and exported again gives the same
//! records, on SQLite and PostgreSQL; a bad file is refused whole, naming record or line, field
//! and reason, and writes nothing.

use std::process::Command;

use goldthread_store::testing::TestDatabase;
use goldthread_store::Backend;

fn run(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_goldthread"))
        .env_remove("GOLDTHREAD_DATABASE")
        .args(args)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

async fn the_directory_round_trips_through_oruk_json(backend: Backend) {
    let dir = tempfile_dir(&format!("roundtrip-{backend:?}"));
    let source = TestDatabase::new(backend).await;
    goldthread_demo::install(&source.store).await.unwrap();
    let first = dir.join("first.json");
    let (ok, out) = run(&[
        "directory",
        "export",
        "--out",
        first.to_str().unwrap(),
        "--database",
        &source.url,
    ]);
    assert!(ok, "{out}");

    let fresh = TestDatabase::new(backend).await;
    let (ok, out) = run(&[
        "directory",
        "import",
        first.to_str().unwrap(),
        "--database",
        &fresh.url,
    ]);
    assert!(ok, "{out}");
    assert!(out.contains("imported"), "{out}");
    let second = dir.join("second.json");
    let (ok, out) = run(&[
        "directory",
        "export",
        "--out",
        second.to_str().unwrap(),
        "--database",
        &fresh.url,
    ]);
    assert!(ok, "{out}");
    let (a, b) = (
        std::fs::read_to_string(&first).unwrap(),
        std::fs::read_to_string(&second).unwrap(),
    );
    let records: serde_json::Value = serde_json::from_str(&a).unwrap();
    assert!(
        records.as_array().unwrap().len() >= 100,
        "the demo's directory is exported"
    );
    assert_eq!(a, b, "the same records come back");
    let _ = std::fs::remove_dir_all(dir);
}

async fn a_bad_oruk_file_is_refused_whole(backend: Backend) {
    let dir = tempfile_dir(&format!("bad-{backend:?}"));
    let source = TestDatabase::new(backend).await;
    goldthread_demo::install(&source.store).await.unwrap();
    let all = dir.join("all.json");
    let (ok, out) = run(&[
        "directory",
        "export",
        "--out",
        all.to_str().unwrap(),
        "--database",
        &source.url,
    ]);
    assert!(ok, "{out}");
    let mut records: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&all).unwrap()).unwrap();
    let records = records.as_array_mut().unwrap();
    records.truncate(3);
    records[2]["schedules"][0]["opens_at"] = "25:99".into();
    // As a page object, which the import also takes.
    let page = serde_json::json!({ "total_items": 3, "contents": records });
    let bad = dir.join("bad.json");
    std::fs::write(&bad, page.to_string()).unwrap();

    let fresh = TestDatabase::new(backend).await;
    let (ok, out) = run(&[
        "directory",
        "import",
        bad.to_str().unwrap(),
        "--database",
        &fresh.url,
    ]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("record 2, schedules[0].opens_at: \"25:99\" is not a time"),
        "{out}"
    );
    assert!(out.contains("nothing was imported"), "{out}");
    assert_eq!(
        fresh
            .store
            .directory_snapshot()
            .await
            .unwrap()
            .services
            .len(),
        0
    );
    assert!(fresh.store.organisation_records().await.unwrap().is_empty());
    let _ = std::fs::remove_dir_all(dir);
}

async fn organisations_round_trip_through_csv_and_bad_rows_are_named(backend: Backend) {
    let dir = tempfile_dir(&format!("orgs-{backend:?}"));
    let source = TestDatabase::new(backend).await;
    goldthread_demo::install(&source.store).await.unwrap();
    let csv = dir.join("orgs.csv");
    let (ok, out) = run(&[
        "organisations",
        "export",
        "--out",
        csv.to_str().unwrap(),
        "--database",
        &source.url,
    ]);
    assert!(ok, "{out}");
    let fresh = TestDatabase::new(backend).await;
    let (ok, out) = run(&[
        "organisations",
        "import",
        csv.to_str().unwrap(),
        "--database",
        &fresh.url,
    ]);
    assert!(ok, "{out}");
    assert_eq!(
        fresh.store.organisation_records().await.unwrap(),
        source.store.organisation_records().await.unwrap()
    );

    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "name,kind,gss_code\nNew Advice Centre,vcse,\nSomewhere,county_council,X1\n,vcse,\n",
    )
    .unwrap();
    let empty = TestDatabase::new(backend).await;
    let (ok, out) = run(&[
        "organisations",
        "import",
        bad.to_str().unwrap(),
        "--database",
        &empty.url,
    ]);
    assert!(!ok, "{out}");
    assert!(out.contains("line 3, gss_code:"), "{out}");
    assert!(out.contains("line 4, name:"), "{out}");
    assert!(
        empty.store.organisation_records().await.unwrap().is_empty(),
        "nothing half-imported"
    );
    let (ok, out) = run(&[
        "organisations",
        "import",
        csv.to_str().unwrap(),
        "--icb",
        "E07000148",
        "--database",
        &empty.url,
    ]);
    assert!(!ok && out.contains("not an ICB code"), "{out}");
    let _ = std::fs::remove_dir_all(dir);
}

async fn a_dry_run_prints_what_an_import_would_change_and_writes_nothing(backend: Backend) {
    use goldthread_domain::directory::organisations_csv;
    let dir = tempfile_dir(&format!("dry-run-{backend:?}"));
    let db = TestDatabase::new(backend).await;
    goldthread_demo::install(&db.store).await.unwrap();
    let stored = db.store.organisation_records().await.unwrap();
    let mut list = stored.clone();
    let old_name = list[0].0.name.clone();
    list[0].0.name = format!("{old_name} (renamed)");
    let mut new = list[1].clone();
    new.0.id = goldthread_domain::organisation::OrganisationId::for_code("test:new");
    new.0.name = "Holt Community Larder".into();
    new.0.ods_code = None;
    new.0.gss_code = None;
    new.0.kind = goldthread_domain::organisation::OrganisationKind::Vcse;
    list.push(new);
    let file = dir.join("orgs.csv");
    std::fs::write(&file, organisations_csv::write(&list)).unwrap();
    let (ok, out) = run(&[
        "organisations",
        "import",
        file.to_str().unwrap(),
        "--dry-run",
        "--database",
        &db.url,
    ]);
    assert!(ok, "{out}");
    assert!(out.contains("add     line"), "{out}");
    assert!(out.contains("Holt Community Larder (vcse)"), "{out}");
    assert!(
        out.contains(&format!("name: {old_name:?} -> \"{old_name} (renamed)\"")),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "1 to add, 1 to change, {} unchanged",
            stored.len() - 1
        )),
        "{out}"
    );
    assert_eq!(
        db.store.organisation_records().await.unwrap(),
        stored,
        "a dry run writes nothing"
    );
    let (ok, out) = run(&[
        "organisations",
        "import",
        file.to_str().unwrap(),
        "--database",
        &db.url,
    ]);
    assert!(ok, "{out}");
    assert_eq!(
        db.store.organisation_records().await.unwrap().len(),
        stored.len() + 1
    );
    let _ = std::fs::remove_dir_all(dir);
}

fn tempfile_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("gt-directory-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(goldthread_store::Backend::Sqlite).await }
        )* }
        mod postgres { $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(goldthread_store::Backend::Postgres).await }
        )* }
    };
}

on_both_backends!(
    the_directory_round_trips_through_oruk_json,
    a_bad_oruk_file_is_refused_whole,
    organisations_round_trip_through_csv_and_bad_rows_are_named,
    a_dry_run_prints_what_an_import_would_change_and_writes_nothing,
);
