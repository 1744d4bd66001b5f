//! Programme dashboards: monthly and district figures, District Direct's bed days and budget,
//! Waiting Well's share of people contacted with unmet needs, as a page with a chart, as JSON and
//! as CSV. Every count of people passes the one disclosure-control function before it is shown;
//! a figure derived from a withheld count is withheld with it.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use goldthread_domain::programme::Programme;
use goldthread_domain::Money;
use goldthread_stats::{Disclosed, DisclosureRule};
use goldthread_store::{Budget, DashboardRow};
use maud::{html, Markup};
use serde::Serialize;

use super::access::Caller;
use crate::pages::layout;
use crate::{ApiError, AppState};

/// One month (or district) of a programme's figures, after disclosure control.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Line {
    /// `YYYY-MM` or a GSS code.
    pub key: String,
    pub cases: Disclosed,
    pub reached: Disclosed,
    pub with_needs: Disclosed,
    pub closed: Disclosed,
    pub discharged: Disclosed,
    /// Bed days saved (withheld with the discharges it comes from).
    pub bed_days_saved: Option<u64>,
    /// Their value at the programme's bed-day cost.
    pub bed_days_value: Option<Money>,
    /// Share of people reached with unmet needs, in per cent (withheld with its counts).
    pub unmet_needs_share: Option<f64>,
}

#[derive(Default, Clone, Copy)]
struct Tally {
    cases: u64,
    reached: u64,
    with_needs: u64,
    closed: u64,
    discharged: u64,
    bed_days: u64,
}

/// The whole dashboard.
#[derive(Debug, Serialize)]
pub(crate) struct Dashboard {
    pub programme: String,
    pub name: String,
    pub by_month: Vec<Line>,
    pub by_district: Vec<Line>,
    pub total: Line,
    /// The caller's own teams' figures, exact: they can open each of these cases anyway.
    pub your_teams: Option<Line>,
    pub bed_day_cost_source: Option<String>,
    pub budgets: Vec<BudgetLine>,
    /// Disabled Facilities Grants against the 55 and 150 working-day guidance (home
    /// adaptations only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dfg_timescales: Option<super::adaptations::Timescales>,
    /// People reached with each need, by district, as a share of those reached there.
    pub by_need_and_district: Vec<NeedLine>,
    pub disclosure: String,
}

/// People reached in a district who had one need, after disclosure control.
#[derive(Debug, Serialize)]
pub(crate) struct NeedLine {
    pub need: String,
    /// GSS code.
    pub district: String,
    pub reached: Disclosed,
    pub with_need: Disclosed,
    /// In per cent of those reached (withheld with its counts).
    pub share: Option<f64>,
}

/// Each need of the programme by district: counts of people with it over those reached.
async fn needs_by_district(
    state: &AppState,
    programme: &Programme,
    rows: &[DashboardRow],
    rule: &DisclosureRule,
) -> Result<Vec<NeedLine>, ApiError> {
    let reached = tally(rows, |r| {
        r.district.clone().unwrap_or_else(|| "unknown".into())
    });
    let mut out = Vec::new();
    for need in &programme.needs {
        for (district, n) in state
            .store()
            .needs_by_district(&programme.id, &need.code)
            .await?
        {
            let district = district.unwrap_or_else(|| "unknown".into());
            let r = reached.get(&district).map_or(0, |t| t.reached);
            let (rd, nd) = (rule.apply(r), rule.apply(n.max(0) as u64));
            let share = match (rd.value(), nd.value()) {
                (Some(_), Some(_)) if r > 0 => Some((n as f64 / r as f64 * 1000.0).round() / 10.0),
                _ => None,
            };
            out.push(NeedLine {
                need: need.code.clone(),
                district,
                reached: rd,
                with_need: nd,
                share,
            });
        }
    }
    Ok(out)
}

/// A budget's position (money, not people, so not subject to disclosure control).
#[derive(Debug, Serialize)]
pub(crate) struct BudgetLine {
    pub name: String,
    pub financial_year: String,
    pub balance: Money,
}

