//! The case JSON API: programmes, worklists, cases, events, payments and discharges. The form
//! handlers in `forms.rs` call the same functions, so the web pages and the API keep one set of
//! rules.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use goldthread_domain::ledger::Override;
use goldthread_domain::programme::case::{CaseEvent, CaseStatus};
use goldthread_domain::programme::{Programme, ProgrammeId};
use goldthread_domain::Money;
use goldthread_store::{CaseRecord, CaseSummary, PaymentRequest};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::access::Caller;
use super::{case_budget, load_case, today, unprocessable};
use crate::{ApiError, AppState};

/// `GET /api/v1/programmes`: every programme, for anyone signed in.
pub(crate) async fn programmes(
    State(state): State<AppState>,
    _signed_in: Caller,
) -> Result<Json<Value>, ApiError> {
    let all = state.store().programmes().await?;
    Ok(Json(json!({ "count": all.len(), "programmes": all })))
}

#[derive(Deserialize)]
pub(crate) struct WorklistQuery {
    programme: Option<String>,
}

/// The caller's open cases across their teams: highest priority first, then soonest due.
pub(crate) async fn team_worklist(
    state: &AppState,
    caller: &Caller,
    programme: Option<&str>,
) -> Result<Vec<CaseSummary>, ApiError> {
    let programme = programme
        .filter(|p| !p.is_empty())
        .map(ProgrammeId::parse)
        .transpose()
        .map_err(|e| ApiError::bad_request("invalid_programme_id", e.to_string()))?;
    let subject = format!(
        "worklist/{}",
        programme.as_ref().map_or("all", |p| p.as_str())
    );
    let teams = match caller.require_case_worker() {
        Ok(t) => t,
        Err(e) => {
            let user = &caller.user;
            return Err(
                crate::auth::deny_and_record(state, user, "read.worklist", subject, e).await,
            );
        }
    };
    let resources = teams.iter().map(|t| super::access::case_of(*t)).collect();
    super::access::authorise_case(state, caller, resources, "read.worklist", subject).await?;
    let mut all = Vec::new();
    for team in caller.teams() {
        all.extend(
            state
                .store()
                .worklist(&team, programme.as_ref(), 500)
                .await?,
        );
    }
    all.sort_by(|a, b| {
        b.priority
            .cmp(&a.priority)
            .then_with(|| a.due_on.cmp(&b.due_on))
            .then_with(|| a.reference.cmp(&b.reference))
    });
    Ok(all)
}

/// `GET /api/v1/cases`: the caller's worklist.
pub(crate) async fn worklist(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<WorklistQuery>,
) -> Result<Json<Value>, ApiError> {
    let cases = team_worklist(&state, &caller, q.programme.as_deref()).await?;
    Ok(Json(json!({ "count": cases.len(), "cases": cases })))
}

/// `GET /api/v1/cases/{key}`: one case with its history, for its team.
pub(crate) async fn case(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
) -> Result<Json<CaseRecord>, ApiError> {
    let (record, _) = load_case(&state, &caller, &key).await?;
    Ok(Json(record))
}

/// Records an event on a case the caller works; 422 with the rule when it is refused.
pub(crate) async fn apply_event(
    state: &AppState,
    caller: &Caller,
    key: &str,
    event: &CaseEvent,
) -> Result<CaseStatus, ApiError> {
    let (record, _) = load_case(state, caller, key).await?;
    state
        .store()
        .record_case_event(&record.summary.id, event, &caller.actor)
        .await?
        .map_err(|e| unprocessable("case_rule", e.to_string()))
}

/// `POST /api/v1/cases/{key}/events` with a case event as JSON.
pub(crate) async fn record_event(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
    Json(event): Json<CaseEvent>,
) -> Result<Json<CaseStatus>, ApiError> {
    apply_event(&state, &caller, &key, &event).await.map(Json)
}

/// A payment as the API and the form send it.
#[derive(Deserialize)]
pub(crate) struct PaymentInput {
    /// Amount in pence.
    pub amount_pence: i64,
    pub payee: String,
    pub purpose: String,
    /// The day paid (default today).
    pub paid_on: Option<NaiveDate>,
    /// Permission to overspend.
    #[serde(rename = "override")]
    pub authorised: Option<Override>,
}

#[derive(Serialize)]
pub(crate) struct PaymentReceipt {
    pub transaction: String,
    pub budget: String,
    pub balance: Money,
}

/// Pays from the case team's budget for a case; 422 for an overspend without an override.
pub(crate) async fn make_payment(
    state: &AppState,
    caller: &Caller,
    key: &str,
    input: PaymentInput,
) -> Result<PaymentReceipt, ApiError> {
    let (record, programme) = load_case(state, caller, key).await?;
    if programme.budget_per_organisation.is_none() {
        return Err(unprocessable(
            "no_budget",
            format!("{} does not pay for things directly", programme.name),
        ));
    }
    let paid_on = input.paid_on.unwrap_or_else(today);
    let budget = case_budget(state, &record, paid_on).await?;
    let request = PaymentRequest {
        amount: Money::from_pence(input.amount_pence),
        payee: input.payee.trim().to_owned(),
        purpose: input.purpose.trim().to_owned(),
        case: Some(record.summary.id),
        paid_on,
        recorded_by: caller.actor.clone(),
        authorised: input.authorised,
    };
    let transaction = state
        .store()
        .pay(&budget.id, &request)
        .await?
        .map_err(|e| unprocessable("ledger_rule", e.to_string()))?;
    let after = state
        .store()
        .budget(&budget.id)
        .await?
        .map(|b| b.balance)
        .unwrap_or_default();
    Ok(PaymentReceipt {
        transaction,
        budget: budget.id,
        balance: after,
    })
}

/// `POST /api/v1/cases/{key}/payments`.
pub(crate) async fn pay(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
    Json(input): Json<PaymentInput>,
) -> Result<(StatusCode, Json<PaymentReceipt>), ApiError> {
    let receipt = make_payment(&state, &caller, &key, input).await?;
    Ok((StatusCode::CREATED, Json(receipt)))
}

/// A discharge as the API and the form send it.
#[derive(Deserialize)]
pub(crate) struct DischargeInput {
    pub discharged_on: Option<NaiveDate>,
    pub summary: String,
}

/// Records that a District Direct patient went home, computing bed days saved.
pub(crate) async fn record_discharge(
    state: &AppState,
    caller: &Caller,
    key: &str,
    input: DischargeInput,
) -> Result<CaseStatus, ApiError> {
    let (record, programme) = load_case(state, caller, key).await?;
    require_district_direct(&programme)?;
    state
        .store()
        .record_discharge(
            &record.summary.id,
            input.discharged_on.unwrap_or_else(today),
            &input.summary,
            &caller.actor,
        )
        .await?
        .map_err(|e| unprocessable("case_rule", e.to_string()))
}

fn require_district_direct(p: &Programme) -> Result<(), ApiError> {
    if p.district_direct.is_some() {
        Ok(())
    } else {
        Err(unprocessable(
            "not_district_direct",
            format!("{} does not record discharges", p.name),
        ))
    }
}

/// `POST /api/v1/cases/{key}/discharge`.
pub(crate) async fn discharge(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
    Json(input): Json<DischargeInput>,
) -> Result<Json<CaseStatus>, ApiError> {
    record_discharge(&state, &caller, &key, input)
        .await
        .map(Json)
}
