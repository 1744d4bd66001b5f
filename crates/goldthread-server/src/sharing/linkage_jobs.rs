//! Linkage jobs under an agreement: an analyst picks two datasets the agreement covers; the one
//! authorisation function checks the agreement (in force, purpose, parties, datasets, fields);
//! the engine links the rows' stored Bloom-filter encodings (never a raw value) in a blocking
//! task; the result is a pseudonymous cohort of linked row pairs with their match probability,
//! read under `/api/v1/cohorts/{id}/pairs`. Re-identifying a linked row, for direct care, is
//! for the organisation that controls that record only, and is authorised and audited the same
//! way. Jobs (never people) appear on the public register of data uses.

use std::collections::{HashMap, HashSet};

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use goldthread_domain::sharing::{AgreementId, CohortId, LinkageJobId, Purpose, Resource};
use goldthread_domain::NhsNumber;
use goldthread_linkage::{EncodedDataset, RowEncoding, Scheme};
use goldthread_store::{Cohort, Dataset, LinkageJob, LinkedRowPair, StoredEncodings};
use maud::{html, Markup};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::agreements::{name_of, organisation_names};
use super::datasets::{is_party, parse_dataset_id, parse_purpose};
use crate::auth::{
    authorise, csrf_field, deny_and_record, CsrfForm, CurrentUser, Intent, ReadCounts,
};
use crate::pages::layout;
use crate::{ApiError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/linkage-jobs", get(list).post(run_api))
        .route("/api/v1/linkage-jobs/{id}", get(describe))
        .route("/api/v1/cohorts/{id}/pairs", get(pairs))
        .route("/api/v1/cohorts/{id}/people/{pseudonym}", get(reidentify))
        .route("/linkage-jobs", get(page).post(run_form))
}

/// The probability a pair needs to be kept, unless the job asks otherwise (the engine's own
/// default: more likely a match than not).
pub const DEFAULT_THRESHOLD: f64 = 0.5;

/// A job as the API describes it (no person-level data).
#[derive(Serialize)]
pub(crate) struct JobView {
    id: String,
    agreement: String,
    purpose: String,
    name: String,
    organisation: String,
    created_at: String,
    datasets: [String; 2],
    threshold: f64,
    rows: [i64; 2],
    opted_out_removed: i64,
    candidate_pairs: i64,
    matches: i64,
    status: String,
    detail: String,
    cohort: Option<String>,
}

impl From<&LinkageJob> for JobView {
    fn from(j: &LinkageJob) -> Self {
        Self {
            id: j.id.to_string(),
            agreement: j.agreement.to_string(),
            purpose: j.purpose.clone(),
            name: j.name.clone(),
            organisation: j.organisation.to_string(),
            created_at: j.created_at.clone(),
            datasets: j.datasets.map(|d| d.to_string()),
            threshold: j.threshold,
            rows: j.rows,
            opted_out_removed: j.opted_out,
            candidate_pairs: j.candidate_pairs,
            matches: j.matches,
            status: j.status.clone(),
            detail: j.detail.clone(),
            cohort: j.cohort.map(|c| c.to_string()),
        }
    }
}

/// A request for a linkage job (JSON, or the web form's fields).
#[derive(Deserialize)]
pub(crate) struct JobRequest {
    agreement: String,
    name: String,
    purpose: String,
    datasets: [String; 2],
    threshold: Option<f64>,
}

pub(crate) fn resource(d: &Dataset) -> Resource {
    Resource::Dataset {
        owner: d.organisation,
        kind: d.kind,
        agreement: d.agreement,
    }
}

