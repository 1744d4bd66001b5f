//! The Open Referral UK read API at the server root, as the standard places it: `/services`,
//! `/services/{id}`, `/organizations`, `/organizations/{id}`, `/taxonomy_terms`, and the API
//! information document at `/api` (the root `/` is the home page).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use goldthread_domain::directory::oruk::{Organization, Page, Term};
use goldthread_domain::directory::TermId;
use goldthread_domain::GssCode;
use goldthread_store::{ServiceHits, ServiceQuery};
use serde_json::{json, Value};

use super::{paging, parse_org_id, parse_service_id, widen_area};
use crate::{ApiError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api", get(info))
        .route("/services", get(services))
        .route("/services/{id}", get(service))
        .route("/organizations", get(organizations))
        .route("/organizations/{id}", get(organization))
        .route("/taxonomy_terms", get(taxonomy_terms))
}

async fn info() -> Json<Value> {
    Json(json!({
        "version": "3.0",
        "name": "goldthread service directory",
        "description": "Open Referral UK (HSDS 3.0 UK profile) read API: /services, \
                        /services/{id}, /organizations, /taxonomy_terms",
    }))
}

/// A directory query from ORUK's parameters (`text`, `taxonomy_term_id`, `organization_id`,
/// `service_area` (a GSS code or an area's name), `page`, `per_page`), each checked.
pub(crate) fn service_query(
    state: &AppState,
    q: &HashMap<String, String>,
    default_size: u64,
) -> Result<ServiceQuery, ApiError> {
    let get = |k: &str| q.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let (page, per_page) = paging(get("page"), get("per_page"), default_size)?;
    let mut text = get("text").map(str::to_owned);
    let term = get("taxonomy_term_id")
        .map(|t| {
            TermId::parse(t)
                .map_err(|e| ApiError::bad_request("invalid_id", format!("taxonomy_term_id: {e}")))
        })
        .transpose()?;
    let organisation = get("organization_id")
        .map(|o| parse_org_id("organization_id", o))
        .transpose()?;
    let mut areas = Vec::new();
    if let Some(area) = get("service_area") {
        let geo = state.geography()?;
        let code = match GssCode::parse(area) {
            Ok(c) => Some(c),
            Err(_) => geo
                .authorities()
                .iter()
                .find(|a| a.name.eq_ignore_ascii_case(area))
                .map(|a| a.code),
        };
        match code {
            Some(c) => areas = widen_area(&geo, &c),
            // A place name that is not a council area (a town, a village) is searched for as
            // words: service areas are indexed by the names people use.
            None => text = Some(format!("{} {area}", text.unwrap_or_default())),
        }
    }
    Ok(ServiceQuery {
        text,
        term,
        organisation,
        areas,
        page,
        per_page,
    })
}

/// Runs a directory search against the in-memory index, reading the page's services from the
/// store (for the web pages, which render the domain records).
pub(crate) async fn search(state: &AppState, q: &ServiceQuery) -> Result<ServiceHits, ApiError> {
    let index = state.directory.get(state.store()).await?;
    let hits = index.search(q);
    let services = state.store().services_by_ids(&index.ids(&hits)).await?;
    Ok(ServiceHits {
        services,
        total: hits.total,
    })
}

fn json(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn services(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let query = service_query(&state, &q, 10)?;
    let index = state.directory.get(state.store()).await?;
    let hits = index.search(&query);
    Ok(json(index.page_json(&hits, query.page, query.per_page)))
}

async fn service(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_service_id("id", &id)?;
    let index = state.directory.get(state.store()).await?;
    let body = index.full_json(&id).ok_or_else(|| {
        ApiError::not_found("unknown_service", format!("no service has the id {id}"))
    })?;
    Ok(json(body))
}

async fn organizations(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Page<Organization>>, ApiError> {
    let get = |k: &str| q.get(k).map(String::as_str);
    let (page, per_page) = paging(get("page"), get("per_page"), 50)?;
    let (records, total) = state.store().organisation_page(page, per_page).await?;
    let contents = records
        .iter()
        .map(|(o, p)| Organization::new(o, p))
        .collect();
    Ok(Json(Page::new(contents, total, page, per_page)))
}

async fn organization(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Organization>, ApiError> {
    let id = parse_org_id("id", &id)?;
    let (o, p) = state
        .store()
        .organisation_record(&id)
        .await?
        .ok_or_else(|| {
            ApiError::not_found(
                "unknown_organization",
                format!("no organisation has the id {id}"),
            )
        })?;
    Ok(Json(Organization::new(&o, &p)))
}

async fn taxonomy_terms(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Page<Term>>, ApiError> {
    let get = |k: &str| q.get(k).map(String::as_str);
    let (page, per_page) = paging(get("page"), get("per_page"), 50)?;
    let terms = state.store().taxonomy_terms().await?;
    let total = terms.len() as u64;
    let contents = terms
        .iter()
        .skip(((page - 1) * per_page) as usize)
        .take(per_page as usize)
        .map(Term::from)
        .collect();
    Ok(Json(Page::new(contents, total, page, per_page)))
}
