//! The service directory's pages: search with filters (`/directory`), a service
//! (`/directory/services/{id}`), the review queue and the duplication finder.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::Router;
use goldthread_domain::directory::{Service, TaxonomyTerm};
use goldthread_domain::geography::Tier;
use maud::{html, Markup};

use super::oruk::{search, service_query};
use super::parse_service_id;
use crate::pages::layout;
use crate::{ApiError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/directory", get(directory))
        .route("/directory/services/{id}", get(service))
        .route("/directory/review", get(review))
        .route("/directory/duplicates", get(duplicates))
}

fn query_string(q: &HashMap<String, String>, page: u64) -> String {
    let mut parts: Vec<String> = ["text", "taxonomy_term_id", "service_area"]
        .iter()
        .filter_map(|k| {
            q.get(*k)
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", urlencode(v)))
        })
        .collect();
    parts.push(format!("page={page}"));
    parts.join("&")
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn directory(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Markup, ApiError> {
    let query = service_query(&state, &q, 20)?;
    let hits = search(&state, &query).await?;
    let terms = state.store().taxonomy_terms().await?;
    let geo = state.geography()?;
    let systems = state.store().systems().await?;
    // Areas to choose from: the councils of the systems this instance runs.
    let mut areas: Vec<(String, String)> = systems
        .iter()
        .flat_map(|s| geo.authorities_in(&s.icb))
        .map(|(a, _)| {
            (
                a.code.to_string(),
                format!(
                    "{} ({})",
                    a.name,
                    if a.tier == Tier::County {
                        "whole county"
                    } else {
                        "district"
                    }
                ),
            )
        })
        .collect();
    areas.sort_by(|a, b| a.1.cmp(&b.1));
    areas.dedup();
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    let pages = hits.total.div_ceil(query.per_page).max(1);
    Ok(layout(
        "Service directory",
        html! {
            h1 { "Service directory" }
            p.lead { "What partners already offer, so people are sent to the right place and nobody commissions what already exists." }
            @if super::org_edit::signed_in_editor() {
                p { a #upload-providers href="/organisations/upload" { "Upload providers from a spreadsheet" } }
            }
            form.search-form method="get" action="/directory" role="search" {
                div.form-group {
                    label for="text" { "Search for a service" }
                    input #text type="search" name="text" value=(get("text")) placeholder="for example, debt advice";
                }
                div.form-group {
                    label for="service_area" { "Area" }
                    select #service_area name="service_area" {
                        option value="" { "Anywhere" }
                        @for (code, label) in &areas {
                            option value=(code) selected[get("service_area") == *code] { (label) }
                        }
                    }
                }
                div.form-group {
                    label for="taxonomy_term_id" { "Type of service" }
                    select #taxonomy_term_id name="taxonomy_term_id" {
                        option value="" { "Any" }
                        @for t in &terms {
                            option value=(t.id) selected[get("taxonomy_term_id") == t.id.to_string()] { (t.name) }
                        }
                    }
                }
                button.button type="submit" { "Search" }
            }
            p #result-count role="status" { (hits.total) " service" @if hits.total != 1 { "s" } " found" }
            ol.results {
                @for s in &hits.services {
                    li { (result(s, &terms)) }
                }
            }
            @if pages > 1 {
                nav.pagination aria-label="Results pages" {
                    @if query.page > 1 { a rel="prev" href={ "/directory?" (query_string(&q, query.page - 1)) } { "Previous" } " " }
                    span { "Page " (query.page) " of " (pages) }
                    @if query.page < pages { " " a rel="next" href={ "/directory?" (query_string(&q, query.page + 1)) } { "Next" } }
                }
            }
            p { a href="/directory/review" { "Records due for review" } " · " a href="/directory/duplicates" { "Possible duplicates" } " · " a href={ "/services?" (query_string(&q, query.page)) } { "These results as Open Referral UK JSON" } }
        },
    ))
}

fn result(s: &Service, terms: &[TaxonomyTerm]) -> Markup {
    let names: Vec<&str> = terms
        .iter()
        .filter(|t| s.terms.contains(&t.id))
        .map(|t| t.name.as_str())
        .collect();
    let areas: Vec<&str> = s.areas.iter().map(|a| a.name.as_str()).collect();
    html! {
        h2.result-title { a href={ "/directory/services/" (s.id) } { (s.name) } }
        p { (s.description) }
        p.meta { (names.join(", ")) @if !areas.is_empty() { " · " (areas.join(", ")) } }
    }
}

async fn service(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Markup, ApiError> {
    let id = parse_service_id("id", &id)?;
    let store = state.store();
    let s = store.service(&id).await?.ok_or_else(|| {
        ApiError::not_found("unknown_service", format!("no service has the id {id}"))
    })?;
    let org = store.organisation(&s.organisation).await?;
    let terms = store.taxonomy_terms().await?;
    let today = chrono_today();
    Ok(layout(
        &s.name,
        html! {
            span.caption { @if let Some(o) = &org { a href={ "/organisations/" (o.id) } { (o.name) } } }
            h1 { (s.name) }
            p.lead { (s.description) }
            @if s.needs_review(today) {
                div.warning role="note" { "This record has not been checked in the last three months: call before you refer." }
            }
            dl.summary-list {
                div { dt { "Type" } dd { (terms.iter().filter(|t| s.terms.contains(&t.id)).map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")) } }
                div { dt { "Status" } dd { (s.status.as_str()) } }
                div { dt { "Where" } dd { (s.areas.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ")) } }
                @if s.eligibility != Default::default() {
                    div { dt { "Who it is for" } dd {
                        @match (s.eligibility.minimum_age, s.eligibility.maximum_age) {
                            (Some(a), Some(b)) => { "Ages " (a) " to " (b) ". " },
                            (Some(a), None) => { "Aged " (a) " and over. " },
                            (None, Some(b)) => { "Aged up to " (b) ". " },
                            (None, None) => {},
                        }
                        @if let Some(d) = &s.eligibility.description { (d) }
                    } }
                }
                @for c in &s.cost_options {
                    div { dt { "Cost: " (c.option) } dd {
                        @if let Some(m) = c.amount { (m) " " }
                        @if let Some(d) = &c.amount_description { (d) }
                    } }
                }
                @if let Some(u) = &s.url { div { dt { "Website" } dd { a href=(u) { (u) } } } }
                @if let Some(e) = &s.email { div { dt { "Email" } dd { a href={ "mailto:" (e) } { (e) } } } }
                div { dt { "Last verified" } dd { @match s.last_verified { Some(d) => (d.format("%-d %B %Y")), None => "Never" } } }
                div { dt { "Last updated" } dd { (s.last_updated.format("%-d %B %Y")) } }
            }
            @if !s.schedules.is_empty() {
                h2 { "When" }
                ul { @for sc in &s.schedules { li { (sc.summary()) @if !sc.description.is_empty() { ": " (sc.description) } } } }
            }
            @if !s.locations.is_empty() {
                h2 { "Where to go" }
                @for l in &s.locations {
                    address { (l.name) br; (l.address_1) br; (l.city) @if let Some(p) = &l.postcode { br; (p) } }
                }
            }
            @if !s.contacts.is_empty() {
                h2 { "Contact" }
                ul { @for c in &s.contacts { li { (c.name) @if let Some(t) = &c.title { ", " (t) } @if let Some(p) = &c.phone { ": " (p) } @if let Some(e) = &c.email { " " a href={ "mailto:" (e) } { (e) } } } } }
            }
            p { a href={ "/services/" (s.id) } { "This record as Open Referral UK JSON" } }
        },
    ))
}

fn chrono_today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

async fn review(State(state): State<AppState>) -> Result<Markup, ApiError> {
    let today = chrono_today();
    let before = today
        .checked_sub_months(chrono::Months::new(3))
        .unwrap_or(today);
    let due = state.store().services_needing_review(before, 500).await?;
    Ok(layout(
        "Records due for review",
        html! {
            h1 { "Records due for review" }
            p.lead { "Services not verified since " (before.format("%-d %B %Y")) ", oldest first. A directory is only as good as its upkeep." }
            table {
                thead { tr { th scope="col" { "Service" } th scope="col" { "Last verified" } th scope="col" { "Last updated" } } }
                tbody {
                    @for s in &due {
                        tr {
                            td { a href={ "/directory/services/" (s.id) } { (s.name) } }
                            td { @match s.last_verified { Some(d) => (d.to_string()), None => "Never" } }
                            td { (s.last_updated.date_naive()) }
                        }
                    }
                }
            }
        },
    ))
}

async fn duplicates(State(state): State<AppState>) -> Result<Markup, ApiError> {
    let store = state.store();
    let pairs = store.possible_duplicates().await?;
    let terms = store.taxonomy_terms().await?;
    let mut rows = Vec::new();
    for p in pairs.iter().take(300) {
        if let (Some(a), Some(b)) = (
            store.service(&p.first).await?,
            store.service(&p.second).await?,
        ) {
            let term = terms
                .iter()
                .find(|t| t.id == p.term)
                .map_or(String::new(), |t| t.name.clone());
            rows.push((term, a, b));
        }
    }
    Ok(layout(
        "Possible duplicates",
        html! {
            h1 { "Possible duplicates" }
            p.lead { "Services of the same type, run by different organisations, in overlapping areas. Check these before commissioning more." }
            p { (pairs.len()) " pair" @if pairs.len() != 1 { "s" } " found." }
            table {
                thead { tr { th scope="col" { "Type" } th scope="col" { "Service" } th scope="col" { "Looks like" } } }
                tbody {
                    @for (term, a, b) in &rows {
                        tr {
                            td { (term) }
                            td { a href={ "/directory/services/" (a.id) } { (a.name) } }
                            td { a href={ "/directory/services/" (b.id) } { (b.name) } }
                        }
                    }
                }
            }
        },
    ))
}
