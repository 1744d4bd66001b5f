//! Creating and editing one shared outcome: its indicator, baseline, target and trajectory,
//! the accountable organisation and board, contributing partners, each district's commitment,
//! and review dates. Saving adds an attributed version; the history page lists every version
//! and what each changed.

use axum::extract::{Path, State};
use axum::response::Response;
use chrono::NaiveDate;
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::outcomes::indicator::{IndicatorCode, Period, Sex};
use goldthread_domain::outcomes::outcome::{
    parse_key, Accountability, DistrictCommitment, Milestone, Outcome,
};
use goldthread_domain::GssCode;
use maud::{html, Markup};
use serde_json::Value;

use super::data::SystemData;
use super::forms::{
    all, check_reason, checkboxes, field, lines, reason, select, text, textarea, Fields, FormErrors,
};
use super::manage::{attribution_cells, done, load, page, require_editor, Editing};
use crate::auth::{csrf_field, CsrfForm, CurrentUser};
use crate::{ApiError, AppState};

fn number(x: f64) -> String {
    x.to_string()
}

/// An outcome as the form's fields.
fn fields_of(o: &Outcome) -> Fields {
    let mut f: Fields = vec![
        ("key".into(), o.key.clone()),
        ("title".into(), o.title.clone()),
        ("theme".into(), o.theme.clone()),
        ("ambition".into(), o.ambition.clone()),
        ("indicator".into(), o.indicator.to_string()),
        ("area".into(), o.area.to_string()),
        ("sex".into(), o.sex.as_str().to_owned()),
        ("baseline_period".into(), o.baseline.period.label.clone()),
        ("baseline_value".into(), number(o.baseline.value)),
        ("target_period".into(), o.target.period.label.clone()),
        ("target_value".into(), number(o.target.value)),
        (
            "trajectory".into(),
            o.trajectory
                .iter()
                .map(|m| format!("{}: {}", m.period.label, number(m.value)))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        ("accountable".into(), o.accountable.organisation.to_string()),
        ("board".into(), o.accountable.board.clone()),
        ("review_dates".into(), o.review_dates.join("\n")),
    ];
    f.extend(
        o.contributors
            .iter()
            .map(|c| ("contributors".to_owned(), c.to_string())),
    );
    for c in &o.commitments {
        f.push((format!("commitment-{}", c.district), c.commitment.clone()));
        if let Some(t) = c.target {
            f.push((format!("commitment-target-{}", c.district), number(t)));
        }
    }
    f
}

fn areas(data: &SystemData) -> Vec<(String, String)> {
    let mut v = vec![(data.icb.to_string(), format!("{} (system)", data.name))];
    v.extend(
        data.places
            .iter()
            .map(|p| (p.code.to_string(), format!("{} (place)", p.name))),
    );
    v.extend(
        data.districts
            .iter()
            .map(|d| (d.code.to_string(), d.name.clone())),
    );
    v
}

fn organisations(data: &SystemData) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = data
        .organisations
        .values()
        .map(|o| (o.id.to_string(), o.name.clone()))
        .collect();
    v.sort_by(|a, b| a.1.cmp(&b.1));
    v
}

