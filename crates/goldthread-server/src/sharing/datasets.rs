//! `/api/v1/datasets`: upload (validated, pseudonymised at the door), list, read rows, and
//! re-identify (the controller only, for direct care); `/api/v1/opt-outs`: the opt-out lists.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use goldthread_domain::audit::AuditRecord;
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::sharing::{
    read_csv, Agreement, AgreementId, DatasetId, DatasetKind, OptOutKind, Purpose, Resource, Role,
    RowError, Status,
};
use goldthread_domain::NhsNumber;
use goldthread_store::{Dataset, PseudonymisedRow, RowEncodings};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::secrets::{linkage_secret, pseudonym_key};
use crate::auth::{authorise, deny_and_record, CurrentUser, Intent, ReadCounts};
use crate::{ApiError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/datasets", get(list).post(upload))
        .route("/api/v1/datasets/{id}", get(describe))
        .route("/api/v1/datasets/{id}/rows", get(rows))
        .route("/api/v1/datasets/{id}/people/{pseudonym}", get(reidentify))
        .route("/api/v1/opt-outs", post(upload_opt_outs))
}

/// A dataset as the API describes it (no person-level data).
#[derive(Serialize)]
pub(super) struct DatasetView {
    id: String,
    organisation: String,
    agreement: String,
    kind: &'static str,
    name: String,
    rows: i64,
    uploaded_at: String,
    delete_after: String,
}

impl From<&Dataset> for DatasetView {
    fn from(d: &Dataset) -> Self {
        Self {
            id: d.id.to_string(),
            organisation: d.organisation.to_string(),
            agreement: d.agreement.to_string(),
            kind: d.kind.as_str(),
            name: d.name.clone(),
            rows: d.row_count,
            uploaded_at: d.uploaded_at.clone(),
            delete_after: d.delete_after.clone(),
        }
    }
}

