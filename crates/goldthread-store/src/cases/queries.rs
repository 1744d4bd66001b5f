//! Reading cases: worklists, one case with its history, and programme dashboards.

use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::programme::case::{CaseEvent, CaseId, CaseState, CaseStatus};
use goldthread_domain::programme::district_direct::DischargeBarrier;
use goldthread_domain::programme::referral::ReferralStatus;
use goldthread_domain::programme::ProgrammeId;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::{case_id_of, CaseRecord, CaseReferral, StoredEvent};
use crate::{Store, StoreError};

/// A case as a worklist shows it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct CaseSummary {
    /// Identifier.
    pub id: CaseId,
    /// Reference people quote.
    pub reference: String,
    /// Programme.
    pub programme: String,
    /// Team working it.
    pub team: OrganisationId,
    /// Where it is.
    pub state: CaseState,
    /// 0 to 100.
    pub priority: i64,
    /// When something is next due (YYYY-MM-DD).
    pub due_on: String,
    /// The person's name (or pseudonym for list imports).
    pub subject_name: String,
    /// District or unitary council (GSS).
    pub district: Option<String>,
    /// Ward, for hospital referrals.
    pub ward: Option<String>,
    /// Barrier to discharge.
    pub barrier: Option<DischargeBarrier>,
    /// Referring organisation (ODS).
    pub referrer: Option<String>,
    /// Day medically fit (District Direct).
    pub medically_fit_on: Option<String>,
    /// Day discharged (District Direct).
    pub discharged_on: Option<String>,
    /// Bed days saved, once discharged.
    pub bed_days_saved: Option<i64>,
    /// Contact attempts.
    pub attempts: i64,
    /// When it arrived.
    pub created_at: String,
}

const SUMMARY_COLUMNS: &str = "id, reference, programme_id, team_organisation_id, state, \
    priority, due_on, subject_name, district_gss, ward, barrier, referrer_ods, medically_fit_on, \
    discharged_on, bed_days_saved, attempts, created_at";

fn summary_from_row(r: &AnyRow) -> Result<CaseSummary, StoreError> {
    let id = case_id_of(r)?;
    let corrupt = |what: &str| StoreError::corrupt("cases", id.to_string(), what.to_owned());
    let state: String = r.try_get("state")?;
    let team: String = r.try_get("team_organisation_id")?;
    Ok(CaseSummary {
        id,
        reference: r.try_get("reference")?,
        programme: r.try_get("programme_id")?,
        team: OrganisationId::parse(&team).map_err(|_| corrupt("team"))?,
        state: CaseState::parse(&state).ok_or_else(|| corrupt("state"))?,
        priority: r.try_get("priority")?,
        due_on: r.try_get("due_on")?,
        subject_name: r.try_get("subject_name")?,
        district: r.try_get("district_gss")?,
        ward: r.try_get("ward")?,
        barrier: r
            .try_get::<Option<String>, _>("barrier")?
            .map(|b| DischargeBarrier::parse(&b).ok_or_else(|| corrupt("barrier")))
            .transpose()?,
        referrer: r.try_get("referrer_ods")?,
        medically_fit_on: r.try_get("medically_fit_on")?,
        discharged_on: r.try_get("discharged_on")?,
        bed_days_saved: r.try_get("bed_days_saved")?,
        attempts: r.try_get("attempts")?,
        created_at: r.try_get("created_at")?,
    })
}

/// One page of a worklist and how many open cases there are in all.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize)]
pub struct WorklistPage {
    /// Open cases matching, on every page.
    pub total: i64,
    /// This page's cases, in worklist order.
    pub cases: Vec<CaseSummary>,
}

/// One group of a programme's cases for dashboards: by month opened, district, state and
/// outcome.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct DashboardRow {
    /// Month opened, `YYYY-MM`.
    pub month: String,
    /// District or unitary council (GSS), when known.
    pub district: Option<String>,
    /// The team working the cases.
    pub team: String,
    /// State.
    pub state: String,
    /// Outcome, when closed.
    pub outcome: Option<String>,
    /// Cases.
    pub cases: i64,
    /// Of which reached.
    pub reached: i64,
    /// Of which with needs found.
    pub with_needs: i64,
    /// Bed days saved.
    pub bed_days_saved: i64,
}

