//! One panel per indicator: the districts against England (bar chart and map), a trend with
//! intervals, an XmR chart for long series, and the data table that is their text alternative.
//! Every panel names its source, its "as of" date and its definition's version.

use goldthread_charts::bar::{compare_areas, AreaBar};
use goldthread_charts::run::run_chart;
use goldthread_charts::trend::{trend, TrendPoint};
use goldthread_charts::xmr::xmr_chart;
use goldthread_charts::{comparison_colour, ChartText};
use goldthread_domain::outcomes::indicator::{polarity_serde, IndicatorDefinition, Sex};
use goldthread_domain::outcomes::rebase::{rebases_for, RecordedRebase};
use goldthread_domain::GssCode;
use goldthread_maps::{boundaries, Layer, Shape, SvgMap};
use goldthread_stats::spc::{xmr, Improvement, MIN_BASELINE};
use goldthread_stats::{Comparison, Polarity};
use maud::{html, Markup, PreEscaped};

use super::data::SystemData;

/// Number shown in tables.
pub(crate) fn fmt(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |v| format!("{v:.1}"))
}

/// The line under every panel: source, as-of date, definition version, comparison method.
pub(crate) fn provenance(def: &IndicatorDefinition) -> Markup {
    html! {
        p.provenance {
            "Source: " (def.source) ". As of " (def.as_of) ". Definition version " (def.version)
            ". Compared with England by: " (def.benchmark.label()) ". Polarity: "
            (polarity_serde::name(def.polarity).replace('_', " ")) "."
        }
    }
}

/// The district panel for an indicator, highlighting `focus` in the trend.
pub(crate) fn indicator_panel(
    data: &SystemData,
    def: &IndicatorDefinition,
    focus: Option<&GssCode>,
) -> Markup {
    let sex = data.default_sex(&def.code);
    let Some(period) = data.latest_period(&def.code, sex) else {
        return html! {
            section.panel id={ "indicator-" (def.code) } {
                h3 { (def.name) }
                p { "No values have been loaded for this ICS's districts yet." }
                (provenance(def))
            }
        };
    };
    let england = data.england(&def.code, &period, sex);
    let rows: Vec<_> = data
        .districts
        .iter()
        .map(|d| {
            let v = data.values.get(&def.code).and_then(|vs| {
                vs.iter()
                    .find(|v| v.area == d.code && v.period == period && v.sex == sex)
            });
            (d, v)
        })
        .collect();
    let bars: Vec<AreaBar> = rows
        .iter()
        .map(|(d, v)| {
            let p = v.map(|v| data.publish(v));
            AreaBar {
                name: d.name.clone(),
                value: p.as_ref().and_then(|p| p.value),
                interval: p.as_ref().and_then(|p| p.lower.zip(p.upper)),
                call: v.map_or(Comparison::NotCompared, |v| data.call(v)),
            }
        })
        .collect();
    let sex_label = if sex == Sex::Persons {
        String::new()
    } else {
        format!(", {}", sex.as_str().to_lowercase())
    };
    let id = format!("ind-{}", def.code.as_str().replace('.', "-"));
    let bar_text = ChartText {
        id: format!("{id}-bar"),
        title: format!("{} ({}{sex_label}): districts compared with England", def.name, period.label),
        desc: format!(
            "Bar chart of {} districts with 95% confidence intervals; England's value {} is the vertical line. \
             Bars are coloured by comparison with England. The table below gives the same numbers.",
            bars.len(),
            fmt(england)
        ),
    };
    let focus_area = focus
        .copied()
        .or_else(|| data.districts.first().map(|d| d.code));
    html! {
        section.panel id={ "indicator-" (def.code) } {
            h3 { (def.name) }
            p.definition { (def.definition) }
            div.chart-row {
                figure.chart { (PreEscaped(compare_areas(&bar_text, &bars, england, &def.unit))) }
                @if let Some(map) = choropleth(data, &id, def, &bars) { figure.chart.map { (PreEscaped(map)) } }
            }
            (legend())
            @if let Some(area) = focus_area { (trend_chart(data, def, &area, sex, &id)) }
            (xmr_panel(data, def, focus_area.as_ref(), sex, &id))
            details {
                summary { "Table: " (def.name) ", " (period.label) }
                table {
                    caption.visually-hidden { (def.name) ", " (period.label) }
                    thead { tr {
                        th scope="col" { "Area" } th.numeric scope="col" { "Value (" (def.unit) ")" }
                        th.numeric scope="col" { "Lower 95% CI" } th.numeric scope="col" { "Upper 95% CI" }
                        th.numeric scope="col" { "Count" } th.numeric scope="col" { "Denominator" }
                        th scope="col" { "Compared with England" }
                    } }
                    tbody {
                        tr { td { "England" } td.numeric { (fmt(england)) } td {} td {} td {} td {} td { "Benchmark" } }
                        @for ((d, v), bar) in rows.iter().zip(&bars) {
                            @let p = v.map(|v| data.publish(v));
                            tr {
                                td { (d.name) }
                                td.numeric { @if p.as_ref().is_some_and(|p| p.suppressed) { "suppressed" } @else { (fmt(bar.value)) } }
                                td.numeric { (fmt(bar.interval.map(|i| i.0))) }
                                td.numeric { (fmt(bar.interval.map(|i| i.1))) }
                                td.numeric { (p.as_ref().and_then(|p| p.count).map_or("–".into(), |c| c.to_string())) }
                                td.numeric { (p.as_ref().and_then(|p| p.denominator).map_or("–".into(), |c| c.to_string())) }
                                td { (bar.call.label()) }
                            }
                        }
                    }
                }
            }
            (provenance(def))
        }
    }
}