fn form_page(
    data: &SystemData,
    user: &CurrentUser,
    existing: Option<&str>,
    f: &Fields,
    e: &FormErrors,
) -> Markup {
    let title = match existing {
        Some(k) => format!("Edit the outcome {k}"),
        None => "Add an outcome".to_owned(),
    };
    let ambitions: Vec<(String, String)> = data
        .ambitions
        .iter()
        .map(|a| (a.key.clone(), a.title.clone()))
        .collect();
    let indicators: Vec<(String, String)> = data
        .definitions
        .values()
        .map(|d| (d.code.to_string(), format!("{} ({})", d.name, d.code)))
        .collect();
    let sexes: Vec<(String, String)> = [Sex::Persons, Sex::Male, Sex::Female]
        .iter()
        .map(|s| (s.as_str().to_owned(), s.as_str().to_owned()))
        .collect();
    html! {
        (page(data, &title, html! {
            (e.summary())
            h1 { (title) }
            form method="post" novalidate {
                (csrf_field(user))
                @if existing.is_none() { (text("key", "Key", Some("1 to 60 lower-case letters, digits and hyphens, e.g. healthy-weight. It cannot be changed later."), field(f, "key"), e)) }
                (text("title", "Outcome", Some("The outcome in a line."), field(f, "title"), e))
                (text("theme", "Theme", None, field(f, "theme"), e))
                (select("ambition", "Ambition it serves", None, &ambitions, field(f, "ambition"), e))
                (select("indicator", "Indicator that measures it", None, &indicators, field(f, "indicator"), e))
                (select("area", "Area measured", None, &areas(data), field(f, "area"), e))
                (select("sex", "Sex", None, &sexes, field(f, "sex"), e))
                (text("baseline_period", "Baseline period", Some("As the indicator labels it, e.g. 2022/23."), field(f, "baseline_period"), e))
                (text("baseline_value", "Baseline value", None, field(f, "baseline_value"), e))
                (text("target_period", "Target period", None, field(f, "target_period"), e))
                (text("target_value", "Target value", None, field(f, "target_value"), e))
                (textarea("trajectory", "Trajectory milestones", Some("One per line, period then value, e.g. 2025/26: 24.5. Leave empty for a straight line from baseline to target."), field(f, "trajectory"), e))
                (select("accountable", "Accountable organisation", None, &organisations(data), field(f, "accountable"), e))
                (text("board", "Board that holds it to account", None, field(f, "board"), e))
                (checkboxes("contributors", "Contributing partners", None, &organisations(data), &all(f, "contributors"), e))
                fieldset.form-group {
                    legend { "District commitments" }
                    p.hint { "What each district accepts accountability for, in its own words, and its own target if it set one. Leave blank for none." }
                    @for d in &data.districts {
                        (text(&format!("commitment-{}", d.code), &format!("{}: commitment", d.name), None, field(f, &format!("commitment-{}", d.code)), e))
                        (text(&format!("commitment-target-{}", d.code), &format!("{}: own target (optional)", d.name), None, field(f, &format!("commitment-target-{}", d.code)), e))
                    }
                }
                (textarea("review_dates", "Review dates", Some("One per line, as YYYY-MM-DD."), field(f, "review_dates"), e))
                (reason(field(f, "reason"), e))
                button.button type="submit" { "Save a new version" }
            }
        }))
    }
}

fn value(f: &Fields, name: &str, label: &str, e: &mut FormErrors) -> Option<f64> {
    let raw = field(f, name);
    if raw.is_empty() {
        e.add(name, format!("Enter the {label}"));
        return None;
    }
    match raw.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            e.add(name, format!("The {label} must be a number, not {raw:?}"));
            None
        }
    }
}

fn period(f: &Fields, name: &str, label: &str, e: &mut FormErrors) -> Option<Period> {
    let raw = field(f, name);
    if raw.is_empty() {
        e.add(name, format!("Enter the {label}"));
        return None;
    }
    Period::parse(raw)
        .map_err(|err| e.add(name, format!("The {label} {err}")))
        .ok()
}

fn required<'a>(f: &'a Fields, name: &str, label: &str, e: &mut FormErrors) -> &'a str {
    let v = field(f, name);
    if v.is_empty() {
        e.add(name, format!("Enter the {label}"));
    }
    v
}