/// What a job request names, checked: the agreement, a name, two different datasets, each
/// shared under that agreement (a dataset outside it is refused), and a threshold.
async fn load(
    state: &AppState,
    req: &JobRequest,
) -> Result<(AgreementId, [Dataset; 2], Purpose, f64), ApiError> {
    let agreement = AgreementId::parse(&req.agreement)
        .map_err(|e| ApiError::bad_request("invalid_agreement", e.reason))?;
    let purpose = parse_purpose(Some(&req.purpose))?;
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 120 || name.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            "invalid_name",
            "a linkage job needs a name of at most 120 printable characters",
        ));
    }
    let threshold = req.threshold.unwrap_or(DEFAULT_THRESHOLD);
    if !(0.5..=0.999).contains(&threshold) {
        return Err(ApiError::bad_request(
            "invalid_threshold",
            "the threshold is a match probability from 0.5 to 0.999",
        ));
    }
    let ids = [
        parse_dataset_id(&req.datasets[0])?,
        parse_dataset_id(&req.datasets[1])?,
    ];
    if ids[0] == ids[1] {
        return Err(ApiError::bad_request(
            "invalid_datasets",
            "name two different datasets",
        ));
    }
    let mut out = Vec::with_capacity(2);
    for id in ids {
        let d = state
            .store()
            .dataset(id)
            .await?
            .filter(|d| d.agreement == agreement)
            .ok_or_else(|| {
                ApiError::forbidden(format!(
                    "dataset {id} is not one shared under the agreement named"
                ))
            })?;
        out.push(d);
    }
    let [a, b]: [Dataset; 2] = out
        .try_into()
        .map_err(|_| ApiError::bad_request("invalid_datasets", "name two datasets"))?;
    Ok((agreement, [a, b], purpose, threshold))
}

fn engine_view(d: &Dataset, stored: StoredEncodings) -> Result<EncodedDataset, ApiError> {
    let scheme: Scheme = serde_json::from_str(&stored.scheme).map_err(|e| {
        goldthread_store::StoreError::Corrupt {
            table: "dataset_encodings",
            key: d.id.to_string(),
            reason: e.to_string(),
        }
    })?;
    Ok(EncodedDataset {
        scheme,
        rows: stored
            .rows
            .into_iter()
            .map(|(line, _, encoding)| RowEncoding { line, encoding })
            .collect(),
    })
}

fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        code,
        message: message.into(),
    }
}

