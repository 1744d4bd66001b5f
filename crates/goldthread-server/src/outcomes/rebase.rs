//! SPC rebasing as a recorded human decision: a form to start new XmR limits for one series at
//! a chosen period, with a required reason; who, when and why are stored and shown with the
//! chart and in the exports. Nothing rebases on its own.

use axum::extract::{Path, State};
use axum::response::Response;
use goldthread_domain::outcomes::indicator::{IndicatorCode, Period, Sex};
use goldthread_domain::outcomes::rebase::{rebases_for, RecordedRebase};
use goldthread_domain::GssCode;
use goldthread_stats::spc::{xmr, Improvement, MAX_BASELINE, MIN_BASELINE};
use goldthread_store::StoreError;
use maud::{html, Markup};

use super::data::SystemData;
use super::forms::{check_reason, field, reason, select, text, Fields, FormErrors};
use super::manage::{done, load, may_edit, page, require_editor, signed_in_as, Editing};
use crate::auth::{csrf_field, CsrfForm, CurrentUser};
use crate::{ApiError, AppState};

/// A series long enough for an XmR chart: (indicator, area, sex) and its points.
struct Series {
    indicator: IndicatorCode,
    area: GssCode,
    sex: Sex,
    points: Vec<(String, f64)>,
}

impl Series {
    fn id(&self) -> String {
        format!("{}|{}|{}", self.indicator, self.area, self.sex.as_str())
    }
}

fn long_series(data: &SystemData) -> Vec<Series> {
    let mut areas = vec![data.icb];
    areas.extend(data.places.iter().map(|p| p.code));
    areas.extend(data.districts.iter().map(|d| d.code));
    let mut out = Vec::new();
    for def in data.definitions.values() {
        for area in &areas {
            for sex in [Sex::Persons, Sex::Male, Sex::Female] {
                let points = data.published_series(&def.code, area, sex);
                if points.len() >= MIN_BASELINE {
                    out.push(Series {
                        indicator: def.code.clone(),
                        area: *area,
                        sex,
                        points,
                    });
                }
            }
        }
    }
    out
}

fn series_label(data: &SystemData, s: &Series) -> String {
    let name = data
        .definitions
        .get(&s.indicator)
        .map_or(s.indicator.to_string(), |d| d.name.clone());
    format!(
        "{name}: {} ({}, {} points, {} to {})",
        data.area_name(&s.area),
        s.sex.as_str().to_lowercase(),
        s.points.len(),
        s.points.first().map_or("", |p| p.0.as_str()),
        s.points.last().map_or("", |p| p.0.as_str()),
    )
}

fn rebase_page(
    data: &SystemData,
    user: &CurrentUser,
    editor: bool,
    f: &Fields,
    e: &FormErrors,
) -> Markup {
    let options: Vec<(String, String)> = long_series(data)
        .iter()
        .map(|s| (s.id(), series_label(data, s)))
        .collect();
    page(
        data,
        "Rebase an SPC chart",
        html! {
            (e.summary())
            (signed_in_as(user))
            h1 { "Rebase an SPC chart" }
            p { "An XmR chart's mean and process limits are fixed from its first " (MIN_BASELINE) " to " (MAX_BASELINE) " points. When the process itself has changed (a new service, a new definition), the board may decide to start new limits from a point. That is a human decision with a recorded reason; goldthread never rebases on its own." }
            @if editor {
                form method="post" novalidate {
                    (csrf_field(user))
                    (select("series", "Series", Some("Only series with at least 12 published points have limits to rebase."), &options, field(f, "series"), e))
                    (text("from", "First period of the new limits", Some("As the series labels it, e.g. 2024-04 or 2023/24. At least two points must follow."), field(f, "from"), e))
                    (reason(field(f, "reason"), e))
                    button.button type="submit" { "Record the decision" }
                }
            } @else {
                p.warning { (Editing::Framework.roles_needed()) }
            }
            h2 { "Rebases decided" }
            @if data.rebases.is_empty() { p { "None yet." } }
            table.history {
                thead { tr { th { "Series" } th { "From" } th { "Decided by" } th { "When" } th { "Why" } } }
                tbody {
                    @for r in &data.rebases {
                        tr {
                            td { (data.definitions.get(&r.indicator).map_or(r.indicator.to_string(), |d| d.name.clone())) ": " (data.area_name(&r.area)) " (" (r.sex.as_str().to_lowercase()) ")" }
                            td { (r.from.label) } td { (r.decided_by) } td { (r.at) } td { (r.reason) }
                        }
                    }
                }
            }
        },
    )
}