/// Reads the form into an outcome, naming each field at fault.
fn parse(data: &SystemData, f: &Fields, key: Option<&str>, e: &mut FormErrors) -> Option<Outcome> {
    let key = match key {
        Some(k) => Some(k.to_owned()),
        None => {
            let raw = field(f, "key");
            match parse_key("outcome key", raw) {
                Err(err) => {
                    e.add("key", format!("Key: {err}"));
                    None
                }
                Ok(k) if k == "new" => {
                    e.add("key", "Key: \"new\" is reserved, choose another");
                    None
                }
                Ok(k) if data.outcomes.iter().any(|(o, _)| o.key == k) => {
                    e.add("key", format!("Key: an outcome {k:?} already exists"));
                    None
                }
                Ok(k) => Some(k),
            }
        }
    };
    let title = required(f, "title", "outcome", e).to_owned();
    let theme = required(f, "theme", "theme", e).to_owned();
    let ambition = field(f, "ambition");
    if !data.ambitions.iter().any(|a| a.key == ambition) {
        e.add("ambition", "Choose the ambition it serves");
    }
    let indicator = IndicatorCode::parse(field(f, "indicator"))
        .ok()
        .filter(|c| data.definitions.contains_key(c));
    if indicator.is_none() {
        e.add("indicator", "Choose the indicator that measures it");
    }
    let area = GssCode::parse(field(f, "area"))
        .ok()
        .filter(|a| areas(data).iter().any(|(c, _)| c == a.as_str()));
    if area.is_none() {
        e.add(
            "area",
            "Choose the area measured: the system, a place or a district",
        );
    }
    let sex = Sex::parse(field(f, "sex"))
        .map_err(|err| e.add("sex", format!("Sex: {err}")))
        .ok();
    let baseline_period = period(f, "baseline_period", "baseline period", e);
    let baseline_value = value(f, "baseline_value", "baseline value", e);
    let target_period = period(f, "target_period", "target period", e);
    let target_value = value(f, "target_value", "target value", e);
    if let (Some(b), Some(t)) = (&baseline_period, &target_period) {
        if t.sortable <= b.sortable {
            e.add(
                "target_period",
                "The target period must come after the baseline period",
            );
        }
    }
    let mut trajectory = Vec::new();
    for (line, l) in lines(field(f, "trajectory")) {
        let parsed = l.split_once(':').and_then(|(p, v)| {
            Some(Milestone {
                period: Period::parse(p).ok()?,
                value: v.trim().parse::<f64>().ok().filter(|v| v.is_finite())?,
            })
        });
        match parsed {
            Some(m) => trajectory.push(m),
            None => e.add(
                "trajectory",
                format!("Trajectory line {line}: {l:?} is not a period and a number, e.g. 2025/26: 24.5"),
            ),
        }
    }
    let accountable = OrganisationId::parse(field(f, "accountable"))
        .ok()
        .filter(|o| data.organisations.contains_key(o));
    if accountable.is_none() {
        e.add(
            "accountable",
            "Choose the accountable organisation from this system's partners",
        );
    }
    let board = required(f, "board", "board that holds it to account", e).to_owned();
    let mut contributors = Vec::new();
    for c in all(f, "contributors") {
        match OrganisationId::parse(&c)
            .ok()
            .filter(|o| data.organisations.contains_key(o))
        {
            Some(o) if !contributors.contains(&o) => contributors.push(o),
            Some(_) => {}
            None => e.add(
                "contributors",
                format!("Contributing partners: {c:?} is not one of this system's partners"),
            ),
        }
    }
    let mut commitments = Vec::new();
    for d in &data.districts {
        let words = field(f, &format!("commitment-{}", d.code));
        let target_field = format!("commitment-target-{}", d.code);
        let target_raw = field(f, &target_field);
        let target = if target_raw.is_empty() {
            None
        } else {
            value(f, &target_field, &format!("{}'s own target", d.name), e)
        };
        if words.is_empty() {
            if target.is_some() {
                e.add(
                    format!("commitment-{}", d.code),
                    format!("{}: enter the commitment its target belongs to", d.name),
                );
            }
            continue;
        }
        commitments.push(DistrictCommitment {
            district: d.code,
            commitment: words.to_owned(),
            target,
        });
    }
    let mut review_dates = Vec::new();
    for (line, l) in lines(field(f, "review_dates")) {
        match NaiveDate::parse_from_str(l, "%Y-%m-%d") {
            Ok(d) => review_dates.push(d.format("%Y-%m-%d").to_string()),
            Err(_) => e.add(
                "review_dates",
                format!("Review dates line {line}: {l:?} is not a date as YYYY-MM-DD"),
            ),
        }
    }
    review_dates.sort();
    review_dates.dedup();
    Some(Outcome {
        key: key?,
        title,
        theme,
        ambition: ambition.to_owned(),
        indicator: indicator?,
        area: area?,
        sex: sex?,
        baseline: Milestone {
            period: baseline_period?,
            value: baseline_value?,
        },
        target: Milestone {
            period: target_period?,
            value: target_value?,
        },
        trajectory,
        accountable: Accountability {
            organisation: accountable?,
            board,
        },
        contributors,
        commitments,
        review_dates,
    })
}

async fn save(
    state: &AppState,
    code: &str,
    key: Option<String>,
    user: CurrentUser,
    f: Fields,
) -> Result<Response, ApiError> {
    let data = load(state, code).await?;
    let who = require_editor(state, &user, &data.icb, Editing::Framework).await?;
    if let Some(k) = &key {
        existing(&data, k)?;
    }
    let mut e = FormErrors::default();
    let parsed = parse(&data, &f, key.as_deref(), &mut e);
    let why = check_reason(&f, &mut e);
    let result = match parsed {
        Some(o) if e.is_empty() => {
            let added = state
                .store()
                .put_outcomes(&data.icb, std::slice::from_ref(&o), &who, &why)
                .await?;
            if added == 0 {
                e.add("title", "Nothing has changed: change a field before saving");
                Err(form_page(&data, &user, key.as_deref(), &f, &e))
            } else {
                Ok(format!(
                    "/icbs/{}/outcomes/manage/outcomes/{}/history",
                    data.icb, o.key
                ))
            }
        }
        _ => Err(form_page(&data, &user, key.as_deref(), &f, &e)),
    };
    Ok(done(result))
}

