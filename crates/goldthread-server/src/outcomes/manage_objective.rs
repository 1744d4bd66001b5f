//! Creating and editing golden-thread objectives: level, plan, area, parents one level up,
//! the projects that deliver it and the outcomes that measure it. The thread is stored whole as
//! a new attributed version; an objective's history is the versions in which it changed.

use axum::extract::{Path, State};
use axum::response::Response;
use goldthread_domain::outcomes::outcome::{parse_key, Attribution};
use goldthread_domain::outcomes::thread::{GoldenThread, Level, Objective, ThreadError};
use goldthread_domain::GssCode;
use maud::{html, Markup};

use super::data::SystemData;
use super::forms::{
    all, check_reason, checkboxes, field, lines, reason, select, text, textarea, Fields, FormErrors,
};
use super::manage::{attribution_cells, done, load, page, require_editor, Editing};
use super::manage_outcome::changed_fields;
use crate::auth::{csrf_field, CsrfForm, CurrentUser};
use crate::{ApiError, AppState};

const LEVELS: [Level; 3] = [Level::System, Level::Place, Level::Local];

fn fields_of(o: &Objective) -> Fields {
    let mut f: Fields = vec![
        ("key".into(), o.key.clone()),
        ("level".into(), o.level.as_str().to_owned()),
        ("plan".into(), o.plan.clone()),
        ("area".into(), o.area.to_string()),
        ("title".into(), o.title.clone()),
        ("theme".into(), o.theme.clone()),
        ("projects".into(), o.projects.join("\n")),
    ];
    f.extend(o.parents.iter().map(|p| ("parents".to_owned(), p.clone())));
    f.extend(
        o.outcomes
            .iter()
            .map(|p| ("outcomes".to_owned(), p.clone())),
    );
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

fn form_page(
    data: &SystemData,
    user: &CurrentUser,
    existing: Option<&str>,
    f: &Fields,
    e: &FormErrors,
) -> Markup {
    let title = match existing {
        Some(k) => format!("Edit the objective {k}"),
        None => "Add an objective".to_owned(),
    };
    let levels: Vec<(String, String)> = LEVELS
        .iter()
        .map(|l| (l.as_str().to_owned(), l.label().to_owned()))
        .collect();
    let parents: Vec<(String, String)> = data
        .thread
        .objectives()
        .iter()
        .filter(|o| Some(o.key.as_str()) != existing && o.level != Level::Local)
        .map(|o| {
            (
                o.key.clone(),
                format!("{}: {} ({})", o.level.label(), o.title, o.key),
            )
        })
        .collect();
    let outcomes: Vec<(String, String)> = data
        .outcomes
        .iter()
        .map(|(o, _)| (o.key.clone(), o.title.clone()))
        .collect();
    page(
        data,
        &title,
        html! {
            (e.summary())
            h1 { (title) }
            form method="post" novalidate {
                (csrf_field(user))
                @if existing.is_none() { (text("key", "Key", Some("1 to 60 lower-case letters, digits and hyphens, unique in the system. It cannot be changed later."), field(f, "key"), e)) }
                (select("level", "Level", Some("System: the integrated care strategy. Place: a health and wellbeing strategy. Local: a local delivery partnership's plan."), &levels, field(f, "level"), e))
                (text("plan", "Plan it is written in", None, field(f, "plan"), e))
                (select("area", "Area the plan covers", None, &areas(data), field(f, "area"), e))
                (text("title", "Objective", None, field(f, "title"), e))
                (text("theme", "Theme", None, field(f, "theme"), e))
                (checkboxes("parents", "Objectives one level up that it serves", Some("Place objectives serve system objectives; local objectives serve place objectives. System objectives have none."), &parents, &all(f, "parents"), e))
                (textarea("projects", "Projects delivering it", Some("One per line."), field(f, "projects"), e))
                (checkboxes("outcomes", "Shared outcomes that measure it", None, &outcomes, &all(f, "outcomes"), e))
                (reason(field(f, "reason"), e))
                button.button type="submit" { "Save a new version of the thread" }
            }
        },
    )
}

fn required<'a>(f: &'a Fields, name: &str, label: &str, e: &mut FormErrors) -> &'a str {
    let v = field(f, name);
    if v.is_empty() {
        e.add(name, format!("Enter the {label}"));
    }
    v
}

