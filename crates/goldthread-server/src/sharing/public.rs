//! The public register of data uses: what is done with residents' data, without personal data.
//! Approved and active agreements, and the linkage jobs run under them (counts pass the
//! disclosure-control function, so small cohorts cannot be singled out).

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use goldthread_domain::sharing::Status;
use goldthread_stats::{Disclosed, DisclosureRule};
use maud::{html, Markup};

use super::agreements::{in_state, name_of, organisation_names};
use crate::pages::layout;
use crate::{ApiError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/data-uses", get(page))
}

/// A cohort's size as it may be published: through the one disclosure-control function.
fn published_count(n: i64) -> String {
    match DisclosureRule::default().apply(u64::try_from(n).unwrap_or(0)) {
        Disclosed::Published(v) => format!("about {v}"),
        Disclosed::Suppressed => "a small number of".to_owned(),
    }
}

async fn page(State(state): State<AppState>) -> Result<Markup, ApiError> {
    let all = state.store().agreements().await?;
    let shown = in_state(&all, &[Status::Approved, Status::Active]);
    let names = organisation_names(&state).await?;
    let jobs = state.store().linkage_jobs().await?;
    let from_jobs: Vec<_> = jobs.iter().filter_map(|j| j.cohort).collect();
    // Cohorts made by linkage jobs are listed as jobs (which outlive their cohorts).
    let cohorts: Vec<_> = state
        .store()
        .cohorts()
        .await?
        .into_iter()
        .filter(|c| !from_jobs.contains(&c.id))
        .collect();
    Ok(layout(
        "How your data is used",
        html! {
            h1 { "How your data is used" }
            p.lead { "The agreements under which health and council services in this integrated care system share information about people, and the linkage work done under them. No one's personal data is shown here." }
            @for a in &shown {
                section {
                    h2 { (a.title) }
                    p { (a.description) }
                    dl {
                        dt { "Who shares" } dd { @for (i, p) in a.parties.iter().enumerate() { @if i > 0 { ", " } (name_of(&names, p.organisation)) } }
                        dt { "Why" } dd { (a.purpose.label()) }
                        dt { "Legal basis" } dd { (a.lawful_basis.label()) "; " (a.article9.label()) }
                        dt { "In force" } dd { (a.start) " to " (a.expiry) }
                        dt { "Kept for" } dd { (a.retention_days) " days" }
                        dt { "National data opt-out" } dd { @if a.purpose.is_secondary_use() && a.opt_out_exemption.is_none() { "Respected: people who opted out are removed from health and care data" } @else if a.purpose.is_secondary_use() { "An exemption applies" } @else { "Does not apply to direct care" } }
                    }
                    @let linked: Vec<_> = cohorts.iter().filter(|c| c.agreement == a.id).collect();
                    @let runs: Vec<_> = jobs.iter().filter(|j| j.agreement == a.id && j.status == "done").collect();
                    @if !linked.is_empty() || !runs.is_empty() {
                        h3 { "Linkage work under this agreement" }
                        ul {
                            @for j in runs { li { "Linkage job: " (j.name) " (" (j.created_at.get(..10).unwrap_or("")) "), " (j.purpose.replace('_', " ")) ": " (published_count(j.matches)) " records linked" } }
                            @for c in linked { li { (c.name) " (" (c.created_at.get(..10).unwrap_or("")) "): " (published_count(c.member_count)) " people" } }
                        }
                    }
                }
            }
            @if shown.is_empty() { p { "No agreements are in force." } }
        },
    ))
}
