//! An organisation's page (its functions, services, boards and contacts) and a board's page
//! (its composition as a chart, and its seats).

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::Router;
use goldthread_domain::board::{BoardId, SeatCount};
use goldthread_domain::directory::oruk::Organization;
use goldthread_domain::function::Function;
use goldthread_domain::geography::Tier;
use maud::{html, Markup};

use super::chart::{bar_chart, Bar};
use super::ics_pages::kind_label;
use super::parse_org_id;
use crate::pages::layout;
use crate::{ApiError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/organisations/{id}", get(organisation))
        .route(
            "/organisations/{id}/edit",
            get(super::org_edit::edit_form).post(super::org_edit::edit_save),
        )
        .route(
            "/organisations/upload",
            get(super::org_upload::form).post(super::org_upload::upload),
        )
        .route(
            "/organisations/uploads/{id}",
            get(super::org_upload::preview),
        )
        .route(
            "/organisations/uploads/{id}/confirm",
            post(super::org_upload::confirm),
        )
        .route("/organisations.csv", get(super::org_upload::export))
        .route("/boards/{id}", get(board))
}

fn functions_section(
    state: &AppState,
    gss: Option<&goldthread_domain::GssCode>,
) -> Result<Markup, ApiError> {
    let Some(code) = gss else { return Ok(html! {}) };
    let geo = state.geography()?;
    let Some(a) = geo.authority(code) else {
        return Ok(html! {});
    };
    let held = Function::held_by_tier(a.tier);
    let other = geo
        .authority(&a.upper_tier)
        .filter(|_| a.tier == Tier::District);
    Ok(html! {
        h2 { "What it is responsible for" }
        p { (a.name) " is a " (a.tier.label().to_lowercase()) "." }
        ul { @for f in &held { li { (f.label()) } } }
        @if let Some(county) = other {
            p { "Here, " a href={ "/organisations/" (goldthread_domain::organisation::OrganisationId::for_code(county.code.as_str())) } { (county.name) " county council" }
                " is responsible for " (Function::ALL.iter().filter(|f| !held.contains(f)).map(|f| f.label().to_lowercase()).collect::<Vec<_>>().join(", ")) "." }
        }
        @if a.tier == Tier::County {
            p { "Its districts are responsible for the rest: "
                @for (i, d) in geo.districts_of(code).iter().enumerate() {
                    @if i > 0 { ", " }
                    a href={ "/organisations/" (goldthread_domain::organisation::OrganisationId::for_code(d.code.as_str())) } { (d.name) }
                } "." }
        }
    })
}

