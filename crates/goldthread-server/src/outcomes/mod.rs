//! Holding each other to account: the outcomes dashboard of an ICS, its printable board
//! report, and CSV and JSON exports with the data dictionary travelling with them.
//!
//! Routes: `GET /icbs/{code}/outcomes` (filters `district`, `theme`),
//! `/icbs/{code}/outcomes/report` (print), `/icbs/{code}/outcomes/report.pdf` (headless Chromium), `/icbs/{code}/outcomes/indicators.csv`,
//! `/icbs/{code}/outcomes/dictionary.csv`, `/api/v1/icbs/{code}/outcomes`. Every number shown
//! or exported passes the ICS's disclosure rule ([`data::SystemData::publish`]).
//!
//! Editing (signed in, by role; see [`manage`]): `/icbs/{code}/outcomes/manage` and beneath it
//! `outcomes/new`, `outcomes/{key}`, `outcomes/{key}/history`, the same for `objectives`,
//! `prevention`, `disclosure` (each with `/history`); `/icbs/{code}/outcomes/changes`;
//! `/icbs/{code}/outcomes/rebase` (SPC rebases, recorded decisions).

mod data;
mod export;
pub(crate) mod forms;
pub(crate) mod manage;
mod manage_objective;
mod manage_outcome;
mod panels;
mod pdf;
mod rebase;
mod sections;

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::Router;
use goldthread_domain::GssCode;
use maud::{html, Markup};
use serde::Deserialize;

use crate::pages::layout;
use crate::{ApiError, AppState};
use data::{parse_icb, SystemData};
pub use pdf::{board_report_pdf, ReportError};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/outcomes", get(index))
        .route("/assets/outcomes.css", get(stylesheet))
        .route("/icbs/{code}/outcomes", get(dashboard))
        .route("/icbs/{code}/outcomes/report", get(report))
        .route("/icbs/{code}/outcomes/report.pdf", get(report_pdf))
        .route(
            "/icbs/{code}/outcomes/indicators.csv",
            get(export::indicators_csv),
        )
        .route(
            "/icbs/{code}/outcomes/dictionary.csv",
            get(export::dictionary_csv),
        )
        .route("/api/v1/icbs/{code}/outcomes", get(export::json))
        .merge(manage_routes())
}

fn manage_routes() -> Router<AppState> {
    const M: &str = "/icbs/{code}/outcomes/manage";
    Router::new()
        .route(M, get(manage::index))
        .route("/icbs/{code}/outcomes/changes", get(manage::changes))
        .route(
            "/icbs/{code}/outcomes/rebase",
            get(rebase::form).post(rebase::record),
        )
        .route(
            &format!("{M}/outcomes/new"),
            get(manage_outcome::new_form).post(manage_outcome::create),
        )
        .route(
            &format!("{M}/outcomes/{{key}}"),
            get(manage_outcome::edit_form).post(manage_outcome::update),
        )
        .route(
            &format!("{M}/outcomes/{{key}}/history"),
            get(manage_outcome::history),
        )
        .route(
            &format!("{M}/objectives/new"),
            get(manage_objective::new_form).post(manage_objective::create),
        )
        .route(
            &format!("{M}/objectives/{{key}}"),
            get(manage_objective::edit_form).post(manage_objective::update),
        )
        .route(
            &format!("{M}/objectives/{{key}}/history"),
            get(manage_objective::history),
        )
        .route(
            &format!("{M}/prevention"),
            get(manage::prevention_form).post(manage::prevention_save),
        )
        .route(
            &format!("{M}/prevention/history"),
            get(manage::prevention_history),
        )
        .route(
            &format!("{M}/disclosure"),
            get(manage::disclosure_form).post(manage::disclosure_save),
        )
        .route(
            &format!("{M}/disclosure/history"),
            get(manage::disclosure_history),
        )
}

/// The dashboard's filters, as the query string gives them.
#[derive(Deserialize, Default)]
pub(crate) struct FilterQuery {
    district: Option<String>,
    theme: Option<String>,
}

