//! Review reminders for IG leads: `/agreements/due?within=DAYS` lists the agreements their
//! organisations are party to whose review or expiry date falls within the window, or is past.
//! The same list is on the command line as `goldthread agreements due`.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::Router;
use goldthread_domain::sharing::{due_dates, Agreement, DueDate, Role};
use maud::{html, Markup};
use serde::Deserialize;

use super::agreements::{name_of, organisation_names, today};
use crate::auth::CurrentUser;
use crate::pages::layout;
use crate::{ApiError, AppState};

/// The window when none is given.
pub const DEFAULT_WITHIN_DAYS: u32 = 60;
/// The longest window accepted (ten years).
pub const MAX_WITHIN_DAYS: u32 = 3650;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/agreements/due", get(page))
}

#[derive(Deserialize)]
struct Within {
    within: Option<String>,
}

/// Parses a window in days: a whole number from 0 to [`MAX_WITHIN_DAYS`].
pub fn parse_within(s: Option<&str>) -> Result<u32, String> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(DEFAULT_WITHIN_DAYS),
        Some(s) => match s.parse::<u32>() {
            Ok(n) if n <= MAX_WITHIN_DAYS => Ok(n),
            _ => Err(format!(
                "within must be a whole number of days from 0 to {MAX_WITHIN_DAYS}"
            )),
        },
    }
}

/// The agreements with dates due, each with its due dates, soonest (or most overdue) first.
pub fn due_agreements(
    agreements: Vec<Agreement>,
    today: chrono::NaiveDate,
    within: u32,
) -> Vec<(Agreement, Vec<DueDate>)> {
    let mut out: Vec<(Agreement, Vec<DueDate>)> = agreements
        .into_iter()
        .filter_map(|a| {
            let d = due_dates(&a, today, within);
            (!d.is_empty()).then_some((a, d))
        })
        .collect();
    out.sort_by(|a, b| (a.1[0].date, &a.0.reference).cmp(&(b.1[0].date, &b.0.reference)));
    out
}

fn due_class(d: &DueDate) -> String {
    let past = if d.days < 0 { " due-past" } else { "" };
    format!("due due-{}{past}", d.kind.label())
}

async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<Within>,
) -> Result<Markup, ApiError> {
    let mine = user.require_any(Role::InformationGovernanceLead)?;
    let within = parse_within(q.within.as_deref())
        .map_err(|m| ApiError::bad_request("invalid_within", m))?;
    let theirs: Vec<Agreement> = state
        .store()
        .agreements()
        .await?
        .into_iter()
        .filter(|a| mine.iter().any(|o| a.party(*o).is_some()))
        .collect();
    let due = due_agreements(theirs, today(), within);
    let names = organisation_names(&state).await?;
    Ok(layout(
        "Agreements due for review",
        html! {
            h1 { "Agreements due for review" }
            p.lead {
                "Agreements your organisations are party to whose review or expiry date is within "
                (within) " days, or already past. Review them with every party's IG lead before they lapse: an expired agreement stops all sharing under it on its expiry date."
            }
            form.search-form method="get" action="/agreements/due" {
                div.form-group {
                    label for="within" { "Within (days)" }
                    input #within name="within" type="number" min="0" max=(MAX_WITHIN_DAYS) value=(within);
                }
                button.button type="submit" { "Show" }
            }
            @if due.is_empty() {
                p { "Nothing is due within " (within) " days." }
            } @else {
                table {
                    caption.visually-hidden { "Agreements with dates due" }
                    thead { tr { th scope="col" { "Reference" } th scope="col" { "Title" } th scope="col" { "Parties" } th scope="col" { "Status" } th scope="col" { "Due" } } }
                    tbody {
                        @for (a, dates) in &due {
                            tr {
                                td { a href={ "/agreements/" (a.id) } { (a.reference) } }
                                td { (a.title) }
                                td { @for p in &a.parties { (name_of(&names, p.organisation)) br; } }
                                td { (a.status_on(today()).as_str()) }
                                td { @for d in dates {
                                    span class=(due_class(d)) {
                                        (d.kind.label()) " " (d.date) " (" (d.when()) ")"
                                    }
                                    br;
                                } }
                            }
                        }
                    }
                }
            }
            p { a href="/agreements" { "All agreements" } }
        },
    ))
}
