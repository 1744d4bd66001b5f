//! Group commit for the audit trail.
//!
//! Every audited read appends one event, so appends are the hottest write in the system. Each
//! used to take the chain's lock, read the last hash, insert one row and commit, one at a time.
//! Now every append is handed to one writer task per process, which takes up to [`MAX_BATCH`]
//! waiting events, chains them and inserts them in one transaction, then answers each caller
//! with its event. A caller's `append_audit` returns only after the transaction holding its
//! event has committed, so "every read is on the record" still holds; a caller that appends
//! twice in turn gets two events in that order.
//!
//! Several server processes may share one database: each batch holds the chain's lock for its
//! whole transaction (`LOCK TABLE ... IN EXCLUSIVE MODE` on PostgreSQL, `BEGIN IMMEDIATE` on
//! SQLite) while it reads the last hash and inserts, so batches from different processes
//! interleave whole and the chain stays unbroken.
//!
//! The task is spawned on first use on the caller's runtime and spawned again if that runtime
//! has gone (tests run one runtime each); it holds the pool, never the store, so dropping
//! every store ends it.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use goldthread_domain::audit::{self, AuditEvent, AuditRecord};
use sqlx::{Any, AnyPool, Row, Transaction};
use tokio::sync::{mpsc, oneshot};

use super::COLUMNS;
use crate::{Backend, StoreError};

/// The most events one transaction takes.
pub(crate) const MAX_BATCH: usize = 256;
/// Rows per INSERT statement: 12 parameters each, under SQLite's oldest limit of 999.
const ROWS_PER_INSERT: usize = 64;
/// How many appends may wait for the writer before callers wait to hand theirs over.
const QUEUE: usize = 8_192;
/// Attempts at one batch before its callers are told it failed (another process holding the
/// SQLite write lock past the busy timeout, a dropped connection).
const ATTEMPTS: u32 = 20;

/// Counters for the writer in this process, to see how well appends are grouped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AuditWriterStats {
    /// Transactions committed.
    pub batches: u64,
    /// Events committed.
    pub events: u64,
    /// Events the writer has taken and is writing now.
    pub in_flight: u64,
    /// Events waiting for the writer.
    pub queued: u64,
}

struct Pending {
    record: AuditRecord,
    reply: oneshot::Sender<Result<AuditEvent, String>>,
}

#[derive(Default)]
struct Counters {
    batches: AtomicU64,
    events: AtomicU64,
    in_flight: AtomicU64,
}

/// The handle a store holds: the way to the writer task, spawned on first use.
#[derive(Default)]
pub(crate) struct AuditWriter {
    sender: Mutex<Option<mpsc::Sender<Pending>>>,
    counters: Arc<Counters>,
}

impl fmt::Debug for AuditWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditWriter")
            .field("stats", &self.stats())
            .finish()
    }
}

impl AuditWriter {
    /// Hands a record to the writer and waits until it is committed.
    pub(crate) async fn append(
        &self,
        pool: &AnyPool,
        backend: Backend,
        record: AuditRecord,
    ) -> Result<AuditEvent, StoreError> {
        let (reply, answer) = oneshot::channel();
        let mut pending = Pending { record, reply };
        // A second try only when the writer's runtime has gone and a new one must be spawned.
        for _ in 0..2 {
            let sender = self.sender(pool, backend);
            match sender.send(pending).await {
                Ok(()) => {
                    return match answer.await {
                        Ok(Ok(event)) => Ok(event),
                        Ok(Err(reason)) => Err(StoreError::Audit(reason)),
                        Err(_) => Err(StoreError::Audit(
                            "the audit writer stopped before the event was committed".into(),
                        )),
                    };
                }
                Err(mpsc::error::SendError(p)) => {
                    pending = p;
                    self.forget(&sender);
                }
            }
        }
        Err(StoreError::Audit(
            "the audit writer could not be started".into(),
        ))
    }

    /// The counters for this process's writer.
    pub(crate) fn stats(&self) -> AuditWriterStats {
        let queued = self
            .sender
            .lock()
            .map(|s| {
                s.as_ref()
                    .map_or(0, |s| (s.max_capacity() - s.capacity()) as u64)
            })
            .unwrap_or(0);
        AuditWriterStats {
            batches: self.counters.batches.load(Ordering::Relaxed),
            events: self.counters.events.load(Ordering::Relaxed),
            in_flight: self.counters.in_flight.load(Ordering::Relaxed),
            queued,
        }
    }