impl Store {
    /// A team's open cases: highest priority first, then soonest due.
    pub async fn worklist(
        &self,
        team: &OrganisationId,
        programme: Option<&ProgrammeId>,
        limit: u32,
    ) -> Result<Vec<CaseSummary>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM cases WHERE team_organisation_id = $1 \
             AND state <> 'closed' AND ($2 = '' OR programme_id = $2) \
             ORDER BY priority DESC, due_on, reference LIMIT $3"
        ))
        .bind(team.to_string())
        .bind(programme.map(|p| p.as_str()).unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(summary_from_row).collect()
    }

    /// One page of the open cases of several teams (optionally one programme's): highest
    /// priority first, then soonest due, then by reference, so pages never overlap. Served
    /// from the partial indexes on open cases (migration 0006).
    pub async fn worklist_page(
        &self,
        teams: &[OrganisationId],
        programme: Option<&ProgrammeId>,
        offset: u64,
        limit: u32,
    ) -> Result<WorklistPage, StoreError> {
        if teams.is_empty() {
            return Ok(WorklistPage::default());
        }
        // Teams are $1..$n, then the programme if one is chosen: a condition only when it
        // filters, so each form of the query gets the plan its index serves.
        let mut binds: Vec<String> = teams.iter().map(|t| t.to_string()).collect();
        let placeholders = (1..=binds.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut filter = format!(
            "FROM cases WHERE team_organisation_id IN ({placeholders}) AND state <> 'closed'"
        );
        if let Some(p) = programme {
            binds.push(p.as_str().to_owned());
            filter.push_str(&format!(" AND programme_id = ${}", binds.len()));
        }
        let count_sql = format!("SELECT COUNT(*) AS n {filter}");
        let mut count = sqlx::query(&count_sql);
        for b in &binds {
            count = count.bind(b);
        }
        let total: i64 = count.fetch_one(&self.pool).await?.try_get("n")?;
        let page_sql = format!(
            "SELECT {SUMMARY_COLUMNS} {filter} ORDER BY priority DESC, due_on, reference \
             LIMIT ${} OFFSET ${}",
            binds.len() + 1,
            binds.len() + 2
        );
        let mut page = sqlx::query(&page_sql);
        for b in &binds {
            page = page.bind(b);
        }
        let rows = page
            .bind(i64::from(limit))
            .bind(i64::try_from(offset).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await?;
        Ok(WorklistPage {
            total,
            cases: rows
                .iter()
                .map(summary_from_row)
                .collect::<Result<_, _>>()?,
        })
    }

    /// Every open case of these teams with when it was last acted on (RFC 3339), for
    /// reminders: the caller works out what is due from the programme's service levels.
    pub async fn open_cases_with_activity(
        &self,
        teams: &[OrganisationId],
    ) -> Result<Vec<(CaseSummary, String)>, StoreError> {
        if teams.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders = (1..=teams.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, updated_at FROM cases \
             WHERE team_organisation_id IN ({placeholders}) AND state <> 'closed' ORDER BY reference"
        );
        let mut q = sqlx::query(&sql);
        for t in teams {
            q = q.bind(t.to_string());
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok((summary_from_row(r)?, r.try_get("updated_at")?)))
            .collect()
    }

    /// A case by reference or id, with its status, log and referrals out.
    pub async fn case(&self, key: &str) -> Result<Option<CaseRecord>, StoreError> {
        let Some(row) = sqlx::query(&format!(
            "SELECT {SUMMARY_COLUMNS}, status FROM cases WHERE reference = $1 OR id = $1"
        ))
        .bind(key)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let summary = summary_from_row(&row)?;
        let key = summary.id.to_string();
        let status: CaseStatus = serde_json::from_str(&row.try_get::<String, _>("status")?)
            .map_err(|e| StoreError::corrupt("cases", &key, e))?;
        let events = sqlx::query(
            "SELECT seq, at, actor, detail, state_after FROM case_events WHERE case_id = $1 \
             ORDER BY seq",
        )
        .bind(&key)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let detail: String = r.try_get("detail")?;
            let state: String = r.try_get("state_after")?;
            Ok(StoredEvent {
                seq: r.try_get("seq")?,
                at: r.try_get("at")?,
                actor: r.try_get("actor")?,
                event: serde_json::from_str::<CaseEvent>(&detail)
                    .map_err(|e| StoreError::corrupt("case_events", &key, e))?,
                state_after: CaseState::parse(&state)
                    .ok_or_else(|| StoreError::corrupt("case_events", &key, state.clone()))?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let referrals = sqlx::query(
            "SELECT id, destination, status, outcome, sent_at FROM case_referrals \
             WHERE case_id = $1 ORDER BY sent_at",
        )
        .bind(&key)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let status: String = r.try_get("status")?;
            Ok(CaseReferral {
                id: r.try_get("id")?,
                destination: r.try_get("destination")?,
                status: ReferralStatus::parse(&status)
                    .ok_or_else(|| StoreError::corrupt("case_referrals", &key, status.clone()))?,
                outcome: r.try_get("outcome")?,
                sent_at: r.try_get("sent_at")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some(CaseRecord {
            summary,
            status,
            events,
            referrals,
        }))
    }

    /// A programme's cases grouped for its dashboard.
    pub async fn programme_dashboard(
        &self,
        programme: &ProgrammeId,
    ) -> Result<Vec<DashboardRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT substr(created_at, 1, 7) AS month, district_gss, team_organisation_id, state, outcome, \
             CAST(COUNT(*) AS BIGINT) AS cases, CAST(SUM(reached) AS BIGINT) AS reached, \
             CAST(SUM(CASE WHEN needs <> '' THEN 1 ELSE 0 END) AS BIGINT) AS with_needs, \
             CAST(COALESCE(SUM(bed_days_saved), 0) AS BIGINT) AS bed_days \
             FROM cases WHERE programme_id = $1 \
             GROUP BY substr(created_at, 1, 7), district_gss, team_organisation_id, state, outcome \
             ORDER BY 1, 2, 3, 4, 5",
        )
        .bind(programme.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DashboardRow {
                    month: r.try_get("month")?,
                    district: r.try_get("district_gss")?,
                    team: r.try_get("team_organisation_id")?,
                    state: r.try_get("state")?,
                    outcome: r.try_get("outcome")?,
                    cases: r.try_get("cases")?,
                    reached: r.try_get("reached")?,
                    with_needs: r.try_get("with_needs")?,
                    bed_days_saved: r.try_get("bed_days")?,
                })
            })
            .collect()
    }

    /// Cases reached with a given need, by district, for "share of people contacted with unmet
    /// needs, by need and district".
    pub async fn needs_by_district(
        &self,
        programme: &ProgrammeId,
        need: &str,
    ) -> Result<Vec<(Option<String>, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT district_gss, CAST(COUNT(*) AS BIGINT) AS n FROM cases \
             WHERE programme_id = $1 AND needs LIKE $2 GROUP BY district_gss ORDER BY 1",
        )
        .bind(programme.as_str())
        .bind(format!("%,{need},%"))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("district_gss")?, r.try_get("n")?)))
            .collect()
    }
}
