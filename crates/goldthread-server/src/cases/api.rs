//! The case JSON API: programmes, worklists, cases, events, payments and discharges. The form
//! handlers in `forms.rs` call the same functions, so the web pages and the API keep one set of
//! rules.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use goldthread_domain::ledger::Override;
use goldthread_domain::organisation::OrganisationId;
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

/// The worklist's query: `programme`, `team` (an organisation id the caller works in),
/// `page` (from 1) and `per_page` (1 to [`MAX_PER_PAGE`]).
#[derive(Deserialize, Default)]
pub(crate) struct WorklistQuery {
    pub programme: Option<String>,
    pub team: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

/// Cases on a worklist page unless asked otherwise.
pub(crate) const DEFAULT_PER_PAGE: u32 = 50;
/// The most cases one page holds.
pub(crate) const MAX_PER_PAGE: u32 = 200;

/// One page of a worklist.
#[derive(Serialize)]
pub(crate) struct Worklist {
    /// Open cases on every page.
    pub total: i64,
    /// This page, from 1.
    pub page: u32,
    pub per_page: u32,
    /// Pages in all (at least 1).
    pub pages: u32,
    /// Cases on this page.
    pub count: usize,
    pub cases: Vec<CaseSummary>,
}

fn whole_number(field: &str, value: Option<&str>, default: u32, max: u32) -> Result<u32, ApiError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(default);
    };
    match v.parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(ApiError::bad_request(
            "invalid_paging",
            format!("{field} must be a whole number from 1 to {max}, not {v:?}"),
        )),
    }
}

/// The caller's open cases across their teams (or the one team asked for): highest priority
/// first, then soonest due, one page at a time. One audit event per page read.
pub(crate) async fn team_worklist(
    state: &AppState,
    caller: &Caller,
    q: &WorklistQuery,
) -> Result<Worklist, ApiError> {
    let programme = q
        .programme
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(ProgrammeId::parse)
        .transpose()
        .map_err(|e| ApiError::bad_request("invalid_programme_id", e.to_string()))?;
    let page = whole_number("page", q.page.as_deref(), 1, 1_000_000)?;
    let per_page = whole_number(
        "per_page",
        q.per_page.as_deref(),
        DEFAULT_PER_PAGE,
        MAX_PER_PAGE,
    )?;
    let team = q
        .team
        .as_deref()
        .filter(|t| !t.is_empty())
        .map(OrganisationId::parse)
        .transpose()
        .map_err(|e| ApiError::bad_request("invalid_team", e.to_string()))?;
    let subject = format!(
        "worklist/{}",
        programme.as_ref().map_or("all", |p| p.as_str())
    );
    let teams = match team {
        Some(t) => vec![t],
        None => match caller.require_case_worker() {
            Ok(t) => t,
            Err(e) => {
                let user = &caller.user;
                return Err(
                    crate::auth::deny_and_record(state, user, "read.worklist", subject, e).await,
                );
            }
        },
    };
    let resources = teams.iter().map(|t| super::access::case_of(*t)).collect();
    super::access::authorise_case(state, caller, resources, "read.worklist", subject).await?;
    let teams: Vec<OrganisationId> = match team {
        Some(t) => vec![t],
        None => caller.teams(),
    };
    let found = state
        .store()
        .worklist_page(
            &teams,
            programme.as_ref(),
            u64::from(page - 1) * u64::from(per_page),
            per_page,
        )
        .await?;
    let per = i64::from(per_page);
    let pages = u32::try_from((found.total.max(1) + per - 1) / per).unwrap_or(u32::MAX);
    Ok(Worklist {
        total: found.total,
        page,
        per_page,
        pages,
        count: found.cases.len(),
        cases: found.cases,
    })
}

/// `GET /api/v1/cases?programme=&team=&page=&per_page=`: a page of the caller's worklist.
pub(crate) async fn worklist(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<WorklistQuery>,
) -> Result<Json<Worklist>, ApiError> {
    team_worklist(&state, &caller, &q).await.map(Json)
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
