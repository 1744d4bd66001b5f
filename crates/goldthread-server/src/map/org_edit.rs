//! Editing organisations on the web: who may (system administrators, who run the instance's
//! accounts and organisations), the edit form `/organisations/{id}/edit`, and the attribution
//! and audit every change to an organisation gets, whether edited here or uploaded
//! (`org_upload.rs`).
//!
//! A form is parsed by the same rules as an organisations file (`organisations_csv`), and
//! compared with what is stored by the same diff, so a code that belongs to another
//! organisation is refused here as it is in an upload. A bad form comes back 422 with an error
//! summary and nothing stored.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_domain::audit::AuditRecord;
use goldthread_domain::directory::organisations_csv::{parse_fields, UploadRow};
use goldthread_domain::directory::organisations_diff::{diff, field_values, fingerprint, Record};
use goldthread_domain::organisation::{OrganisationId, OrganisationKind};
use goldthread_domain::sharing::{Role, RoleGrant};
use goldthread_store::{ApplyRefusal, Attribution};
use maud::{html, Markup};

use super::ics_pages::kind_label;
use super::parse_org_id;
use crate::auth::{csrf_field, CsrfForm, CurrentUser};
use crate::outcomes::forms::{field, select, text, textarea, Fields, FormErrors};
use crate::outcomes::manage::changed_by;
use crate::pages::layout;
use crate::{ApiError, AppState};

/// The sentence saying who may change organisations.
pub(crate) const EDITORS: &str =
    "changing organisations needs the system administrator role in an organisation here";

/// Whether someone with these roles may edit organisations and upload provider lists.
pub(crate) fn may_edit_organisations(roles: &[RoleGrant]) -> bool {
    roles.iter().any(|g| g.role == Role::SystemAdministrator)
}

/// Ok with the name a change is attributed to, or a 403 naming the role needed.
pub(crate) fn require_organisation_editor(user: &CurrentUser) -> Result<String, ApiError> {
    if may_edit_organisations(user.roles()) {
        Ok(changed_by(user))
    } else {
        Err(ApiError::forbidden(EDITORS))
    }
}

/// Whoever is signed in for this request may edit organisations.
pub(crate) fn signed_in_editor() -> bool {
    crate::auth::signed_in().is_some_and(|u| may_edit_organisations(&u.roles))
}

/// Records a change to organisations in the audit trail.
pub(crate) async fn audit_change(
    state: &AppState,
    user: &CurrentUser,
    action: &str,
    subject: String,
    detail: String,
) -> Result<(), ApiError> {
    state
        .store()
        .append_audit(AuditRecord {
            actor: user.account.id.to_string(),
            organisation: user
                .organisations_with(Role::SystemAdministrator)
                .first()
                .map(ToString::to_string),
            action: action.into(),
            outcome: "done".into(),
            subject,
            detail,
            ..AuditRecord::default()
        })
        .await?;
    Ok(())
}

/// The words people read for each column of an organisation.
pub(crate) fn field_label(field: &str) -> &'static str {
    match field {
        "id" => "Identifier",
        "name" => "Name",
        "kind" => "Kind",
        "ods_code" => "ODS code",
        "gss_code" => "GSS code",
        "description" => "Description",
        "website" => "Website",
        "email" => "Email",
        "phone" => "Telephone",
        "companies_house" => "Companies House number",
        "charity_number" => "Charity number",
        _ => "Row",
    }
}

/// A field's problem as a sentence starting with the field's label.
pub(crate) fn field_message(field: &str, reason: &str) -> String {
    if reason.starts_with("is ") {
        format!("{} {reason}", field_label(field))
    } else {
        format!("{}: {reason}", field_label(field))
    }
}

fn kind_options() -> Vec<(String, String)> {
    OrganisationKind::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), kind_label(k.as_str())))
        .collect()
}

