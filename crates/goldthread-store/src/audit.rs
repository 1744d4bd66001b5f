//! The audit trail: append-only, hash-chained. This module only ever INSERTs into
//! `audit_events`; the chain itself is computed and checked by `goldthread_domain::audit`.

use std::time::Duration;

use goldthread_domain::audit::{self, AuditEvent, AuditRecord, ChainBreak};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{now, Backend, Store, StoreError};

/// Filters for reading the audit trail (all optional, combined with AND).
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Events by this actor (account id).
    pub actor: Option<String>,
    /// Events done for this organisation.
    pub organisation: Option<String>,
    /// Events under this agreement.
    pub agreement: Option<String>,
    /// Events for this purpose.
    pub purpose: Option<String>,
    /// Events whose action starts with this, e.g. `read.`.
    pub action_prefix: Option<String>,
    /// Events at or after this RFC 3339 time (or date).
    pub since: Option<String>,
    /// Events before this RFC 3339 time (or date).
    pub until: Option<String>,
}

const COLUMNS: &str =
    "seq, at, actor, organisation, action, outcome, agreement, purpose, subject, \
                       detail, prev_hash, hash";

fn event_from_row(r: &AnyRow) -> Result<AuditEvent, StoreError> {
    Ok(AuditEvent {
        seq: r.try_get("seq")?,
        record: AuditRecord {
            at: r.try_get("at")?,
            actor: r.try_get("actor")?,
            organisation: r.try_get("organisation")?,
            action: r.try_get("action")?,
            outcome: r.try_get("outcome")?,
            agreement: r.try_get("agreement")?,
            purpose: r.try_get("purpose")?,
            subject: r.try_get("subject")?,
            detail: r.try_get("detail")?,
        },
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

impl Store {
    /// Appends one event to the chain; `record.at` is set to now if empty. Concurrent appends
    /// are serialised (a table lock on PostgreSQL; on SQLite a retry when another writer won).
    pub async fn append_audit(&self, mut record: AuditRecord) -> Result<AuditEvent, StoreError> {
        if record.at.is_empty() {
            record.at = now();
        }
        let mut attempt = 0;
        loop {
            match self.try_append_audit(&record).await {
                Ok(e) => return Ok(e),
                Err(e) if attempt < 50 => {
                    attempt += 1;
                    tracing::debug!(error = %e, attempt, "audit append retried");
                    tokio::time::sleep(Duration::from_millis(2 * attempt)).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn try_append_audit(&self, record: &AuditRecord) -> Result<AuditEvent, StoreError> {
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("LOCK TABLE audit_events IN EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
        }
        let last = sqlx::query("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| -> Result<(i64, String), StoreError> {
                Ok((r.try_get("seq")?, r.try_get("hash")?))
            })
            .transpose()?;
        let event = audit::chain(last.as_ref().map(|(s, h)| (*s, h.as_str())), record.clone());
        let r = &event.record;
        sqlx::query(&format!(
            "INSERT INTO audit_events ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(event.seq)
        .bind(&r.at)
        .bind(&r.actor)
        .bind(r.organisation.as_deref())
        .bind(&r.action)
        .bind(&r.outcome)
        .bind(r.agreement.as_deref())
        .bind(r.purpose.as_deref())
        .bind(&r.subject)
        .bind(&r.detail)
        .bind(&event.prev_hash)
        .bind(&event.hash)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(event)
    }

    /// Events matching a filter, newest first, at most `limit`.
    pub async fn audit_events(
        &self,
        filter: &AuditFilter,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let mut sql = format!("SELECT {COLUMNS} FROM audit_events WHERE 1 = 1");
        let mut binds: Vec<String> = Vec::new();
        let mut add = |cond: &str, v: &Option<String>, like: bool| {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                binds.push(if like { format!("{v}%") } else { v.to_owned() });
                sql.push_str(&format!(" AND {cond} ${}", binds.len()));
            }
        };
        add("actor =", &filter.actor, false);
        add("organisation =", &filter.organisation, false);
        add("agreement =", &filter.agreement, false);
        add("purpose =", &filter.purpose, false);
        add("action LIKE", &filter.action_prefix, true);
        add("at >=", &filter.since, false);
        add("at <", &filter.until, false);
        sql.push_str(&format!(
            " ORDER BY seq DESC LIMIT {}",
            limit.clamp(1, 100_000)
        ));
        let mut q = sqlx::query(&sql);
        for b in &binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(event_from_row).collect()
    }

    /// Checks the whole chain in batches, oldest first; returns the number of events checked,
    /// or where it first breaks.
    pub async fn verify_audit_chain(&self) -> Result<Result<i64, ChainBreak>, StoreError> {
        const BATCH: i64 = 5_000;
        let mut last: Option<(i64, String)> = None;
        let mut after = 0i64;
        loop {
            let rows = sqlx::query(&format!(
                "SELECT {COLUMNS} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT {BATCH}"
            ))
            .bind(after)
            .fetch_all(&self.pool)
            .await?;
            let events = rows
                .iter()
                .map(event_from_row)
                .collect::<Result<Vec<_>, _>>()?;
            match audit::verify(last.clone(), &events) {
                Ok(l) => last = l,
                Err(b) => return Ok(Err(b)),
            }
            match events.last() {
                Some(e) if events.len() as i64 == BATCH => after = e.seq,
                _ => return Ok(Ok(last.map_or(0, |(s, _)| s))),
            }
        }
    }
}