/// Parsed filters.
#[derive(Default)]
pub(crate) struct Filters {
    pub district: Option<GssCode>,
    pub theme: Option<String>,
}

impl Filters {
    fn parse(q: FilterQuery, data: &SystemData) -> Result<Self, ApiError> {
        let district = match q
            .district
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(raw) => {
                let code = GssCode::parse(raw).map_err(|e| {
                    ApiError::bad_request("invalid_district", format!("district: {e}"))
                })?;
                if !data.districts.iter().any(|d| d.code == code) {
                    return Err(ApiError::bad_request(
                        "invalid_district",
                        format!("district: {code} is not a district of {}", data.name),
                    ));
                }
                Some(code)
            }
        };
        let theme = q.theme.filter(|t| !t.trim().is_empty());
        Ok(Self { district, theme })
    }

    fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(d) = &self.district {
            parts.push(format!("district={d}"));
        }
        if let Some(t) = &self.theme {
            parts.push(format!("theme={}", t.replace(' ', "+")));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

const CSS: &str = include_str!("../../assets/outcomes.css");

async fn stylesheet() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8")],
        CSS,
    )
}

fn themes(data: &SystemData) -> Vec<String> {
    let mut t: Vec<String> = data
        .definitions
        .values()
        .map(|d| d.theme.clone())
        .chain(data.outcomes.iter().map(|(o, _)| o.theme.clone()))
        .collect();
    t.sort();
    t.dedup();
    t
}

fn filter_form(data: &SystemData, f: &Filters) -> Markup {
    html! {
        form.filters method="get" action={ "/icbs/" (data.icb) "/outcomes" } {
            div.field {
                label for="district" { "District" }
                select #district name="district" {
                    option value="" { "All districts" }
                    @for d in &data.districts { option value=(d.code) selected[f.district == Some(d.code)] { (d.name) } }
                }
            }
            div.field {
                label for="theme" { "Theme" }
                select #theme name="theme" {
                    option value="" { "All themes" }
                    @for t in themes(data) { option value=(t) selected[f.theme.as_deref() == Some(t.as_str())] { (t) } }
                }
            }
            button.button type="submit" { "Apply filters" }
        }
    }
}

async fn load(
    state: &AppState,
    code: &str,
    q: FilterQuery,
) -> Result<(SystemData, Filters), ApiError> {
    let icb = parse_icb(code)?;
    let data = SystemData::load(state, &icb).await?;
    let f = Filters::parse(q, &data)?;
    Ok((data, f))
}

fn indicator_panels(data: &SystemData, f: &Filters) -> Markup {
    html! {
        @for def in data.definitions.values().filter(|d| f.theme.as_ref().is_none_or(|t| &d.theme == t)).filter(|d| data.values.contains_key(&d.code)) {
            (panels::indicator_panel(data, def, f.district.as_ref()))
        }
    }
}

async fn dashboard(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<FilterQuery>,
) -> Result<Markup, ApiError> {
    let (data, f) = load(&state, &code, q).await?;
    let query = f.query();
    Ok(layout(
        &format!("Outcomes – {}", data.name),
        html! {
            link rel="stylesheet" href="/assets/outcomes.css";
            span.caption { (data.name) " integrated care system" }
            h1 { "Shared outcomes and accountability" }
            p.lead { "What the partners of " (data.name) " have agreed to improve, who answers for each outcome, how the districts compare with England, and how much of the combined budget goes to prevention." }
            (filter_form(&data, &f))
            ul.actions {
                li { a href={ "/icbs/" (data.icb) "/outcomes/report" (query) } { "Printable board report" } }
                li { a href={ "/icbs/" (data.icb) "/outcomes/report.pdf" } { "Board report (PDF)" } }
                li { a href={ "/icbs/" (data.icb) "/outcomes/indicators.csv" (query) } { "Download indicators (CSV)" } }
                li { a href={ "/icbs/" (data.icb) "/outcomes/dictionary.csv" } { "Data dictionary (CSV)" } }
                li { a href={ "/api/v1/icbs/" (data.icb) "/outcomes" (query) } { "All of it as JSON" } }
                li { a href={ "/icbs/" (data.icb) "/outcomes/manage" } { "Manage the outcomes framework" } }
                li { a href={ "/icbs/" (data.icb) "/outcomes/changes" } { "Changes and who made them" } }
            }
            h2 #accountability { "Outcomes and who is accountable" }
            (sections::accountability(&data, &f))
            h2 #thread { "The golden thread" }
            (sections::golden_thread(&data, &f))
            h2 #indicators { "Indicators: districts compared with England" }
            (indicator_panels(&data, &f))
            h2 #prevention { "The shift to prevention" }
            (sections::prevention(&data))
            p.disclosure { (data.disclosure.statement()) }
        },
    ))
}