fn legend() -> Markup {
    let items = [
        Comparison::Better,
        Comparison::Similar,
        Comparison::Worse,
        Comparison::Higher,
        Comparison::Lower,
        Comparison::NotCompared,
    ];
    html! {
        ul.chart-legend aria-label="Comparison with England" {
            @for c in items {
                li { span.swatch style={ "background:" (comparison_colour(c)) } {} (c.label()) }
            }
        }
    }
}

fn choropleth(
    data: &SystemData,
    id: &str,
    def: &IndicatorDefinition,
    bars: &[AreaBar],
) -> Option<String> {
    let shapes: Vec<Shape> = data
        .districts
        .iter()
        .zip(bars)
        .filter_map(|(d, b)| {
            let area = boundaries::districts().get(d.code.as_str())?;
            Some(Shape {
                area,
                fill: comparison_colour(b.call).to_owned(),
                label: format!("{}: {} ({})", d.name, fmt(b.value), b.call.label()),
                href: None,
            })
        })
        .collect();
    if shapes.is_empty() {
        return None;
    }
    let map = SvgMap {
        id: format!("{id}-map"),
        title: format!("Map: {} by district, compared with England", def.name),
        description: "Districts coloured by their comparison with England, as in the bar chart."
            .into(),
        width: 360.0,
        layers: vec![Layer {
            shapes,
            stroke: "#ffffff".into(),
            stroke_width: 1.0,
            decorative: false,
        }],
    };
    Some(map.render())
}

fn trend_chart(
    data: &SystemData,
    def: &IndicatorDefinition,
    area: &GssCode,
    sex: Sex,
    id: &str,
) -> Markup {
    let series = data.series(&def.code, area, sex);
    if series.len() < 2 {
        return html! {};
    }
    let points: Vec<TrendPoint> = series
        .iter()
        .map(|v| {
            let p = data.publish(v);
            TrendPoint {
                period: v.period.label.clone(),
                value: p.value,
                interval: p.lower.zip(p.upper),
                england: data.england(&def.code, &v.period, sex),
            }
        })
        .collect();
    let target = data
        .outcomes
        .iter()
        .find(|(o, _)| o.indicator == def.code && &o.area == area)
        .map(|(o, _)| o.target.value);
    let name = data.area_name(area);
    let text = ChartText {
        id: format!("{id}-trend"),
        title: format!("{}: {name} over time", def.name),
        desc: format!("Line chart of {name}'s values for {} periods with England's values; the shaded band is the 95% confidence interval where published.", points.len()),
    };
    html! { figure.chart.wide { (PreEscaped(trend(&text, &points, target, &def.unit))) } }
}