/// Whether any of the user's organisations is a party to the agreement.
pub(super) fn is_party(user: &CurrentUser, a: &Agreement) -> bool {
    user.roles()
        .iter()
        .any(|g| a.party(g.organisation).is_some())
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<DatasetView>>, ApiError> {
    let agreements = state.store().agreements().await?;
    let visible: Vec<AgreementId> = agreements
        .iter()
        .filter(|a| is_party(&user, a))
        .map(|a| a.id)
        .collect();
    let all = state.store().datasets().await?;
    Ok(Json(
        all.iter()
            .filter(|d| visible.contains(&d.agreement))
            .map(DatasetView::from)
            .collect(),
    ))
}

pub(super) fn parse_dataset_id(s: &str) -> Result<DatasetId, ApiError> {
    DatasetId::parse(s).map_err(|e| ApiError::bad_request("invalid_dataset_id", e.reason))
}

pub(super) fn parse_purpose(s: Option<&str>) -> Result<Purpose, ApiError> {
    let s = s.ok_or_else(|| {
        ApiError::bad_request(
            "purpose_required",
            "say why you are reading: ?purpose=direct_care, planning, evaluation or research",
        )
    })?;
    Purpose::parse(s).map_err(|e| ApiError::bad_request("invalid_purpose", e.reason))
}

async fn describe(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<DatasetView>, ApiError> {
    let id = parse_dataset_id(&id)?;
    let d = state.store().dataset(id).await?;
    let agreement = match &d {
        Some(d) => state.store().agreement(d.agreement).await?,
        None => None,
    };
    match (d, agreement) {
        (Some(d), Some(a)) if is_party(&user, &a) => Ok(Json(DatasetView::from(&d))),
        _ => Err(ApiError::not_found(
            "dataset_not_found",
            "no dataset with that id is shared with you",
        )),
    }
}

#[derive(Deserialize)]
struct ReadQuery {
    purpose: Option<String>,
    fields: Option<String>,
}

async fn rows(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<ReadQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let subject = format!("dataset/{id}");
    let (d, purpose) = match load_for_read(&state, &id, q.purpose.as_deref()).await {
        Ok(v) => v,
        Err(e) => {
            return Err(deny_and_record(&state, &user, "read.dataset_rows", subject, e).await)
        }
    };
    let fields: Vec<String> = q
        .fields
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(str::to_owned)
        .collect();
    let intent = Intent {
        action: "read.dataset_rows",
        subject,
        resources: vec![Resource::Dataset {
            owner: d.organisation,
            kind: d.kind,
            agreement: d.agreement,
        }],
        purpose,
        fields,
        identifiable: false,
    };
    let store = state.store().clone();
    let body = authorise(&state, &user, intent, async |grant| {
        let (rows, opted_out) = store.dataset_rows(d.id, grant.apply_opt_outs).await?;
        let out: Vec<PseudonymisedRow> = rows
            .into_iter()
            .map(|mut r| {
                r.fields.retain(|k, _| grant.fields.contains(k));
                r
            })
            .collect();
        let counts = ReadCounts {
            returned: out.len(),
            opted_out,
        };
        let body = json!({
            "dataset": d.id.to_string(),
            "purpose": purpose.as_str(),
            "fields": grant.fields,
            "opt_outs_applied": grant.apply_opt_outs,
            "opted_out_removed": opted_out,
            "rows": out,
        });
        Ok((body, counts))
    })
    .await?;
    Ok(Json(body))
}

async fn load_for_read(
    state: &AppState,
    id: &str,
    purpose: Option<&str>,
) -> Result<(Dataset, Purpose), ApiError> {
    let id = parse_dataset_id(id)?;
    let purpose = parse_purpose(purpose)?;
    let d = state
        .store()
        .dataset(id)
        .await?
        .ok_or_else(|| ApiError::forbidden("no dataset with that id is shared with you"))?;
    Ok((d, purpose))
}

#[derive(Deserialize)]
struct PurposeQuery {
    purpose: Option<String>,
}

async fn reidentify(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, pseudonym)): Path<(String, String)>,
    Query(q): Query<PurposeQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let subject = format!("dataset/{id}/person");
    let (d, purpose) = match load_for_read(&state, &id, q.purpose.as_deref()).await {
        Ok(v) => v,
        Err(e) => return Err(deny_and_record(&state, &user, "read.reidentify", subject, e).await),
    };
    let intent = Intent {
        action: "read.reidentify",
        subject,
        resources: vec![Resource::Dataset {
            owner: d.organisation,
            kind: d.kind,
            agreement: d.agreement,
        }],
        purpose,
        fields: Vec::new(),
        identifiable: true,
    };
    let store = state.store().clone();
    let body = authorise(&state, &user, intent, async |_grant| {
        let who = store.identity(d.id, &pseudonym).await?.ok_or_else(|| {
            ApiError::not_found(
                "person_not_found",
                "no one with that pseudonym is in this dataset",
            )
        })?;
        let body = json!({
            "pseudonym": pseudonym,
            "nhs_number": who.nhs_number.as_ref().map(NhsNumber::digits),
            "given_name": who.given_name,
            "family_name": who.family_name,
            "date_of_birth": who.date_of_birth.to_string(),
            "postcode": who.postcode.as_str(),
        });
        Ok((
            body,
            ReadCounts {
                returned: 1,
                opted_out: 0,
            },
        ))
    })
    .await?;
    Ok(Json(body))
}

#[derive(Deserialize)]
struct UploadQuery {
    agreement: Option<String>,
    kind: Option<String>,
    name: Option<String>,
    organisation: Option<String>,
}

