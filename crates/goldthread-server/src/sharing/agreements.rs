//! The agreement register pages: list, detail, the lifecycle actions IG leads take, and the
//! register as CSV (the documented form other registers can be exported to and imported from).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use goldthread_domain::audit::AuditRecord;
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::sharing::{Agreement, AgreementId, Role, Status};
use maud::{html, Markup};
use serde::Deserialize;

use super::register_csv;
use crate::auth::{csrf_field, CsrfForm, CurrentUser};
use crate::pages::layout;
use crate::{ApiError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/agreements", get(register))
        .route("/agreements.csv", get(export))
        .route("/agreements/import", post(import))
        .route("/agreements/{id}", get(detail))
        .route("/agreements/{id}/{action}", post(act))
}

/// Organisation names by id, for pages.
pub(super) async fn organisation_names(
    state: &AppState,
) -> Result<HashMap<OrganisationId, String>, ApiError> {
    let mut names = HashMap::new();
    for s in state.store().systems().await? {
        for o in state.store().organisations_in(&s.icb).await? {
            names.insert(o.id, o.name);
        }
    }
    Ok(names)
}

pub(super) fn name_of(names: &HashMap<OrganisationId, String>, id: OrganisationId) -> String {
    names.get(&id).cloned().unwrap_or_else(|| id.to_string())
}

pub(super) fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

fn status_tag(a: &Agreement) -> Markup {
    let s = a.status_on(today());
    html! { strong class={ "tag tag-" (s.as_str()) } { (s.as_str()) } }
}

async fn register(State(state): State<AppState>, user: CurrentUser) -> Result<Markup, ApiError> {
    let agreements = state.store().agreements().await?;
    let names = organisation_names(&state).await?;
    let is_ig = !user
        .organisations_with(Role::InformationGovernanceLead)
        .is_empty();
    Ok(layout(
        "Data-sharing agreements",
        html! {
            h1 { "Data-sharing agreements" }
            p.lead { "Every agreement person-level data is shared under, with its parties, purpose, lawful basis and dates. Expired agreements stop working on their expiry date." }
            table {
                thead { tr { th { "Reference" } th { "Title" } th { "Purpose" } th { "Parties" } th { "Status" } th { "Review" } th { "Expires" } } }
                tbody {
                    @for a in &agreements {
                        tr {
                            td { a href={ "/agreements/" (a.id) } { (a.reference) } }
                            td { (a.title) }
                            td { (a.purpose.label()) }
                            td { @for p in &a.parties { (name_of(&names, p.organisation)) br; } }
                            td { (status_tag(a)) }
                            td { (a.review) @if a.review_due(today()) { " " strong.tag.tag-review { "review due" } } }
                            td { (a.expiry) }
                        }
                    }
                }
            }
            p { a href="/agreements.csv" { "Download the register as CSV" } " · " a href="/data-uses" { "Public register of data uses" } }
            @if is_ig {
                h2 { "Import a register" }
                p { "Paste a register in the CSV form described in the README (the same form as the download). All rows are checked first; nothing is stored unless every row is valid." }
                form method="post" action="/agreements/import" {
                    (csrf_field(&user))
                    div.form-group {
                        label for="csv" { "Register CSV" }
                        textarea #csv name="csv" rows="8" cols="80" {}
                    }
                    button.button type="submit" { "Import" }
                }
            }
        },
    ))
}

fn parse_id(id: &str) -> Result<AgreementId, ApiError> {
    AgreementId::parse(id).map_err(|e| ApiError::bad_request("invalid_agreement_id", e.reason))
}

