//! The ICS overview (`/icbs/{gss}`) with its map, and its representation report
//! (`/icbs/{gss}/representation`).

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use goldthread_domain::board::{BoardKind, DistrictRef, RepresentationReport};
use goldthread_domain::function::{Function, FunctionTier};
use goldthread_domain::geography::Tier;
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::GssCode;
use maud::{html, Markup, PreEscaped};

use super::api::build_report;
use super::chart::{bar_chart, Bar};
use super::icb_code;
use super::ics_map::{counties_of, ics_map, tier_colour};
use crate::api::GssPath;
use crate::pages::layout;
use crate::{ApiError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/icbs/{gss}", get(overview))
        .route("/icbs/{gss}/representation", get(representation))
}

/// The system's usual name: the one it was set up with, else the ICB's short name.
async fn system_name(state: &AppState, icb: &GssCode) -> Result<String, ApiError> {
    let systems = state.store().systems().await?;
    if let Some(s) = systems.iter().find(|s| &s.icb == icb) {
        return Ok(s.name.clone());
    }
    let geo = state.geography()?;
    geo.icb(icb)
        .map(|i| i.short_name().to_owned())
        .ok_or_else(|| ApiError::not_found("unknown_icb", format!("no ICB has the code {icb}")))
}

fn org_link(code: &GssCode) -> String {
    format!("/organisations/{}", OrganisationId::for_code(code.as_str()))
}