/// The 400 for an upload with invalid rows: every error by line, field and reason.
fn invalid_rows(errors: &[RowError]) -> Response {
    let first: Vec<String> = errors.iter().take(5).map(ToString::to_string).collect();
    let body = json!({
        "error": {
            "code": "invalid_rows",
            "message": format!(
                "{} problem(s) found; nothing was stored. First: {}",
                errors.len(),
                first.join("; ")
            ),
            "rows": errors,
        }
    });
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

/// The organisation an upload is made for: one where the user is an analyst or IG lead and
/// which is a controller party to the agreement.
fn uploading_organisation(
    user: &CurrentUser,
    a: &Agreement,
    asked: Option<&str>,
) -> Result<OrganisationId, ApiError> {
    let asked = asked
        .map(|s| {
            OrganisationId::parse(s)
                .map_err(|e| ApiError::bad_request("invalid_organisation", e.reason))
        })
        .transpose()?;
    user.roles()
        .iter()
        .filter(|g| matches!(g.role, Role::Analyst | Role::InformationGovernanceLead))
        .map(|g| g.organisation)
        .filter(|o| asked.is_none_or(|a| a == *o))
        .find(|o| a.party(*o).is_some_and(|p| p.role.is_controller()))
        .ok_or_else(|| {
            ApiError::forbidden(
                "uploading needs the analyst or IG lead role in an organisation that controls data under this agreement",
            )
        })
}

async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<UploadQuery>,
    body: String,
) -> Result<Response, ApiError> {
    let agreement_id = AgreementId::parse(q.agreement.as_deref().unwrap_or(""))
        .map_err(|e| ApiError::bad_request("invalid_agreement", e.reason))?;
    let kind = DatasetKind::parse(q.kind.as_deref().unwrap_or(""))
        .map_err(|e| ApiError::bad_request("invalid_kind", e.reason))?;
    let name = q.name.unwrap_or_else(|| kind.as_str().to_owned());
    if name.chars().count() > 120 || name.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            "invalid_name",
            "a dataset name has at most 120 printable characters",
        ));
    }
    let store = state.store();
    let agreement = store
        .agreement(agreement_id)
        .await?
        .ok_or_else(|| ApiError::not_found("agreement_not_found", "no agreement with that id"))?;
    let organisation = uploading_organisation(&user, &agreement, q.organisation.as_deref())?;
    let now = chrono::Utc::now();
    if agreement.status_on(now.date_naive()) != Status::Active {
        return Err(ApiError::forbidden(
            "the agreement is not in force, so nothing can be shared under it",
        ));
    }
    let rows = match read_csv(kind, &body, now.date_naive()) {
        Ok(rows) => rows,
        Err(errors) => return Ok(invalid_rows(&errors)),
    };
    let key = pseudonym_key(store).await?;
    let (scheme, encodings) = encode_for_linkage(store, &rows).await?;
    let mut shared = Vec::with_capacity(rows.len());
    let mut identities = Vec::new();
    for r in rows {
        let pseudonym = r.identity.pseudonym(&key);
        shared.push(PseudonymisedRow {
            line: r.line as i64,
            pseudonym: pseudonym.clone(),
            fields: r.fields,
        });
        if agreement.retain_identifiers {
            identities.push((pseudonym, r.identity));
        }
    }
    let at = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let delete_after = (now + chrono::Duration::days(i64::from(agreement.retention_days)))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let dataset = Dataset {
        id: DatasetId::new_random(),
        organisation,
        agreement: agreement.id,
        kind,
        name,
        row_count: shared.len() as i64,
        uploaded_by: user.account.id,
        uploaded_at: at,
        delete_after,
    };
    store
        .put_dataset_with_encodings(
            &dataset,
            &shared,
            agreement
                .retain_identifiers
                .then_some(identities.as_slice()),
            Some(RowEncodings {
                scheme: &scheme,
                rows: &encodings,
            }),
        )
        .await?;
    store
        .append_audit(AuditRecord {
            actor: user.account.id.to_string(),
            organisation: Some(organisation.to_string()),
            action: "dataset.upload".into(),
            outcome: "allowed".into(),
            agreement: Some(agreement.id.to_string()),
            subject: format!("dataset/{}", dataset.id),
            detail: format!(
                "{} rows of {}; identifiers {}",
                shared.len(),
                kind.as_str(),
                if agreement.retain_identifiers {
                    "kept in the uploader's partition"
                } else {
                    "discarded"
                }
            ),
            ..AuditRecord::default()
        })
        .await?;
    Ok((StatusCode::CREATED, Json(DatasetView::from(&dataset))).into_response())
}

