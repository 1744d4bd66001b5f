use std::collections::HashMap;

use goldthread_domain::audit::{AuditEvent, AuditRecord};

use super::AuditFilter;
use crate::testing::TestDatabase;
use crate::{Backend, Store};

fn record(caller: usize, n: usize) -> AuditRecord {
    AuditRecord {
        actor: format!("caller-{caller}"),
        action: "read.case".into(),
        outcome: "allowed".into(),
        subject: format!("case/{caller}/{n}"),
        detail: format!("append {n}"),
        ..Default::default()
    }
}

/// `callers` tasks, each appending `each` events one after another; returns what each got.
async fn append_concurrently(
    store: &Store,
    first_caller: usize,
    callers: usize,
    each: usize,
) -> Vec<(usize, Vec<AuditEvent>)> {
    let tasks: Vec<_> = (first_caller..first_caller + callers)
        .map(|c| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut got = Vec::new();
                for n in 0..each {
                    got.push(store.append_audit(record(c, n)).await.expect("append"));
                }
                (c, got)
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("caller task"));
    }
    out
}

/// Every caller's events are on the record in the order it appended them, exactly as returned.
async fn check_callers(store: &Store, results: &[(usize, Vec<AuditEvent>)]) {
    let stored: HashMap<i64, AuditEvent> = store
        .audit_events(&AuditFilter::default(), 100_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.seq, e))
        .collect();
    for (caller, events) in results {
        for (n, e) in events.iter().enumerate() {
            assert_eq!(e.record.subject, format!("case/{caller}/{n}"));
            assert_eq!(stored.get(&e.seq), Some(e), "caller {caller} event {n}");
        }
        assert!(
            events.windows(2).all(|w| w[0].seq < w[1].seq),
            "caller {caller}'s events are out of order"
        );
    }
}

async fn many_concurrent_appends_chain_in_each_callers_order(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let results = append_concurrently(&db.store, 0, 40, 25).await;
    assert_eq!(db.store.verify_audit_chain().await.unwrap(), Ok(1_000));
    check_callers(&db.store, &results).await;
    let stats = db.store.audit_writer_stats();
    assert_eq!(stats.events, 1_000);
    assert!(stats.batches >= 1);
}

async fn two_processes_appending_to_one_database_keep_one_chain(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let other = Store::connect(&db.url).await.expect("second process");
    let (a, b) = tokio::join!(
        append_concurrently(&db.store, 0, 16, 20),
        append_concurrently(&other, 100, 16, 20)
    );
    assert_eq!(db.store.verify_audit_chain().await.unwrap(), Ok(640));
    check_callers(&db.store, &a).await;
    check_callers(&db.store, &b).await;
    assert_eq!(db.store.audit_writer_stats().events, 320);
    assert_eq!(other.audit_writer_stats().events, 320);
    other.close().await;
}

async fn appends_waiting_for_the_lock_commit_together(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let store = &db.store;
    store.append_audit(record(0, 0)).await.unwrap();
    let before = store.audit_writer_stats();
    // Another process holds the chain's lock while fifty reads are audited.
    let mut holder = match backend {
        Backend::Sqlite => store.pool.begin_with("BEGIN IMMEDIATE").await.unwrap(),
        Backend::Postgres => {
            let mut tx = store.pool.begin().await.unwrap();
            sqlx::query("LOCK TABLE audit_events IN EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await
                .unwrap();
            tx
        }
    };
    sqlx::query("SELECT 1").execute(&mut *holder).await.unwrap();
    let waiting = {
        let store = store.clone();
        tokio::spawn(async move { append_concurrently(&store, 1, 50, 1).await })
    };
    let queued_behind = loop {
        let s = store.audit_writer_stats();
        if s.in_flight + s.queued == 50 && s.in_flight > 0 {
            break s.queued;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    };
    holder.commit().await.unwrap();
    let results = waiting.await.unwrap();
    let after = store.audit_writer_stats();
    let expected_batches = if queued_behind > 0 { 2 } else { 1 };
    assert_eq!(after.batches - before.batches, expected_batches);
    assert_eq!(after.events - before.events, 50);
    assert_eq!(store.verify_audit_chain().await.unwrap(), Ok(51));
    check_callers(store, &results).await;
}

macro_rules! on_both {
    ($($name:ident),*) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(crate::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(crate::Backend::Postgres).await;
                }
            )*
        }
    };
}

on_both!(
    many_concurrent_appends_chain_in_each_callers_order,
    two_processes_appending_to_one_database_keep_one_chain,
    appends_waiting_for_the_lock_commit_together
);