fn tally(rows: &[DashboardRow], key: impl Fn(&DashboardRow) -> String) -> BTreeMap<String, Tally> {
    let mut out: BTreeMap<String, Tally> = BTreeMap::new();
    for r in rows {
        let t = out.entry(key(r)).or_default();
        let n = r.cases.max(0) as u64;
        t.cases += n;
        t.reached += r.reached.max(0) as u64;
        t.with_needs += r.with_needs.max(0) as u64;
        if r.state == "closed" {
            t.closed += n;
        }
        if r.outcome.as_deref() == Some("discharged_home") {
            t.discharged += n;
        }
        t.bed_days += r.bed_days_saved.max(0) as u64;
    }
    out
}

fn line(key: String, t: Tally, rule: &DisclosureRule, programme: &Programme) -> Line {
    let discharged = rule.apply(t.discharged);
    let reached = rule.apply(t.reached);
    let with_needs = rule.apply(t.with_needs);
    let cost = programme.district_direct.as_ref().map(|s| &s.bed_day_cost);
    let bed_days = (!discharged.is_suppressed() && cost.is_some()).then_some(t.bed_days);
    let share = match (reached.value(), with_needs.value()) {
        (Some(r), Some(_)) if r > 0 => {
            Some((t.with_needs as f64 / t.reached as f64 * 1000.0).round() / 10.0)
        }
        _ => None,
    };
    Line {
        key,
        cases: rule.apply(t.cases),
        reached,
        with_needs,
        closed: rule.apply(t.closed),
        discharged,
        bed_days_saved: bed_days,
        bed_days_value: bed_days.and_then(|d| cost.map(|c| c.value(d))),
        unmet_needs_share: share,
    }
}

async fn build(
    state: &AppState,
    programme: &Programme,
    caller: &Caller,
) -> Result<Dashboard, ApiError> {
    let rows = state.store().programme_dashboard(&programme.id).await?;
    let teams: Vec<String> = caller.teams().iter().map(|t| t.to_string()).collect();
    let own: Vec<DashboardRow> = rows
        .iter()
        .filter(|r| teams.contains(&r.team))
        .cloned()
        .collect();
    let your_teams = (!teams.is_empty()).then(|| {
        let t = tally(&own, |_| "your teams".into())
            .remove("your teams")
            .unwrap_or_default();
        line("your teams".into(), t, &DisclosureRule::NONE, programme)
    });
    let rule = DisclosureRule::default();
    let lines = |m: BTreeMap<String, Tally>| {
        m.into_iter()
            .map(|(k, t)| line(k, t, &rule, programme))
            .collect()
    };
    let total = tally(&rows, |_| "total".into())
        .remove("total")
        .unwrap_or_default();
    let budgets: Vec<Budget> = state.store().budgets(&programme.id).await?;
    let dfg_timescales = super::adaptations::timescales(state, programme, &rule).await?;
    let by_need_and_district = needs_by_district(state, programme, &rows, &rule).await?;
    Ok(Dashboard {
        programme: programme.id.to_string(),
        name: programme.name.clone(),
        by_month: lines(tally(&rows, |r| r.month.clone())),
        by_district: lines(tally(&rows, |r| {
            r.district.clone().unwrap_or_else(|| "unknown".into())
        })),
        total: line("total".into(), total, &rule, programme),
        your_teams,
        bed_day_cost_source: programme
            .district_direct
            .as_ref()
            .map(|s| s.bed_day_cost.source.clone()),
        budgets: budgets
            .into_iter()
            .map(|b| BudgetLine {
                name: b.name,
                financial_year: b.financial_year,
                balance: b.balance,
            })
            .collect(),
        dfg_timescales,
        by_need_and_district,
        disclosure: format!("{rule:?}"),
    })
}

