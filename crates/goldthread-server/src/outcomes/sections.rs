//! The dashboard's sections shared with the board report: the accountability table, the golden
//! thread with its gap reports, and prevention spend.

use goldthread_charts::share::{prevention_share, YearSpend};
use goldthread_charts::ChartText;
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::outcomes::budget::{
    pooled_per_head, prevention_share_by_year, SpendCategory,
};
use goldthread_domain::outcomes::outcome::{Outcome, OutcomeStatus, STATUS_RULE};
use goldthread_domain::outcomes::thread::{Level, Objective};
use maud::{html, Markup, PreEscaped};

use super::data::SystemData;
use super::panels::fmt;
use super::Filters;

/// The CSS class of a status tag.
pub(crate) fn status_class(s: OutcomeStatus) -> &'static str {
    match s {
        OutcomeStatus::OnTrack => "tag tag-green",
        OutcomeStatus::AtRisk => "tag tag-amber",
        OutcomeStatus::OffTrack => "tag tag-red",
        OutcomeStatus::NoData => "tag tag-grey",
    }
}

/// Outcomes passing the filters, in ambition order.
pub(crate) fn filtered_outcomes<'a>(data: &'a SystemData, f: &Filters) -> Vec<&'a Outcome> {
    let mut out: Vec<&Outcome> = data
        .outcomes
        .iter()
        .map(|(o, _)| o)
        .filter(|o| f.theme.as_ref().is_none_or(|t| &o.theme == t))
        .filter(|o| {
            f.district.as_ref().is_none_or(|d| {
                &o.area == d
                    || o.commitments.iter().any(|c| &c.district == d)
                    || data
                        .districts
                        .iter()
                        .any(|x| &x.code == d && x.place == Some(o.area))
                    || o.area == data.icb
            })
        })
        .collect();
    let rank = |o: &Outcome| {
        data.ambitions
            .iter()
            .position(|a| a.key == o.ambition)
            .unwrap_or(usize::MAX)
    };
    out.sort_by_key(|o| (rank(o), o.key.clone()));
    out
}

/// The accountability table.
pub(crate) fn accountability(data: &SystemData, f: &Filters) -> Markup {
    let outcomes = filtered_outcomes(data, f);
    html! {
        @for a in &data.ambitions {
            @let mine: Vec<&&Outcome> = outcomes.iter().filter(|o| o.ambition == a.key).collect();
            @if !mine.is_empty() {
                h3 { "Ambition: " (a.title) }
                p { (a.description) }
                table.accountability {
                    caption.visually-hidden { "Outcomes under " (a.title) }
                    thead { tr {
                        th scope="col" { "Outcome" } th scope="col" { "Area" }
                        th.numeric scope="col" { "Baseline" } th.numeric scope="col" { "Latest" } th.numeric scope="col" { "Target" }
                        th scope="col" { "Status" } th scope="col" { "Accountable (board)" } th scope="col" { "Contributing" }
                        th scope="col" { "District commitments" } th scope="col" { "Next review" }
                    } }
                    tbody { @for o in mine { (outcome_row(data, o)) } }
                }
            }
        }
        @if outcomes.is_empty() { p { "No outcomes match these filters." } }
        p.rule { strong { "Status rule. " } (STATUS_RULE) }
    }
}

fn outcome_row(data: &SystemData, o: &Outcome) -> Markup {
    let (status, latest) = data.status(o);
    let def = data.definitions.get(&o.indicator);
    let unit = def.map_or("", |d| d.unit.as_str());
    let names = |ids: &[OrganisationId]| {
        ids.iter()
            .map(|i| data.organisation_name(i))
            .collect::<Vec<_>>()
            .join("; ")
    };
    html! {
        tr {
            td { strong { (o.title) } br; span.hint { (def.map_or(o.indicator.to_string(), |d| d.name.clone())) " (" (o.sex.as_str().to_lowercase()) ")" } }
            td { (data.area_name(&o.area)) }
            td.numeric { (fmt(Some(o.baseline.value))) " " (unit) br; span.hint { (o.baseline.period.label) } }
            td.numeric { @if let Some((p, v)) = &latest { (fmt(Some(*v))) " " (unit) br; span.hint { (p.label) } } @else { "–" } }
            td.numeric { (fmt(Some(o.target.value))) " " (unit) br; span.hint { (o.target.period.label) } }
            td { strong class=(status_class(status)) { (status.label()) } }
            td { (data.organisation_name(&o.accountable.organisation)) br; span.hint { (o.accountable.board) } }
            td { (names(&o.contributors)) }
            td { @for c in &o.commitments { p.commitment { strong { (data.area_name(&c.district)) ": " } (c.commitment) @if let Some(t) = c.target { " (own target " (fmt(Some(t))) ")" } } } }
            td { (next_review(data, o)) }
        }
    }
}

/// The next review date on or after today (by the server's clock); if every date has passed,
/// the last one, marked overdue.
fn next_review(data: &SystemData, o: &Outcome) -> Markup {
    let today = data.today.format("%Y-%m-%d").to_string();
    let mut dates: Vec<&String> = o.review_dates.iter().collect();
    dates.sort();
    match (
        dates.iter().find(|d| d.as_str() >= today.as_str()),
        dates.last(),
    ) {
        (Some(next), _) => html! { (next) },
        (None, Some(last)) => html! { (last) br; span.hint { "overdue: no later review is set" } },
        (None, None) => html! { span.hint { "none set" } },
    }
}

fn rollup_tags(data: &SystemData, key: &str) -> Markup {
    let r = data.thread.roll_up(key, |k| {
        data.outcomes
            .iter()
            .find(|(o, _)| o.key == k)
            .map_or(OutcomeStatus::NoData, |(o, _)| data.status(o).0)
    });
    html! {
        @if r.0.is_empty() { span.tag.tag-grey { "no outcomes linked" } }
        @for (s, n) in &r.0 { span class=(status_class(*s)) { (n) " " (s.label().to_lowercase()) } " " }
    }
}

