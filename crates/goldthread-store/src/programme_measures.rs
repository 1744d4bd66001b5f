//! Programme measures as local indicators: the case facts each programme's measures are
//! counted from, and the refresh that recounts them (with the domain's
//! [`count_measures`]) and stores them as indicator values under versioned definitions.

use std::collections::HashMap;

use chrono::NaiveDate;
use goldthread_domain::geography::ReferenceGeography;
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::programme::adaptations::DfgApplication;
use goldthread_domain::programme::case::CaseEvent;
use goldthread_domain::programme::district_direct::DischargeBarrier;
use goldthread_domain::programme::measures::{count_measures, indicators, CaseFacts};
use goldthread_domain::programme::referral::ReferralStatus;
use goldthread_domain::programme::ProgrammeId;
use goldthread_domain::GssCode;
use serde::Serialize;
use sqlx::Row;

use crate::indicators::{insert_definition, latest_definition, same_definition, upsert_value};
use crate::{now, Store, StoreError};

/// What a refresh of the programme measures did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MeasuresRefresh {
    /// Programmes counted.
    pub programmes: usize,
    /// Indicator definitions stored as a new version.
    pub new_definition_versions: usize,
    /// Indicator values written (earlier values of these indicators are replaced).
    pub values: usize,
    /// Measures with no counting rule: programme, measure, reason.
    pub not_computed: Vec<(String, String, String)>,
    /// Cases left out because no district is recorded.
    pub without_district: u64,
}

fn day(s: &str, table: &'static str, key: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d")
        .map_err(|e| StoreError::corrupt(table, key, e))
}

fn optional_day(
    s: Option<String>,
    table: &'static str,
    key: &str,
) -> Result<Option<NaiveDate>, StoreError> {
    s.map(|s| day(&s, table, key)).transpose()
}

impl Store {
    /// Everything a programme's measures are counted from, one entry per case: its district,
    /// referral day, event log, discharge, DFG dates and referrals out.
    pub async fn programme_case_facts(
        &self,
        programme: &ProgrammeId,
    ) -> Result<Vec<CaseFacts>, StoreError> {
        const T: &str = "cases";
        let rows = sqlx::query(
            "SELECT id, team_organisation_id, district_gss, created_at, barrier, \
             medically_fit_on, discharged_on FROM cases WHERE programme_id = $1 ORDER BY id",
        )
        .bind(programme.as_str())
        .fetch_all(&self.pool)
        .await?;
        let mut facts = Vec::with_capacity(rows.len());
        let mut index: HashMap<String, usize> = HashMap::with_capacity(rows.len());
        for r in &rows {
            let key: String = r.try_get("id")?;
            let corrupt = |e: String| StoreError::corrupt(T, &key, e);
            let team = OrganisationId::parse(&r.try_get::<String, _>("team_organisation_id")?)
                .map_err(|e| corrupt(e.to_string()))?;
            let district = r
                .try_get::<Option<String>, _>("district_gss")?
                .map(|g| GssCode::parse(&g))
                .transpose()
                .map_err(|e| corrupt(e.to_string()))?;
            let barrier = r
                .try_get::<Option<String>, _>("barrier")?
                .map(|b| DischargeBarrier::parse(&b).ok_or_else(|| corrupt(b)))
                .transpose()?;
            index.insert(key.clone(), facts.len());
            facts.push(CaseFacts {
                team,
                district,
                referred_on: day(&r.try_get::<String, _>("created_at")?, T, &key)?,
                events: Vec::new(),
                barrier,
                medically_fit_on: optional_day(r.try_get("medically_fit_on")?, T, &key)?,
                discharged_on: optional_day(r.try_get("discharged_on")?, T, &key)?,
                dfg: None,
                referrals_out: Vec::new(),
            });
        }
        // The opening note (seq 0) is not an event the rules replay.
        let events = sqlx::query(
            "SELECT e.case_id, e.at, e.detail FROM case_events e JOIN cases c ON c.id = e.case_id \
             WHERE c.programme_id = $1 AND e.seq > 0 ORDER BY e.case_id, e.seq",
        )
        .bind(programme.as_str())
        .fetch_all(&self.pool)
        .await?;
        for r in &events {
            let key: String = r.try_get("case_id")?;
            let event: CaseEvent = serde_json::from_str(&r.try_get::<String, _>("detail")?)
                .map_err(|e| StoreError::corrupt("case_events", &key, e))?;
            let at = day(&r.try_get::<String, _>("at")?, "case_events", &key)?;
            if let Some(i) = index.get(&key) {
                facts[*i].events.push((at, event));
            }
        }
        let dfgs = sqlx::query(
            "SELECT d.case_id, d.application FROM dfg_applications d \
             JOIN cases c ON c.id = d.case_id WHERE c.programme_id = $1",
        )
        .bind(programme.as_str())
        .fetch_all(&self.pool)
        .await?;
        for r in &dfgs {
            let key: String = r.try_get("case_id")?;
            let a: DfgApplication =
                serde_json::from_str(&r.try_get::<String, _>("application")?)
                    .map_err(|e| StoreError::corrupt("dfg_applications", &key, e))?;
            if let Some(i) = index.get(&key) {
                facts[*i].dfg = Some(a.milestones);
            }
        }
        let referrals = sqlx::query(
            "SELECT r.case_id, r.status FROM case_referrals r \
             JOIN cases c ON c.id = r.case_id WHERE c.programme_id = $1 ORDER BY r.case_id, r.sent_at",
        )
        .bind(programme.as_str())
        .fetch_all(&self.pool)
        .await?;
        for r in &referrals {
            let key: String = r.try_get("case_id")?;
            let status: String = r.try_get("status")?;
            let status = ReferralStatus::parse(&status)
                .ok_or_else(|| StoreError::corrupt("case_referrals", &key, status.clone()))?;
            if let Some(i) = index.get(&key) {
                facts[*i].referrals_out.push(status);
            }
        }
        Ok(facts)
    }