/// Reads the form and checks the thread it would make; returns the new thread.
fn parse(
    data: &SystemData,
    f: &Fields,
    key: Option<&str>,
    e: &mut FormErrors,
) -> Option<GoldenThread> {
    let key = match key {
        Some(k) => Some(k.to_owned()),
        None => match parse_key("objective key", field(f, "key")) {
            Err(err) => {
                e.add("key", format!("Key: {err}"));
                None
            }
            Ok(k) if k == "new" => {
                e.add("key", "Key: \"new\" is reserved, choose another");
                None
            }
            Ok(k) if data.thread.get(&k).is_some() => {
                e.add("key", format!("Key: an objective {k:?} already exists"));
                None
            }
            Ok(k) => Some(k),
        },
    };
    let level = LEVELS.into_iter().find(|l| l.as_str() == field(f, "level"));
    if level.is_none() {
        e.add("level", "Choose the level: system, place or local");
    }
    let plan = required(f, "plan", "plan it is written in", e).to_owned();
    let area = GssCode::parse(field(f, "area"))
        .ok()
        .filter(|a| areas(data).iter().any(|(c, _)| c == a.as_str()));
    if area.is_none() {
        e.add("area", "Choose the area the plan covers");
    }
    let title = required(f, "title", "objective", e).to_owned();
    let theme = required(f, "theme", "theme", e).to_owned();
    let parents = all(f, "parents");
    let outcomes = all(f, "outcomes");
    for o in &outcomes {
        if !data.outcomes.iter().any(|(x, _)| &x.key == o) {
            e.add(
                "outcomes",
                format!("Shared outcomes: {o:?} is not an outcome of this system"),
            );
        }
    }
    let projects: Vec<String> = lines(field(f, "projects"))
        .into_iter()
        .map(|(_, l)| l.to_owned())
        .collect();
    let objective = Objective {
        key: key?,
        level: level?,
        plan,
        area: area?,
        title,
        theme,
        parents,
        projects,
        outcomes,
    };
    let mut all_objectives = data.thread.objectives().to_vec();
    match all_objectives.iter_mut().find(|o| o.key == objective.key) {
        Some(slot) => *slot = objective,
        None => all_objectives.push(objective),
    }
    match GoldenThread::new(all_objectives) {
        Ok(t) => Some(t),
        Err(ThreadError::BadParent { parent, reason, .. }) => {
            e.add(
                "parents",
                format!("Objectives one level up: {parent:?} {reason}"),
            );
            None
        }
        Err(err @ ThreadError::DuplicateKey(_)) => {
            e.add("key", format!("Key: {err}"));
            None
        }
    }
}

fn existing<'a>(data: &'a SystemData, key: &str) -> Result<&'a Objective, ApiError> {
    data.thread.get(key).ok_or_else(|| {
        ApiError::not_found(
            "no_objective",
            format!("no objective {key:?} in this system's golden thread"),
        )
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
    let before = match &key {
        Some(k) => Some(existing(&data, k)?.clone()),
        None => None,
    };
    let mut e = FormErrors::default();
    let thread = parse(&data, &f, key.as_deref(), &mut e);
    let why = check_reason(&f, &mut e);
    let saved_key = key.clone().unwrap_or_else(|| field(&f, "key").to_owned());
    if let (Some(t), Some(b)) = (&thread, &before) {
        if e.is_empty() && t.get(&b.key) == Some(b) {
            e.add("title", "Nothing has changed: change a field before saving");
        }
    }
    let result = match thread {
        Some(t) if e.is_empty() => {
            state
                .store()
                .put_golden_thread(&data.icb, &t, &who, &why)
                .await?;
            Ok(format!(
                "/icbs/{}/outcomes/manage/objectives/{saved_key}/history",
                data.icb
            ))
        }
        _ => Err(form_page(&data, &user, key.as_deref(), &f, &e)),
    };
    Ok(done(result))
}

/// `GET /icbs/{code}/outcomes/manage/objectives/new`.
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

/// `POST /icbs/{code}/outcomes/manage/objectives/new`.
pub(crate) async fn create(
    State(state): State<AppState>,
    Path(code): Path<String>,
    CsrfForm { user, form }: CsrfForm<Fields>,
) -> Result<Response, ApiError> {
    save(&state, &code, None, user, form).await
}

/// `GET /icbs/{code}/outcomes/manage/objectives/{key}`.
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

/// `POST /icbs/{code}/outcomes/manage/objectives/{key}`.
pub(crate) async fn update(
    State(state): State<AppState>,
    Path((code, key)): Path<(String, String)>,
    CsrfForm { user, form }: CsrfForm<Fields>,
) -> Result<Response, ApiError> {
    save(&state, &code, Some(key), user, form).await
}

/// `GET /icbs/{code}/outcomes/manage/objectives/{key}/history`: the thread versions in which
/// this objective was added or changed.
pub(crate) async fn history(
    State(state): State<AppState>,
    Path((code, key)): Path<(String, String)>,
    _user: CurrentUser,
) -> Result<Markup, ApiError> {
    let data = load(&state, &code).await?;
    let versions = state.store().golden_thread_history(&data.icb).await?;
    let mut rows: Vec<(Option<Objective>, Attribution, Vec<String>)> = Vec::new();
    let mut before: Option<Objective> = None;
    for (objectives, a) in versions {
        let now = objectives.into_iter().find(|o| o.key == key);
        if now != before {
            let changed = match &now {
                Some(n) => changed_fields(
                    before.as_ref().and_then(|b| serde_json::to_value(b).ok()),
                    serde_json::to_value(n).unwrap_or_default(),
                ),
                None => vec!["removed".to_owned()],
            };
            rows.push((now.clone(), a, changed));
        }
        before = now;
    }
    let Some(title) = rows
        .iter()
        .rev()
        .find_map(|r| r.0.as_ref().map(|o| o.title.clone()))
    else {
        return Err(ApiError::not_found(
            "no_objective",
            format!("no objective {key:?} in this system's golden thread"),
        ));
    };
    Ok(page(
        &data,
        &format!("History of {title}"),
        html! {
            h1 { "History of the objective: " (title) }
            p { a href={ "/icbs/" (data.icb) "/outcomes/manage/objectives/" (key) } { "Edit this objective" } }
            table.history {
                thead { tr { th { "Thread version" } th { "When" } th { "Who" } th { "Why" } th { "What changed" } th { "Parents" } } }
                tbody {
                    @for (o, a, changed) in rows.iter().rev() {
                        tr { (attribution_cells(a)) td { (changed.join(", ")) } td { (o.as_ref().map(|o| o.parents.join(", ")).unwrap_or_default()) } }
                    }
                }
            }
        },
    ))
}
