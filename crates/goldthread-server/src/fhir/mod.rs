//! The FHIR R4 endpoint hospitals send referrals to: `POST /fhir/ServiceRequest` and
//! `GET /fhir/metadata`. Every error is an `OperationOutcome`: 400 for a body that is not a
//! ServiceRequest, 401 and 403 from the one access seam, 415 for the wrong media type, 422 for a
//! ServiceRequest that breaks the rules, each issue naming the element at fault.

mod capability;
mod outcome;
pub(crate) mod service_request;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::programme::calendar::add_working_days;
use goldthread_domain::programme::case::CaseId;
use goldthread_store::NewCase;
use serde_json::Value;

use crate::cases::access::{authorise_case, Caller, Denied};
use crate::{ApiError, AppState};
use outcome::{fhir_json, FHIR_JSON};
pub(crate) use outcome::{FhirError, Issue};
use service_request::IncomingReferral;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/fhir/metadata", get(metadata))
        .route("/fhir/ServiceRequest", post(create_service_request))
        .route("/fhir/{*rest}", axum::routing::any(unsupported))
}

async fn metadata() -> Response {
    fhir_json(StatusCode::OK, &capability::capability_statement())
}

async fn unsupported() -> FhirError {
    FhirError::new(
        StatusCode::NOT_FOUND,
        "not-supported",
        "this server supports GET /fhir/metadata and POST /fhir/ServiceRequest only",
    )
}

impl From<Denied> for FhirError {
    fn from(d: Denied) -> Self {
        match d {
            Denied::NotSignedIn(_) => FhirError::new(
                StatusCode::UNAUTHORIZED,
                "login",
                "send a bearer token for an account with the case worker role",
            ),
            Denied::Failed(r) => {
                FhirError::new(r.status(), "exception", "could not check who is asking")
            }
        }
    }
}

impl From<ApiError> for FhirError {
    fn from(e: ApiError) -> Self {
        let code = match e.status {
            StatusCode::UNAUTHORIZED => "login",
            StatusCode::FORBIDDEN => "forbidden",
            StatusCode::NOT_FOUND => "not-found",
            s if s.is_client_error() => "invalid",
            _ => "exception",
        };
        FhirError::new(e.status, code, e.message)
    }
}

fn check_media_type(headers: &HeaderMap) -> Result<(), FhirError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = ct.split(';').next().unwrap_or("").trim();
    if mime.eq_ignore_ascii_case(FHIR_JSON) {
        Ok(())
    } else {
        Err(FhirError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not-supported",
            format!("send the ServiceRequest as {FHIR_JSON} (got {:?})", ct),
        ))
    }
}

fn parse_resource(body: &[u8]) -> Result<Value, FhirError> {
    let v: Value = serde_json::from_slice(body).map_err(|e| {
        FhirError::new(
            StatusCode::BAD_REQUEST,
            "structure",
            format!("the body is not JSON: {e}"),
        )
    })?;
    match v.get("resourceType").and_then(Value::as_str) {
        Some("ServiceRequest") => Ok(v),
        Some(other) => Err(FhirError::new(
            StatusCode::BAD_REQUEST,
            "structure",
            format!("expected a ServiceRequest, got a {other}"),
        )),
        None => Err(FhirError::new(
            StatusCode::BAD_REQUEST,
            "structure",
            "the body is not a FHIR resource: resourceType is missing",
        )),
    }
}

fn unprocessable(issues: Vec<Issue>) -> FhirError {
    FhirError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        issues,
    }
}

async fn create_service_request(
    State(state): State<AppState>,
    caller: Result<Caller, Denied>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, FhirError> {
    let caller = caller?;
    check_media_type(&headers)?;
    let mut resource = parse_resource(&body)?;
    let case = accept_referral(&state, &caller, &resource, "fhir").await?;
    resource["id"] = Value::String(case.id.to_string());
    resource["identifier"] =
        serde_json::json!([{ "system": "urn:goldthread:case-reference", "value": case.reference }]);
    let location = format!("/fhir/ServiceRequest/{}", case.id);
    let mut response = fhir_json(StatusCode::CREATED, &resource);
    if let Ok(v) = location.parse() {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response.into_response())
}

/// Accepts a referral however it arrived (`source`: `fhir`, or `web_form`, whose fields are
/// written as a ServiceRequest first): one reader checks it, the programme and the receiving
/// council must exist here, the caller must work for the referrer or the council (one audit
/// event), and the case is opened. 422 with every issue when the referral is not valid.
pub(crate) async fn accept_referral(
    state: &AppState,
    caller: &Caller,
    resource: &Value,
    source: &'static str,
) -> Result<NewCase, FhirError> {
    let referral = service_request::read(resource).map_err(unprocessable)?;
    let programme = state
        .store()
        .programme(&referral.programme)
        .await?
        .ok_or_else(|| {
            unprocessable(vec![Issue::at(
                "value",
                "ServiceRequest.code",
                format!("there is no programme {} here", referral.programme),
            )])
        })?;
    let team = OrganisationId::for_code(referral.council.as_str());
    if state.store().organisation(&team).await?.is_none() {
        return Err(unprocessable(vec![Issue::at(
            "value",
            "ServiceRequest.performer[0].identifier.value",
            format!(
                "no council with GSS code {} takes referrals here",
                referral.council
            ),
        )]));
    }
    let referrer = OrganisationId::for_code(referral.requester.as_str());
    let mut case = new_case(&referral, team, programme.service_levels.first_contact_days);
    case.source = source.to_owned();
    let subject = format!("case/{}", case.id);
    let held_by = goldthread_domain::sharing::Resource::Case {
        team,
        referrer: Some(referrer),
    };
    authorise_case(state, caller, vec![held_by], "case.referral_in", subject).await?;
    state.store().open_case(&case).await?;
    tracing::info!(case = %case.id, programme = %referral.programme, actor = %caller.actor, source, "referral received");
    Ok(case)
}

fn new_case(r: &IncomingReferral, team: OrganisationId, first_contact_days: u32) -> NewCase {
    let id = CaseId::new_random();
    let today = Utc::now().date_naive();
    let prefix = match r.programme.as_str() {
        "district-direct" => "DD",
        "waiting-well" => "WW",
        "home-adaptations" => "HA",
        "social-prescribing" => "SP",
        _ => "CASE",
    };
    let short: String = id
        .to_string()
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(8)
        .collect();
    NewCase {
        id,
        reference: format!("{prefix}-{}", short.to_uppercase()),
        programme: r.programme.clone(),
        team,
        priority: r.priority,
        due_on: add_working_days(today, first_contact_days),
        subject_name: r.patient_name.clone(),
        nhs_number: Some(r.nhs_number),
        pseudonym: None,
        district: Some(r.council),
        source: "fhir".into(),
        referrer: Some(r.requester.clone()),
        ward: r.ward.clone(),
        barrier: r.barrier,
        medically_fit_on: r.medically_fit_on.or(Some(today)),
        created_at: None,
    }
}

#[cfg(test)]
mod tests;
