//! Waiting Well outreach from a linkage job: a district, controller of its own housing and
//! benefits records and party to a direct-care agreement with the trust, turns a job that linked
//! the waiting list with its records into Waiting Well cases for its own records, prioritised by
//! the programme's rule (`programme::waiting_well`: long wait, living alone, fuel poverty,
//! disrepair, benefits). Each read passes the one authorisation function: the linked pairs with
//! the fields the district may see, its own benefits caseload, and the re-identification of its
//! own records (its case workers only, for direct care).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use goldthread_domain::audit::AuditRecord;
use goldthread_domain::programme::calendar::add_working_days;
use goldthread_domain::programme::case::CaseId;
use goldthread_domain::programme::waiting_well::DistrictRecord;
use goldthread_domain::programme::ProgrammeId;
use goldthread_domain::sharing::{DatasetKind, Identity, LinkageJobId, Purpose};
use goldthread_store::{Dataset, LinkedRowPair, NewCase};
use serde::Deserialize;
use serde_json::json;

use super::datasets::parse_dataset_id;
use super::linkage_jobs::{load_cohort, resource};
use crate::auth::{authorise, deny_and_record, CurrentUser, Intent, ReadCounts};
use crate::{ApiError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/linkage-jobs/{id}/outreach", post(build))
}

/// The request: optionally the district's benefits caseload, joined on its own pseudonyms.
#[derive(Deserialize, Default)]
struct OutreachRequest {
    benefits: Option<String>,
}

fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        code,
        message: message.into(),
    }
}

/// The job's cohort with its waiting-list side and the district's side.
async fn load(
    state: &AppState,
    id: &str,
    req: &OutreachRequest,
) -> Result<(LinkageJobId, String, Dataset, Dataset, Option<Dataset>), ApiError> {
    let id = LinkageJobId::parse(id)
        .map_err(|e| ApiError::bad_request("invalid_linkage_job_id", e.reason))?;
    let none = || ApiError::forbidden("no finished linkage job with that id is shared with you");
    let job = state.store().linkage_job(id).await?.ok_or_else(none)?;
    let cohort = job.cohort.ok_or_else(none)?;
    let (_, [left, right]) = load_cohort(state, &cohort.to_string()).await?;
    let (waiting, district) = match (left.kind, right.kind) {
        (DatasetKind::WaitingList, k) if k != DatasetKind::WaitingList => (left, right),
        (k, DatasetKind::WaitingList) if k != DatasetKind::WaitingList => (right, left),
        _ => {
            return Err(unprocessable(
                "not_a_waiting_list_job",
                "outreach needs a job that linked a waiting list with a district's records",
            ))
        }
    };
    let benefits = match &req.benefits {
        None => None,
        Some(b) => {
            let d = state
                .store()
                .dataset(parse_dataset_id(b)?)
                .await?
                .filter(|d| {
                    d.kind == DatasetKind::BenefitsCaseload
                        && d.organisation == district.organisation
                })
                .ok_or_else(|| {
                    ApiError::forbidden(
                        "the benefits dataset must be a benefits caseload of the same district",
                    )
                })?;
            Some(d)
        }
    };
    Ok((id, cohort.to_string(), waiting, district, benefits))
}