fn objective_item(data: &SystemData, o: &Objective, f: &Filters) -> Markup {
    let children: Vec<&Objective> = data
        .thread
        .children(&o.key)
        .filter(|c| {
            f.district
                .as_ref()
                .is_none_or(|d| c.level != Level::Local || &c.area == d)
        })
        .collect();
    html! {
        li {
            span.level { (o.level.label()) } " "
            strong { (o.title) } " "
            span.hint { (o.plan) ", " (data.area_name(&o.area)) } " "
            (rollup_tags(data, &o.key))
            @if !o.projects.is_empty() { br; span.hint { "Projects: " (o.projects.join("; ")) } }
            @if !children.is_empty() { ul { @for c in children { (objective_item(data, c, f)) } } }
        }
    }
}

/// The golden thread as a tree, with both gap reports.
pub(crate) fn golden_thread(data: &SystemData, f: &Filters) -> Markup {
    let t = &data.thread;
    if t.objectives().is_empty() {
        return html! { p { "No strategies or plans have been recorded for this ICS yet." } };
    }
    let roots: Vec<&Objective> = t
        .at(Level::System)
        .filter(|o| f.theme.as_ref().is_none_or(|th| &o.theme == th))
        .collect();
    let orphan_places: Vec<&Objective> = t
        .at(Level::Place)
        .filter(|p| p.parents.is_empty())
        .collect();
    html! {
        p { "Statuses roll up from local delivery partnerships to places to the system: each objective counts the outcomes linked to it and to everything beneath it." }
        ul.thread { @for r in roots { (objective_item(data, r, f)) } }
        @if !orphan_places.is_empty() {
            h4 { "Place objectives with no system parent" }
            ul.thread { @for p in orphan_places { (objective_item(data, p, f)) } }
        }
        div.gaps {
            h3 { "Gaps, top down: system objectives no local plan delivers" }
            ul { @for o in t.system_objectives_without_local_delivery() { li { strong { (o.title) } " (" (o.plan) ")" } } }
            h3 { "Gaps, bottom up: local priorities not reflected at system level" }
            ul { @for o in t.local_priorities_not_reflected() { li { strong { (o.title) } " (" (o.plan) ", " (data.area_name(&o.area)) ")" } } }
        }
        @if let Some(a) = &data.thread_attribution {
            p.provenance { "Golden thread version " (a.version) ", recorded by " (a.changed_by) " on " (a.at.get(..10).unwrap_or(&a.at)) ": " (a.reason) "." }
        }
    }
}

/// The prevention-share chart, its table and the definition in force.
pub(crate) fn prevention(data: &SystemData) -> Markup {
    let shares = prevention_share_by_year(&data.budgets, &data.prevention);
    if shares.is_empty() {
        return html! { p { "No budget lines have been recorded for this ICS yet." } };
    }
    let years: Vec<YearSpend> = shares
        .iter()
        .map(|s| YearSpend {
            year: s.year.to_string(),
            parts: SpendCategory::ALL
                .iter()
                .map(|c| {
                    (
                        c.label().to_owned(),
                        s.by_category
                            .get(c)
                            .map_or(0.0, |m| m.pence() as f64 / 100.0),
                        data.prevention.counts.contains(c),
                    )
                })
                .collect(),
        })
        .collect();
    let text = ChartText {
        id: "prevention-share".into(),
        title: format!("Share of {}'s tagged spend that goes to prevention, by year", data.name),
        desc: "Stacked bars of spend by category for each financial year, with the share counted as prevention above each bar. The table below gives the figures.".into(),
    };
    let county_bcf: Vec<(String, Vec<Option<f64>>)> = data
        .places
        .iter()
        .filter_map(|p| {
            let org = OrganisationId::for_code(p.code.as_str());
            let pop = *data.populations.get(&p.code)?;
            let per: Vec<Option<f64>> = shares
                .iter()
                .map(|s| pooled_per_head(&data.budgets, org, "Better Care Fund", s.year, pop))
                .collect();
            per.iter()
                .any(|x| x.is_some_and(|v| v > 0.0))
                .then(|| (format!("{} County Council", p.name), per))
        })
        .collect();
    html! {
        figure.chart.wide { (PreEscaped(prevention_share(&text, &years))) }
        table {
            caption { "Spend by category (£ million) and the prevention share" }
            thead { tr { th scope="col" { "Year" } @for c in SpendCategory::ALL { th.numeric scope="col" { (c.label()) } } th.numeric scope="col" { "Prevention share" } } }
            tbody { @for s in &shares { tr {
                td { (s.year) }
                @for c in SpendCategory::ALL { td.numeric { (format!("{:.1}", s.by_category.get(&c).map_or(0.0, |m| m.pence() as f64 / 1e8))) } }
                td.numeric { (s.share().map_or("–".into(), |x| format!("{:.1}%", x * 100.0))) }
            } } }
        }
        @if !county_bcf.is_empty() {
            table {
                caption { "County councils' contributions to the Better Care Fund, £ per head (Census 2021 population)" }
                thead { tr { th scope="col" { "Council" } @for s in &shares { th.numeric scope="col" { (s.year) } } } }
                tbody { @for (name, per) in &county_bcf { tr { td { (name) } @for p in per { td.numeric { (p.map_or("–".into(), |v| format!("£{v:.2}"))) } } } } }
            }
        }
        div.definition-box {
            h3 { "What counts as prevention spend (definition version " (data.prevention.version) ")" }
            p { (data.prevention.statement) }
        }
    }
}