    /// Recounts every programme's measures as of `today` and stores them, in one transaction,
    /// as local indicator values: each measure's definition becomes a new version only when it
    /// changed, attributed to `changed_by`, and each indicator's earlier values are replaced by
    /// the new count (a case that moved district leaves no stale value behind).
    pub async fn refresh_programme_measures(
        &self,
        today: NaiveDate,
        changed_by: &str,
    ) -> Result<MeasuresRefresh, StoreError> {
        let geography = ReferenceGeography::england_2024();
        let name = |g: &GssCode| {
            geography
                .authority(g)
                .map_or_else(|| g.to_string(), |a| a.name.clone())
        };
        let mut summary = MeasuresRefresh::default();
        let mut definitions = Vec::new();
        let mut values = Vec::new();
        for programme in self.programmes().await? {
            let facts = self.programme_case_facts(&programme.id).await?;
            let counted = count_measures(&programme, &facts, today);
            summary.programmes += 1;
            summary.without_district += counted.without_district;
            summary.not_computed.extend(
                counted
                    .not_computed
                    .iter()
                    .map(|(m, why)| (programme.id.to_string(), m.clone(), why.clone())),
            );
            let (d, v) = indicators(&programme, &counted, name, today);
            definitions.extend(d);
            values.extend(v);
        }
        let at = now();
        let mut tx = self.pool.begin().await?;
        for d in &definitions {
            let latest = latest_definition(&mut tx, &d.code).await?;
            if !latest.as_ref().is_some_and(|l| same_definition(l, d)) {
                let next = goldthread_domain::outcomes::indicator::IndicatorDefinition {
                    version: latest.map_or(1, |l| l.version + 1),
                    ..d.clone()
                };
                insert_definition(&mut tx, &next, changed_by, "programme measures refreshed")
                    .await?;
                summary.new_definition_versions += 1;
            }
            sqlx::query("DELETE FROM indicator_values WHERE indicator_code = $1")
                .bind(d.code.as_str())
                .execute(&mut *tx)
                .await?;
        }
        for v in &values {
            upsert_value(&mut tx, v, &at).await?;
            summary.values += 1;
        }
        tx.commit().await?;
        Ok(summary)
    }
}
