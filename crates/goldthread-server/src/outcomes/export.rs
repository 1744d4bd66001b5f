//! CSV and JSON exports. The data dictionary travels with both: every CSV row names its
//! indicator's definition version, source and "as of" date (and `dictionary.csv` holds the
//! full entries); the JSON carries a `data_dictionary` beside the values.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use goldthread_domain::outcomes::indicator::{
    is_england, polarity_serde, IndicatorDefinition, IndicatorValue,
};
use goldthread_domain::outcomes::rebase::RecordedRebase;
use serde_json::{json, Value};

use super::data::SystemData;
use super::sections::filtered_outcomes;
use super::{load, FilterQuery, Filters};
use crate::{ApiError, AppState};

fn csv_response(name: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

fn csv_error(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "writing a CSV export failed");
    ApiError::bad_request("export_failed", "the export could not be written")
}

/// The values an export includes: the ICS's areas and England, by the filters (a district
/// filter keeps the district, its place and the system).
fn exported<'a>(
    data: &'a SystemData,
    f: &Filters,
) -> Vec<(&'a IndicatorDefinition, &'a IndicatorValue)> {
    let mut out = Vec::new();
    for def in data
        .definitions
        .values()
        .filter(|d| f.theme.as_ref().is_none_or(|t| &d.theme == t))
    {
        for v in data.values.get(&def.code).into_iter().flatten() {
            // A district's results come with what they roll up into: its place and the system.
            let district_ok = f.district.as_ref().is_none_or(|d| {
                &v.area == d
                    || is_england(&v.area)
                    || v.area == data.icb
                    || data
                        .districts
                        .iter()
                        .any(|x| &x.code == d && x.place == Some(v.area))
            });
            if district_ok {
                out.push((def, v));
            }
        }
    }
    out.sort_by(|a, b| {
        (&a.0.code, &a.1.area, &a.1.period, a.1.sex).cmp(&(
            &b.0.code,
            &b.1.area,
            &b.1.period,
            b.1.sex,
        ))
    });
    out
}

fn opt(x: Option<f64>) -> String {
    x.map_or(String::new(), |v| v.to_string())
}

pub(super) async fn indicators_csv(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<FilterQuery>,
) -> Result<Response, ApiError> {
    let (data, f) = load(&state, &code, q).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "indicator_code",
        "definition_version",
        "indicator_name",
        "unit",
        "source",
        "as_of",
        "area_code",
        "area_name",
        "period",
        "sex",
        "value",
        "lower_95",
        "upper_95",
        "count",
        "denominator",
        "suppressed",
        "compared_with_england",
        "source_call",
        "note",
        "spc_rebase",
    ])
    .map_err(csv_error)?;
    for (def, v) in exported(&data, &f) {
        let p = data.publish(v);
        w.write_record([
            def.code.to_string(),
            def.version.to_string(),
            def.name.clone(),
            def.unit.clone(),
            def.source.clone(),
            def.as_of.clone(),
            v.area.to_string(),
            v.area_name.clone(),
            v.period.label.clone(),
            v.sex.as_str().to_owned(),
            opt(p.value),
            opt(p.lower),
            opt(p.upper),
            p.count.map_or(String::new(), |c| c.to_string()),
            p.denominator.map_or(String::new(), |c| c.to_string()),
            if p.suppressed {
                "true".into()
            } else {
                "false".into()
            },
            data.call(v).label().to_owned(),
            v.source_call
                .map_or(String::new(), |c| c.label().to_owned()),
            v.note.clone(),
            data.rebase_at(v).map_or(String::new(), rebase_text),
        ])
        .map_err(csv_error)?;
    }
    let body = w.into_inner().map_err(csv_error)?;
    Ok(csv_response(&format!("{}-indicators.csv", data.icb), body))
}

/// A recorded rebase as the CSV export states it, on the row where the new limits start.
fn rebase_text(r: &RecordedRebase) -> String {
    format!(
        "XmR limits rebased from this period by {} at {}: {}",
        r.decided_by, r.at, r.reason
    )
}

fn rebase_json(r: &RecordedRebase) -> Value {
    json!({
        "indicator": r.indicator, "area": r.area, "sex": r.sex, "from_period": r.from.label,
        "reason": r.reason, "decided_by": r.decided_by, "decided_at": r.at,
    })
}

