//! `GET /api/v1/icbs/{gss}/representation` and `GET /api/v1/responsible`.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use goldthread_domain::board::RepresentationReport;
use goldthread_domain::function::{self, Function, ResponsibleError};
use goldthread_domain::geography::Authority;
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::GssCode;
use serde::Serialize;

use super::icb_code;
use crate::api::GssPath;
use crate::{ApiError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/icbs/{gss}/representation", get(representation))
        .route("/api/v1/responsible", get(responsible))
}

/// The representation report of an ICS, from the store.
pub(crate) async fn build_report(
    state: &AppState,
    icb: &GssCode,
) -> Result<RepresentationReport, ApiError> {
    let geo = state.geography()?;
    if geo.icb(icb).is_none() {
        return Err(ApiError::not_found(
            "unknown_icb",
            format!("no ICB has the code {icb}"),
        ));
    }
    let store = state.store();
    let boards = store.boards_in(icb).await?;
    let seats = store.seats_in(icb).await?;
    let orgs: Vec<_> = store
        .organisation_records()
        .await?
        .into_iter()
        .map(|(o, _)| o)
        .collect();
    Ok(RepresentationReport::build(
        &geo, icb, &boards, &seats, &orgs,
    ))
}

async fn representation(
    State(state): State<AppState>,
    GssPath(code): GssPath,
) -> Result<Json<RepresentationReport>, ApiError> {
    let icb = icb_code(code)?;
    build_report(&state, &icb).await.map(Json)
}

#[derive(Serialize)]
struct Council {
    code: GssCode,
    name: String,
    tier: goldthread_domain::geography::Tier,
    organisation_id: OrganisationId,
    organisation_url: String,
}

impl From<&Authority> for Council {
    fn from(a: &Authority) -> Self {
        let id = OrganisationId::for_code(a.code.as_str());
        Self {
            code: a.code,
            name: a.name.clone(),
            tier: a.tier,
            organisation_id: id,
            organisation_url: format!("/organisations/{id}"),
        }
    }
}

#[derive(Serialize)]
struct FunctionRef {
    id: Function,
    label: &'static str,
    tier: function::FunctionTier,
}

#[derive(Serialize)]
struct ResponsibleAnswer {
    function: FunctionRef,
    area: Council,
    responsible: Vec<Council>,
}

async fn responsible(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<ResponsibleAnswer>, ApiError> {
    let need = |k: &str| {
        q.get(k)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                ApiError::bad_request(
                    "missing_parameter",
                    format!("give ?function=<function>&area=<GSS code>; {k} is missing"),
                )
            })
    };
    let f = Function::parse(need("function")?)
        .map_err(|e| ApiError::bad_request("invalid_function", e.to_string()))?;
    let area = GssCode::parse(need("area")?)
        .map_err(|e| ApiError::bad_request("invalid_gss_code", e.to_string()))?;
    let geo = state.geography()?;
    let r = function::responsible(&geo, f, &area)
        .map_err(|e: ResponsibleError| ApiError::not_found("unknown_area", e.to_string()))?;
    let answer = ResponsibleAnswer {
        function: FunctionRef {
            id: f,
            label: f.label(),
            tier: f.tier(),
        },
        area: Council::from(r.area),
        responsible: r.responsible.into_iter().map(Council::from).collect(),
    };
    Ok(Json(answer))
}
