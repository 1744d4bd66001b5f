//! `/api/v1/cohorts`: linkage jobs under an agreement. An analyst picks two datasets the
//! agreement covers; they are linked on the keyed pseudonym (the same person has the same
//! pseudonym in every dataset of the instance) and the result is a pseudonymous cohort.
//! Probabilistic linkage on privacy-preserving encodings (`goldthread-link`'s keyed Bloom
//! filters) slots in here in place of the exact pseudonym join.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use goldthread_domain::audit::AuditRecord;
use goldthread_domain::sharing::{AgreementId, CohortId, Resource};
use goldthread_store::{Cohort, Dataset};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::datasets::{is_party, parse_dataset_id, parse_purpose};
use crate::auth::{authorise, deny_and_record, CurrentUser, Intent, ReadCounts};
use crate::{ApiError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/cohorts", get(list).post(run))
        .route("/api/v1/cohorts/{id}/members", get(members))
}

#[derive(Serialize)]
struct CohortView {
    id: String,
    agreement: String,
    name: String,
    organisation: String,
    created_at: String,
    datasets: [String; 2],
    members: i64,
}

impl From<&Cohort> for CohortView {
    fn from(c: &Cohort) -> Self {
        Self {
            id: c.id.to_string(),
            agreement: c.agreement.to_string(),
            name: c.name.clone(),
            organisation: c.organisation.to_string(),
            created_at: c.created_at.clone(),
            datasets: c.datasets.map(|d| d.to_string()),
            members: c.member_count,
        }
    }
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<CohortView>>, ApiError> {
    let agreements = state.store().agreements().await?;
    let cohorts = state.store().cohorts().await?;
    Ok(Json(
        cohorts
            .iter()
            .filter(|c| {
                agreements
                    .iter()
                    .any(|a| a.id == c.agreement && is_party(&user, a))
            })
            .map(CohortView::from)
            .collect(),
    ))
}

#[derive(Deserialize)]
struct RunCohort {
    agreement: String,
    name: String,
    purpose: String,
    datasets: [String; 2],
}

fn resource(d: &Dataset) -> Resource {
    Resource::Dataset {
        owner: d.organisation,
        kind: d.kind,
        agreement: d.agreement,
    }
}

async fn load_pair(
    state: &AppState,
    req: &RunCohort,
) -> Result<(AgreementId, [Dataset; 2]), ApiError> {
    let agreement = AgreementId::parse(&req.agreement)
        .map_err(|e| ApiError::bad_request("invalid_agreement", e.reason))?;
    if req.name.trim().is_empty()
        || req.name.chars().count() > 120
        || req.name.chars().any(char::is_control)
    {
        return Err(ApiError::bad_request(
            "invalid_name",
            "a cohort needs a name of at most 120 printable characters",
        ));
    }
    let mut out = Vec::with_capacity(2);
    for id in &req.datasets {
        let d = state
            .store()
            .dataset(parse_dataset_id(id)?)
            .await?
            .filter(|d| d.agreement == agreement)
            .ok_or_else(|| {
                ApiError::forbidden("each dataset must be one shared under the agreement named")
            })?;
        out.push(d);
    }
    let [a, b]: [Dataset; 2] = out
        .try_into()
        .map_err(|_| ApiError::bad_request("invalid_datasets", "name two datasets"))?;
    if a.id == b.id {
        return Err(ApiError::bad_request(
            "invalid_datasets",
            "name two different datasets",
        ));
    }
    Ok((agreement, [a, b]))
}

async fn run(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<RunCohort>,
) -> Result<Response, ApiError> {
    let subject = format!("cohort/new/{}", req.agreement);
    let loaded = match (
        load_pair(&state, &req).await,
        parse_purpose(Some(&req.purpose)),
    ) {
        (Ok(l), Ok(p)) => (l, p),
        (Err(e), _) | (_, Err(e)) => {
            return Err(deny_and_record(&state, &user, "linkage.run", subject, e).await)
        }
    };
    let ((agreement, [left, right]), purpose) = loaded;
    let intent = Intent {
        action: "linkage.run",
        subject,
        resources: vec![resource(&left), resource(&right)],
        purpose,
        fields: Vec::new(),
        identifiable: false,
    };
    let store = state.store().clone();
    let name = req.name.trim().to_owned();
    let cohort = authorise(&state, &user, intent, async |grant| {
        let c = store
            .link_cohort(&Cohort {
                id: CohortId::new_random(),
                agreement,
                name,
                created_by: user.account.id,
                organisation: grant.acting_for,
                created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                datasets: [left.id, right.id],
                member_count: 0,
            })
            .await?;
        let n = c.member_count as usize;
        Ok((
            c,
            ReadCounts {
                returned: n,
                opted_out: 0,
            },
        ))
    })
    .await?;
    state
        .store()
        .append_audit(AuditRecord {
            actor: user.account.id.to_string(),
            organisation: Some(cohort.organisation.to_string()),
            action: "cohort.created".into(),
            outcome: "done".into(),
            agreement: Some(agreement.to_string()),
            purpose: Some(purpose.as_str().into()),
            subject: format!("cohort/{}", cohort.id),
            detail: format!("{} people in both datasets", cohort.member_count),
            ..AuditRecord::default()
        })
        .await?;
    Ok((StatusCode::CREATED, Json(CohortView::from(&cohort))).into_response())
}

#[derive(Deserialize)]
struct PurposeQuery {
    purpose: Option<String>,
}

async fn members(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<PurposeQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let subject = format!("cohort/{id}");
    let loaded = load_cohort(&state, &id, q.purpose.as_deref()).await;
    let (cohort, datasets, purpose) = match loaded {
        Ok(v) => v,
        Err(e) => {
            return Err(deny_and_record(&state, &user, "read.cohort_members", subject, e).await)
        }
    };
    let intent = Intent {
        action: "read.cohort_members",
        subject,
        resources: datasets.iter().map(resource).collect(),
        purpose,
        fields: Vec::new(),
        identifiable: false,
    };
    let store = state.store().clone();
    let body = authorise(&state, &user, intent, async |grant| {
        let (people, opted_out) = store
            .cohort_members(cohort.id, grant.apply_opt_outs)
            .await?;
        let counts = ReadCounts {
            returned: people.len(),
            opted_out,
        };
        Ok((
            json!({
                "cohort": cohort.id.to_string(),
                "purpose": purpose.as_str(),
                "opt_outs_applied": grant.apply_opt_outs,
                "opted_out_removed": opted_out,
                "members": people,
            }),
            counts,
        ))
    })
    .await?;
    Ok(Json(body))
}

async fn load_cohort(
    state: &AppState,
    id: &str,
    purpose: Option<&str>,
) -> Result<(Cohort, Vec<Dataset>, goldthread_domain::sharing::Purpose), ApiError> {
    let id =
        CohortId::parse(id).map_err(|e| ApiError::bad_request("invalid_cohort_id", e.reason))?;
    let purpose = parse_purpose(purpose)?;
    let none = || ApiError::forbidden("no cohort with that id is shared with you");
    let cohort = state.store().cohort(id).await?.ok_or_else(none)?;
    let mut datasets = Vec::new();
    for d in cohort.datasets {
        datasets.push(state.store().dataset(d).await?.ok_or_else(none)?);
    }
    Ok((cohort, datasets, purpose))
}