/// Each row's keyed Bloom-filter encodings, made under the server's linkage secret off the async
/// executor (it is CPU work): the scheme as JSON and (line, encodings) per row.
async fn encode_for_linkage(
    store: &goldthread_store::Store,
    rows: &[goldthread_domain::sharing::ValidRow],
) -> Result<(String, Vec<(i64, String)>), ApiError> {
    let secret = linkage_secret(store).await?;
    let people: Vec<(i64, goldthread_domain::sharing::Identity)> = rows
        .iter()
        .map(|r| (r.line as i64, r.identity.clone()))
        .collect();
    let encoded = tokio::task::spawn_blocking(move || {
        let refs: Vec<(i64, &goldthread_domain::sharing::Identity)> =
            people.iter().map(|(l, p)| (*l, p)).collect();
        goldthread_linkage::encode_rows(&secret, &refs)
    })
    .await;
    let failed = |what: String| {
        tracing::error!(error = %what, "encoding an upload for linkage failed");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: "the server could not encode the upload for linkage; nothing was stored"
                .into(),
        }
    };
    let (scheme, rows) = match encoded {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => return Err(failed(e.to_string())),
        Err(e) => return Err(failed(e.to_string())),
    };
    let scheme = serde_json::to_string(&scheme).map_err(|e| failed(e.to_string()))?;
    Ok((
        scheme,
        rows.into_iter().map(|r| (r.line, r.encoding)).collect(),
    ))
}

#[derive(Deserialize)]
struct OptOutLine {
    nhs_number: String,
    kind: String,
}

/// Loads an opt-out list (CSV `nhs_number,kind`): NHS numbers are pseudonymised at the door
/// with the instance key, so the list can be matched against datasets but never read back.
async fn upload_opt_outs(
    State(state): State<AppState>,
    user: CurrentUser,
    body: String,
) -> Result<Json<serde_json::Value>, ApiError> {
    let orgs = user.require_any(Role::InformationGovernanceLead)?;
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let key = pseudonym_key(state.store()).await?;
    let mut entries = Vec::new();
    let mut errors: Vec<RowError> = Vec::new();
    for (n, rec) in reader.deserialize::<OptOutLine>().enumerate() {
        let line = n + 2;
        let parsed = rec
            .map_err(|e| RowError {
                line,
                field: "row".into(),
                reason: e.to_string(),
            })
            .and_then(|r| {
                let nhs = NhsNumber::parse(&r.nhs_number).map_err(|e| RowError {
                    line,
                    field: "nhs_number".into(),
                    reason: e.reason,
                })?;
                let kind = OptOutKind::parse(&r.kind).map_err(|e| RowError {
                    line,
                    field: "kind".into(),
                    reason: e.reason,
                })?;
                Ok((key.pseudonym("nhs_number", &nhs.digits()), kind))
            });
        match parsed {
            Ok(e) => entries.push(e),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        let first: Vec<String> = errors.iter().take(5).map(ToString::to_string).collect();
        return Err(ApiError::bad_request(
            "invalid_rows",
            format!(
                "{} problem(s); nothing stored. {}",
                errors.len(),
                first.join("; ")
            ),
        ));
    }
    state.store().put_opt_outs(&entries).await?;
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, k) in &entries {
        *by_kind.entry(k.as_str()).or_default() += 1;
    }
    state
        .store()
        .append_audit(AuditRecord {
            actor: user.account.id.to_string(),
            organisation: Some(orgs[0].to_string()),
            action: "opt_outs.upload".into(),
            outcome: "allowed".into(),
            subject: "opt_outs".into(),
            detail: format!("{} opt-outs recorded", entries.len()),
            ..AuditRecord::default()
        })
        .await?;
    Ok(Json(
        json!({ "recorded": entries.len(), "by_kind": by_kind }),
    ))
}