/// Runs a job for a signed-in user: refused (and audited) unless the one authorisation
/// function allows reading both datasets for the purpose under the agreement.
pub(crate) async fn run_job(
    state: &AppState,
    user: &CurrentUser,
    req: &JobRequest,
) -> Result<LinkageJob, ApiError> {
    let subject = format!("linkage-job/new/{}", req.agreement);
    let (agreement, [left, right], purpose, threshold) = match load(state, req).await {
        Ok(v) => v,
        Err(e) => return Err(deny_and_record(state, user, "linkage.run", subject, e).await),
    };
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
    authorise(state, user, intent, async |grant| {
        let mut views = Vec::with_capacity(2);
        let mut pseudonyms = Vec::with_capacity(2);
        let mut opted_out = 0;
        for d in [&left, &right] {
            let stored = store
                .dataset_encodings(d.id, grant.apply_opt_outs)
                .await?
                .ok_or_else(|| {
                    unprocessable(
                        "no_encodings",
                        format!(
                            "dataset {} was uploaded without linkage encodings; upload it again",
                            d.id
                        ),
                    )
                })?;
            opted_out += stored.opted_out;
            pseudonyms.push(
                stored
                    .rows
                    .iter()
                    .map(|(line, p, _)| (*line, p.clone()))
                    .collect::<HashMap<i64, String>>(),
            );
            views.push(engine_view(d, stored)?);
        }
        let [mut lv, mut rv]: [EncodedDataset; 2] = views.try_into().expect("two datasets");
        let rows = [lv.rows.len() as i64, rv.rows.len() as i64];
        // Deterministic pass first: rows with equal keyed pseudonyms (same NHS number, or same
        // names and date of birth) are the same person; the engine links the rest.
        let exact = exact_pairs(&pseudonyms[0], &pseudonyms[1]);
        let (done_l, done_r): (HashSet<i64>, HashSet<i64>) =
            exact.iter().map(|(l, r)| (*l, *r)).unzip();
        lv.rows.retain(|r| !done_l.contains(&r.line));
        rv.rows.retain(|r| !done_r.contains(&r.line));
        let outcome =
            tokio::task::spawn_blocking(move || goldthread_linkage::link(&lv, &rv, threshold))
                .await
                .map_err(|e| unprocessable("linkage_failed", e.to_string()))?;
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let mut job = LinkageJob {
            id: LinkageJobId::new_random(),
            agreement,
            purpose: purpose.as_str().to_owned(),
            name: name.clone(),
            requested_by: user.account.id,
            organisation: grant.acting_for,
            created_at: now.clone(),
            datasets: [left.id, right.id],
            threshold,
            rows,
            opted_out,
            candidate_pairs: 0,
            matches: 0,
            status: "done".into(),
            detail: String::new(),
            cohort: None,
        };
        let outcome = match outcome {
            Ok(o) => o,
            Err(e) => {
                job.status = "failed".into();
                job.detail = e.to_string();
                store.record_linkage_job(&job, None).await?;
                return Err(unprocessable("linkage_failed", e.to_string()));
            }
        };
        let certain = exact.iter().map(|(l, r)| goldthread_linkage::LinkedPair {
            left_line: *l,
            right_line: *r,
            probability: 1.0,
        });
        let linked: Vec<LinkedRowPair> = certain
            .chain(outcome.pairs.iter().copied())
            .filter_map(|p| {
                Some(LinkedRowPair {
                    left_line: p.left_line,
                    left_pseudonym: pseudonyms[0].get(&p.left_line)?.clone(),
                    right_line: p.right_line,
                    right_pseudonym: pseudonyms[1].get(&p.right_line)?.clone(),
                    probability: p.probability,
                })
            })
            .collect();
        let cohort = Cohort {
            id: CohortId::new_random(),
            agreement,
            name: name.clone(),
            created_by: user.account.id,
            organisation: grant.acting_for,
            created_at: now,
            datasets: [left.id, right.id],
            member_count: 0,
        };
        job.candidate_pairs = outcome.candidate_pairs as i64;
        job.matches = linked.len() as i64;
        job.cohort = Some(cohort.id);
        job.detail = format!(
            "{} pairs with equal keyed pseudonyms; {} more from the rows' keyed Bloom-filter encodings{}",
            exact.len(),
            outcome.pairs.len(),
            if outcome.warnings.is_empty() {
                String::new()
            } else {
                format!("; engine warnings: {}", outcome.warnings.join("; "))
            }
        );
        store
            .record_linkage_job(&job, Some((&cohort, &linked)))
            .await?;
        let counts = ReadCounts {
            returned: linked.len(),
            opted_out,
        };
        Ok((job, counts))
    })
    .await
}

/// Pairs of lines whose rows carry the same keyed pseudonym, one-to-one in line order.
fn exact_pairs(left: &HashMap<i64, String>, right: &HashMap<i64, String>) -> Vec<(i64, i64)> {
    let mut by_pseudonym: HashMap<&str, Vec<i64>> = HashMap::new();
    for (line, p) in right {
        by_pseudonym.entry(p.as_str()).or_default().push(*line);
    }
    for lines in by_pseudonym.values_mut() {
        lines.sort_unstable();
        lines.reverse();
    }
    let mut lefts: Vec<(&i64, &String)> = left.iter().collect();
    lefts.sort();
    lefts
        .into_iter()
        .filter_map(|(l, p)| Some((*l, by_pseudonym.get_mut(p.as_str())?.pop()?)))
        .collect()
}

async fn run_api(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<JobRequest>,
) -> Result<Response, ApiError> {
    let job = run_job(&state, &user, &req).await?;
    Ok((StatusCode::CREATED, Json(JobView::from(&job))).into_response())
}

