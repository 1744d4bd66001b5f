//! Ambitions, shared outcomes and the golden thread of an ICS, each change a new attributed
//! version.

use goldthread_domain::outcomes::outcome::{Ambition, Attribution, Outcome};
use goldthread_domain::outcomes::thread::{GoldenThread, Objective};
use goldthread_domain::GssCode;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{now, Store, StoreError};

pub(crate) fn attribution(row: &AnyRow) -> Result<Attribution, StoreError> {
    Ok(Attribution {
        version: u32::try_from(row.try_get::<i64, _>("version")?).unwrap_or(u32::MAX),
        changed_by: row.try_get("changed_by")?,
        reason: row.try_get("reason")?,
        at: row.try_get("created_at")?,
    })
}

pub(crate) fn check_attribution(changed_by: &str, reason: &str) -> Result<(), StoreError> {
    if changed_by.trim().is_empty() || reason.trim().is_empty() {
        return Err(StoreError::Conflict(
            "every change needs who made it and why".into(),
        ));
    }
    Ok(())
}

impl Store {
    /// Replaces an ICS's headline ambitions, in the order given.
    pub async fn put_ambitions(
        &self,
        icb: &GssCode,
        ambitions: &[Ambition],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM ambitions WHERE icb_code = $1")
            .bind(icb.as_str())
            .execute(&mut *tx)
            .await?;
        for (i, a) in ambitions.iter().enumerate() {
            sqlx::query(
                "INSERT INTO ambitions (icb_code, key, position, title, description) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(icb.as_str())
            .bind(a.key.as_str())
            .bind(i as i64)
            .bind(a.title.as_str())
            .bind(a.description.as_str())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// An ICS's ambitions, in order.
    pub async fn ambitions(&self, icb: &GssCode) -> Result<Vec<Ambition>, StoreError> {
        let rows = sqlx::query(
            "SELECT key, title, description FROM ambitions WHERE icb_code = $1 ORDER BY position",
        )
        .bind(icb.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Ambition {
                    key: r.try_get("key")?,
                    title: r.try_get("title")?,
                    description: r.try_get("description")?,
                })
            })
            .collect()
    }

    /// Stores outcomes as their next versions, attributed, in one transaction. An outcome
    /// identical to its current version is left alone. Returns how many versions were added.
    pub async fn put_outcomes(
        &self,
        icb: &GssCode,
        outcomes: &[Outcome],
        changed_by: &str,
        reason: &str,
    ) -> Result<usize, StoreError> {
        check_attribution(changed_by, reason)?;
        let at = now();
        let mut added = 0;
        let mut tx = self.pool.begin().await?;
        for o in outcomes {
            let body = serde_json::to_string(o).map_err(|e| StoreError::Conflict(e.to_string()))?;
            let latest = sqlx::query(
                "SELECT version, body FROM outcome_versions WHERE icb_code = $1 AND key = $2 \
                 ORDER BY version DESC LIMIT 1",
            )
            .bind(icb.as_str())
            .bind(o.key.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            let version = match &latest {
                Some(r) if r.try_get::<String, _>("body")? == body => continue,
                Some(r) => r.try_get::<i64, _>("version")? + 1,
                None => 1,
            };
            sqlx::query(
                "INSERT INTO outcome_versions (icb_code, key, version, body, changed_by, reason, \
                 created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(icb.as_str())
            .bind(o.key.as_str())
            .bind(version)
            .bind(body)
            .bind(changed_by)
            .bind(reason)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
            added += 1;
        }
        tx.commit().await?;
        Ok(added)
    }

    /// The current version of each of an ICS's outcomes, with its attribution, by key.
    pub async fn outcomes(&self, icb: &GssCode) -> Result<Vec<(Outcome, Attribution)>, StoreError> {
        let rows = sqlx::query(
            "SELECT key, version, body, changed_by, reason, created_at FROM outcome_versions o \
             WHERE icb_code = $1 AND version = (SELECT MAX(version) FROM outcome_versions x \
             WHERE x.icb_code = o.icb_code AND x.key = o.key) ORDER BY key",
        )
        .bind(icb.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(outcome_from_row).collect()
    }

    /// Every version of one outcome, oldest first.
    pub async fn outcome_history(
        &self,
        icb: &GssCode,
        key: &str,
    ) -> Result<Vec<(Outcome, Attribution)>, StoreError> {
        let rows = sqlx::query(
            "SELECT key, version, body, changed_by, reason, created_at FROM outcome_versions \
             WHERE icb_code = $1 AND key = $2 ORDER BY version",
        )
        .bind(icb.as_str())
        .bind(key)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(outcome_from_row).collect()
    }

    /// Stores the whole golden thread of an ICS as its next version (the thread is checked
    /// first: unique keys, parents one level up).
    pub async fn put_golden_thread(
        &self,
        icb: &GssCode,
        thread: &GoldenThread,
        changed_by: &str,
        reason: &str,
    ) -> Result<u32, StoreError> {
        check_attribution(changed_by, reason)?;
        let body = serde_json::to_string(thread.objectives())
            .map_err(|e| StoreError::Conflict(e.to_string()))?;
        let mut tx = self.pool.begin().await?;
        let latest: Option<i64> =
            sqlx::query("SELECT MAX(version) AS v FROM objective_versions WHERE icb_code = $1")
                .bind(icb.as_str())
                .fetch_one(&mut *tx)
                .await?
                .try_get("v")?;
        let version = latest.unwrap_or(0) + 1;
        sqlx::query(
            "INSERT INTO objective_versions (icb_code, version, body, changed_by, reason, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(icb.as_str())
        .bind(version)
        .bind(body)
        .bind(changed_by)
        .bind(reason)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(u32::try_from(version).unwrap_or(u32::MAX))
    }

    /// The current golden thread of an ICS with its attribution (empty when none is stored).
    pub async fn golden_thread(
        &self,
        icb: &GssCode,
    ) -> Result<(GoldenThread, Option<Attribution>), StoreError> {
        let row = sqlx::query(
            "SELECT version, body, changed_by, reason, created_at FROM objective_versions \
             WHERE icb_code = $1 ORDER BY version DESC LIMIT 1",
        )
        .bind(icb.as_str())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok((GoldenThread::default(), None));
        };
        let corrupt = |e: String| StoreError::corrupt("objective_versions", icb.as_str(), e);
        let objectives: Vec<Objective> = serde_json::from_str(&row.try_get::<String, _>("body")?)
            .map_err(|e| corrupt(e.to_string()))?;
        let thread = GoldenThread::new(objectives).map_err(|e| corrupt(e.to_string()))?;
        Ok((thread, Some(attribution(&row)?)))
    }
}

fn outcome_from_row(row: &AnyRow) -> Result<(Outcome, Attribution), StoreError> {
    let key: String = row.try_get("key")?;
    let outcome = serde_json::from_str(&row.try_get::<String, _>("body")?)
        .map_err(|e| StoreError::corrupt("outcome_versions", &key, e))?;
    Ok((outcome, attribution(row)?))
}
