//! The IG audit page: who accessed what, under which agreement, for which purpose; filters and
//! CSV export. For information governance leads, who see the events that touch their
//! organisations: done for them, under their agreements, or by their people. The page shows 200
//! events at a time by keyset (stable while events are appended); the CSV export streams the
//! whole filtered set in batches, never holding it in memory.

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use goldthread_domain::audit::AuditEvent;
use goldthread_domain::sharing::Role;
use goldthread_store::{AuditFilter, AuditScope};
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
    /// Keyset paging: show events numbered below this.
    before: Option<String>,
}

impl Filters {
    fn store_filter(&self) -> AuditFilter {
        AuditFilter {
            actor: self.actor.clone(),
            organisation: self.organisation.clone(),
            agreement: self.agreement.clone(),
            purpose: self.purpose.clone(),
            action_prefix: self.action.clone(),
            since: self.since.clone(),
            until: self.until.clone(),
        }
    }

    /// The query string for the same filters, with `before` for another page.
    fn query(&self, before: Option<i64>) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("actor", &self.actor),
            ("organisation", &self.organisation),
            ("agreement", &self.agreement),
            ("purpose", &self.purpose),
            ("action", &self.action),
            ("since", &self.since),
            ("until", &self.until),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                q.append_pair(k, v);
            }
        }
        if let Some(b) = before {
            q.append_pair("before", &b.to_string());
        }
        q.finish()
    }
}

/// Events per page.
pub const PAGE_SIZE: i64 = 200;
/// Events read from the store at a time while streaming the CSV export.
const EXPORT_BATCH: i64 = 500;

async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(f): Query<Filters>,
) -> Result<Response, ApiError> {
    let mine: Vec<String> = user
        .require_any(Role::InformationGovernanceLead)?
        .iter()
        .map(ToString::to_string)
        .collect();
    let before = match f.before.as_deref().filter(|b| !b.is_empty()) {
        None => None,
        Some(b) => Some(b.parse::<i64>().map_err(|_| {
            ApiError::bad_request("invalid_before", "before must be an event number")
        })?),
    };
    if f.format.as_deref() == Some("csv") {
        return Ok(csv_export(state, f.store_filter(), mine));
    }
    let events = state
        .store()
        .audit_events_page(
            &f.store_filter(),
            AuditScope::Organisations(&mine),
            before,
            PAGE_SIZE + 1,
        )
        .await?;
    let more = events.len() as i64 > PAGE_SIZE;
    let events = &events[..events.len().min(PAGE_SIZE as usize)];
    let older = more.then(|| events.last().map(|e| e.seq)).flatten();
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
            button.button name="format" value="csv" type="submit" { "Download CSV (every matching event)" }
        }
        p {
            @if events.is_empty() { "No events" } @else {
                "Events " (events[0].seq) " to " (events[events.len() - 1].seq)
            }
            " (newest first, " (PAGE_SIZE) " a page)."
        }
        table {
            thead { tr { th { "#" } th { "When" } th { "Who" } th { "For" } th { "Action" } th { "Outcome" } th { "Agreement" } th { "Purpose" } th { "What" } th { "Detail" } } }
            tbody { @for e in events { tr {
                td { (e.seq) } td { (e.record.at) } td { code { (e.record.actor) } }
                td { (e.record.organisation.as_deref().unwrap_or("")) }
                td { (e.record.action) } td { (e.record.outcome) }
                td { (e.record.agreement.as_deref().unwrap_or("")) }
                td { (e.record.purpose.as_deref().unwrap_or("")) }
                td { (e.record.subject) } td { (e.record.detail) }
            } } }
        }
        nav.pagination aria-label="Audit pages" {
            @if before.is_some() {
                a href={ "/ig/audit?" (f.query(None)) } { "Newest events" }
                " "
            }
            @if let Some(seq) = older {
                a rel="next" href={ "/ig/audit?" (f.query(Some(seq))) } { "Older events" }
            }
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

const CSV_HEADER: [&str; 12] = [
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
];

fn csv_rows(events: &[AuditEvent], header: bool) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    if header {
        w.write_record(CSV_HEADER)?;
    }
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
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// Where the export has got to.
enum Export {
    Start,
    Before(i64),
    Done,
}

/// The whole filtered set as CSV, streamed: read from the store a batch at a time by keyset,
/// each batch written out before the next is read, so memory stays one batch however long the
/// trail. Events appended during the export (higher numbers) are not included.
fn csv_export(state: AppState, filter: AuditFilter, mine: Vec<String>) -> Response {
    let batches = futures_util::stream::unfold(Export::Start, move |at| {
        let state = state.clone();
        let filter = filter.clone();
        let mine = mine.clone();
        async move {
            let before = match at {
                Export::Done => return None,
                Export::Start => None,
                Export::Before(seq) => Some(seq),
            };
            let read = state
                .store()
                .audit_events_page(
                    &filter,
                    AuditScope::Organisations(&mine),
                    before,
                    EXPORT_BATCH,
                )
                .await;
            match read {
                Err(e) => {
                    tracing::error!(error = %e, "audit export failed part-way");
                    Some((
                        Err(std::io::Error::other("the export failed part-way")),
                        Export::Done,
                    ))
                }
                Ok(events) => {
                    let next = match events.last() {
                        Some(e) if events.len() as i64 == EXPORT_BATCH => Export::Before(e.seq),
                        _ => Export::Done,
                    };
                    let bytes = csv_rows(&events, before.is_none()).map_err(std::io::Error::other);
                    Some((bytes, next))
                }
            }
        }
    });
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit.csv\"",
            ),
        ],
        Body::from_stream(batches),
    )
        .into_response()
}
