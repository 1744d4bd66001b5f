//! Web pages, rendered on the server as plain, accessible HTML.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use goldthread_domain::geography::ONS_ATTRIBUTION;
use goldthread_domain::ids::group_thousands;
use maud::{html, Markup, DOCTYPE};

use crate::{ApiError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/assets/goldthread.css", get(stylesheet))
}

const CSS: &str = include_str!("../assets/goldthread.css");

async fn stylesheet() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS)
}

/// The page frame every page shares.
pub(crate) fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – goldthread" }
                link rel="stylesheet" href="/assets/goldthread.css";
            }
            body {
                a.skip-link href="#main" { "Skip to main content" }
                header.site-header {
                    div.width-container {
                        a.site-name href="/" { "goldthread" }
                        span.site-strap { "the integrated care system, joined up" }
                        nav.site-nav aria-label="Main" {
                            ul {
                                li { a href="/" { "Systems" } }
                                li { a href="/directory" { "Service directory" } }
                                li { a href="/outcomes" { "Outcomes" } }
                            }
                        }
                        @match crate::auth::signed_in() {
                            Some(u) => {
                                div.site-user {
                                    span { "Signed in as " (u.name) " · " }
                                    form.sign-out-form method="post" action="/sign-out" {
                                        input type="hidden" name="csrf" value=(u.csrf);
                                        button type="submit" { "Sign out" }
                                    }
                                }
                            }
                            None => div.site-user { a href="/sign-in" { "Sign in" } }
                        }
                    }
                }
                main.width-container #main { (body) }
                footer.site-footer {
                    div.width-container {
                        p { (ONS_ATTRIBUTION) }
                        p { a href="/api/v1/icbs" { "JSON API" } " · " a href="/healthz" { "Health" } }
                    }
                }
            }
        }
    }
}

async fn home(State(state): State<AppState>) -> Result<Markup, ApiError> {
    let systems = state.store().systems().await?;
    let geo = state.geography().ok();
    Ok(layout(
        "Home",
        html! {
            h1 { "goldthread" }
            p.lead {
                "Who does what, where, across the NHS and every tier of local government in an "
                "integrated care system: the golden thread from the system's strategy to each "
                "place, community and project."
            }
            h2 { "What this instance holds" }
            @match &geo {
                Some(geo) => {
                    @let lads = geo.authorities().iter().filter(|a| a.tier.holds_lower_tier_functions()).count();
                    @let counties = geo.authorities().len() - lads;
                    ul {
                        li { "Reference geography, " (geo.vintage) ": " (lads) " local authority districts, "
                             (counties) " county councils, " (geo.icbs().len()) " integrated care boards." }
                        li { (systems.len()) " integrated care system" @if systems.len() != 1 { "s" } " set up." }
                    }
                }
                None => p { "No reference geography is loaded yet. Run " code { "goldthread demo" } "." }
            }
            @if !systems.is_empty() {
                h2 { "Integrated care systems" }
                ul {
                    @for s in &systems {
                        li {
                            a href={ "/icbs/" (s.icb) } { (s.name) }
                            " (" (s.icb) ", " (s.members.len()) " organisations)"
                        }
                    }
                }
            }
            @if let Some(geo) = &geo {
                h2 { "All integrated care boards" }
                table {
                    caption.visually-hidden { "Integrated care boards in England" }
                    thead { tr { th scope="col" { "ICB" } th scope="col" { "Code" } th.numeric scope="col" { "Population" } th.numeric scope="col" { "Councils" } } }
                    tbody {
                        @for icb in geo.icbs() {
                            @let s = geo.icb_summary(icb);
                            tr {
                                td { a href={ "/icbs/" (s.code) } { (s.short_name) } }
                                td { (s.code) " / " (s.ods_code) }
                                td.numeric { (group_thousands(s.population)) }
                                td.numeric { (s.councils.total()) }
                            }
                        }
                    }
                }
            }
        },
    ))
}