async fn organisation(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Markup, ApiError> {
    let id = parse_org_id("id", &id)?;
    let store = state.store();
    let (org, profile) = store.organisation_record(&id).await?.ok_or_else(|| {
        ApiError::not_found(
            "unknown_organisation",
            format!("no organisation has the id {id}"),
        )
    })?;
    let services = store.services_of(&id).await?;
    let seats = store.seats_of(&id).await?;
    let mut boards = Vec::new();
    for s in &seats {
        if let Some(b) = store.board(&s.board).await? {
            boards.push((b, s));
        }
    }
    let changes = store.organisation_changes(&id).await?;
    let editor = super::org_edit::signed_in_editor();
    let oruk = Organization::new(&org, &profile);
    let functions = functions_section(&state, org.gss_code.as_ref())?;
    Ok(layout(
        &org.name,
        html! {
            span.caption { (kind_label(org.kind.as_str())) }
            h1 { (org.name) }
            @if !profile.description.is_empty() { p.lead { (profile.description) } }
            @if editor { p { a #edit-organisation href={ "/organisations/" (org.id) "/edit" } { "Edit this organisation" } } }
            dl.summary-list {
                @for i in &oruk.organization_identifiers {
                    div { dt { (i.identifier_type) } dd { (i.identifier) } }
                }
                @if let Some(w) = &profile.website { div { dt { "Website" } dd { a href=(w) { (w) } } } }
                @if let Some(e) = &profile.email { div { dt { "Email" } dd { a href={ "mailto:" (e) } { (e) } } } }
                @if let Some(p) = &profile.phone { div { dt { "Telephone" } dd { (p) } } }
            }
            (functions)
            h2 { "Services" }
            @if services.is_empty() { p { "No services are listed in the directory." } } @else {
                ul { @for s in &services { li { a href={ "/directory/services/" (s.id) } { (s.name) } } } }
            }
            h2 { "Boards and partnerships" }
            @if boards.is_empty() { p { "It holds no seat on any board recorded here." } } @else {
                table {
                    caption.visually-hidden { "Seats held" }
                    thead { tr { th scope="col" { "Board" } th scope="col" { "Person" } th scope="col" { "Role" } th scope="col" { "Voting" } } }
                    tbody {
                        @for (b, s) in &boards {
                            tr {
                                td { a href={ "/boards/" (b.id) } { (b.name) } }
                                td { (s.person) }
                                td { (s.role.label()) }
                                td { @if s.voting { "Yes" } @else { "No" } }
                            }
                        }
                    }
                }
            }
            @if !changes.is_empty() {
                h2 { "Changes" }
                table #changes {
                    thead { tr { th scope="col" { "When" } th scope="col" { "Who" } th scope="col" { "How" } th scope="col" { "What" } } }
                    tbody {
                        @for c in &changes {
                            tr {
                                td { (c.at) }
                                td { (c.changed_by) }
                                td { (c.how) }
                                td { @for (i, f) in c.fields.iter().enumerate() {
                                    @if i > 0 { "; " }
                                    (super::org_edit::field_label(&f.field)) ": " @if f.old.is_empty() { "(none)" } @else { (f.old) } " → " @if f.new.is_empty() { "(none)" } @else { (f.new) }
                                } }
                            }
                        }
                    }
                }
            }
            p { a href={ "/organizations/" (org.id) } { "This organisation in Open Referral UK JSON" } }
        },
    ))
}

async fn board(State(state): State<AppState>, Path(id): Path<String>) -> Result<Markup, ApiError> {
    let id =
        BoardId::parse(&id).map_err(|e| ApiError::bad_request("invalid_id", format!("id: {e}")))?;
    let store = state.store();
    let b = store
        .board(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("unknown_board", format!("no board has the id {id}")))?;
    let seats = store.seats_on(&id).await?;
    let mut names = BTreeMap::new();
    let mut by_kind: BTreeMap<String, SeatCount> = BTreeMap::new();
    for s in &seats {
        if let std::collections::btree_map::Entry::Vacant(e) = names.entry(s.organisation) {
            e.insert(store.organisation(&s.organisation).await?);
        }
        let kind = names[&s.organisation]
            .as_ref()
            .map_or("other".into(), |o| kind_label(o.kind.as_str()));
        let c = by_kind.entry(kind).or_default();
        c.seats += 1;
        c.voting += usize::from(s.voting);
    }
    let geo = state.geography()?;
    let bars: Vec<Bar> = by_kind
        .into_iter()
        .map(|(label, c)| Bar {
            label,
            total: c.seats,
            voting: c.voting,
        })
        .collect();
    Ok(layout(
        &b.name,
        html! {
            span.caption { (b.kind.label()) " · " a href={ "/icbs/" (b.icb) } { "the ICS" } }
            h1 { (b.name) }
            @if !b.footprint.is_empty() {
                p.lead { "Covers "
                    @for (i, c) in b.footprint.iter().enumerate() {
                        @if i > 0 { ", " }
                        (geo.authority(c).map_or(c.to_string(), |a| a.name.clone()))
                    } "." }
            }
            h2 { "Composition" }
            (bar_chart("composition", &format!("{}: seats by organisation", b.name), &bars))
            h2 { "Seats" }
            table {
                caption.visually-hidden { "Members" }
                thead { tr { th scope="col" { "Person" } th scope="col" { "Organisation" } th scope="col" { "Role" } th scope="col" { "Voting" } th scope="col" { "Since" } } }
                tbody {
                    @for s in &seats {
                        tr {
                            td { (s.person) }
                            td { @match &names[&s.organisation] {
                                Some(o) => a href={ "/organisations/" (o.id) } { (o.name) },
                                None => "Unlisted organisation",
                            } }
                            td { (s.role.label()) }
                            td { @if s.voting { "Yes" } @else { "No" } }
                            td { @if let Some(d) = s.since { (d.format("%-d %B %Y")) } }
                        }
                    }
                }
            }
        },
    ))
}
