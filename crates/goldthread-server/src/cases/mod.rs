//! The case system district and NHS teams work in: worklists per team, case pages, District
//! Direct ward referral pickup with same-day payments, and programme dashboards with CSV
//! export. Every route that shows a person passes [`access::Caller`], the one seam to sign-in.

pub(crate) mod access;
mod adaptations;
mod api;
mod dashboard;
mod forms;
mod letters;
mod measures;
mod pages;
mod programme_form;
mod referral_form;
mod reminders;

use axum::routing::{get, post};
use axum::Router;
use chrono::{Datelike, NaiveDate, Utc};
use goldthread_domain::programme::{Programme, ProgrammeId};
use goldthread_domain::FinancialYear;
use goldthread_store::{Budget, CaseRecord};

use crate::{ApiError, AppState};
use access::{authorise_case, case_of, Caller};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/programmes",
            get(api::programmes).post(programme_form::create),
        )
        .route("/api/v1/programmes/{id}/dashboard", get(dashboard::json))
        .route("/api/v1/cases", get(api::worklist))
        .route("/api/v1/cases/{key}", get(api::case))
        .route("/api/v1/cases/{key}/events", post(api::record_event))
        .route("/api/v1/cases/{key}/payments", post(api::pay))
        .route("/api/v1/cases/{key}/discharge", post(api::discharge))
        .route(
            "/api/v1/cases/{key}/dfg",
            get(adaptations::get_dfg).put(adaptations::put_dfg),
        )
        .route("/cases", get(pages::worklist))
        .route("/cases/reminders", get(reminders::page))
        .route(
            "/cases/new",
            get(referral_form::page).post(referral_form::submit),
        )
        .route("/cases/{key}", get(pages::case_page))
        .route("/cases/{key}/pick-up", post(forms::pick_up))
        .route("/cases/{key}/events", post(forms::record_event))
        .route("/cases/{key}/payments", post(forms::pay))
        .route("/cases/{key}/discharge", post(forms::discharge))
        .route(
            "/cases/{key}/letters/{code}",
            get(letters::page).post(letters::sent),
        )
        .route(
            "/programmes/new",
            get(programme_form::page).post(programme_form::submit),
        )
        .route("/programmes/{id}", get(dashboard::page))
        .route("/programmes/{id}/measures/refresh", post(measures::refresh))
        .route("/programmes/{id}/dashboard.csv", get(dashboard::csv))
}

/// Today in UK terms (UTC is within an hour and the ledger records dates only).
pub(crate) fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// A 422 with a message, for input that parsed but breaks a rule.
pub(crate) fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError {
        status: axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        code,
        message: message.into(),
    }
}

/// A case the caller may work, with its programme; 404 when there is none, 403 when it belongs
/// to a team they are not in.
pub(crate) async fn load_case(
    state: &AppState,
    caller: &Caller,
    key: &str,
) -> Result<(CaseRecord, Programme), ApiError> {
    let record =
        state.store().case(key).await?.ok_or_else(|| {
            ApiError::not_found("unknown_case", format!("there is no case {key}"))
        })?;
    let subject = format!("case/{}", record.summary.id);
    authorise_case(
        state,
        caller,
        vec![case_of(record.summary.team)],
        "read.case",
        subject,
    )
    .await?;
    let programme = programme(state, &record.summary.programme).await?;
    Ok((record, programme))
}

/// A programme by id; 400 for a malformed id, 404 for an unknown one.
pub(crate) async fn programme(state: &AppState, id: &str) -> Result<Programme, ApiError> {
    let id = ProgrammeId::parse(id)
        .map_err(|e| ApiError::bad_request("invalid_programme_id", e.to_string()))?;
    state.store().programme(&id).await?.ok_or_else(|| {
        ApiError::not_found("unknown_programme", format!("there is no programme {id}"))
    })
}

/// The budget a case's payments come from: its programme, its team, the financial year of
/// the payment date.
pub(crate) async fn case_budget(
    state: &AppState,
    record: &CaseRecord,
    on: NaiveDate,
) -> Result<Budget, ApiError> {
    let year = FinancialYear::containing(on.year() as u16, on.month() as u8);
    let programme = ProgrammeId::parse(&record.summary.programme)
        .map_err(|e| ApiError::bad_request("invalid_programme_id", e.to_string()))?;
    let budgets = state.store().budgets(&programme).await?;
    budgets
        .into_iter()
        .find(|b| b.organisation == record.summary.team && b.financial_year == year.to_string())
        .ok_or_else(|| {
            unprocessable(
                "no_budget",
                format!("the team working this case has no {programme} budget for {year}"),
            )
        })
}