/// `POST /api/v1/linkage-jobs/{id}/outreach`: builds the district's Waiting Well worklist.
async fn build(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Option<Json<OutreachRequest>>,
) -> Result<Response, ApiError> {
    let req = body.map(|Json(r)| r).unwrap_or_default();
    let subject = format!("linkage-job/{id}/outreach");
    let (job, cohort, waiting, district, benefits) = match load(&state, &id, &req).await {
        Ok(v) => v,
        Err(e) => {
            return Err(deny_and_record(&state, &user, "read.linkage_pairs", subject, e).await)
        }
    };
    let store = state.store().clone();
    let cohort_id = goldthread_domain::sharing::CohortId::parse(&cohort)
        .map_err(|e| ApiError::bad_request("invalid_cohort_id", e.reason))?;
    // 1. The linked pairs, with the fields the district may see of each side.
    let intent = Intent {
        action: "read.linkage_pairs",
        subject: format!("cohort/{cohort}/pairs"),
        resources: vec![resource(&waiting), resource(&district)],
        purpose: Purpose::DirectCare,
        fields: Vec::new(),
        identifiable: false,
    };
    type Fields = HashMap<i64, std::collections::BTreeMap<String, String>>;
    let (pairs, wl_fields, district_fields): (Vec<LinkedRowPair>, Fields, Fields) =
        authorise(&state, &user, intent, async |grant| {
            let (pairs, _) = store.cohort_pairs(cohort_id, false).await?;
            let mut by_side = Vec::new();
            for (i, d) in [&waiting, &district].into_iter().enumerate() {
                let allowed = &grant.each[i].fields;
                let (rows, _) = store.dataset_rows(d.id, false).await?;
                let map: Fields = rows
                    .into_iter()
                    .map(|mut r| {
                        r.fields.retain(|k, _| allowed.contains(k));
                        (r.line, r.fields)
                    })
                    .collect();
                by_side.push(map);
            }
            let n = pairs.len();
            let district_fields = by_side.pop().expect("two sides");
            let wl_fields = by_side.pop().expect("two sides");
            Ok((
                (pairs, wl_fields, district_fields),
                ReadCounts {
                    returned: n,
                    opted_out: 0,
                },
            ))
        })
        .await?;
    // The waiting list and district lines, whichever side of the job each was on.
    let (wl_is_left, pairs) = {
        let (_, [l, _]) = load_cohort(&state, &cohort).await?;
        (l.id == waiting.id, pairs)
    };
    // 2. The district's own benefits caseload, if named.
    let mut awards: HashMap<String, Vec<String>> = HashMap::new();
    if let Some(b) = &benefits {
        let intent = Intent {
            action: "read.dataset_rows",
            subject: format!("dataset/{}", b.id),
            resources: vec![resource(b)],
            purpose: Purpose::DirectCare,
            fields: vec!["benefit".into()],
            identifiable: false,
        };
        awards = authorise(&state, &user, intent, async |_grant| {
            let (rows, _) = store.dataset_rows(b.id, false).await?;
            let n = rows.len();
            let mut m: HashMap<String, Vec<String>> = HashMap::new();
            for r in rows {
                if let Some(v) = r.fields.get("benefit") {
                    m.entry(r.pseudonym).or_default().push(v.clone());
                }
            }
            Ok((
                m,
                ReadCounts {
                    returned: n,
                    opted_out: 0,
                },
            ))
        })
        .await?;
    }
    let district_side = |p: &LinkedRowPair| {
        if wl_is_left {
            (p.left_line, p.right_line, p.right_pseudonym.clone())
        } else {
            (p.right_line, p.left_line, p.left_pseudonym.clone())
        }
    };
    // 3. Re-identify the district's own records, for contact: its case workers only.
    let intent = Intent {
        action: "read.reidentify",
        subject: format!("cohort/{cohort}/outreach"),
        resources: vec![resource(&district)],
        purpose: Purpose::DirectCare,
        fields: Vec::new(),
        identifiable: true,
    };
    let wanted: Vec<String> = pairs.iter().map(|p| district_side(p).2).collect();
    let identities: HashMap<String, Identity> = authorise(&state, &user, intent, async |_g| {
        let mut m = HashMap::new();
        for p in &wanted {
            if let Some(who) = store.identity(district.id, p).await? {
                m.insert(p.clone(), who);
            }
        }
        let n = m.len();
        Ok((
            m,
            ReadCounts {
                returned: n,
                opted_out: 0,
            },
        ))
    })
    .await?;
    let programme_id = ProgrammeId::parse("waiting-well")
        .map_err(|e| ApiError::bad_request("invalid_programme_id", e.to_string()))?;
    let programme = store.programme(&programme_id).await?.ok_or_else(|| {
        unprocessable(
            "no_programme",
            "this instance runs no Waiting Well programme",
        )
    })?;
    let team_gss = store
        .organisation(&district.organisation)
        .await?
        .and_then(|o| o.gss_code);
    let today = chrono::Utc::now().date_naive();
    let mut cases = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for p in &pairs {
        let (wl_line, d_line, pseudonym) = district_side(p);
        let Some(who) = identities.get(&pseudonym) else {
            continue;
        };
        if !seen.insert(pseudonym.clone()) {
            continue;
        }
        let d = district_fields.get(&d_line);
        let record = DistrictRecord {
            household_size: d.and_then(|f| f.get("household_size")).map(String::as_str),
            housing_reason: d.and_then(|f| f.get("reason")).map(String::as_str),
            benefits: awards
                .get(&pseudonym)
                .map(|v| v.iter().map(String::as_str).collect())
                .unwrap_or_default(),
        };
        let weeks: u32 = wl_fields
            .get(&wl_line)
            .and_then(|f| f.get("weeks_waiting"))
            .and_then(|w| w.parse().ok())
            .unwrap_or(0);
        let prioritised = record.prioritise(weeks);
        let id = CaseId::new_random();
        let short: String = id
            .to_string()
            .chars()
            .filter(char::is_ascii_hexdigit)
            .take(8)
            .collect();
        cases.push(NewCase {
            id,
            reference: format!("WW-{}", short.to_uppercase()),
            programme: programme.id.clone(),
            team: district.organisation,
            priority: prioritised.priority(),
            due_on: add_working_days(today, programme.service_levels.first_contact_days),
            subject_name: format!("{} {}", who.given_name, who.family_name),
            nhs_number: who.nhs_number,
            pseudonym: Some(pseudonym),
            district: team_gss,
            source: "linkage_job".into(),
            referrer: None,
            ward: None,
            barrier: None,
            medically_fit_on: None,
            created_at: None,
        });
    }
    store.open_cases(&cases).await?;
    store
        .append_audit(AuditRecord {
            actor: user.account.id.to_string(),
            organisation: Some(district.organisation.to_string()),
            action: "case.outreach_built".into(),
            outcome: "done".into(),
            agreement: Some(district.agreement.to_string()),
            purpose: Some(Purpose::DirectCare.as_str().into()),
            subject: format!("linkage-job/{job}"),
            detail: format!(
                "{} Waiting Well cases opened from the linkage job",
                cases.len()
            ),
            ..AuditRecord::default()
        })
        .await?;
    let mut worklist: Vec<_> = cases
        .iter()
        .map(|c| json!({ "reference": c.reference, "priority": c.priority, "due_on": c.due_on.to_string() }))
        .collect();
    worklist.sort_by(|a, b| b["priority"].as_u64().cmp(&a["priority"].as_u64()));
    Ok((
        StatusCode::CREATED,
        Json(json!({ "job": job.to_string(), "opened": cases.len(), "cases": worklist })),
    )
        .into_response())
}