/// `GET /api/v1/programmes/{id}/dashboard`.
pub(crate) async fn json(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Dashboard>, ApiError> {
    let p = super::programme(&state, &id).await?;
    build(&state, &p, &caller).await.map(Json)
}

fn cell(d: Disclosed) -> String {
    d.value().map(|v| v.to_string()).unwrap_or_default()
}

/// `GET /programmes/{id}/dashboard.csv`: the monthly and district lines as CSV (withheld cells
/// are empty).
pub(crate) async fn csv(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let p = super::programme(&state, &id).await?;
    let d = build(&state, &p, &caller).await?;
    let mut out = String::from("breakdown,key,cases,reached,with_unmet_needs,unmet_needs_share_percent,closed,discharged_home,bed_days_saved,bed_days_value_pence\n");
    for (kind, lines) in [
        ("month", &d.by_month),
        ("district", &d.by_district),
        ("total", &vec![d.total.clone()]),
    ] {
        for l in lines {
            out.push_str(&format!(
                "{kind},{},{},{},{},{},{},{},{},{}\n",
                l.key,
                cell(l.cases),
                cell(l.reached),
                cell(l.with_needs),
                l.unmet_needs_share
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                cell(l.closed),
                cell(l.discharged),
                l.bed_days_saved.map(|s| s.to_string()).unwrap_or_default(),
                l.bed_days_value
                    .map(|v| v.pence().to_string())
                    .unwrap_or_default(),
            ));
        }
    }
    let name = format!("attachment; filename=\"{}-dashboard.csv\"", p.id);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        out,
    ))
}

