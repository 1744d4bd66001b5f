//! Cases, their event log and referrals out.
//!
//! Each event is checked by the domain's [`CaseStatus::apply`] inside the same transaction that
//! records it, with the case row locked (as for budgets), so two workers updating one case at
//! once cannot both act on a stale state.

use chrono::NaiveDate;
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::programme::case::{CaseError, CaseEvent, CaseId, CaseState, CaseStatus};
use goldthread_domain::programme::district_direct::{bed_days_saved, DischargeBarrier};
use goldthread_domain::programme::referral::ReferralStatus;
use goldthread_domain::programme::{Programme, ProgrammeId};
use goldthread_domain::{GssCode, NhsNumber, OdsCode};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::programmes::parse_definition;
use crate::{now, Backend, Store, StoreError};

mod import;
mod queries;

pub use import::CaseHistory;
pub use queries::{CaseSummary, DashboardRow, WorklistPage};

/// A new case, as a referral or a waiting-list import creates it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct NewCase {
    /// Its identifier.
    pub id: CaseId,
    /// A short reference people can quote, e.g. `DD-2025-00042`.
    pub reference: String,
    /// The programme.
    pub programme: ProgrammeId,
    /// The team (organisation) that will work it.
    pub team: OrganisationId,
    /// 0 to 100, higher first.
    pub priority: u32,
    /// When first contact is due.
    pub due_on: NaiveDate,
    /// The person's name, as the referrer gave it.
    pub subject_name: String,
    /// NHS number, when the referrer holds it (never for pseudonymised lists).
    pub nhs_number: Option<NhsNumber>,
    /// The pseudonym, for people found on a pseudonymised list.
    pub pseudonym: Option<String>,
    /// The district or unitary council they live in.
    pub district: Option<GssCode>,
    /// How the case arrived: `fhir`, `web_form`, `waiting_list`, `demo`.
    pub source: String,
    /// ODS code of the referring organisation.
    pub referrer: Option<OdsCode>,
    /// The ward, for hospital referrals.
    pub ward: Option<String>,
    /// The barrier to discharge (District Direct).
    pub barrier: Option<DischargeBarrier>,
    /// The day the patient was medically fit to go home (District Direct).
    pub medically_fit_on: Option<NaiveDate>,
    /// When it was created (RFC 3339); `None` for now.
    pub created_at: Option<String>,
}

/// Everything stored about one case.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct CaseRecord {
    /// The list-level summary.
    pub summary: CaseSummary,
    /// What its events add up to.
    pub status: CaseStatus,
    /// The event log, oldest first.
    pub events: Vec<StoredEvent>,
    /// Referrals out.
    pub referrals: Vec<CaseReferral>,
}

/// One event in a case's log.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct StoredEvent {
    /// Position in the log.
    pub seq: i64,
    /// When (RFC 3339).
    pub at: String,
    /// Who.
    pub actor: String,
    /// What.
    pub event: CaseEvent,
    /// The state it left the case in.
    pub state_after: CaseState,
}

/// A referral out to a directory service.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct CaseReferral {
    /// Its identifier.
    pub id: String,
    /// The directory service (id or name).
    pub destination: String,
    /// Where it stands.
    pub status: ReferralStatus,
    /// The outcome the service reported.
    pub outcome: Option<String>,
    /// When it was sent.
    pub sent_at: String,
}

/// The result of recording an event: the new status, or why the rules refused it.
pub type Recorded = Result<CaseStatus, CaseError>;