fn dictionary_entry(d: &IndicatorDefinition) -> Value {
    json!({
        "code": d.code, "version": d.version, "name": d.name, "definition": d.definition,
        "source": d.source, "unit": d.unit, "theme": d.theme, "polarity": polarity_serde::name(d.polarity),
        "method": d.method.as_str(), "multiplier": d.multiplier, "benchmark": d.benchmark.label(), "as_of": d.as_of,
    })
}

pub(super) async fn dictionary_csv(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let (data, _) = load(&state, &code, FilterQuery::default()).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "code",
        "version",
        "name",
        "definition",
        "source",
        "unit",
        "theme",
        "polarity",
        "method",
        "multiplier",
        "benchmark",
        "as_of",
    ])
    .map_err(csv_error)?;
    for d in data.definitions.values() {
        w.write_record([
            d.code.to_string(),
            d.version.to_string(),
            d.name.clone(),
            d.definition.clone(),
            d.source.clone(),
            d.unit.clone(),
            d.theme.clone(),
            polarity_serde::name(d.polarity).to_owned(),
            d.method.as_str().to_owned(),
            d.multiplier.to_string(),
            d.benchmark.label().to_owned(),
            d.as_of.clone(),
        ])
        .map_err(csv_error)?;
    }
    let body = w.into_inner().map_err(csv_error)?;
    Ok(csv_response(
        &format!("{}-data-dictionary.csv", data.icb),
        body,
    ))
}

pub(super) async fn json(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<FilterQuery>,
) -> Result<Json<Value>, ApiError> {
    let (data, f) = load(&state, &code, q).await?;
    let outcomes: Vec<Value> = filtered_outcomes(&data, &f)
        .into_iter()
        .map(|o| {
            let (status, latest) = data.status(o);
            json!({
                "key": o.key, "title": o.title, "theme": o.theme, "ambition": o.ambition, "indicator": o.indicator,
                "area": o.area, "area_name": data.area_name(&o.area), "sex": o.sex,
                "baseline": o.baseline, "target": o.target, "trajectory": o.trajectory,
                "latest": latest.map(|(p, v)| json!({"period": p, "value": v})),
                "status": status, "status_label": status.label(),
                "accountable": { "organisation": o.accountable.organisation, "organisation_name": data.organisation_name(&o.accountable.organisation), "board": o.accountable.board },
                "contributors": o.contributors, "commitments": o.commitments, "review_dates": o.review_dates,
            })
        })
        .collect();
    let values: Vec<Value> = exported(&data, &f)
        .into_iter()
        .map(|(def, v)| {
            let p = data.publish(v);
            json!({
                "indicator": def.code, "definition_version": def.version, "area": v.area, "area_name": v.area_name,
                "period": v.period.label, "sex": v.sex, "value": p.value, "lower_95": p.lower, "upper_95": p.upper,
                "count": p.count, "denominator": p.denominator, "suppressed": p.suppressed,
                "compared_with_england": data.call(v).label(), "source_call": v.source_call.map(|c| c.label()),
                "spc_rebase": data.rebase_at(v).map(rebase_json),
            })
        })
        .collect();
    let shares: Vec<Value> = goldthread_domain::outcomes::budget::prevention_share_by_year(&data.budgets, &data.prevention)
        .iter()
        .map(|s| json!({"year": s.year, "prevention_pence": s.prevention, "total_pence": s.total, "share": s.share()}))
        .collect();
    Ok(Json(json!({
        "system": { "icb": data.icb, "name": data.name },
        "disclosure": data.disclosure.statement(),
        "status_rule": goldthread_domain::outcomes::outcome::STATUS_RULE,
        "data_dictionary": data.definitions.values().map(dictionary_entry).collect::<Vec<_>>(),
        "outcomes": outcomes,
        "values": values,
        "prevention": { "definition": data.prevention, "by_year": shares },
        "spc_rebases": data.rebases.iter().map(rebase_json).collect::<Vec<_>>(),
        "golden_thread": {
            "objectives": data.thread.objectives(),
            "system_objectives_without_local_delivery": data.thread.system_objectives_without_local_delivery().iter().map(|o| &o.key).collect::<Vec<_>>(),
            "local_priorities_not_reflected": data.thread.local_priorities_not_reflected().iter().map(|o| &o.key).collect::<Vec<_>>(),
        },
    })))
}