/// An XmR chart of the system's series (or the district in focus where the system has none)
/// with any recorded rebases; a run chart without limits, saying why, for a series shorter than
/// Making Data Count's 12-point baseline.
fn xmr_panel(
    data: &SystemData,
    def: &IndicatorDefinition,
    focus: Option<&GssCode>,
    sex: Sex,
    id: &str,
) -> Markup {
    let (area, series) = spc_series(data, def, focus, sex);
    let values: Vec<f64> = series.iter().map(|s| s.1).collect();
    let labels: Vec<String> = series.iter().map(|s| s.0.clone()).collect();
    if values.len() < MIN_BASELINE {
        if values.len() < 3 {
            return html! {};
        }
        let text = ChartText {
            id: format!("{id}-run"),
            title: format!("{}: {} (run chart)", def.name, data.area_name(&area)),
            desc: format!(
                "Run chart of {} points with their median, without process limits.",
                values.len()
            ),
        };
        return html! {
            figure.chart.wide {
                (PreEscaped(run_chart(&text, &values, &labels)))
                figcaption { "Run chart without process limits: only " (values.len()) " points, and Making Data Count needs at least " (MIN_BASELINE) " to set limits that mean anything." }
            }
        };
    }
    let improvement = match def.polarity {
        Polarity::HighIsGood => Improvement::Increase,
        Polarity::LowIsGood => Improvement::Decrease,
        Polarity::NoJudgement => Improvement::Neutral,
    };
    let target = data
        .outcomes
        .iter()
        .find(|(o, _)| o.indicator == def.code && o.area == area)
        .map(|(o, _)| o.target.value);
    let baseline = values.len().min(goldthread_stats::spc::MAX_BASELINE);
    let decisions: Vec<&RecordedRebase> = data
        .rebases
        .iter()
        .filter(|r| r.applies_to(&def.code, &area, sex))
        .collect();
    let rebases = rebases_for(&labels, &decisions);
    let Ok(chart) = xmr(&values, improvement, target, baseline, &rebases) else {
        return html! {};
    };
    let text = ChartText {
        id: format!("{id}-xmr"),
        title: format!("{}: {} (statistical process control)", def.name, data.area_name(&area)),
        desc: format!("XmR chart of {} points with the mean and process limits from the first {baseline}{}. {}.{}",
            values.len(),
            if rebases.is_empty() { String::new() } else { format!(", rebased {} time(s) by recorded decision", rebases.len()) },
            chart.variation.label(), chart.assurance.map_or(String::new(), |a| format!(" {}.", a.label()))),
    };
    html! {
        figure.chart.wide {
            (PreEscaped(xmr_chart(&text, &chart, &labels, target)))
            figcaption {
                "Making Data Count: " (chart.variation.label()) @if let Some(a) = chart.assurance { "; " (a.label()) }
                ". Baseline fixed at the first " (baseline) " points; limits are only rebased by a recorded decision."
                @for d in &decisions {
                    @if labels.contains(&d.from.label) {
                        span.rebase-note { " Limits rebased from " (d.from.label) " by " (d.decided_by) " (" (d.at.get(..10).unwrap_or(&d.at)) "): " (d.reason) "." }
                    }
                }
            }
        }
    }
}

/// The series an indicator's SPC chart shows: the system's where counts roll up, otherwise
/// the district in focus.
pub(crate) fn spc_series(
    data: &SystemData,
    def: &IndicatorDefinition,
    focus: Option<&GssCode>,
    sex: Sex,
) -> (GssCode, Vec<(String, f64)>) {
    let system = data.published_series(&def.code, &data.icb, sex);
    if system.len() >= MIN_BASELINE {
        return (data.icb, system);
    }
    match focus.map(|f| (*f, data.published_series(&def.code, f, sex))) {
        Some((f, s)) if s.len() >= MIN_BASELINE || s.len() > system.len() => (f, s),
        _ => (data.icb, system),
    }
}