async fn report(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<FilterQuery>,
) -> Result<Markup, ApiError> {
    let (data, f) = load(&state, &code, q).await?;
    Ok(report_markup(&data, &f, false))
}

/// `GET /icbs/{code}/outcomes/report.pdf`: the board report printed by headless Chromium.
async fn report_pdf(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let icb = parse_icb(&code)?;
    let data = SystemData::load(&state, &icb).await?;
    let unavailable = |code: &'static str, e: pdf::ReportError| ApiError {
        status: axum::http::StatusCode::SERVICE_UNAVAILABLE,
        code,
        message: e.to_string(),
    };
    match pdf::print_report(&data).await {
        Ok(bytes) => Ok((
            [
                (
                    axum::http::header::CONTENT_TYPE,
                    "application/pdf".to_owned(),
                ),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    format!("inline; filename=\"{icb}-board-report.pdf\""),
                ),
            ],
            bytes,
        )
            .into_response()),
        Err(e @ pdf::ReportError::ChromiumMissing) => Err(unavailable("no_chromium", e)),
        Err(e) => {
            tracing::error!(error = %e, "printing the board report failed");
            Err(unavailable("print_failed", e))
        }
    }
}

const MAIN_CSS: &str = include_str!("../../assets/goldthread.css");

/// The board report's HTML; `inline_css` puts the stylesheets in the page (for printing from
/// a file) instead of linking them.
pub(crate) fn report_markup(data: &SystemData, f: &Filters, inline_css: bool) -> Markup {
    let generated = data.today.format("%-d %B %Y").to_string();
    html! {
        (maud::DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "Board report: shared outcomes – " (data.name) }
                @if inline_css {
                    style { (maud::PreEscaped(MAIN_CSS)) (maud::PreEscaped(CSS)) }
                } @else {
                    link rel="stylesheet" href="/assets/goldthread.css";
                    link rel="stylesheet" href="/assets/outcomes.css";
                }
            }
            body.board-report {
                main #main {
                    header.report-header {
                        p.caption { (data.name) " integrated care system" }
                        h1 { "Board report: shared outcomes and the shift to prevention" }
                        p { "Prepared " (generated) " from goldthread. "
                            @if let Some(d) = &f.district { "District: " (data.area_name(d)) ". " }
                            @if let Some(t) = &f.theme { "Theme: " (t) ". " }
                            (data.disclosure.statement()) }
                        p.no-print { a href={ "/icbs/" (data.icb) "/outcomes" (f.query()) } { "Back to the dashboard" } }
                    }
                    section { h2 { "1. Outcomes and who is accountable" } (sections::accountability(data, f)) }
                    section.page-break { h2 { "2. The golden thread" } (sections::golden_thread(data, f)) }
                    section.page-break { h2 { "3. Prevention spend" } (sections::prevention(data)) }
                    section.page-break { h2 { "4. Indicators" } (indicator_panels(data, f)) }
                }
            }
        }
    }
}

async fn index(State(state): State<AppState>) -> Result<Markup, ApiError> {
    let systems = state.store().systems().await?;
    Ok(layout(
        "Outcomes",
        html! {
            h1 { "Shared outcomes" }
            @if systems.is_empty() { p { "No integrated care system is set up yet. Run " code { "goldthread demo" } "." } }
            ul { @for s in &systems { li { a href={ "/icbs/" (s.icb) "/outcomes" } { (s.name) } } } }
        },
    ))
}
