//! `GET /cases/reminders[?within=N]`: the caller's teams' open cases whose first contact or
//! follow-up is due within N working days (default 0: due today or overdue), by team, soonest
//! first. Due dates come from each programme's service levels in working days
//! (`programme::reminders`); one authorised, audited read per page, as for the worklist.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Query, State};
use chrono::NaiveDate;
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::programme::calendar::add_working_days;
use goldthread_domain::programme::reminders::{reminder, Reminder};
use goldthread_domain::programme::Programme;
use goldthread_store::CaseSummary;
use maud::{html, Markup};
use serde::Deserialize;

use super::access::{authorise_case, case_of, Caller};
use super::today;
use crate::pages::layout;
use crate::{ApiError, AppState};

/// The longest look-ahead offered, in working days.
const MAX_WITHIN: u32 = 20;

/// `?within=N`.
#[derive(Debug, Deserialize)]
pub(crate) struct RemindersQuery {
    within: Option<String>,
}

/// One due case.
struct Due {
    reminder: Reminder,
    case: CaseSummary,
    programme: String,
}

fn day(rfc3339: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(rfc3339.get(..10)?, "%Y-%m-%d").ok()
}

/// `GET /cases/reminders`.
pub(crate) async fn page(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<RemindersQuery>,
) -> Result<Markup, ApiError> {
    let within = match q.within.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        None => 0,
        Some(w) => w
            .parse::<u32>()
            .ok()
            .filter(|w| *w <= MAX_WITHIN)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_within",
                    format!("within must be a whole number of working days from 0 to {MAX_WITHIN}"),
                )
            })?,
    };
    let subject = "reminders".to_owned();
    let teams = match caller.require_case_worker() {
        Ok(t) => t,
        Err(e) => {
            return Err(crate::auth::deny_and_record(
                &state,
                &caller.user,
                "read.reminders",
                subject,
                e,
            )
            .await)
        }
    };
    let resources = teams.iter().map(|t| case_of(*t)).collect();
    authorise_case(&state, &caller, resources, "read.reminders", subject).await?;
    let store = state.store();
    let programmes: HashMap<String, Programme> = store
        .programmes()
        .await?
        .into_iter()
        .map(|p| (p.id.to_string(), p))
        .collect();
    let today = today();
    let horizon = add_working_days(today, within);
    let mut by_team: BTreeMap<OrganisationId, Vec<Due>> = BTreeMap::new();
    for (case, last) in store.open_cases_with_activity(&caller.teams()).await? {
        let Some(p) = programmes.get(&case.programme) else {
            continue;
        };
        let (Some(referred), Some(last)) = (day(&case.created_at), day(&last)) else {
            continue;
        };
        let Some(r) = reminder(case.state, referred, last, &p.service_levels) else {
            continue;
        };
        if r.due_on <= horizon {
            by_team.entry(case.team).or_default().push(Due {
                reminder: r,
                programme: p.name.clone(),
                case,
            });
        }
    }
    let mut names = HashMap::new();
    for team in by_team.keys() {
        let name = store
            .organisation(team)
            .await?
            .map_or_else(|| team.to_string(), |o| o.name);
        names.insert(*team, name);
    }
    for list in by_team.values_mut() {
        list.sort_by(|a, b| {
            (a.reminder.due_on, -a.case.priority, &a.case.reference).cmp(&(
                b.reminder.due_on,
                -b.case.priority,
                &b.case.reference,
            ))
        });
    }
    Ok(layout(
        "Reminders",
        html! {
            h1 { "Reminders" }
            p.lead { "Open cases whose first contact or follow-up is due, by each programme's service levels in working days (weekends and England and Wales bank holidays excluded)." }
            form.filter method="get" action="/cases/reminders" {
                label for="within" { "Due within (working days)" }
                input #within name="within" type="number" min="0" max=(MAX_WITHIN) value=(within);
                button type="submit" { "Show" }
                " " a href="/cases" { "Back to the worklist" }
            }
            @if by_team.is_empty() {
                p #no-reminders { "Nothing is due." }
            }
            @for (team, list) in &by_team {
                section.team {
                    h2 { (names.get(team).cloned().unwrap_or_default()) " " span.count { "(" (list.len()) " due)" } }
                    table.reminders data-team=(team) {
                        caption { "Soonest due first" }
                        thead { tr {
                            th scope="col" { "Due" } th scope="col" { "For" }
                            th scope="col" { "Reference" } th scope="col" { "Person" }
                            th scope="col" { "Programme" } th scope="col" { "State" }
                            th scope="col" { "Priority" }
                        } }
                        tbody {
                            @for d in list {
                                @let overdue = d.reminder.overdue_on(today);
                                tr.overdue[overdue > 0] {
                                    td {
                                        time datetime=(d.reminder.due_on) { (d.reminder.due_on) }
                                        @if overdue > 0 { " (" (overdue) " working day" @if overdue != 1 { "s" } " overdue)" }
                                    }
                                    td { (d.reminder.kind.label()) }
                                    td { a href={ "/cases/" (d.case.reference) } { (d.case.reference) } }
                                    td { (d.case.subject_name) }
                                    td { (d.programme) }
                                    td { (d.case.state.label()) }
                                    td.num { (d.case.priority) }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}