async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Markup, ApiError> {
    let a = state
        .store()
        .agreement(parse_id(&id)?)
        .await?
        .ok_or_else(|| ApiError::not_found("agreement_not_found", "no agreement with that id"))?;
    let names = organisation_names(&state).await?;
    let my_ig: Vec<OrganisationId> = user
        .organisations_with(Role::InformationGovernanceLead)
        .into_iter()
        .filter(|o| a.party(*o).is_some())
        .collect();
    Ok(layout(
        &a.title,
        html! {
            h1 { (a.reference) ": " (a.title) }
            p { (status_tag(&a)) }
            dl {
                dt { "Purpose" } dd { (a.purpose.label()) }
                dt { "What it is for" } dd { (a.description) }
                dt { "Lawful basis (Article 6)" } dd { (a.lawful_basis.label()) }
                dt { "Condition for health data (Article 9)" } dd { (a.article9.label()) }
                dt { "Most identifiable data shared" } dd { (a.tier.as_str()) }
                dt { "Identifiers kept by the uploading organisation" } dd { @if a.retain_identifiers { "Yes, in its own partition only" } @else { "No: discarded at the door" } }
                dt { "National data opt-out" } dd { @if let Some(e) = a.opt_out_exemption { "Exempt: " (e.as_str()) } @else if a.purpose.is_secondary_use() { "Applied to health and adult social care data" } @else { "Does not apply (direct care)" } }
                dt { "Retention" } dd { (a.retention_days) " days, then deleted" }
                dt { "Security" } dd { (a.security) }
                dt { "DPIA" } dd { (a.dpia) }
                dt { "Dates" } dd { "From " (a.start) ", review " (a.review) ", expires " (a.expiry) }
            }
            h2 { "Parties" }
            table {
                thead { tr { th { "Organisation" } th { "Role" } th { "ODS code" } th { "ICO registration" } th { "DSPT" } th { "IG lead approval" } } }
                tbody { @for p in &a.parties { tr {
                    td { (name_of(&names, p.organisation)) }
                    td { (p.role.as_str()) }
                    td { @if let Some(o) = &p.ods_code { (o) } }
                    td { (p.ico_registration) }
                    td { (p.dspt_status) }
                    td { (p.approved_at.as_deref().unwrap_or("not yet")) }
                } } }
            }
            h2 { "Fields each party may see" }
            table {
                thead { tr { th { "Organisation" } th { "Dataset" } th { "Fields" } } }
                tbody { @for g in &a.fields { tr {
                    td { (name_of(&names, g.organisation)) } td { (g.dataset.as_str()) } td { (g.fields.join(", ")) }
                } } }
            }
            @for org in &my_ig {
                h2 { "Act for " (name_of(&names, *org)) }
                @for action in ["approve", "suspend", "resume", "revoke"] {
                    form method="post" action={ "/agreements/" (a.id) "/" (action) } style="display:inline" {
                        (csrf_field(&user))
                        input type="hidden" name="organisation" value=(org);
                        button.button type="submit" { (action) }
                    }
                    " "
                }
            }
        },
    ))
}

#[derive(Deserialize)]
struct ActForm {
    organisation: String,
}

async fn act(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    f: CsrfForm<ActForm>,
) -> Result<Response, ApiError> {
    let org = OrganisationId::parse(&f.form.organisation)
        .map_err(|e| ApiError::bad_request("invalid_organisation", e.reason))?;
    f.user.require_role(Role::InformationGovernanceLead, org)?;
    let mut a = state
        .store()
        .agreement(parse_id(&id)?)
        .await?
        .ok_or_else(|| ApiError::not_found("agreement_not_found", "no agreement with that id"))?;
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let result = match action.as_str() {
        "approve" => a.approve(org, &at),
        "suspend" => a.suspend(org),
        "resume" => a.resume(org),
        "revoke" => a.revoke(org),
        _ => {
            return Err(ApiError::not_found(
                "not_found",
                "no such action on an agreement",
            ))
        }
    };
    result.map_err(|e| ApiError {
        status: axum::http::StatusCode::CONFLICT,
        code: "lifecycle",
        message: e.to_string(),
    })?;
    state.store().put_agreement(&a).await?;
    state
        .store()
        .append_audit(AuditRecord {
            actor: f.user.account.id.to_string(),
            organisation: Some(org.to_string()),
            action: format!("agreement.{action}"),
            outcome: "done".into(),
            agreement: Some(a.id.to_string()),
            subject: format!("agreement/{}", a.id),
            detail: format!("now {}", a.status_on(today()).as_str()),
            ..AuditRecord::default()
        })
        .await?;
    Ok(Redirect::to(&format!("/agreements/{}", a.id)).into_response())
}

async fn export(State(state): State<AppState>, _user: CurrentUser) -> Result<Response, ApiError> {
    let agreements = state.store().agreements().await?;
    let body =
        register_csv::write(&agreements).map_err(|e| ApiError::bad_request("export_failed", e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"agreements.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(Deserialize)]
struct ImportForm {
    csv: String,
}

async fn import(
    State(state): State<AppState>,
    f: CsrfForm<ImportForm>,
) -> Result<Response, ApiError> {
    let orgs = f.user.require_any(Role::InformationGovernanceLead)?;
    let agreements = register_csv::read(&f.form.csv)
        .map_err(|e| ApiError::bad_request("invalid_register", e))?;
    for a in &agreements {
        if !orgs.iter().any(|o| a.party(*o).is_some()) {
            return Err(ApiError::forbidden(format!(
                "agreement {}: you can import only agreements your organisation is a party to",
                a.reference
            )));
        }
    }
    state
        .store()
        .put_agreements(&agreements)
        .await
        .map_err(|e| match e {
            goldthread_store::StoreError::Conflict(m) => {
                ApiError::bad_request("invalid_register", m)
            }
            e => e.into(),
        })?;
    state
        .store()
        .append_audit(AuditRecord {
            actor: f.user.account.id.to_string(),
            organisation: Some(orgs[0].to_string()),
            action: "agreement.import".into(),
            outcome: "done".into(),
            subject: "agreements".into(),
            detail: format!("{} agreements imported", agreements.len()),
            ..AuditRecord::default()
        })
        .await?;
    Ok(Redirect::to("/agreements").into_response())
}

/// Agreements whose status on a day is `status`.
pub(super) fn in_state(all: &[Agreement], status: &[Status]) -> Vec<Agreement> {
    all.iter()
        .filter(|a| status.contains(&a.status_on(today())))
        .cloned()
        .collect()
}