async fn overview(
    State(state): State<AppState>,
    GssPath(code): GssPath,
) -> Result<Markup, ApiError> {
    let icb = icb_code(code)?;
    let geo = state.geography()?;
    let name = system_name(&state, &icb).await?;
    let detail = geo
        .icb_detail(&icb)
        .ok_or_else(|| ApiError::not_found("unknown_icb", format!("no ICB has the code {icb}")))?;
    let map = ics_map(&geo, &icb, &name);
    let members = state.store().organisations_in(&icb).await?;
    let nhs: Vec<_> = members.iter().filter(|o| !o.kind.is_council()).collect();
    let boards = state.store().boards_in(&icb).await?;
    let in_icb = geo.authorities_in(&icb);
    let counties = counties_of(&geo, &icb);
    let tiers_present: Vec<Tier> = Tier::ALL
        .into_iter()
        .filter(|t| in_icb.iter().any(|(a, _)| a.tier == *t))
        .collect();
    Ok(layout(
        &name,
        html! {
            span.caption { "Integrated care system · " (icb) " / " (detail.summary.ods_code) }
            h1 { (name) }
            p.lead { "Who does what, where, and who decides, across the NHS and every tier of local government in " (name) "." }
            div.grid-row {
                div.map-column {
                    (PreEscaped(map))
                    ul.legend aria-label="Map key" {
                        @for t in &tiers_present {
                            li { span.swatch style={ "background:" (tier_colour(*t)) } {} (t.label()) }
                        }
                        @if !counties.is_empty() {
                            li { span.swatch.county {} "County council boundary" }
                        }
                        li { span.swatch.outline {} "ICB boundary" }
                    }
                }
                div.side-column {
                    h2 { "Councils" }
                    @if !counties.is_empty() {
                        h3 { (Tier::County.label()) }
                        ul.plain { @for c in &counties { li { a href=(org_link(&c.code)) { (c.name) } } } }
                    }
                    @for t in &tiers_present {
                        h3 { (t.label()) }
                        ul.plain {
                            @for (a, share) in in_icb.iter().filter(|(a, _)| a.tier == *t) {
                                li {
                                    a href=(org_link(&a.code)) { (a.name) }
                                    @if !share.is_whole() { " (" (format!("{:.0}", share.share() * 100.0)) "% in this ICS)" }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "Who is responsible for what" }
            p { "In a two-tier area the district council holds the lower-tier functions and the county council the upper-tier ones; unitary councils hold both." }
            table {
                caption.visually-hidden { "Council functions by tier" }
                thead { tr { th scope="col" { "Function" } th scope="col" { "District councils" } th scope="col" { "County councils" } th scope="col" { "Unitary councils" } } }
                tbody {
                    @for f in Function::ALL {
                        tr {
                            th scope="row" { (f.label()) }
                            td { @if f.tier() == FunctionTier::Lower { "Yes" } @else { "No" } }
                            td { @if f.tier() == FunctionTier::Upper { "Yes" } @else { "No" } }
                            td { "Yes" }
                        }
                    }
                }
            }
            h2 { "Boards and partnerships" }
            @if boards.is_empty() {
                p { "No boards are recorded for this system yet." }
            } @else {
                ul {
                    @for b in &boards {
                        li { a href={ "/boards/" (b.id) } { (b.name) } " (" (b.kind.label()) ")" }
                    }
                }
                p { a href={ "/icbs/" (icb) "/representation" } { "Representation report: who sits where, and which districts have no seat" } }
            }
            @if !nhs.is_empty() {
                h2 { "NHS and partner organisations" }
                ul {
                    @for o in &nhs {
                        li { a href={ "/organisations/" (o.id) } { (o.name) } }
                    }
                }
            }
            h2 { "Services" }
            p { a href="/directory" { "Search the service directory" } " for what partners already offer, by place and topic." }
        },
    ))
}

fn district_list(title: &str, ds: &[DistrictRef], none: &str) -> Markup {
    html! {
        h2 { (title) }
        @if ds.is_empty() { p { (none) } } @else {
            ul { @for d in ds { li { a href=(org_link(&d.code)) { (d.name) } } } }
        }
    }
}

fn report_body(report: &RepresentationReport) -> Markup {
    let icb_board = report
        .boards
        .iter()
        .find(|b| b.kind == BoardKind::IntegratedCareBoard);
    html! {
        div.summary-list {
            p.big-number { (report.elected_councillors_on_icb) }
            p { "elected councillor" @if report.elected_councillors_on_icb != 1 { "s" } " on the ICB"
                @if let Some(b) = icb_board { " (of " (b.total.seats) " seats)" } }
        }
        (district_list("Districts with no seat on the ICB", &report.districts_without_icb_seat, "Every district has a seat on the ICB."))
        (district_list("Districts with no seat on the ICP", &report.districts_without_icp_seat, "Every district has a seat on the ICP."))
        (district_list("Districts with no local partnership", &report.districts_without_local_partnership, "Every district has a local health and wellbeing partnership."))
        h2 { "Seats on each board" }
        @for b in &report.boards {
            h3 { a href={ "/boards/" (b.id) } { (b.name) } }
            p { (b.total.seats) " seats, " (b.total.voting) " voting." }
            (bar_chart(&format!("tier-{}", b.id), &format!("{}: seats by organisation", b.name),
                &b.by_organisation_kind.iter().map(|(k, c)| Bar { label: kind_label(k), total: c.seats, voting: c.voting }).collect::<Vec<_>>()))
            (bar_chart(&format!("role-{}", b.id), &format!("{}: seats by role", b.name),
                &b.by_role.iter().map(|(r, c)| Bar { label: r.label().into(), total: c.seats, voting: c.voting }).collect::<Vec<_>>()))
        }
    }
}

/// A label for an organisation kind's snake-case name.
pub(crate) fn kind_label(kind: &str) -> String {
    let mut s = kind.replace('_', " ");
    s = s
        .replace("nhs", "NHS")
        .replace("vcse", "VCSE")
        .replace("gp ", "GP ");
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

async fn representation(
    State(state): State<AppState>,
    GssPath(code): GssPath,
) -> Result<Markup, ApiError> {
    let icb = icb_code(code)?;
    let name = system_name(&state, &icb).await?;
    let report = build_report(&state, &icb).await?;
    Ok(layout(
        &format!("Representation in {name}"),
        html! {
            span.caption { a href={ "/icbs/" (icb) } { (name) } }
            h1 { "Representation report" }
            p.lead { "Who holds the seats on " (name) "'s boards, by tier and by role, and which districts have no voice where decisions are made." }
            (report_body(&report))
            p { a href={ "/api/v1/icbs/" (icb) "/representation" } { "This report as JSON" } }
        },
    ))
}
