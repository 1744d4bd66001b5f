//! Budget lines, the ICS's definition of prevention spend, and its disclosure setting.

use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::outcomes::budget::{BudgetLine, PreventionDefinition, SpendCategory};
use goldthread_domain::outcomes::disclosure::DisclosureSetting;
use goldthread_domain::{FinancialYear, GssCode, Money};
use goldthread_stats::{DisclosureRule, Rounding};
use sqlx::Row;

use crate::{now, Store, StoreError};

impl Store {
    /// Replaces an ICS's budget lines for the years they cover, in one transaction.
    pub async fn replace_budget_lines(
        &self,
        icb: &GssCode,
        lines: &[BudgetLine],
    ) -> Result<(), StoreError> {
        let mut years: Vec<FinancialYear> = lines.iter().map(|l| l.year).collect();
        years.sort();
        years.dedup();
        let mut tx = self.pool.begin().await?;
        for y in &years {
            sqlx::query("DELETE FROM budget_lines WHERE icb_code = $1 AND year_start = $2")
                .bind(icb.as_str())
                .bind(i64::from(y.start_year()))
                .execute(&mut *tx)
                .await?;
        }
        for l in lines {
            sqlx::query(
                "INSERT INTO budget_lines (icb_code, organisation_id, year_start, service, \
                 pooled_fund, category, amount_pence) VALUES ($1, $2, $3, $4, CAST($5 AS TEXT), $6, $7)",
            )
            .persistent(false) // pooled_fund may be NULL first: see indicators::upsert_value
            .bind(icb.as_str())
            .bind(l.organisation.to_string())
            .bind(i64::from(l.year.start_year()))
            .bind(l.service.as_str())
            .bind(l.pooled_fund.as_deref())
            .bind(l.category.as_str())
            .bind(l.amount.pence())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// An ICS's budget lines by year, organisation and service.
    pub async fn budget_lines(&self, icb: &GssCode) -> Result<Vec<BudgetLine>, StoreError> {
        let rows = sqlx::query(
            "SELECT organisation_id, year_start, service, pooled_fund, category, amount_pence \
             FROM budget_lines WHERE icb_code = $1 ORDER BY year_start, organisation_id, service",
        )
        .bind(icb.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let service: String = r.try_get("service")?;
                let bad = |e: String| StoreError::corrupt("budget_lines", &service, e);
                let year = u16::try_from(r.try_get::<i64, _>("year_start")?)
                    .map_err(|e| bad(e.to_string()))?;
                Ok(BudgetLine {
                    organisation: OrganisationId::parse(
                        &r.try_get::<String, _>("organisation_id")?,
                    )
                    .map_err(|e| bad(e.to_string()))?,
                    pooled_fund: r.try_get("pooled_fund")?,
                    year: FinancialYear::starting(year),
                    category: SpendCategory::parse(&r.try_get::<String, _>("category")?)
                        .map_err(|e| bad(e.to_string()))?,
                    amount: Money::from_pence(r.try_get("amount_pence")?),
                    service: service.clone(),
                })
            })
            .collect()
    }

    /// Stores a new version of an ICS's definition of prevention spend; returns its version.
    pub async fn put_prevention_definition(
        &self,
        icb: &GssCode,
        counts: &[SpendCategory],
        statement: &str,
        changed_by: &str,
        reason: &str,
    ) -> Result<u32, StoreError> {
        if changed_by.trim().is_empty() || reason.trim().is_empty() || statement.trim().is_empty() {
            return Err(StoreError::Conflict(
                "a definition of prevention spend needs a statement, who changed it and why".into(),
            ));
        }
        let mut tx = self.pool.begin().await?;
        let latest: Option<i64> =
            sqlx::query("SELECT MAX(version) AS v FROM prevention_definitions WHERE icb_code = $1")
                .bind(icb.as_str())
                .fetch_one(&mut *tx)
                .await?
                .try_get("v")?;
        // Version 1 is goldthread's default, so an ICS's first change is version 2.
        let version = latest.unwrap_or(1) + 1;
        let names: Vec<&str> = counts.iter().map(|c| c.as_str()).collect();
        sqlx::query(
            "INSERT INTO prevention_definitions (icb_code, version, counts, statement, changed_by, \
             reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(icb.as_str())
        .bind(version)
        .bind(names.join(","))
        .bind(statement)
        .bind(changed_by)
        .bind(reason)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(u32::try_from(version).unwrap_or(u32::MAX))
    }

    /// The ICS's current definition of prevention spend (goldthread's default until it sets one).
    pub async fn prevention_definition(
        &self,
        icb: &GssCode,
    ) -> Result<PreventionDefinition, StoreError> {
        let row = sqlx::query(
            "SELECT version, counts, statement FROM prevention_definitions WHERE icb_code = $1 \
             ORDER BY version DESC LIMIT 1",
        )
        .bind(icb.as_str())
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else {
            return Ok(PreventionDefinition::default());
        };
        let counts: String = r.try_get("counts")?;
        let counts = counts
            .split(',')
            .filter(|s| !s.is_empty())
            .map(SpendCategory::parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| StoreError::corrupt("prevention_definitions", icb.as_str(), e))?;
        Ok(PreventionDefinition {
            version: u32::try_from(r.try_get::<i64, _>("version")?).unwrap_or(u32::MAX),
            counts,
            statement: r.try_get("statement")?,
        })
    }

    /// Sets the disclosure rule an ICS publishes under.
    pub async fn set_disclosure(
        &self,
        icb: &GssCode,
        rule: DisclosureRule,
        changed_by: &str,
    ) -> Result<(), StoreError> {
        let base = match rule.rounding {
            Rounding::None => 1,
            Rounding::NearestMultiple(b) => b,
        };
        sqlx::query(
            "INSERT INTO disclosure_settings (icb_code, suppress_from, suppress_to, rounding_base, \
             changed_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (icb_code) DO \
             UPDATE SET suppress_from = excluded.suppress_from, suppress_to = excluded.suppress_to, \
             rounding_base = excluded.rounding_base, changed_by = excluded.changed_by, \
             created_at = excluded.created_at",
        )
        .bind(icb.as_str())
        .bind(i64::try_from(rule.suppress_from).unwrap_or(i64::MAX))
        .bind(i64::try_from(rule.suppress_to).unwrap_or(i64::MAX))
        .bind(i64::try_from(base).unwrap_or(i64::MAX))
        .bind(changed_by)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The disclosure rule an ICS publishes under: OpenSAFELY's unless it set another.
    pub async fn disclosure(&self, icb: &GssCode) -> Result<DisclosureSetting, StoreError> {
        let row = sqlx::query(
            "SELECT suppress_from, suppress_to, rounding_base FROM disclosure_settings \
             WHERE icb_code = $1",
        )
        .bind(icb.as_str())
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else {
            return Ok(DisclosureSetting::default());
        };
        let n = |c: &str| -> Result<u64, StoreError> {
            u64::try_from(r.try_get::<i64, _>(c)?)
                .map_err(|e| StoreError::corrupt("disclosure_settings", icb.as_str(), e))
        };
        let rule =
            DisclosureRule::custom(n("suppress_from")?, n("suppress_to")?, n("rounding_base")?)
                .map_err(|e| StoreError::corrupt("disclosure_settings", icb.as_str(), e))?;
        Ok(DisclosureSetting { rule })
    }
}