/// `GET /programmes/{id}`: the dashboard page (`?refreshed=N` after an analyst's refresh of
/// the programme measures).
pub(crate) async fn page(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Markup, ApiError> {
    let refreshed = q
        .iter()
        .find(|(k, _)| k == "refreshed")
        .and_then(|(_, v)| v.parse::<u64>().ok());
    let p = super::programme(&state, &id).await?;
    let d = build(&state, &p, &caller).await?;
    let dd = p.district_direct.is_some();
    Ok(layout(
        &p.name,
        html! {
            span.caption { "Programme dashboard" }
            h1 { (p.name) }
            p.lead { (p.summary) }
            p { a href={ "/programmes/" (p.id) "/dashboard.csv" } { "Download as CSV" } " · " a href={ "/cases?programme=" (p.id) } { "Worklist" } }
            (super::measures::panel(p.id.as_str(), &caller, refreshed))
            h2 { "All teams" }
            div.cards {
                div.card { span.big #total-cases { (cell(d.total.cases)) } " cases" }
                @if dd {
                    div.card { span.big #total-discharged { (cell(d.total.discharged)) } " patients home" }
                    div.card { span.big #total-bed-days { (d.total.bed_days_saved.map(|v| v.to_string()).unwrap_or_default()) } " bed days saved" }
                    div.card { span.big #total-value { (d.total.bed_days_value.map(|v| v.to_string()).unwrap_or_default()) } " value" }
                } @else {
                    div.card { span.big { (d.total.unmet_needs_share.map(|s| format!("{s}%")).unwrap_or_default()) } " of people reached had unmet needs" }
                }
            }
            @if let Some(y) = &d.your_teams {
                h2 { "Your teams" }
                p.hint { "Exact figures for the cases your teams work." }
                div.cards #your-teams {
                    div.card { span.big #team-cases { (cell(y.cases)) } " cases" }
                    @if dd {
                        div.card { span.big #team-discharged { (cell(y.discharged)) } " patients home" }
                        div.card { span.big #team-bed-days { (y.bed_days_saved.unwrap_or(0)) } " bed days saved" }
                        div.card { span.big #team-value { (y.bed_days_value.unwrap_or_default()) } " value" }
                    }
                }
            }
            @if let Some(src) = &d.bed_day_cost_source {
                p.hint #bed-day-source { "Bed days saved = expected delay for the barrier type less the actual delay from medically fit to home. Valued at " (src) "." }
            }
            @if !d.budgets.is_empty() {
                h2 { "Budgets" }
                table #budgets { thead { tr { th { "Budget" } th { "Year" } th.num { "Left" } } }
                    tbody { @for b in &d.budgets { tr { td { (b.name) } td { (b.financial_year) } td.num { (b.balance) } } } } }
            }
            @if let Some(t) = &d.dfg_timescales {
                h2 { "Disabled Facilities Grants against the guidance" }
                p.hint { "Working days from first enquiry to completion, excluding weekends and England and Wales bank holidays: " (t.urgent_target_working_days) " for urgent cases, " (t.standard_target_working_days) " for the rest." }
                table #dfg-timescales {
                    thead { tr { th scope="col" { "" } th.num { "Within" } th.num { "Later" } } }
                    tbody {
                        tr { th scope="row" { "Urgent, completed (" (t.urgent_target_working_days) " working days)" } td.num #dfg-urgent-within { (cell(t.urgent_within)) } td.num #dfg-urgent-late { (cell(t.urgent_late)) } }
                        tr { th scope="row" { "Other, completed (" (t.standard_target_working_days) " working days)" } td.num #dfg-standard-within { (cell(t.standard_within)) } td.num #dfg-standard-late { (cell(t.standard_late)) } }
                        tr { th scope="row" { "Open" } td.num #dfg-open-on-time { (cell(t.open_on_time)) } td.num #dfg-open-overdue { (cell(t.open_overdue)) } }
                    }
                }
            }
            h2 { "By month" }
            (chart(&d.by_month, dd))
            (table(&d.by_month, "Month", dd))
            h2 { "By district" }
            (table(&d.by_district, "District (GSS)", dd))
            p.hint { "Counts are rounded and small counts withheld (" (d.disclosure) "); blank cells are withheld." }
        },
    ))
}

fn table(lines: &[Line], key: &str, dd: bool) -> Markup {
    html! {
        table { thead { tr {
            th scope="col" { (key) } th.num { "Cases" } th.num { "Reached" } th.num { "With unmet needs" }
            th.num { "Share" } th.num { "Closed" }
            @if dd { th.num { "Home" } th.num { "Bed days saved" } th.num { "Value" } }
        } }
        tbody { @for l in lines { tr {
            td { (l.key) } td.num { (cell(l.cases)) } td.num { (cell(l.reached)) } td.num { (cell(l.with_needs)) }
            td.num { (l.unmet_needs_share.map(|s| format!("{s}%")).unwrap_or_default()) } td.num { (cell(l.closed)) }
            @if dd {
                td.num { (cell(l.discharged)) }
                td.num { (l.bed_days_saved.map(|v| v.to_string()).unwrap_or_default()) }
                td.num { (l.bed_days_value.map(|v| v.to_string()).unwrap_or_default()) }
            }
        } } } }
    }
}

/// A bar chart of cases (or bed days saved, for District Direct) by month, as inline SVG with
/// a text alternative; the table below it carries the same numbers.
fn chart(lines: &[Line], dd: bool) -> Markup {
    let values: Vec<(String, u64)> = lines
        .iter()
        .map(|l| {
            (
                l.key.clone(),
                if dd {
                    l.bed_days_saved.unwrap_or(0)
                } else {
                    l.cases.value().unwrap_or(0)
                },
            )
        })
        .collect();
    let max = values.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let what = if dd { "Bed days saved" } else { "Cases" };
    let w = 40 * values.len().max(1);
    html! {
        svg.chart role="img" aria-label={ (what) " by month" } width=(w) height="140" viewBox={ "0 0 " (w) " 140" } {
            title { (what) " by month" }
            @for (i, (k, v)) in values.iter().enumerate() {
                @let h = (*v as f64 / max as f64 * 110.0).round() as u64;
                rect x=(i * 40 + 6) y=(120 - h) width="28" height=(h) fill="#005eb8" { title { (k) ": " (v) } }
                text x=(i * 40 + 20) y="135" font-size="9" text-anchor="middle" { (k.get(5..).unwrap_or(k)) }
            }
        }
    }
}
