//! The history of an ICS's outcomes framework as people edit it on the web: every version of
//! the golden thread, the prevention definition and the disclosure rule, the SPC rebases
//! decided, and one list of all changes with who made them, when and why.

use goldthread_domain::outcomes::budget::{PreventionDefinition, SpendCategory};
use goldthread_domain::outcomes::indicator::{IndicatorCode, Period, Sex};
use goldthread_domain::outcomes::outcome::Attribution;
use goldthread_domain::outcomes::rebase::RecordedRebase;
use goldthread_domain::outcomes::thread::Objective;
use goldthread_domain::GssCode;
use goldthread_stats::{DisclosureRule, Rounding};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::indicators::sex_name;
use crate::outcomes::{attribution, check_attribution};
use crate::{now, Store, StoreError};

/// One change to an ICS's outcomes framework, for its changes page.
#[derive(Clone, Debug, PartialEq)]
pub struct FrameworkChange {
    /// What changed: `outcome`, `golden_thread`, `prevention_definition`, `disclosure_rule` or
    /// `spc_rebase`.
    pub kind: &'static str,
    /// Which item (an outcome key; a rebase's indicator, area and period; empty for the others).
    pub key: String,
    /// Who, when, why, and the version it made.
    pub attribution: Attribution,
}

fn parse_counts(icb: &GssCode, counts: &str) -> Result<Vec<SpendCategory>, StoreError> {
    counts
        .split(',')
        .filter(|s| !s.is_empty())
        .map(SpendCategory::parse)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| StoreError::corrupt("prevention_definitions", icb.as_str(), e))
}

fn rule_from_row(icb: &GssCode, r: &AnyRow) -> Result<DisclosureRule, StoreError> {
    let n = |c: &str| -> Result<u64, StoreError> {
        u64::try_from(r.try_get::<i64, _>(c)?)
            .map_err(|e| StoreError::corrupt("disclosure_versions", icb.as_str(), e))
    };
    DisclosureRule::custom(n("suppress_from")?, n("suppress_to")?, n("rounding_base")?)
        .map_err(|e| StoreError::corrupt("disclosure_versions", icb.as_str(), e))
}

fn rebase_from_row(r: &AnyRow) -> Result<RecordedRebase, StoreError> {
    let key: String = r.try_get("indicator_code")?;
    let bad = |e: String| StoreError::corrupt("spc_rebases", &key, e);
    Ok(RecordedRebase {
        indicator: IndicatorCode::parse(&key).map_err(|e| bad(e.to_string()))?,
        area: GssCode::parse(&r.try_get::<String, _>("area_code")?)
            .map_err(|e| bad(e.to_string()))?,
        sex: Sex::parse(&r.try_get::<String, _>("sex")?).map_err(|e| bad(e.to_string()))?,
        from: Period::parse(&r.try_get::<String, _>("from_period")?)
            .map_err(|e| bad(e.to_string()))?,
        reason: r.try_get("reason")?,
        decided_by: r.try_get("decided_by")?,
        at: r.try_get("created_at")?,
    })
}

