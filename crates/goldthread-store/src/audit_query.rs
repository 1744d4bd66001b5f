//! Reading the audit trail at scale: a page at a time by keyset (the event's `seq`), so pages
//! stay stable while events are appended, and scoped in SQL to what an IG lead may see. Only
//! reads: appending lives in `audit/`, whose row mapping this reuses.

use goldthread_domain::audit::AuditEvent;

use crate::audit::{event_from_row, COLUMNS};
use crate::{AuditFilter, Store, StoreError};

/// Whose events a reader may see.
#[derive(Clone, Copy, Debug)]
pub enum AuditScope<'a> {
    /// Every event (the command line, run by whoever holds the database).
    Everything,
    /// What IG leads of these organisations (ids) see: events done for them, under an agreement
    /// they are party to, or by an account holding a role in one of them.
    Organisations(&'a [String]),
}

impl Store {
    /// Events matching `filter` within `scope`, newest first, only those with `seq` below
    /// `before` when given, at most `limit` (1 to 10,000). Pass the last event's `seq` as the
    /// next call's `before` to read on: events appended meanwhile have higher numbers, so no page
    /// repeats or skips an event.
    pub async fn audit_events_page(
        &self,
        filter: &AuditFilter,
        scope: AuditScope<'_>,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let mut sql = format!("SELECT {COLUMNS} FROM audit_events WHERE 1 = 1");
        let mut binds: Vec<String> = Vec::new();
        let mut add = |sql: &mut String, cond: &str, v: &Option<String>, like: bool| {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                binds.push(if like { format!("{v}%") } else { v.to_owned() });
                sql.push_str(&format!(" AND {cond} ${}", binds.len()));
            }
        };
        add(&mut sql, "actor =", &filter.actor, false);
        add(&mut sql, "organisation =", &filter.organisation, false);
        add(&mut sql, "agreement =", &filter.agreement, false);
        add(&mut sql, "purpose =", &filter.purpose, false);
        add(&mut sql, "action LIKE", &filter.action_prefix, true);
        add(&mut sql, "at >=", &filter.since, false);
        add(&mut sql, "at <", &filter.until, false);
        if let AuditScope::Organisations(orgs) = scope {
            if orgs.is_empty() {
                sql.push_str(" AND 1 = 0");
            } else {
                let first = binds.len() + 1;
                binds.extend(orgs.iter().cloned());
                let list = (first..first + orgs.len())
                    .map(|i| format!("${i}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                sql.push_str(&format!(
                    " AND (organisation IN ({list}) \
                     OR agreement IN (SELECT agreement_id FROM agreement_parties \
                                      WHERE organisation_id IN ({list})) \
                     OR actor IN (SELECT account_id FROM account_roles \
                                  WHERE organisation_id IN ({list})))"
                ));
            }
        }
        if let Some(before) = before {
            // An integer, formatted by us: nothing from the request reaches the SQL text.
            sql.push_str(&format!(" AND seq < {before}"));
        }
        sql.push_str(&format!(
            " ORDER BY seq DESC LIMIT {}",
            limit.clamp(1, 10_000)
        ));
        let mut q = sqlx::query(&sql);
        for b in &binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(event_from_row).collect()
    }
}