/// The jobs run under agreements any of the user's organisations is a party to.
async fn visible_jobs(state: &AppState, user: &CurrentUser) -> Result<Vec<LinkageJob>, ApiError> {
    let agreements = state.store().agreements().await?;
    Ok(state
        .store()
        .linkage_jobs()
        .await?
        .into_iter()
        .filter(|j| {
            agreements
                .iter()
                .any(|a| a.id == j.agreement && is_party(user, a))
        })
        .collect())
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<JobView>>, ApiError> {
    let jobs = visible_jobs(&state, &user).await?;
    Ok(Json(jobs.iter().map(JobView::from).collect()))
}

async fn describe(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<JobView>, ApiError> {
    let id = LinkageJobId::parse(&id)
        .map_err(|e| ApiError::bad_request("invalid_linkage_job_id", e.reason))?;
    visible_jobs(&state, &user)
        .await?
        .iter()
        .find(|j| j.id == id)
        .map(|j| Json(JobView::from(j)))
        .ok_or_else(|| {
            ApiError::not_found(
                "linkage_job_not_found",
                "no linkage job with that id is shared with you",
            )
        })
}

#[derive(Deserialize)]
struct PurposeQuery {
    purpose: Option<String>,
}

/// A cohort and both its datasets, or a 403 that does not say whether it exists.
pub(crate) async fn load_cohort(
    state: &AppState,
    id: &str,
) -> Result<(Cohort, [Dataset; 2]), ApiError> {
    let id =
        CohortId::parse(id).map_err(|e| ApiError::bad_request("invalid_cohort_id", e.reason))?;
    let none = || ApiError::forbidden("no cohort with that id is shared with you");
    let cohort = state.store().cohort(id).await?.ok_or_else(none)?;
    let mut datasets = Vec::with_capacity(2);
    for d in cohort.datasets {
        datasets.push(state.store().dataset(d).await?.ok_or_else(none)?);
    }
    let pair: [Dataset; 2] = datasets.try_into().map_err(|_| none())?;
    Ok((cohort, pair))
}

/// `GET /api/v1/cohorts/{id}/pairs?purpose=`: the linked pairs, each with the fields of each row
/// the reader's organisation may see under the agreement.
async fn pairs(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<PurposeQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let subject = format!("cohort/{id}/pairs");
    let loaded = match (
        load_cohort(&state, &id).await,
        parse_purpose(q.purpose.as_deref()),
    ) {
        (Ok(c), Ok(p)) => (c, p),
        (Err(e), _) | (_, Err(e)) => {
            return Err(deny_and_record(&state, &user, "read.linkage_pairs", subject, e).await)
        }
    };
    let ((cohort, datasets), purpose) = loaded;
    let intent = Intent {
        action: "read.linkage_pairs",
        subject,
        resources: datasets.iter().map(resource).collect(),
        purpose,
        fields: Vec::new(),
        identifiable: false,
    };
    let store = state.store().clone();
    let body = authorise(&state, &user, intent, async |grant| {
        let (pairs, opted_out) = store.cohort_pairs(cohort.id, grant.apply_opt_outs).await?;
        let mut fields = Vec::with_capacity(2);
        for (i, d) in datasets.iter().enumerate() {
            let allowed = &grant.each[i].fields;
            let (rows, _) = store.dataset_rows(d.id, false).await?;
            let by_line: std::collections::HashMap<i64, serde_json::Value> = rows
                .into_iter()
                .map(|mut r| {
                    r.fields.retain(|k, _| allowed.contains(k));
                    (r.line, json!(r.fields))
                })
                .collect();
            fields.push(by_line);
        }
        let out: Vec<serde_json::Value> = pairs
            .iter()
            .map(|p| {
                json!({
                    "left": { "line": p.left_line, "pseudonym": p.left_pseudonym, "fields": fields[0].get(&p.left_line) },
                    "right": { "line": p.right_line, "pseudonym": p.right_pseudonym, "fields": fields[1].get(&p.right_line) },
                    "probability": p.probability,
                })
            })
            .collect();
        let counts = ReadCounts {
            returned: out.len(),
            opted_out,
        };
        Ok((
            json!({
                "cohort": cohort.id.to_string(),
                "datasets": [datasets[0].id.to_string(), datasets[1].id.to_string()],
                "purpose": purpose.as_str(),
                "opt_outs_applied": grant.apply_opt_outs,
                "opted_out_removed": opted_out,
                "pairs": out,
            }),
            counts,
        ))
    })
    .await?;
    Ok(Json(body))
}

/// `GET /api/v1/cohorts/{id}/people/{pseudonym}?purpose=direct_care`: re-identifies a linked
/// row from the partition of the organisation that controls it. Only that organisation's case
/// workers, for direct care, where the agreement keeps identifiers (the one function decides).
async fn reidentify(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, pseudonym)): Path<(String, String)>,
    Query(q): Query<PurposeQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let subject = format!("cohort/{id}/person");
    let found = async {
        let (cohort, datasets) = load_cohort(&state, &id).await?;
        let purpose = parse_purpose(q.purpose.as_deref())?;
        let (pairs, _) = state.store().cohort_pairs(cohort.id, false).await?;
        // The side the row is on decides whose record it is. A person linked on equal
        // pseudonyms is on both sides: each controller re-identifies its own record, so the
        // side held by one of the caller's own organisations is the one asked for.
        let sides: Vec<Dataset> = datasets
            .into_iter()
            .enumerate()
            .filter(|(i, _)| {
                pairs.iter().any(|p| {
                    let on = if *i == 0 {
                        &p.left_pseudonym
                    } else {
                        &p.right_pseudonym
                    };
                    *on == pseudonym
                })
            })
            .map(|(_, d)| d)
            .collect();
        let own = sides.iter().position(|d| {
            user.roles()
                .iter()
                .any(|g| g.organisation == d.organisation)
        });
        let d = sides
            .into_iter()
            .nth(own.unwrap_or(0))
            .ok_or_else(|| ApiError::forbidden("no one with that pseudonym is in this cohort"))?;
        Ok((d, purpose))
    }
    .await;
    let (dataset, purpose) = match found {
        Ok(v) => v,
        Err(e) => return Err(deny_and_record(&state, &user, "read.reidentify", subject, e).await),
    };
    let intent = Intent {
        action: "read.reidentify",
        subject,
        resources: vec![resource(&dataset)],
        purpose,
        fields: Vec::new(),
        identifiable: true,
    };
    let store = state.store().clone();
    let body = authorise(&state, &user, intent, async |_grant| {
        let who = store
            .identity(dataset.id, &pseudonym)
            .await?
            .ok_or_else(|| {
                ApiError::not_found(
                    "person_not_found",
                    "the controller's partition holds no identifiers for that row",
                )
            })?;
        Ok((
            json!({
                "pseudonym": pseudonym,
                "dataset": dataset.id.to_string(),
                "nhs_number": who.nhs_number.as_ref().map(NhsNumber::digits),
                "given_name": who.given_name,
                "family_name": who.family_name,
                "date_of_birth": who.date_of_birth.to_string(),
                "postcode": who.postcode.as_str(),
            }),
            ReadCounts {
                returned: 1,
                opted_out: 0,
            },
        ))
    })
    .await?;
    Ok(Json(body))
}