/// `GET /icbs/{code}/outcomes/rebase`.
pub(crate) async fn form(
    State(state): State<AppState>,
    Path(code): Path<String>,
    user: CurrentUser,
) -> Result<Markup, ApiError> {
    let data = load(&state, &code).await?;
    let editor = may_edit(&state, &user, &data.icb, Editing::Framework).await?;
    Ok(rebase_page(
        &data,
        &user,
        editor,
        &Vec::new(),
        &FormErrors::default(),
    ))
}

/// `POST /icbs/{code}/outcomes/rebase`.
pub(crate) async fn record(
    State(state): State<AppState>,
    Path(code): Path<String>,
    CsrfForm { user, form: f }: CsrfForm<Fields>,
) -> Result<Response, ApiError> {
    let data = load(&state, &code).await?;
    let who = require_editor(&state, &user, &data.icb, Editing::Framework).await?;
    let mut e = FormErrors::default();
    let all = long_series(&data);
    let series = all.iter().find(|s| s.id() == field(&f, "series"));
    if series.is_none() {
        e.add(
            "series",
            "Choose a series with at least 12 published points",
        );
    }
    let from_raw = field(&f, "from");
    let mut rebase = None;
    if from_raw.is_empty() {
        e.add("from", "Enter the first period of the new limits");
    } else if let Some(s) = series {
        match Period::parse(from_raw) {
            Err(err) => e.add("from", format!("First period: {err}")),
            Ok(p) if !s.points.iter().any(|x| x.0 == p.label) => e.add(
                "from",
                format!("First period: {} is not a period of this series", p.label),
            ),
            Ok(p) => rebase = Some(p),
        }
    }
    let why = check_reason(&f, &mut e);
    let decision = match (series, rebase) {
        (Some(s), Some(from)) => {
            let d = RecordedRebase {
                indicator: s.indicator.clone(),
                area: s.area,
                sex: s.sex,
                from,
                reason: why.clone(),
                decided_by: who.clone(),
                at: String::new(),
            };
            // The chart must still draw with every decision so far and this one.
            let labels: Vec<String> = s.points.iter().map(|p| p.0.clone()).collect();
            let values: Vec<f64> = s.points.iter().map(|p| p.1).collect();
            let mut decisions: Vec<&RecordedRebase> = data
                .rebases
                .iter()
                .filter(|r| r.applies_to(&s.indicator, &s.area, s.sex))
                .collect();
            decisions.push(&d);
            let mut rebases = rebases_for(&labels, &decisions);
            for r in &mut rebases {
                r.reason = "checked".into();
            }
            let baseline = values.len().min(MAX_BASELINE);
            if rebases.iter().any(|r| r.from == 0) {
                e.add(
                    "from",
                    "First period: the first point already starts the limits",
                );
            } else if let Err(err) = xmr(&values, Improvement::Neutral, None, baseline, &rebases) {
                e.add("from", format!("First period: {err}"));
            }
            Some(d)
        }
        _ => None,
    };
    let result = match decision {
        Some(d) if e.is_empty() => match state.store().record_rebase(&data.icb, &d).await {
            Ok(()) => Ok(format!("/icbs/{}/outcomes/rebase", data.icb)),
            Err(StoreError::Conflict(m)) => {
                e.add("from", format!("First period: {m}"));
                Err(rebase_page(&data, &user, true, &f, &e))
            }
            Err(other) => return Err(other.into()),
        },
        _ => Err(rebase_page(&data, &user, true, &f, &e)),
    };
    Ok(done(result))
}
