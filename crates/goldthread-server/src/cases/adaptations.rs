//! Disabled Facilities Grants on home adaptations cases: `GET` and `PUT
//! /api/v1/cases/{key}/dfg`, and the timescale figures for the programme dashboard (working
//! days against the 55 and 150 working-day guidance, weekends and England and Wales bank
//! holidays excluded).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use goldthread_domain::programme::adaptations::{self, DfgApplication, TimescaleSummary};
use goldthread_domain::programme::{Programme, ProgrammeKind};
use goldthread_stats::{Disclosed, DisclosureRule};
use goldthread_store::StoredDfg;
use serde::Serialize;
use serde_json::json;

use super::access::Caller;
use super::{load_case, today, unprocessable};
use crate::{ApiError, AppState};

fn require_home_adaptations(p: &Programme) -> Result<(), ApiError> {
    if p.kind == ProgrammeKind::HomeAdaptations {
        Ok(())
    } else {
        Err(unprocessable(
            "not_home_adaptations",
            format!("{} has no Disabled Facilities Grants", p.name),
        ))
    }
}

/// `GET /api/v1/cases/{key}/dfg`: the case's application, 404 when it has none.
pub(crate) async fn get_dfg(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
) -> Result<Json<StoredDfg>, ApiError> {
    let (record, programme) = load_case(&state, &caller, &key).await?;
    require_home_adaptations(&programme)?;
    state
        .store()
        .dfg(&record.summary.id)
        .await?
        .map(Json)
        .ok_or_else(|| {
            ApiError::not_found(
                "no_dfg",
                format!("case {key} has no DFG application yet: PUT one"),
            )
        })
}

/// `PUT /api/v1/cases/{key}/dfg`: creates or replaces the application; 422 naming every
/// problem (`error.problems`).
pub(crate) async fn put_dfg(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
    Json(application): Json<DfgApplication>,
) -> Result<Response, ApiError> {
    let (record, programme) = load_case(&state, &caller, &key).await?;
    require_home_adaptations(&programme)?;
    let grant = match application.check(today()) {
        Ok(g) => g,
        Err(problems) => {
            let message = problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({ "error": {
                    "code": "invalid_dfg",
                    "message": message,
                    "problems": problems,
                }})),
            )
                .into_response());
        }
    };
    state
        .store()
        .put_dfg(&record.summary.id, &application, grant, &caller.actor)
        .await?;
    let stored = state.store().dfg(&record.summary.id).await?;
    Ok(Json(stored).into_response())
}

/// DFG timescales for a dashboard, each count after disclosure control.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Timescales {
    pub urgent_target_working_days: u32,
    pub standard_target_working_days: u32,
    pub urgent_within: Disclosed,
    pub urgent_late: Disclosed,
    pub standard_within: Disclosed,
    pub standard_late: Disclosed,
    pub open_overdue: Disclosed,
    pub open_on_time: Disclosed,
}

/// The programme's DFGs against the guidance as of today; `None` for other programmes.
pub(crate) async fn timescales(
    state: &AppState,
    programme: &Programme,
    rule: &DisclosureRule,
) -> Result<Option<Timescales>, ApiError> {
    if programme.kind != ProgrammeKind::HomeAdaptations {
        return Ok(None);
    }
    let all = state.store().dfg_milestones(&programme.id).await?;
    let s: TimescaleSummary = adaptations::timescales(all.iter().map(|(_, m)| m), today());
    Ok(Some(Timescales {
        urgent_target_working_days: adaptations::URGENT_WORKING_DAYS,
        standard_target_working_days: adaptations::STANDARD_WORKING_DAYS,
        urgent_within: rule.apply(s.urgent_within),
        urgent_late: rule.apply(s.urgent_late),
        standard_within: rule.apply(s.standard_within),
        standard_late: rule.apply(s.standard_late),
        open_overdue: rule.apply(s.open_overdue),
        open_on_time: rule.apply(s.open_on_time),
    }))
}
