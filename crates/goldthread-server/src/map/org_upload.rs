//! Bulk upload of providers from a spreadsheet, with a preview of what will change.
//!
//! `GET /organisations/upload` offers the form; `POST` takes a CSV file or an .xlsx workbook
//! (its first sheet) in the organisations CSV's columns, parses every row and compares it with
//! what is stored. A file with any bad row is shown back, each bad row named by row number,
//! field and reason, and nothing is kept. A good file is held server-side with the stored
//! organisations' fingerprint, and `GET /organisations/uploads/{id}` previews it: rows to add,
//! rows to change field by field (old and new), unchanged rows. Confirming applies exactly that
//! preview in one transaction, attributed and audited, and is refused if the stored
//! organisations have changed since the upload.

use std::io::Cursor;

use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use calamine::{Data, Reader, Xlsx};
use goldthread_domain::directory::organisations_csv::{self, RowError, UploadRow};
use goldthread_domain::directory::organisations_diff::{diff, fingerprint, OrganisationsDiff};
use goldthread_store::{ApplyRefusal, Attribution, PendingUpload};
use maud::{html, Markup};

use super::ics_pages::kind_label;
use super::org_edit::{audit_change, field_label, require_organisation_editor};
use crate::auth::{check_csrf, csrf_field, CsrfForm, CurrentUser};
use crate::outcomes::forms::{field, Fields, FormErrors};
use crate::pages::layout;
use crate::{ApiError, AppState};

const UPLOAD: &str = "/organisations/upload";

fn upload_page(user: &CurrentUser, problems: &[RowError], file_error: Option<&str>) -> Markup {
    let mut e = FormErrors::default();
    if let Some(m) = file_error {
        e.add("file", m);
    }
    if !problems.is_empty() {
        e.add(
            "file",
            format!(
                "{} problem{} in the file; nothing was kept. Correct the rows below and upload it again",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            ),
        );
    }
    layout(
        "Upload providers from a spreadsheet",
        html! {
            p { a href="/directory" { "Back to the service directory" } }
            (e.summary())
            h1 { "Upload providers from a spreadsheet" }
            p.lead { "Add and update organisations from a CSV file or an Excel workbook (.xlsx, first sheet). You will see what will change before anything is stored." }
            p { "Columns, in any order, with these names in the first row: "
                @for (i, c) in organisations_csv::HEADER.iter().enumerate() { @if i > 0 { ", " } code { (c) } }
                ". " code { "name" } " and " code { "kind" } " are required. A row without an " code { "id" }
                " is matched to a stored organisation by its ODS code, GSS code or name. "
                a href="/organisations.csv" { "Download the organisations as CSV" } " to start from the current list." }
            @if !problems.is_empty() {
                table #problems {
                    caption { "Rows that cannot be applied" }
                    thead { tr { th scope="col" { "Row" } th scope="col" { "Field" } th scope="col" { "Problem" } } }
                    tbody {
                        @for p in problems {
                            tr { td { (p.line) } td { (field_label(&p.field)) " (" code { (p.field) } ")" } td { (p.reason) } }
                        }
                    }
                }
            }
            form method="post" action=(UPLOAD) enctype="multipart/form-data" novalidate {
                (csrf_field(user))
                div class={ "form-group" @if !e.is_empty() { " form-group-error" } } {
                    label for="file" { "The file" }
                    p.hint #file-hint { "CSV (UTF-8) or .xlsx." }
                    @if let Some(m) = e.get("file") { p.error-message #file-error { span.visually-hidden { "Error: " } (m) } }
                    input.file-upload #file name="file" type="file" accept=".csv,.xlsx,text/csv" aria-describedby="file-hint";
                }
                button.button type="submit" { "Preview the changes" }
            }
        },
    )
}

/// `GET /organisations/upload`.
pub(super) async fn form(user: CurrentUser) -> Result<Markup, ApiError> {
    require_organisation_editor(&user)?;
    Ok(upload_page(&user, &[], None))
}

/// A spreadsheet row's cells, or why it cannot be read.
type SheetRow = Result<Vec<String>, String>;

/// The first sheet of an .xlsx workbook as a header and rows of cells, and how many rows above
/// the header the sheet leaves empty (so rows are numbered as the spreadsheet numbers them).
fn xlsx_table(bytes: Vec<u8>) -> Result<(Vec<String>, Vec<SheetRow>, u64), String> {
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| format!("the workbook cannot be read: {e}"))?;
    let sheet = book
        .worksheet_range_at(0)
        .ok_or("the workbook has no sheets")?
        .map_err(|e| format!("the first sheet cannot be read: {e}"))?;
    let skipped = sheet.start().map_or(0, |(row, _)| u64::from(row));
    let mut rows = sheet.rows();
    let header = rows
        .next()
        .ok_or("the first sheet is empty: put the column names in its first row")?
        .iter()
        .map(ToString::to_string)
        .collect();
    let cells = rows
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Error(e) => Err(format!("a cell holds the spreadsheet error {e}")),
                    other => Ok(other.to_string()),
                })
                .collect()
        })
        .collect();
    Ok((header, cells, skipped))
}