impl Store {
    /// Opens a case and records its referral, in one transaction.
    pub async fn open_case(&self, c: &NewCase) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        insert_case(&mut tx, c).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Opens many cases in one transaction (a waiting-list import or the demo).
    pub async fn open_cases(&self, cases: &[NewCase]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for c in cases {
            insert_case(&mut tx, c).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records an event on a case under its programme's rules.
    pub async fn record_case_event(
        &self,
        case: &CaseId,
        event: &CaseEvent,
        actor: &str,
    ) -> Result<Recorded, StoreError> {
        self.record_case_event_at(case, event, actor, &now()).await
    }

    /// Records an event with an explicit time (imports and the demo's history).
    pub async fn record_case_event_at(
        &self,
        case: &CaseId,
        event: &CaseEvent,
        actor: &str,
        at: &str,
    ) -> Result<Recorded, StoreError> {
        let mut tx = self.pool.begin().await?;
        let (mut status, programme) = self.lock_case(&mut tx, case).await?;
        if let Err(e) = status.apply(event, &programme) {
            tx.rollback().await?;
            return Ok(Err(e));
        }
        append_event(&mut tx, case, event, actor, at, &status, &programme).await?;
        tx.commit().await?;
        Ok(Ok(status))
    }

    /// Records that a District Direct patient went home: the discharge date, the bed days
    /// saved by the programme's rule, and the case closed with outcome "discharged home".
    pub async fn record_discharge(
        &self,
        case: &CaseId,
        discharged_on: NaiveDate,
        summary: &str,
        actor: &str,
    ) -> Result<Recorded, StoreError> {
        let mut tx = self.pool.begin().await?;
        let (mut status, programme) = self.lock_case(&mut tx, case).await?;
        let row = sqlx::query("SELECT barrier, medically_fit_on FROM cases WHERE id = $1")
            .bind(case.to_string())
            .fetch_one(&mut *tx)
            .await?;
        let barrier: Option<String> = row.try_get("barrier")?;
        let fit: Option<String> = row.try_get("medically_fit_on")?;
        let fit = fit
            .map(|f| NaiveDate::parse_from_str(&f, "%Y-%m-%d"))
            .transpose()
            .map_err(|e| StoreError::corrupt("cases", case.to_string(), e))?;
        let barrier = barrier.as_deref().and_then(DischargeBarrier::parse);
        let saved = saved_bed_days(&programme, barrier, fit, discharged_on);
        let event = CaseEvent::Closed {
            outcome: goldthread_domain::programme::case::Outcome::DischargedHome,
            summary: summary.to_owned(),
        };
        if let Err(e) = status.apply(&event, &programme) {
            tx.rollback().await?;
            return Ok(Err(e));
        }
        let at = now();
        append_event(&mut tx, case, &event, actor, &at, &status, &programme).await?;
        sqlx::query("UPDATE cases SET discharged_on = $1, bed_days_saved = $2 WHERE id = $3")
            .bind(discharged_on.to_string())
            .bind(saved.map(i64::from))
            .bind(case.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Ok(status))
    }

    async fn lock_case(
        &self,
        tx: &mut Transaction<'static, Any>,
        case: &CaseId,
    ) -> Result<(CaseStatus, Programme), StoreError> {
        if self.backend == Backend::Sqlite {
            // Take the writer lock before reading (see ledger.rs).
            sqlx::query("UPDATE cases SET attempts = attempts WHERE id = $1")
                .bind(case.to_string())
                .execute(&mut **tx)
                .await?;
        }
        let lock = if self.backend == Backend::Postgres {
            " FOR UPDATE OF c"
        } else {
            ""
        };
        let row = sqlx::query(&format!(
            "SELECT c.status, p.id AS programme_id, p.definition FROM cases c \
             JOIN programmes p ON p.id = c.programme_id WHERE c.id = $1{lock}"
        ))
        .bind(case.to_string())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::Conflict(format!("there is no case {case}")))?;
        let status: CaseStatus = serde_json::from_str(&row.try_get::<String, _>("status")?)
            .map_err(|e| StoreError::corrupt("cases", case.to_string(), e))?;
        let programme = parse_definition(row.try_get("programme_id")?, row.try_get("definition")?)?;
        Ok((status, programme))
    }

    /// Sends a referral out to a directory service.
    pub async fn refer_out(&self, case: &CaseId, destination: &str) -> Result<String, StoreError> {
        let id = uuid::Uuid::new_v4().to_string();
        let at = now();
        sqlx::query(
            "INSERT INTO case_referrals (id, case_id, destination, status, sent_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(&id)
        .bind(case.to_string())
        .bind(destination)
        .bind(ReferralStatus::Sent.as_str())
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(id)
    }

    /// Moves a referral out to a new status (accepted, declined, completed with an outcome).
    pub async fn update_referral(
        &self,
        id: &str,
        next: ReferralStatus,
        outcome: Option<&str>,
    ) -> Result<Result<(), String>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query("SELECT status FROM case_referrals WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::Conflict(format!("there is no referral {id}")))?;
        let current: String = row.try_get("status")?;
        let current = ReferralStatus::parse(&current)
            .ok_or_else(|| StoreError::corrupt("case_referrals", id, current.clone()))?;
        if !current.can_become(next) {
            return Ok(Err(format!(
                "a referral that is {} cannot become {}",
                current.as_str(),
                next.as_str()
            )));
        }
        sqlx::query(
            "UPDATE case_referrals SET status = $1, outcome = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(next.as_str())
        .bind(outcome)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }
}

async fn insert_case(tx: &mut Transaction<'static, Any>, c: &NewCase) -> Result<(), StoreError> {
    let status = CaseStatus::referred(c.team);
    let at = c.created_at.clone().unwrap_or_else(now);
    sqlx::query(
        "INSERT INTO cases (id, reference, programme_id, team_organisation_id, state, priority, \
         due_on, subject_name, nhs_number, pseudonym, district_gss, source, referrer_ods, ward, \
         barrier, medically_fit_on, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, \
         $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)",
    )
    .bind(c.id.to_string())
    .bind(&c.reference)
    .bind(c.programme.as_str())
    .bind(c.team.to_string())
    .bind(status.state.as_str())
    .bind(i64::from(c.priority.min(100)))
    .bind(c.due_on.to_string())
    .bind(&c.subject_name)
    .bind(c.nhs_number.map(|n| n.digits()))
    .bind(c.pseudonym.as_deref())
    .bind(c.district.as_ref().map(|g| g.to_string()))
    .bind(&c.source)
    .bind(c.referrer.as_ref().map(|o| o.to_string()))
    .bind(c.ward.as_deref())
    .bind(c.barrier.map(|b| b.as_str()))
    .bind(c.medically_fit_on.map(|d| d.to_string()))
    .bind(to_json(&status)?)
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    let note = CaseEvent::Note {
        text: format!("Referred ({})", c.source),
    };
    sqlx::query(
        "INSERT INTO case_events (case_id, seq, at, actor, kind, detail, state_after) \
         VALUES ($1, 0, $2, $3, 'referred', $4, $5)",
    )
    .bind(c.id.to_string())
    .bind(&at)
    .bind(
        c.referrer
            .as_ref()
            .map(|o| o.to_string())
            .unwrap_or_else(|| c.source.clone()),
    )
    .bind(to_json(&note)?)
    .bind(status.state.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn append_event(
    tx: &mut Transaction<'static, Any>,
    case: &CaseId,
    event: &CaseEvent,
    actor: &str,
    at: &str,
    status: &CaseStatus,
    programme: &Programme,
) -> Result<(), StoreError> {
    let key = case.to_string();
    let kind = serde_json::to_value(event)
        .ok()
        .and_then(|v| v.get("event").and_then(|k| k.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "event".into());
    sqlx::query(
        "INSERT INTO case_events (case_id, seq, at, actor, kind, detail, state_after) \
         SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6 FROM case_events WHERE case_id = $1",
    )
    .bind(&key)
    .bind(at)
    .bind(actor)
    .bind(kind)
    .bind(to_json(event)?)
    .bind(status.state.as_str())
    .execute(&mut **tx)
    .await?;
    let due = next_due(status, at, programme);
    let closed_at = (status.state == CaseState::Closed).then(|| at.to_owned());
    let reached = status.state != CaseState::Referred && status.state != CaseState::NotReached;
    let needs = if status.needs.is_empty() {
        String::new()
    } else {
        format!(",{},", status.needs.join(","))
    };
    sqlx::query(
        "UPDATE cases SET state = $1, status = $2, team_organisation_id = $3, attempts = $4, \
         reached = CASE WHEN reached = 1 OR $5 = 1 THEN 1 ELSE 0 END, needs = $6, outcome = $7, \
         due_on = COALESCE($8, due_on), closed_at = COALESCE(closed_at, $9), updated_at = $10 \
         WHERE id = $11",
    )
    .bind(status.state.as_str())
    .bind(to_json(status)?)
    .bind(status.team.to_string())
    .bind(i64::from(status.attempts))
    .bind(i64::from(reached))
    .bind(needs)
    .bind(status.outcome.map(|o| o.as_str()))
    .bind(due)
    .bind(closed_at)
    .bind(at)
    .bind(&key)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Bed days saved by the programme's rule, when the barrier and medically fit date are known.
fn saved_bed_days(
    programme: &Programme,
    barrier: Option<DischargeBarrier>,
    fit: Option<NaiveDate>,
    discharged_on: NaiveDate,
) -> Option<u32> {
    let (b, fit) = (barrier?, fit?);
    let actual = (discharged_on - fit).num_days().max(0) as u32;
    let settings = programme.district_direct.clone().unwrap_or_default();
    Some(bed_days_saved(settings.expected_delay(b), actual))
}

/// The next date something is due: a follow-up while work goes on, a retry while not reached.
fn next_due(status: &CaseStatus, at: &str, programme: &Programme) -> Option<String> {
    use goldthread_domain::programme::calendar::add_working_days;
    let today = NaiveDate::parse_from_str(at.get(..10)?, "%Y-%m-%d").ok()?;
    let days = match status.state {
        CaseState::Referred | CaseState::NotReached => 2,
        CaseState::Contacted | CaseState::NeedsAssessed => 1,
        CaseState::ActionsInProgress => programme.service_levels.follow_up_days,
        CaseState::Closed => return None,
    };
    Some(add_working_days(today, days).to_string())
}

fn to_json<T: Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Conflict(format!("cannot encode: {e}")))
}

pub(crate) fn case_id_of(row: &AnyRow) -> Result<CaseId, StoreError> {
    let id: String = row.try_get("id")?;
    CaseId::parse(&id).map_err(|e| StoreError::corrupt("cases", &id, e))
}

#[cfg(test)]
mod tests;