/// `GET /linkage-jobs`: the jobs the user can see, and a form to run one over datasets of an
/// agreement their organisation is party to.
async fn page(State(state): State<AppState>, user: CurrentUser) -> Result<Markup, ApiError> {
    render(&state, &user, None).await
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    problem: Option<&str>,
) -> Result<Markup, ApiError> {
    let jobs = visible_jobs(state, user).await?;
    let names = organisation_names(state).await?;
    let agreements = state.store().agreements().await?;
    let datasets: Vec<Dataset> = state
        .store()
        .datasets()
        .await?
        .into_iter()
        .filter(|d| {
            agreements
                .iter()
                .any(|a| a.id == d.agreement && is_party(user, a))
        })
        .collect();
    let title_of = |a: AgreementId| {
        agreements
            .iter()
            .find(|x| x.id == a)
            .map(|x| format!("{} {}", x.reference, x.title))
            .unwrap_or_else(|| a.to_string())
    };
    Ok(layout(
        "Linkage jobs",
        html! {
            h1 { "Linkage jobs" }
            p.lead { "Link two datasets shared under one agreement. The engine compares the keyed encodings made when each dataset was uploaded, never names, dates of birth or NHS numbers, and the result is a pseudonymous cohort. Every job is checked against the agreement and recorded." }
            @if let Some(p) = problem { p.warning role="alert" { (p) } }
            h2 { "Run a job" }
            form method="post" action="/linkage-jobs" {
                (csrf_field(user))
                div.form-group {
                    label for="name" { "Name (published on the register of data uses)" }
                    input #name name="name" type="text" maxlength="120" required;
                }
                div.form-group {
                    label for="agreement" { "Agreement" }
                    select #agreement name="agreement" {
                        @for a in agreements.iter().filter(|a| is_party(user, a)) {
                            option value=(a.id) { (a.reference) " " (a.title) }
                        }
                    }
                }
                div.form-group {
                    label for="purpose" { "Purpose" }
                    select #purpose name="purpose" {
                        @for p in Purpose::ALL { option value=(p.as_str()) { (p.label()) } }
                    }
                }
                @for (i, label) in ["First dataset", "Second dataset"].iter().enumerate() {
                    div.form-group {
                        label for={ "dataset" (i) } { (label) }
                        select id={ "dataset" (i) } name={ "dataset" (i) } {
                            @for d in &datasets {
                                option value=(d.id) { (d.name) " (" (name_of(&names, d.organisation)) ", " (d.row_count) " rows; " (title_of(d.agreement)) ")" }
                            }
                        }
                    }
                }
                button type="submit" { "Run linkage job" }
            }
            h2 { "Jobs" }
            @if jobs.is_empty() { p { "No linkage jobs have been run under your agreements." } }
            @else {
                table {
                    thead { tr { th scope="col" { "Job" } th scope="col" { "Agreement" } th scope="col" { "Purpose" } th scope="col" { "Run by" } th scope="col" { "When" } th.num scope="col" { "Rows" } th.num scope="col" { "Linked pairs" } th scope="col" { "Status" } } }
                    tbody {
                        @for j in &jobs {
                            tr {
                                td { (j.name) }
                                td { (title_of(j.agreement)) }
                                td { (j.purpose) }
                                td { (name_of(&names, j.organisation)) }
                                td { (j.created_at.get(..16).unwrap_or(&j.created_at)) }
                                td.num { (j.rows[0]) " × " (j.rows[1]) }
                                td.num { (j.matches) }
                                td { (j.status) }
                            }
                        }
                    }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
struct JobForm {
    agreement: String,
    name: String,
    purpose: String,
    dataset0: String,
    dataset1: String,
}

async fn run_form(
    State(state): State<AppState>,
    f: CsrfForm<JobForm>,
) -> Result<Response, ApiError> {
    let req = JobRequest {
        agreement: f.form.agreement,
        name: f.form.name,
        purpose: f.form.purpose,
        datasets: [f.form.dataset0, f.form.dataset1],
        threshold: None,
    };
    match run_job(&state, &f.user, &req).await {
        Ok(_) => Ok(Redirect::to("/linkage-jobs").into_response()),
        Err(e) if e.status.is_client_error() => {
            let page = render(&state, &f.user, Some(&e.message)).await?;
            Ok((e.status, page).into_response())
        }
        Err(e) => Err(e),
    }
}
