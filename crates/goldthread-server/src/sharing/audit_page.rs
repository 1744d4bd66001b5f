//! The IG audit page: who accessed what, under which agreement, for which purpose; filters and
//! CSV export. For information governance leads, who see the events that touch their
//! organisations: done for them, under their agreements, or by their people.

use std::collections::HashSet;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use goldthread_domain::audit::AuditEvent;
use goldthread_domain::sharing::Role;
use goldthread_store::AuditFilter;
use maud::html;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::pages::layout;
use crate::{ApiError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/ig/audit", get(page))
}

#[derive(Deserialize, Default)]
struct Filters {
    actor: Option<String>,
    organisation: Option<String>,
    agreement: Option<String>,
    purpose: Option<String>,
    action: Option<String>,
    since: Option<String>,
    until: Option<String>,
    format: Option<String>,
}

const LIMIT: i64 = 1000;

async fn visible_events(
    state: &AppState,
    user: &CurrentUser,
    f: &Filters,
) -> Result<Vec<AuditEvent>, ApiError> {
    let mine = user.require_any(Role::InformationGovernanceLead)?;
    let mine_s: HashSet<String> = mine.iter().map(ToString::to_string).collect();
    let agreements: HashSet<String> = state
        .store()
        .agreements()
        .await?
        .into_iter()
        .filter(|a| mine.iter().any(|o| a.party(*o).is_some()))
        .map(|a| a.id.to_string())
        .collect();
    let people: HashSet<String> = state
        .store()
        .accounts()
        .await?
        .into_iter()
        .filter(|a| a.roles.iter().any(|g| mine.contains(&g.organisation)))
        .map(|a| a.id.to_string())
        .collect();
    let filter = AuditFilter {
        actor: f.actor.clone(),
        organisation: f.organisation.clone(),
        agreement: f.agreement.clone(),
        purpose: f.purpose.clone(),
        action_prefix: f.action.clone(),
        since: f.since.clone(),
        until: f.until.clone(),
    };
    let events = state.store().audit_events(&filter, LIMIT).await?;
    Ok(events
        .into_iter()
        .filter(|e| {
            let r = &e.record;
            r.organisation.as_ref().is_some_and(|o| mine_s.contains(o))
                || r.agreement.as_ref().is_some_and(|a| agreements.contains(a))
                || people.contains(&r.actor)
        })
        .collect())
}

async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(f): Query<Filters>,
) -> Result<Response, ApiError> {
    let events = visible_events(&state, &user, &f).await?;
    if f.format.as_deref() == Some("csv") {
        return csv_export(&events);
    }
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let body = html! {
        h1 { "Audit trail" }
        p.lead { "Every read of person-level data, allowed or refused, and every change to an agreement. The trail is hash-chained: " code { "goldthread audit verify" } " shows whether any event was altered or removed." }
        form method="get" action="/ig/audit" {
            @for (name, label, value) in [
                ("actor", "Account id", v(&f.actor)),
                ("organisation", "Organisation id", v(&f.organisation)),
                ("agreement", "Agreement id", v(&f.agreement)),
                ("purpose", "Purpose", v(&f.purpose)),
                ("action", "Action starts with", v(&f.action)),
                ("since", "From (YYYY-MM-DD)", v(&f.since)),
                ("until", "Before (YYYY-MM-DD)", v(&f.until)),
            ] {
                div.form-group {
                    label for=(name) { (label) }
                    input id=(name) name=(name) type="text" value=(value);
                }
            }
            button.button type="submit" { "Filter" }
            " "
            button.button name="format" value="csv" type="submit" { "Download CSV" }
        }
        p { (events.len()) " events (newest first, at most " (LIMIT) ")." }
        table {
            thead { tr { th { "#" } th { "When" } th { "Who" } th { "For" } th { "Action" } th { "Outcome" } th { "Agreement" } th { "Purpose" } th { "What" } th { "Detail" } } }
            tbody { @for e in &events { tr {
                td { (e.seq) } td { (e.record.at) } td { code { (e.record.actor) } }
                td { (e.record.organisation.as_deref().unwrap_or("")) }
                td { (e.record.action) } td { (e.record.outcome) }
                td { (e.record.agreement.as_deref().unwrap_or("")) }
                td { (e.record.purpose.as_deref().unwrap_or("")) }
                td { (e.record.subject) } td { (e.record.detail) }
            } } }
        }
    };
    Ok(layout("Audit trail", body).into_response())
}

/// Spreadsheet programs run cells starting with these as formulas; prefix them so they don't.
fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

fn csv_export(events: &[AuditEvent]) -> Result<Response, ApiError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| ApiError::bad_request("export_failed", e.to_string());
    w.write_record([
        "seq",
        "at",
        "actor",
        "organisation",
        "action",
        "outcome",
        "agreement",
        "purpose",
        "subject",
        "detail",
        "prev_hash",
        "hash",
    ])
    .map_err(fail)?;
    for e in events {
        let r = &e.record;
        w.write_record([
            e.seq.to_string(),
            cell(&r.at),
            cell(&r.actor),
            cell(r.organisation.as_deref().unwrap_or("")),
            cell(&r.action),
            cell(&r.outcome),
            cell(r.agreement.as_deref().unwrap_or("")),
            cell(r.purpose.as_deref().unwrap_or("")),
            cell(&r.subject),
            cell(&r.detail),
            e.prev_hash.clone(),
            e.hash.clone(),
        ])
        .map_err(fail)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| ApiError::bad_request("export_failed", e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}
