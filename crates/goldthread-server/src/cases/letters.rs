//! Letters from templates on a case: which are due (the domain's rule), the letter itself as a
//! printable page, and recording it as sent (a note in the case log, so it is not due twice).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use goldthread_domain::programme::case::CaseEvent;
use goldthread_domain::programme::letters::{self, LetterFacts, LetterTemplate};
use goldthread_domain::programme::Programme;
use goldthread_store::CaseRecord;
use maud::{html, Markup};

use super::access::Caller;
use super::api::apply_event;
use super::{load_case, today};
use crate::auth::{csrf_field, CsrfForm};
use crate::pages::layout;
use crate::{ApiError, AppState};

fn day_of(at: &str) -> Option<NaiveDate> {
    at.get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

/// The letters this case is due today.
pub(crate) fn due(record: &CaseRecord, programme: &Programme) -> Vec<LetterTemplate> {
    let last = record
        .events
        .last()
        .map_or(record.summary.created_at.as_str(), |e| e.at.as_str());
    let notes = record.events.iter().filter_map(|e| match &e.event {
        CaseEvent::Note { text } => Some(text.as_str()),
        _ => None,
    });
    letters::due(
        &record.status,
        programme,
        day_of(last).unwrap_or_else(today),
        today(),
        notes,
    )
}

/// The case page's list of letters due, each linking to the letter.
pub(crate) fn section(record: &CaseRecord, programme: &Programme) -> Markup {
    let due = due(record, programme);
    html! {
        @if !due.is_empty() {
            div.warning #letters-due {
                "Letters due: "
                @for (i, t) in due.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href={ "/cases/" (record.summary.reference) "/letters/" (t.code) } { (t.title) }
                }
            }
        }
    }
}

fn template(code: &str) -> Result<LetterTemplate, ApiError> {
    letters::template(code).ok_or_else(|| {
        ApiError::not_found("unknown_letter", format!("there is no letter {code:?}"))
    })
}

/// `GET /cases/{key}/letters/{code}`: the letter, ready to print, with a button to record it
/// as sent.
pub(crate) async fn page(
    State(state): State<AppState>,
    caller: Caller,
    Path((key, code)): Path<(String, String)>,
) -> Result<Markup, ApiError> {
    let t = template(&code)?;
    let (record, programme) = load_case(&state, &caller, &key).await?;
    let s = &record.summary;
    let team = state
        .store()
        .organisation(&s.team)
        .await?
        .map_or_else(|| s.team.to_string(), |o| o.name);
    let facts = LetterFacts {
        name: s.subject_name.clone(),
        reference: s.reference.clone(),
        programme: programme.name.clone(),
        team,
        attempts: record.status.attempts,
        date: today(),
    };
    let text = letters::render(&t, &facts).map_err(|e| {
        tracing::error!(error = %e, "letter template");
        ApiError {
            status: axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: "the letter could not be written".into(),
        }
    })?;
    Ok(layout(
        t.title,
        html! {
            span.caption.no-print { "Letter for case " a href={ "/cases/" (s.reference) } { (s.reference) } }
            article.letter #letter {
                h1 { (t.title) }
                @for para in text.split("\n\n") {
                    p { @for (i, line) in para.lines().enumerate() { @if i > 0 { br; } (line) } }
                }
            }
            form.no-print method="post" action={ "/cases/" (s.reference) "/letters/" (t.code) } {
                (csrf_field(&caller.user))
                button.button #letter-sent type="submit" { "Record as sent" }
            }
        },
    ))
}

/// `POST /cases/{key}/letters/{code}`: records the letter in the case log.
pub(crate) async fn sent(
    State(state): State<AppState>,
    Path((key, code)): Path<(String, String)>,
    CsrfForm { user, .. }: CsrfForm<Vec<(String, String)>>,
) -> Response {
    let caller = Caller::from(user);
    let t = match template(&code) {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    let note = CaseEvent::Note {
        text: letters::sent_note(&t),
    };
    match apply_event(&state, &caller, &key, &note).await {
        Ok(_) => Redirect::to(&format!("/cases/{key}")).into_response(),
        Err(e) => e.into_response(),
    }
}