impl Store {
    /// Every version of an ICS's golden thread, oldest first.
    pub async fn golden_thread_history(
        &self,
        icb: &GssCode,
    ) -> Result<Vec<(Vec<Objective>, Attribution)>, StoreError> {
        let rows = sqlx::query(
            "SELECT version, body, changed_by, reason, created_at FROM objective_versions \
             WHERE icb_code = $1 ORDER BY version",
        )
        .bind(icb.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let objectives: Vec<Objective> =
                    serde_json::from_str(&r.try_get::<String, _>("body")?).map_err(|e| {
                        StoreError::corrupt("objective_versions", icb.as_str(), e.to_string())
                    })?;
                Ok((objectives, attribution(r)?))
            })
            .collect()
    }

    /// Every version an ICS stored of its prevention definition, oldest first (goldthread's
    /// default, version 1, is not stored).
    pub async fn prevention_history(
        &self,
        icb: &GssCode,
    ) -> Result<Vec<(PreventionDefinition, Attribution)>, StoreError> {
        let rows = sqlx::query(
            "SELECT version, counts, statement, changed_by, reason, created_at \
             FROM prevention_definitions WHERE icb_code = $1 ORDER BY version",
        )
        .bind(icb.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let a = attribution(r)?;
                Ok((
                    PreventionDefinition {
                        version: a.version,
                        counts: parse_counts(icb, &r.try_get::<String, _>("counts")?)?,
                        statement: r.try_get("statement")?,
                    },
                    a,
                ))
            })
            .collect()
    }

    /// Stores a new version of the disclosure rule an ICS publishes under, attributed, and
    /// makes it the rule in force, in one transaction. Returns its version.
    pub async fn put_disclosure(
        &self,
        icb: &GssCode,
        rule: DisclosureRule,
        changed_by: &str,
        reason: &str,
    ) -> Result<u32, StoreError> {
        check_attribution(changed_by, reason)?;
        let base = match rule.rounding {
            Rounding::None => 1,
            Rounding::NearestMultiple(b) => b,
        };
        let int = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let at = now();
        let mut tx = self.pool.begin().await?;
        let latest: Option<i64> =
            sqlx::query("SELECT MAX(version) AS v FROM disclosure_versions WHERE icb_code = $1")
                .bind(icb.as_str())
                .fetch_one(&mut *tx)
                .await?
                .try_get("v")?;
        let version = latest.unwrap_or(0) + 1;
        sqlx::query(
            "INSERT INTO disclosure_versions (icb_code, version, suppress_from, suppress_to, \
             rounding_base, changed_by, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(icb.as_str())
        .bind(version)
        .bind(int(rule.suppress_from))
        .bind(int(rule.suppress_to))
        .bind(int(base))
        .bind(changed_by)
        .bind(reason)
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO disclosure_settings (icb_code, suppress_from, suppress_to, rounding_base, \
             changed_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (icb_code) DO \
             UPDATE SET suppress_from = excluded.suppress_from, suppress_to = excluded.suppress_to, \
             rounding_base = excluded.rounding_base, changed_by = excluded.changed_by, \
             created_at = excluded.created_at",
        )
        .bind(icb.as_str())
        .bind(int(rule.suppress_from))
        .bind(int(rule.suppress_to))
        .bind(int(base))
        .bind(changed_by)
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(u32::try_from(version).unwrap_or(u32::MAX))
    }

    /// Every recorded version of an ICS's disclosure rule, oldest first.
    pub async fn disclosure_history(
        &self,
        icb: &GssCode,
    ) -> Result<Vec<(DisclosureRule, Attribution)>, StoreError> {
        let rows = sqlx::query(
            "SELECT version, suppress_from, suppress_to, rounding_base, changed_by, reason, \
             created_at FROM disclosure_versions WHERE icb_code = $1 ORDER BY version",
        )
        .bind(icb.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((rule_from_row(icb, r)?, attribution(r)?)))
            .collect()
    }

    /// Records a decision to rebase one series' XmR limits from a period. A second decision
    /// for the same series and period is refused: each rebase is decided once.
    pub async fn record_rebase(
        &self,
        icb: &GssCode,
        rebase: &RecordedRebase,
    ) -> Result<(), StoreError> {
        check_attribution(&rebase.decided_by, &rebase.reason)?;
        let mut tx = self.pool.begin().await?;
        let existing = sqlx::query(
            "SELECT reason FROM spc_rebases WHERE icb_code = $1 AND indicator_code = $2 \
             AND area_code = $3 AND sex = $4 AND from_period = $5",
        )
        .bind(icb.as_str())
        .bind(rebase.indicator.as_str())
        .bind(rebase.area.as_str())
        .bind(sex_name(rebase.sex))
        .bind(rebase.from.label.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        if existing.is_some() {
            return Err(StoreError::Conflict(format!(
                "the limits are already rebased at {}",
                rebase.from.label
            )));
        }
        sqlx::query(
            "INSERT INTO spc_rebases (icb_code, indicator_code, area_code, sex, from_period, \
             reason, decided_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(icb.as_str())
        .bind(rebase.indicator.as_str())
        .bind(rebase.area.as_str())
        .bind(sex_name(rebase.sex))
        .bind(rebase.from.label.as_str())
        .bind(rebase.reason.as_str())
        .bind(rebase.decided_by.as_str())
        .bind(now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every rebase decided for an ICS's series, oldest decision first.
    pub async fn rebases(&self, icb: &GssCode) -> Result<Vec<RecordedRebase>, StoreError> {
        let rows = sqlx::query(
            "SELECT indicator_code, area_code, sex, from_period, reason, decided_by, created_at \
             FROM spc_rebases WHERE icb_code = $1 ORDER BY created_at, indicator_code, from_period",
        )
        .bind(icb.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rebase_from_row).collect()
    }

    /// Every change to an ICS's outcomes framework, newest first.
    pub async fn framework_changes(
        &self,
        icb: &GssCode,
    ) -> Result<Vec<FrameworkChange>, StoreError> {
        let sources: [(&'static str, &str); 4] = [
            ("outcome", "SELECT key, version, changed_by, reason, created_at FROM outcome_versions WHERE icb_code = $1"),
            ("golden_thread", "SELECT '' AS key, version, changed_by, reason, created_at FROM objective_versions WHERE icb_code = $1"),
            ("prevention_definition", "SELECT '' AS key, version, changed_by, reason, created_at FROM prevention_definitions WHERE icb_code = $1"),
            ("disclosure_rule", "SELECT '' AS key, version, changed_by, reason, created_at FROM disclosure_versions WHERE icb_code = $1"),
        ];
        let mut out = Vec::new();
        for (kind, sql) in sources {
            for r in sqlx::query(sql)
                .bind(icb.as_str())
                .fetch_all(&self.pool)
                .await?
            {
                out.push(FrameworkChange {
                    kind,
                    key: r.try_get("key")?,
                    attribution: attribution(&r)?,
                });
            }
        }
        for r in self.rebases(icb).await? {
            out.push(FrameworkChange {
                kind: "spc_rebase",
                key: format!("{} {} from {}", r.indicator, r.area, r.from.label),
                attribution: Attribution {
                    version: 1,
                    changed_by: r.decided_by,
                    reason: r.reason,
                    at: r.at,
                },
            });
        }
        out.sort_by(|a, b| {
            (&b.attribution.at, b.attribution.version)
                .cmp(&(&a.attribution.at, a.attribution.version))
        });
        Ok(out)
    }
}