fn existing<'a>(data: &'a SystemData, key: &str) -> Result<&'a Outcome, ApiError> {
    data.outcomes
        .iter()
        .map(|(o, _)| o)
        .find(|o| o.key == key)
        .ok_or_else(|| {
            ApiError::not_found("no_outcome", format!("no outcome {key:?} in this system"))
        })
}

/// `GET /icbs/{code}/outcomes/manage/outcomes/new`.
pub(crate) async fn new_form(
    State(state): State<AppState>,
    Path(code): Path<String>,
    user: CurrentUser,
) -> Result<Markup, ApiError> {
    let data = load(&state, &code).await?;
    require_editor(&state, &user, &data.icb, Editing::Framework).await?;
    Ok(form_page(
        &data,
        &user,
        None,
        &Vec::new(),
        &FormErrors::default(),
    ))
}

/// `POST /icbs/{code}/outcomes/manage/outcomes/new`.
pub(crate) async fn create(
    State(state): State<AppState>,
    Path(code): Path<String>,
    CsrfForm { user, form }: CsrfForm<Fields>,
) -> Result<Response, ApiError> {
    save(&state, &code, None, user, form).await
}

/// `GET /icbs/{code}/outcomes/manage/outcomes/{key}`.
pub(crate) async fn edit_form(
    State(state): State<AppState>,
    Path((code, key)): Path<(String, String)>,
    user: CurrentUser,
) -> Result<Markup, ApiError> {
    let data = load(&state, &code).await?;
    require_editor(&state, &user, &data.icb, Editing::Framework).await?;
    let o = existing(&data, &key)?;
    Ok(form_page(
        &data,
        &user,
        Some(&key),
        &fields_of(o),
        &FormErrors::default(),
    ))
}

/// `POST /icbs/{code}/outcomes/manage/outcomes/{key}`.
pub(crate) async fn update(
    State(state): State<AppState>,
    Path((code, key)): Path<(String, String)>,
    CsrfForm { user, form }: CsrfForm<Fields>,
) -> Result<Response, ApiError> {
    save(&state, &code, Some(key), user, form).await
}

/// The top-level fields that differ between two versions.
pub(crate) fn changed_fields(before: Option<Value>, after: Value) -> Vec<String> {
    let (Some(Value::Object(b)), Value::Object(a)) = (before, &after) else {
        return vec!["created".to_owned()];
    };
    let mut out: Vec<String> = a
        .iter()
        .filter(|(k, v)| b.get(*k) != Some(v))
        .map(|(k, _)| k.replace('_', " "))
        .collect();
    out.extend(
        b.keys()
            .filter(|k| !a.contains_key(*k))
            .map(|k| format!("{} removed", k.replace('_', " "))),
    );
    out
}

/// `GET /icbs/{code}/outcomes/manage/outcomes/{key}/history`.
pub(crate) async fn history(
    State(state): State<AppState>,
    Path((code, key)): Path<(String, String)>,
    _user: CurrentUser,
) -> Result<Markup, ApiError> {
    let data = load(&state, &code).await?;
    let versions = state.store().outcome_history(&data.icb, &key).await?;
    if versions.is_empty() {
        return Err(ApiError::not_found(
            "no_outcome",
            format!("no outcome {key:?} in this system"),
        ));
    }
    let mut rows = Vec::new();
    let mut before: Option<Value> = None;
    for (o, a) in &versions {
        let now = serde_json::to_value(o).unwrap_or(Value::Null);
        rows.push((o, a, changed_fields(before.take(), now.clone())));
        before = Some(now);
    }
    let current = &versions[versions.len() - 1].0;
    Ok(page(
        &data,
        &format!("History of {}", current.title),
        html! {
            h1 { "History of the outcome: " (current.title) }
            p { a href={ "/icbs/" (data.icb) "/outcomes/manage/outcomes/" (key) } { "Edit this outcome" } }
            table.history {
                thead { tr { th { "Version" } th { "When" } th { "Who" } th { "Why" } th { "What changed" } th { "Target" } } }
                tbody {
                    @for (o, a, changed) in rows.iter().rev() {
                        tr { (attribution_cells(a)) td { (changed.join(", ")) } td { (o.target.value) " by " (o.target.period.label) } }
                    }
                }
            }
        },
    ))
}
