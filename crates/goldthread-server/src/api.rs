//! The JSON API under `/api/v1`, and `/healthz`.

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::routing::get;
use axum::{Json, Router};
use goldthread_domain::geography::views::{AreaDetail, IcbDetail, IcbSummary};
use goldthread_domain::{GssCode, GssEntity};
use serde::Serialize;
use serde_json::{json, Value};

use crate::{ApiError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/icbs", get(icbs))
        .route("/api/v1/icbs/{gss}", get(icb))
        .route("/api/v1/areas/{gss}", get(area))
}

/// A GSS code taken from the path; a malformed one is answered with 400 and the reason.
pub(crate) struct GssPath(pub GssCode);

impl<S: Send + Sync> FromRequestParts<S> for GssPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::bad_request("invalid_path", e.body_text()))?;
        GssCode::parse(&raw)
            .map(GssPath)
            .map_err(|e| ApiError::bad_request("invalid_gss_code", e.to_string()))
    }
}

async fn healthz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state.store().ping().await?;
    Ok(Json(json!({ "status": "ok" })))
}

#[derive(Serialize)]
struct IcbList {
    vintage: String,
    count: usize,
    icbs: Vec<IcbSummary>,
}

async fn icbs(State(state): State<AppState>) -> Result<Json<IcbList>, ApiError> {
    let geo = state.geography()?;
    let icbs: Vec<IcbSummary> = geo.icbs().iter().map(|i| geo.icb_summary(i)).collect();
    Ok(Json(IcbList {
        vintage: geo.vintage.clone(),
        count: icbs.len(),
        icbs,
    }))
}

async fn icb(
    State(state): State<AppState>,
    GssPath(code): GssPath,
) -> Result<Json<IcbDetail>, ApiError> {
    if code.entity() != GssEntity::IntegratedCareBoard {
        return Err(ApiError::bad_request(
            "not_an_icb_code",
            format!("{code} is not an ICB code; ICB codes start E54"),
        ));
    }
    let geo = state.geography()?;
    geo.icb_detail(&code)
        .map(Json)
        .ok_or_else(|| ApiError::not_found("unknown_icb", format!("no ICB has the code {code}")))
}

async fn area(
    State(state): State<AppState>,
    GssPath(code): GssPath,
) -> Result<Json<AreaDetail>, ApiError> {
    let geo = state.geography()?;
    geo.area_detail(&code).map(Json).ok_or_else(|| {
        ApiError::not_found(
            "unknown_area",
            format!(
                "no local authority has the code {code} in the {} geography",
                geo.vintage
            ),
        )
    })
}
