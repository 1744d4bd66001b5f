//! The audit trail: append-only, hash-chained. This module only ever INSERTs into
//! `audit_events`; the chain itself is computed and checked by `goldthread_domain::audit`.

#[cfg(test)]
mod tests;
pub(crate) mod writer;

use goldthread_domain::audit::{self, AuditEvent, AuditRecord, ChainBreak};
use sqlx::any::AnyRow;
use sqlx::Row;

pub use writer::AuditWriterStats;

use crate::{now, Store, StoreError};

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

pub(crate) const COLUMNS: &str =
    "seq, at, actor, organisation, action, outcome, agreement, purpose, subject, \
                       detail, prev_hash, hash";

pub(crate) fn event_from_row(r: &AnyRow) -> Result<AuditEvent, StoreError> {
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
    /// Appends one event to the chain; `record.at` is set to now if empty. Returns once the
    /// event is committed. Concurrent appends are grouped into one transaction each by the
    /// process's audit writer (see `audit/writer.rs`), which holds the chain's lock per batch, so
    /// several processes may append to one database.
    pub async fn append_audit(&self, mut record: AuditRecord) -> Result<AuditEvent, StoreError> {
        if record.at.is_empty() {
            record.at = now();
        }
        self.audit.append(&self.pool, self.backend, record).await
    }

    /// How this process's audit writer has grouped appends so far.
    pub fn audit_writer_stats(&self) -> AuditWriterStats {
        self.audit.stats()
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
