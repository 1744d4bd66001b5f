//! The worklist and case pages: plain server-rendered HTML that works from any browser on a
//! hospital network, forms that post without JavaScript.

use axum::extract::{Path, Query, State};
use goldthread_domain::programme::case::{
    CaseEvent, CaseState, Channel, ContactResult, LegalBasis, Outcome,
};
use goldthread_domain::programme::Programme;
use goldthread_domain::Money;
use goldthread_store::{CaseRecord, CaseSummary, LedgerTransaction};
use maud::{html, Markup};

use super::access::Caller;
use super::api::{team_worklist, WorklistQuery, DEFAULT_PER_PAGE};
use super::{case_budget, load_case, today};
use crate::pages::layout;
use crate::{ApiError, AppState};

/// `GET /cases?programme=&page=`: the caller's teams' open cases, by priority then due date,
/// a page at a time.
pub(crate) async fn worklist(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<WorklistQuery>,
) -> Result<Markup, ApiError> {
    let list = team_worklist(&state, &caller, &q).await?;
    let programmes = state.store().programmes().await?;
    let selected = q.programme.clone().unwrap_or_default();
    let link = |page: u32| {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !selected.is_empty() {
            pairs.push(("programme", selected.clone()));
        }
        if let Some(t) = q.team.as_deref().filter(|t| !t.is_empty()) {
            pairs.push(("team", t.to_owned()));
        }
        if list.per_page != DEFAULT_PER_PAGE {
            pairs.push(("per_page", list.per_page.to_string()));
        }
        pairs.push(("page", page.to_string()));
        format!(
            "/cases?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    Ok(layout(
        "Worklist",
        html! {
            h1 { "Worklist" }
            p { a #reminders-link href="/cases/reminders" { "Reminders: first contacts and follow-ups due" } }
            form.filter method="get" action="/cases" {
                label for="programme" { "Programme" }
                select #programme name="programme" {
                    option value="" { "All programmes" }
                    @for p in &programmes {
                        option value=(p.id) selected[selected == p.id.as_str()] { (p.name) }
                    }
                }
                button type="submit" { "Show" }
            }
            p #result-count role="status" {
                (list.total) " open case" @if list.total != 1 { "s" }
                @if list.pages > 1 { ", page " (list.page) " of " (list.pages) }
            }
            (worklist_table(&list.cases))
            @if list.pages > 1 {
                nav.pagination aria-label="Worklist pages" {
                    @if list.page > 1 { a rel="prev" href=(link(list.page - 1)) { "Previous" } " " }
                    span { "Page " (list.page) " of " (list.pages) }
                    @if list.page < list.pages { " " a rel="next" href=(link(list.page + 1)) { "Next" } }
                }
            }
        },
    ))
}