    fn sender(&self, pool: &AnyPool, backend: Backend) -> mpsc::Sender<Pending> {
        let mut slot = self.sender.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = slot.as_ref().filter(|s| !s.is_closed()) {
            return s.clone();
        }
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run(pool.clone(), backend, rx, Arc::clone(&self.counters)));
        *slot = Some(tx.clone());
        tx
    }

    fn forget(&self, dead: &mpsc::Sender<Pending>) {
        let mut slot = self.sender.lock().unwrap_or_else(|p| p.into_inner());
        if slot.as_ref().is_some_and(|s| s.same_channel(dead)) {
            *slot = None;
        }
    }
}

async fn run(
    pool: AnyPool,
    backend: Backend,
    mut rx: mpsc::Receiver<Pending>,
    counters: Arc<Counters>,
) {
    let mut batch: Vec<Pending> = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        counters
            .in_flight
            .store(batch.len() as u64, Ordering::Relaxed);
        let records: Vec<&AuditRecord> = batch.iter().map(|p| &p.record).collect();
        let result = write_with_retries(&pool, backend, &records).await;
        drop(records);
        counters.in_flight.store(0, Ordering::Relaxed);
        match result {
            Ok(events) => {
                counters.batches.fetch_add(1, Ordering::Relaxed);
                counters
                    .events
                    .fetch_add(events.len() as u64, Ordering::Relaxed);
                for (p, e) in batch.drain(..).zip(events) {
                    // A caller that stopped waiting still has its event on the record.
                    let _ = p.reply.send(Ok(e));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, events = batch.len(), "audit batch failed");
                let reason = format!("appending to the audit trail failed: {e}");
                for p in batch.drain(..) {
                    let _ = p.reply.send(Err(reason.clone()));
                }
            }
        }
    }
}

async fn write_with_retries(
    pool: &AnyPool,
    backend: Backend,
    records: &[&AuditRecord],
) -> Result<Vec<AuditEvent>, StoreError> {
    let mut attempt = 0;
    loop {
        match write_batch(pool, backend, records).await {
            Ok(events) => return Ok(events),
            Err(e) if attempt + 1 < ATTEMPTS => {
                attempt += 1;
                tracing::debug!(error = %e, attempt, "audit batch retried");
                tokio::time::sleep(Duration::from_millis(5 * u64::from(attempt))).await;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Chains `records` after the last stored event and inserts them, in one transaction that
/// holds the chain's lock throughout.
async fn write_batch(
    pool: &AnyPool,
    backend: Backend,
    records: &[&AuditRecord],
) -> Result<Vec<AuditEvent>, StoreError> {
    let mut tx: Transaction<'static, Any> = match backend {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => {
            let mut tx = pool.begin().await?;
            sqlx::query("LOCK TABLE audit_events IN EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
            tx
        }
    };
    let mut last = sqlx::query("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| -> Result<(i64, String), StoreError> {
            Ok((r.try_get("seq")?, r.try_get("hash")?))
        })
        .transpose()?;
    let mut events = Vec::with_capacity(records.len());
    for r in records {
        let e = audit::chain(last.as_ref().map(|(s, h)| (*s, h.as_str())), (*r).clone());
        last = Some((e.seq, e.hash.clone()));
        events.push(e);
    }
    for chunk in events.chunks(ROWS_PER_INSERT) {
        let mut sql = format!("INSERT INTO audit_events ({COLUMNS}) VALUES ");
        for i in 0..chunk.len() {
            let b = i * 12;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            sql.push_str(
                &(1..=12)
                    .map(|k| format!("${}", b + k))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for e in chunk {
            let r = &e.record;
            q = q
                .bind(e.seq)
                .bind(&r.at)
                .bind(&r.actor)
                .bind(r.organisation.as_deref())
                .bind(&r.action)
                .bind(&r.outcome)
                .bind(r.agreement.as_deref())
                .bind(r.purpose.as_deref())
                .bind(&r.subject)
                .bind(&r.detail)
                .bind(&e.prev_hash)
                .bind(&e.hash);
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(events)
}