fn form_page(
    id: OrganisationId,
    name: &str,
    user: &CurrentUser,
    f: &Fields,
    e: &FormErrors,
) -> Markup {
    let v = |k: &str| field(f, k);
    layout(
        &format!("Edit {name}"),
        html! {
            p { a href={ "/organisations/" (id) } { "Back to " (name) } }
            (e.summary())
            h1 { "Edit " (name) }
            p.lead { "Your change is stored with your name and the time, and recorded in the audit trail." }
            form method="post" novalidate {
                (csrf_field(user))
                (text("name", "Name", None, v("name"), e))
                (select("kind", "Kind", None, &kind_options(), v("kind"), e))
                (text("ods_code", "ODS code", Some("For NHS bodies, for example RM1. Leave empty if it has none."), v("ods_code"), e))
                (text("gss_code", "GSS code", Some("For councils, for example E07000148."), v("gss_code"), e))
                (text("companies_house", "Companies House number", Some("8 characters: digits, or two letters then six digits."), v("companies_house"), e))
                (text("charity_number", "Charity number", Some("Registered in England and Wales: 6 to 8 digits."), v("charity_number"), e))
                (textarea("description", "Description", Some("What it does, as the directory shows it."), v("description"), e))
                (text("website", "Website", None, v("website"), e))
                (text("email", "Email", None, v("email"), e))
                (text("phone", "Telephone", None, v("phone"), e))
                button.button type="submit" { "Save changes" }
            }
        },
    )
}

async fn load(state: &AppState, raw: &str) -> Result<Record, ApiError> {
    let id = parse_org_id("id", raw)?;
    state
        .store()
        .organisation_record(&id)
        .await?
        .ok_or_else(|| {
            ApiError::not_found(
                "unknown_organisation",
                format!("no organisation has the id {id}"),
            )
        })
}

/// `GET /organisations/{id}/edit`.
pub(super) async fn edit_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    user: CurrentUser,
) -> Result<Markup, ApiError> {
    require_organisation_editor(&user)?;
    let record = load(&state, &id).await?;
    let f: Fields = field_values(&record)
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    Ok(form_page(
        record.0.id,
        &record.0.name,
        &user,
        &f,
        &FormErrors::default(),
    ))
}

/// `POST /organisations/{id}/edit`: 303 to the organisation when stored, 422 with the form
/// and an error summary when not, 409 when someone else changed organisations meanwhile.
pub(super) async fn edit_save(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { user, form: f }: CsrfForm<Fields>,
) -> Result<Response, ApiError> {
    let who = require_organisation_editor(&user)?;
    let (before, _) = load(&state, &id).await?;
    let id_text = before.id.to_string();
    let mut e = FormErrors::default();
    let parsed = parse_fields(|k| {
        if k == "id" {
            id_text.as_str()
        } else {
            field(&f, k)
        }
    });
    let invalid = |e: &FormErrors| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(before.id, &before.name, &user, &f, e),
        )
            .into_response()
    };
    let record = match parsed {
        Ok((_, record)) => record,
        Err(faults) => {
            for fault in faults {
                e.add(fault.field, field_message(fault.field, &fault.reason));
            }
            return Ok(invalid(&e));
        }
    };
    let stored = state.store().organisation_records().await?;
    let row = UploadRow {
        line: 1,
        id_given: true,
        record,
        absent: Vec::new(),
    };
    let change = match diff(&stored, &[row]) {
        Ok(d) => d,
        Err(faults) => {
            for fault in faults {
                e.add(
                    fault.field.clone(),
                    field_message(&fault.field, &fault.reason),
                );
            }
            return Ok(invalid(&e));
        }
    };
    let Some(changed) = change.changed.first() else {
        e.add("name", "Nothing has changed: change a field before saving");
        return Ok(invalid(&e));
    };
    let detail = format!(
        "changed {}",
        changed
            .fields
            .iter()
            .map(|c| c.field)
            .collect::<Vec<_>>()
            .join(", ")
    );
    let applied = state
        .store()
        .apply_organisation_changes(
            &change,
            &fingerprint(&stored),
            Attribution {
                changed_by: &who,
                how: "edit",
                upload_id: None,
            },
        )
        .await?;
    if let Err(refusal) = applied {
        let message = match refusal {
            ApplyRefusal::Stale => "Someone else changed organisations while you were saving; nothing was stored. Save again to apply your change to the latest version".to_owned(),
            other => other.to_string(),
        };
        e.add("name", message);
        return Ok((
            StatusCode::CONFLICT,
            form_page(before.id, &before.name, &user, &f, &e),
        )
            .into_response());
    }
    audit_change(
        &state,
        &user,
        "organisation.edit",
        format!("organisation/{}", before.id),
        detail,
    )
    .await?;
    Ok(Redirect::to(&format!("/organisations/{}", before.id)).into_response())
}