pub(crate) fn worklist_table(cases: &[CaseSummary]) -> Markup {
    html! {
        @if cases.is_empty() {
            p { "No open cases." }
        } @else {
            table.worklist {
                caption { "Open cases, highest priority first, then soonest due" }
                thead { tr {
                    th scope="col" { "Reference" } th scope="col" { "Person" }
                    th scope="col" { "Programme" } th scope="col" { "State" }
                    th scope="col" { "Priority" } th scope="col" { "Due" }
                    th scope="col" { "Ward or barrier" }
                } }
                tbody {
                    @for c in cases {
                        tr {
                            td { a href={ "/cases/" (c.reference) } { (c.reference) } }
                            td { (c.subject_name) }
                            td { (c.programme) }
                            td { (c.state.label()) }
                            td.num { (c.priority) }
                            td { (c.due_on) }
                            td {
                                @if let Some(w) = &c.ward { (w) }
                                @if let Some(b) = c.barrier { " · " (b.label()) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /cases/{key}`: one case, its history and what can be done next.
pub(crate) async fn case_page(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
) -> Result<Markup, ApiError> {
    let (record, programme) = load_case(&state, &caller, &key).await?;
    let payments = state.store().case_payments(&record.summary.id).await?;
    let balance = match programme.budget_per_organisation {
        Some(_) => case_budget(&state, &record, today())
            .await
            .ok()
            .map(|b| b.balance),
        None => None,
    };
    Ok(render_case(
        &caller, &record, &programme, &payments, balance, None,
    ))
}

/// Renders a case page, with an error summary when a form was refused.
pub(crate) fn render_case(
    caller: &Caller,
    record: &CaseRecord,
    programme: &Programme,
    payments: &[LedgerTransaction],
    balance: Option<Money>,
    error: Option<&str>,
) -> Markup {
    let s = &record.summary;
    let open = s.state != CaseState::Closed;
    layout(
        &format!("Case {}", s.reference),
        html! {
            @if let Some(e) = error {
                div.error-summary role="alert" tabindex="-1" {
                    h2 { "There is a problem" }
                    p { (e) }
                }
            }
            span.caption { (programme.name) }
            h1 { (s.subject_name) " " small { (s.reference) } }
            dl.summary {
                dt { "State" } dd #case-state { (s.state.label()) }
                dt { "Priority" } dd { (s.priority) }
                dt { "Due" } dd { (s.due_on) }
                dt { "Contact attempts" } dd { (s.attempts) }
                @if let Some(w) = &s.ward { dt { "Ward" } dd { (w) } }
                @if let Some(b) = s.barrier { dt { "Barrier to discharge" } dd { (b.label()) } }
                @if let Some(r) = &s.referrer { dt { "Referred by (ODS)" } dd { (r) } }
                @if let Some(d) = &s.medically_fit_on { dt { "Medically fit" } dd { (d) } }
                @if let Some(d) = &s.discharged_on { dt { "Went home" } dd { (d) } }
                @if let Some(n) = s.bed_days_saved { dt { "Bed days saved" } dd #bed-days-saved { (n) } }
                @if let Some(c) = &record.status.consent {
                    dt { "Consent" } dd { (if c.given { "Given" } else { "Not given" }) " · " (c.basis.as_str()) }
                }
                @if !record.status.needs.is_empty() {
                    dt { "Needs" } dd { (record.status.needs.join(", ")) }
                }
            }
            (super::letters::section(record, programme))
            @if open { (super::forms::actions(caller, record, programme, balance)) }
            @if !payments.is_empty() {
                h2 { "Payments" }
                table { thead { tr { th { "Paid on" } th { "Payee" } th { "Purpose" } th.num { "Amount" } } }
                    tbody { @for p in payments { tr {
                        td { (p.paid_on) } td { (p.payee.as_deref().unwrap_or("")) } td { (p.purpose) }
                        td.num { (p.amount) }
                    } } } }
            }
            h2 { "History" }
            ol.timeline {
                @for e in record.events.iter().rev() {
                    li { span.when { (e.at.get(..16).unwrap_or(&e.at).replace('T', " ")) } " " strong { (describe(&e.event)) } " · " (e.actor) }
                }
            }
        },
    )
}

/// One line of the case history, in words.
fn describe(e: &CaseEvent) -> String {
    match e {
        CaseEvent::Contact { channel, result } => format!(
            "Contact by {}: {}",
            channel.as_str(),
            result.as_str().replace('_', " ")
        ),
        CaseEvent::Consent(c) => format!(
            "Consent {} ({})",
            if c.given { "given" } else { "not given" },
            c.basis.as_str().replace('_', " ")
        ),
        CaseEvent::NeedsAssessed { needs } => format!("Needs assessed: {}", needs.join(", ")),
        CaseEvent::ActionStarted { action, detail } => format!("Action: {action} – {detail}"),
        CaseEvent::Ineligible(i) => format!(
            "Not eligible: {}. Offered: {}",
            i.reason,
            i.alternatives.join("; ")
        ),
        CaseEvent::Note { text } => text.clone(),
        CaseEvent::Handover { to, reason } => format!("Handed over to {to}: {reason}"),
        CaseEvent::Closed { outcome, summary } => {
            format!("Closed ({}): {summary}", outcome.as_str().replace('_', " "))
        }
    }
}

/// Options for the contact, legal basis and outcome selects.
pub(crate) fn options() -> (
    &'static [Channel],
    &'static [ContactResult],
    &'static [LegalBasis],
    &'static [Outcome],
) {
    (
        Channel::ALL,
        ContactResult::ALL,
        LegalBasis::ALL,
        Outcome::ALL,
    )
}