/// Parses an uploaded file: a workbook if it is one (a zip archive), otherwise CSV text.
fn parse_upload(bytes: Vec<u8>) -> Result<Vec<UploadRow>, Result<Vec<RowError>, String>> {
    if bytes.starts_with(b"PK\x03\x04") {
        let (header, cells, skipped) = xlsx_table(bytes).map_err(Err)?;
        let renumber = |line: u64| line + skipped;
        return organisations_csv::parse_cells(&header, cells)
            .map(|rows| {
                rows.into_iter()
                    .map(|r| UploadRow {
                        line: renumber(r.line),
                        ..r
                    })
                    .collect()
            })
            .map_err(|errors| {
                Ok(errors
                    .into_iter()
                    .map(|e| RowError {
                        line: renumber(e.line),
                        ..e
                    })
                    .collect())
            });
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        Err("the file is neither an .xlsx workbook nor UTF-8 text: save it as \"CSV UTF-8\" or .xlsx".to_owned())
    })?;
    organisations_csv::parse_rows(text.trim_start_matches('\u{feff}')).map_err(Ok)
}

/// `POST /organisations/upload` (multipart: `csrf`, `file`): 303 to the preview, or 422 with
/// every bad row and nothing kept.
pub(super) async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    mut multipart: Multipart,
) -> Result<Response, ApiError> {
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(part) = multipart
        .next_field()
        .await
        .map_err(|e| ApiError::bad_request("invalid_form", e.to_string()))?
    {
        let name = part.name().map(str::to_owned);
        match name.as_deref() {
            Some("csrf") => {
                csrf = part
                    .text()
                    .await
                    .map_err(|e| ApiError::bad_request("invalid_form", e.to_string()))?
            }
            Some("file") => {
                let name = part.file_name().unwrap_or("upload").to_owned();
                let bytes = part
                    .bytes()
                    .await
                    .map_err(|e| ApiError::bad_request("invalid_form", e.to_string()))?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    check_csrf(&user, &csrf)?;
    let who = require_organisation_editor(&user)?;
    let refuse = |problems: &[RowError], message: Option<&str>| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            upload_page(&user, problems, message),
        )
            .into_response()
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Ok(refuse(&[], Some("Choose a CSV or .xlsx file to upload")));
    };
    let rows = match parse_upload(bytes) {
        Ok(rows) => rows,
        Err(Ok(problems)) => return Ok(refuse(&problems, None)),
        Err(Err(message)) => return Ok(refuse(&[], Some(&message))),
    };
    if rows.is_empty() {
        return Ok(refuse(
            &[],
            Some("The file has no organisations below its header row"),
        ));
    }
    let stored = state.store().organisation_records().await?;
    if let Err(problems) = diff(&stored, &rows) {
        return Ok(refuse(&problems, None));
    }
    let id = state
        .store()
        .hold_organisation_upload(
            &user.account.id.to_string(),
            &name,
            &fingerprint(&stored),
            &rows,
        )
        .await?;
    tracing::info!(upload = %id, by = %who, rows = rows.len(), "organisations uploaded for preview");
    Ok(Redirect::to(&format!("/organisations/uploads/{id}")).into_response())
}

async fn pending(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<PendingUpload, ApiError> {
    let not_found =
        || ApiError::not_found("unknown_upload", format!("no upload has the id {id:?}"));
    let upload = state
        .store()
        .organisation_upload(id)
        .await?
        .ok_or_else(not_found)?;
    // An upload is seen and confirmed only by whoever made it.
    if upload.account_id != user.account.id.to_string() {
        return Err(not_found());
    }
    Ok(upload)
}

fn preview_tables(d: &OrganisationsDiff) -> Markup {
    html! {
        p #preview-summary data-added=(d.added.len()) data-changed=(d.changed.len()) data-unchanged=(d.unchanged.len()) {
            strong { (d.summary()) } "."
        }
        h2 { "To add (" (d.added.len()) ")" }
        @if d.added.is_empty() { p { "None." } } @else {
            table #added {
                thead { tr { th scope="col" { "Row" } th scope="col" { "Name" } th scope="col" { "Kind" } th scope="col" { "Codes" } } }
                tbody {
                    @for a in &d.added {
                        @let (o, p) = &a.record;
                        tr {
                            td { (a.line) } td { (o.name) } td { (kind_label(o.kind.as_str())) }
                            td { @for c in [o.ods_code.as_ref().map(ToString::to_string), o.gss_code.as_ref().map(ToString::to_string), p.companies_house.clone(), p.charity_number.clone()].into_iter().flatten() { (c) " " } }
                        }
                    }
                }
            }
        }
        h2 { "To change (" (d.changed.len()) ")" }
        @if d.changed.is_empty() { p { "None." } } @else {
            table #changed {
                thead { tr { th scope="col" { "Row" } th scope="col" { "Organisation" } th scope="col" { "Field" } th scope="col" { "Now" } th scope="col" { "Will be" } } }
                tbody {
                    @for c in &d.changed {
                        @for (i, f) in c.fields.iter().enumerate() {
                            tr {
                                td { @if i == 0 { (c.line) } }
                                td { @if i == 0 { a href={ "/organisations/" (c.before.0.id) } { (c.before.0.name) } } }
                                td { (field_label(f.field)) }
                                td { @if f.old.is_empty() { span.hint { "(none)" } } @else { (f.old) } }
                                td { @if f.new.is_empty() { span.hint { "(none)" } } @else { (f.new) } }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Unchanged (" (d.unchanged.len()) ")" }
        @if !d.unchanged.is_empty() {
            details {
                summary { "Rows that change nothing" }
                ul { @for u in &d.unchanged { li { "Row " (u.line) ": " (u.record.0.name) } } }
            }
        }
    }
}

/// `GET /organisations/uploads/{id}`: the preview, with the button that applies it; or what
/// was applied; or why it can no longer be applied.
pub(super) async fn preview(
    State(state): State<AppState>,
    Path(id): Path<String>,
    user: CurrentUser,
) -> Result<Response, ApiError> {
    require_organisation_editor(&user)?;
    let upload = pending(&state, &user, &id).await?;
    let stored = state.store().organisation_records().await?;
    let now = fingerprint(&stored);
    let title = format!("Upload of {}", upload.file_name);
    let frame = |status: StatusCode, body: Markup| {
        (
            status,
            layout(
                &title,
                html! {
                    p { a href=(UPLOAD) { "Upload another file" } }
                    span.caption { "Uploaded " (upload.created_at) }
                    h1 { (title) }
                    (body)
                },
            ),
        )
            .into_response()
    };
    if let Some(at) = &upload.applied_at {
        return Ok(frame(
            StatusCode::OK,
            html! { p #applied.lead { "Applied " (at) ". Every organisation it added or changed records who applied it and when." } },
        ));
    }
    let d = match diff(&stored, &upload.rows) {
        Ok(d) if now == upload.stored_fingerprint => d,
        _ => {
            return Ok(frame(
                StatusCode::CONFLICT,
                html! { p #stale.warning { "The stored organisations have changed since this file was uploaded, so this preview no longer says what it would do. Nothing was applied: upload the file again to see what it would change now." } },
            ))
        }
    };
    Ok(frame(
        StatusCode::OK,
        html! {
            (preview_tables(&d))
            @if d.changes_nothing() {
                p { "This file changes nothing: there is nothing to apply." }
            } @else {
                form method="post" action={ "/organisations/uploads/" (upload.id) "/confirm" } {
                    (csrf_field(&user))
                    input type="hidden" name="fingerprint" value=(upload.stored_fingerprint);
                    p { "Applying adds and changes exactly the organisations above, all together or not at all, with your name and the time." }
                    button.button type="submit" { "Apply these changes" }
                }
            }
        },
    ))
}

/// `POST /organisations/uploads/{id}/confirm`: applies the previewed upload in one transaction,
/// or 409 with nothing applied if the stored organisations moved since the preview.
pub(super) async fn confirm(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { user, form: f }: CsrfForm<Fields>,
) -> Result<Response, ApiError> {
    let who = require_organisation_editor(&user)?;
    let upload = pending(&state, &user, &id).await?;
    let refused = |message: String| {
        (
            StatusCode::CONFLICT,
            layout(
                "Nothing was applied",
                html! {
                    h1 { "Nothing was applied" }
                    p #stale.warning { (message) }
                    p { a href=(UPLOAD) { "Upload the file again" } " to see what it would change now." }
                },
            ),
        )
            .into_response()
    };
    if field(&f, "fingerprint") != upload.stored_fingerprint {
        return Ok(refused(
            "This confirmation is not for the preview of this upload: open the preview again."
                .into(),
        ));
    }
    let stored = state.store().organisation_records().await?;
    // The diff is a pure function of the stored organisations and the rows: computed against
    // the fingerprint the preview showed, it is the preview. The store re-checks the
    // fingerprint inside the transaction that applies it.
    let Ok(d) = diff(&stored, &upload.rows) else {
        return Ok(refused(ApplyRefusal::Stale.to_string()));
    };
    let applied = state
        .store()
        .apply_organisation_changes(
            &d,
            &upload.stored_fingerprint,
            Attribution {
                changed_by: &who,
                how: "upload",
                upload_id: Some(&upload.id),
            },
        )
        .await?;
    if let Err(refusal) = applied {
        return Ok(refused(refusal.to_string()));
    }
    audit_change(
        &state,
        &user,
        "organisations.upload",
        format!("organisation_upload/{}", upload.id),
        format!("{}: {}", upload.file_name, d.summary()),
    )
    .await?;
    Ok(Redirect::to(&format!("/organisations/uploads/{}", upload.id)).into_response())
}

/// `GET /organisations.csv`: every organisation in the upload's columns, to edit and upload.
pub(super) async fn export(State(state): State<AppState>) -> Result<Response, ApiError> {
    let records = state.store().organisation_records().await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"organisations.csv\"",
            ),
        ],
        organisations_csv::write(&records),
    )
        .into_response())
}
