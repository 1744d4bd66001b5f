//! Running the outcomes framework on the web, without SQL: the manage page of an ICS, its
//! changes page, and the forms for the prevention-spend definition and the disclosure rule
//! (outcomes and objectives have their own modules). Every change is a new version carrying
//! who made it, when and a required reason.
//!
//! Who may edit: analysts and system administrators of the ICS's member organisations edit
//! outcomes, objectives, the prevention definition and SPC rebases; only information
//! governance leads of those organisations change the disclosure rule. Everyone signed in may
//! read the history.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_domain::outcomes::budget::{PreventionDefinition, SpendCategory};
use goldthread_domain::outcomes::disclosure::DisclosureSetting;
use goldthread_domain::outcomes::thread::Level;
use goldthread_domain::sharing::Role;
use goldthread_domain::GssCode;
use goldthread_stats::{DisclosureRule, Rounding};
use maud::{html, Markup};

use super::data::{parse_icb, SystemData};
use super::forms::{check_reason, checkboxes, field, reason, text, textarea, Fields, FormErrors};
use crate::auth::{csrf_field, CsrfForm, CurrentUser};
use crate::pages::layout;
use crate::{ApiError, AppState};

/// What an edit needs the editor to be.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Editing {
    /// Outcomes, objectives, the prevention definition, SPC rebases.
    Framework,
    /// The disclosure rule.
    Disclosure,
}

impl Editing {
    fn roles(self) -> &'static [Role] {
        match self {
            Editing::Framework => &[Role::Analyst, Role::SystemAdministrator],
            Editing::Disclosure => &[Role::InformationGovernanceLead],
        }
    }

    /// The sentence saying which role an edit needs.
    pub(crate) fn roles_needed(self) -> &'static str {
        self.needs()
    }

    fn needs(self) -> &'static str {
        match self {
            Editing::Framework => {
                "editing the outcomes framework needs the analyst or system administrator role in one of this system's organisations"
            }
            Editing::Disclosure => {
                "changing the disclosure rule needs the information governance lead role in one of this system's organisations"
            }
        }
    }
}

/// Whether `user` may make this kind of edit in the ICS at `icb`.
pub(crate) async fn may_edit(
    state: &AppState,
    user: &CurrentUser,
    icb: &GssCode,
    editing: Editing,
) -> Result<bool, ApiError> {
    let members = state.store().organisations_in(icb).await?;
    Ok(members
        .iter()
        .any(|o| editing.roles().iter().any(|r| user.holds(*r, o.id))))
}

/// Ok with the name a change is attributed to, or a 403 naming the role needed.
pub(crate) async fn require_editor(
    state: &AppState,
    user: &CurrentUser,
    icb: &GssCode,
    editing: Editing,
) -> Result<String, ApiError> {
    if may_edit(state, user, icb, editing).await? {
        Ok(changed_by(user))
    } else {
        Err(ApiError::forbidden(editing.needs()))
    }
}

/// How a change is attributed: the person's name and sign-in address.
pub(crate) fn changed_by(user: &CurrentUser) -> String {
    format!("{} ({})", user.account.display_name, user.account.email)
}

/// The frame of every manage page.
pub(crate) fn page(data: &SystemData, title: &str, body: Markup) -> Markup {
    layout(
        &format!("{title} – {}", data.name),
        html! {
            link rel="stylesheet" href="/assets/outcomes.css";
            p.no-print { a href={ "/icbs/" (data.icb) "/outcomes/manage" } { "Back to managing the outcomes framework" } }
            span.caption { (data.name) " integrated care system" }
            (body)
        },
    )
}

/// Who is signed in, with a way to sign out.
pub(crate) fn signed_in_as(user: &CurrentUser) -> Markup {
    html! {
        form.signed-in method="post" action="/sign-out" {
            (csrf_field(user))
            "Signed in as " strong { (user.account.display_name) } " "
            button.link-button type="submit" { "Sign out" }
        }
    }
}

/// A 422 re-render, or a 303 to where the change can be seen.
pub(crate) fn done(result: Result<String, Markup>) -> Response {
    match result {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(page) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
    }
}

/// The attribution table of a history page.
pub(crate) fn attribution_cells(a: &goldthread_domain::outcomes::outcome::Attribution) -> Markup {
    html! { td { (a.version) } td { (a.at) } td { (a.changed_by) } td { (a.reason) } }
}

pub(crate) async fn load(state: &AppState, code: &str) -> Result<SystemData, ApiError> {
    SystemData::load(state, &parse_icb(code)?).await
}

/// `GET /icbs/{code}/outcomes/manage`.
pub(crate) async fn index(
    State(state): State<AppState>,
    Path(code): Path<String>,
    user: CurrentUser,
) -> Result<Markup, ApiError> {
    let data = load(&state, &code).await?;
    let framework = may_edit(&state, &user, &data.icb, Editing::Framework).await?;
    let disclosure = may_edit(&state, &user, &data.icb, Editing::Disclosure).await?;
    let base = format!("/icbs/{}/outcomes/manage", data.icb);
    Ok(page(
        &data,
        "Manage the outcomes framework",
        html! {
            (signed_in_as(&user))
            h1 { "Manage the outcomes framework" }
            p.lead { "Every change makes a new version with your name, the time and your reason. Nothing is overwritten." }
            @if !framework { p.warning { "You can read the history here. " (Editing::Framework.needs()) "." } }
            ul.actions {
                li { a href={ "/icbs/" (data.icb) "/outcomes/changes" } { "Every change to this framework" } }
                li { a href={ "/icbs/" (data.icb) "/outcomes" } { "The outcomes dashboard" } }
                @if framework { li { a href={ "/icbs/" (data.icb) "/outcomes/rebase" } { "Rebase an SPC chart" } } }
            }
            h2 { "Outcomes" }
            @if framework { p { a.button href={ (base) "/outcomes/new" } { "Add an outcome" } } }
            table {
                thead { tr { th { "Outcome" } th { "Version" } th { "Last change" } th { "" } } }
                tbody {
                    @for (o, a) in &data.outcomes {
                        tr {
                            td { (o.title) br; span.hint { (o.key) } }
                            td { (a.version) }
                            td { (a.at) br; span.hint { (a.changed_by) ": " (a.reason) } }
                            td {
                                @if framework { a href={ (base) "/outcomes/" (o.key) } { "Edit" span.visually-hidden { " " (o.title) } } " · " }
                                a href={ (base) "/outcomes/" (o.key) "/history" } { "History" span.visually-hidden { " of " (o.title) } }
                            }
                        }
                    }
                }
            }
            h2 { "The golden thread" }
            @if framework { p { a.button href={ (base) "/objectives/new" } { "Add an objective" } } }
            @if let Some(a) = &data.thread_attribution { p.hint { "Version " (a.version) ", " (a.at) ", by " (a.changed_by) ": " (a.reason) } }
            @for level in [Level::System, Level::Place, Level::Local] {
                h3 { (level.label()) " objectives" }
                ul {
                    @for o in data.thread.at(level) {
                        li {
                            (o.title) " " span.hint { "(" (o.key) ")" } " "
                            @if framework { a href={ (base) "/objectives/" (o.key) } { "Edit" span.visually-hidden { " " (o.title) } } " · " }
                            a href={ (base) "/objectives/" (o.key) "/history" } { "History" span.visually-hidden { " of " (o.title) } }
                        }
                    }
                }
            }
            h2 { "Definition of prevention spend" }
            p.definition-box { "Version " (data.prevention.version) ". " (data.prevention.statement) }
            p {
                @if framework { a href={ (base) "/prevention" } { "Change the definition" } " · " }
                a href={ (base) "/prevention/history" } { "History of the definition" }
            }
            h2 { "Disclosure rule" }
            p.disclosure { (data.disclosure.statement()) }
            p {
                @if disclosure { a href={ (base) "/disclosure" } { "Change the disclosure rule" } " · " }
                a href={ (base) "/disclosure/history" } { "History of the disclosure rule" }
            }
        },
    ))
}

fn change_link(icb: &GssCode, kind: &str, key: &str) -> Option<String> {
    let base = format!("/icbs/{icb}/outcomes/manage");
    match kind {
        "outcome" => Some(format!("{base}/outcomes/{key}/history")),
        "prevention_definition" => Some(format!("{base}/prevention/history")),
        "disclosure_rule" => Some(format!("{base}/disclosure/history")),
        "spc_rebase" => Some(format!("/icbs/{icb}/outcomes/rebase")),
        _ => None,
    }
}

/// `GET /icbs/{code}/outcomes/changes`: every change, newest first.
pub(crate) async fn changes(
    State(state): State<AppState>,
    Path(code): Path<String>,
    _user: CurrentUser,
) -> Result<Markup, ApiError> {
    let data = load(&state, &code).await?;
    let changes = state.store().framework_changes(&data.icb).await?;
    Ok(page(
        &data,
        "Changes to the outcomes framework",
        html! {
            h1 { "Changes to the outcomes framework" }
            p { (changes.len()) " changes, newest first." }
            table.changes {
                thead { tr { th { "When" } th { "What" } th { "Version" } th { "Who" } th { "Why" } } }
                tbody {
                    @for c in &changes {
                        tr {
                            td { (c.attribution.at) }
                            td {
                                (c.kind.replace('_', " ")) @if !c.key.is_empty() { ": " (c.key) }
                                @if let Some(href) = change_link(&data.icb, c.kind, &c.key) { " " a href=(href) { "history" } }
                            }
                            td { (c.attribution.version) }
                            td { (c.attribution.changed_by) }
                            td { (c.attribution.reason) }
                        }
                    }
                }
            }
        },
    ))
}

fn category_options() -> Vec<(String, String)> {
    SpendCategory::ALL
        .iter()
        .map(|c| (c.as_str().to_owned(), c.label().to_owned()))
        .collect()
}

fn prevention_page(
    data: &SystemData,
    user: &CurrentUser,
    f: &Fields,
    counts: &[String],
    e: &FormErrors,
) -> Markup {
    page(
        data,
        "Change the definition of prevention spend",
        html! {
            (e.summary())
            h1 { "Change the definition of prevention spend" }
            p { "In use now: version " (data.prevention.version) "." }
            form method="post" novalidate {
                (csrf_field(user))
                (checkboxes("counts", "Which spending counts as prevention", None, &category_options(), counts, e))
                (textarea("statement", "The definition in words", Some("Shown with every prevention figure."), field(f, "statement"), e))
                (reason(field(f, "reason"), e))
                button.button type="submit" { "Save a new version" }
            }
        },
    )
}

/// `GET /icbs/{code}/outcomes/manage/prevention`.
pub(crate) async fn prevention_form(
    State(state): State<AppState>,
    Path(code): Path<String>,
    user: CurrentUser,
) -> Result<Markup, ApiError> {
    let data = load(&state, &code).await?;
    require_editor(&state, &user, &data.icb, Editing::Framework).await?;
    let f: Fields = vec![("statement".into(), data.prevention.statement.clone())];
    let counts: Vec<String> = data
        .prevention
        .counts
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    Ok(prevention_page(
        &data,
        &user,
        &f,
        &counts,
        &FormErrors::default(),
    ))
}

/// `POST /icbs/{code}/outcomes/manage/prevention`.
pub(crate) async fn prevention_save(
    State(state): State<AppState>,
    Path(code): Path<String>,
    CsrfForm { user, form: f }: CsrfForm<Fields>,
) -> Result<Response, ApiError> {
    let data = load(&state, &code).await?;
    let who = require_editor(&state, &user, &data.icb, Editing::Framework).await?;
    let mut e = FormErrors::default();
    let raw = super::forms::all(&f, "counts");
    let mut counts = Vec::new();
    for c in &raw {
        match SpendCategory::parse(c) {
            Ok(c) if !counts.contains(&c) => counts.push(c),
            Ok(_) => {}
            Err(err) => e.add("counts", format!("Choose from the list: {err}")),
        }
    }
    if raw.is_empty() {
        e.add(
            "counts",
            "Choose at least one kind of spending that counts as prevention",
        );
    }
    let statement = field(&f, "statement");
    if statement.is_empty() {
        e.add("statement", "Enter the definition in words");
    }
    let why = check_reason(&f, &mut e);
    let unchanged = PreventionDefinition {
        version: data.prevention.version,
        counts: counts.clone(),
        statement: statement.to_owned(),
    } == data.prevention;
    if e.is_empty() && unchanged {
        e.add(
            "statement",
            "Nothing has changed: change the categories or the words before saving",
        );
    }
    let result = if e.is_empty() {
        state
            .store()
            .put_prevention_definition(&data.icb, &counts, statement, &who, &why)
            .await?;
        Ok(format!(
            "/icbs/{}/outcomes/manage/prevention/history",
            data.icb
        ))
    } else {
        Err(prevention_page(&data, &user, &f, &raw, &e))
    };
    Ok(done(result))
}

/// `GET /icbs/{code}/outcomes/manage/prevention/history`.
pub(crate) async fn prevention_history(
    State(state): State<AppState>,
    Path(code): Path<String>,
    _user: CurrentUser,
) -> Result<Markup, ApiError> {
    let data = load(&state, &code).await?;
    let history = state.store().prevention_history(&data.icb).await?;
    let default = PreventionDefinition::default();
    let labels = |d: &PreventionDefinition| {
        d.counts
            .iter()
            .map(|c| c.label())
            .collect::<Vec<_>>()
            .join(", ")
    };
    Ok(page(
        &data,
        "History of the definition of prevention spend",
        html! {
            h1 { "History of the definition of prevention spend" }
            table.history {
                thead { tr { th { "Version" } th { "When" } th { "Who" } th { "Why" } th { "Counts as prevention" } th { "Definition" } } }
                tbody {
                    tr { td { "1" } td { "–" } td { "goldthread" } td { "The default until the system sets its own" } td { (labels(&default)) } td { (default.statement) } }
                    @for (d, a) in &history { tr { (attribution_cells(a)) td { (labels(d)) } td { (d.statement) } } }
                }
            }
        },
    ))
}

fn rule_fields(rule: &DisclosureRule) -> Fields {
    let base = match rule.rounding {
        Rounding::None => 1,
        Rounding::NearestMultiple(b) => b,
    };
    vec![
        ("suppress_from".into(), rule.suppress_from.to_string()),
        ("suppress_to".into(), rule.suppress_to.to_string()),
        ("rounding_base".into(), base.to_string()),
    ]
}

fn disclosure_page(data: &SystemData, user: &CurrentUser, f: &Fields, e: &FormErrors) -> Markup {
    page(
        data,
        "Change the disclosure rule",
        html! {
            (e.summary())
            h1 { "Change the disclosure rule" }
            p { "In force now: " (data.disclosure.statement()) }
            p.hint { "OpenSAFELY's rule withholds counts from 0 to 7 and rounds the rest to the nearest 5. Every published number passes this rule." }
            form method="post" novalidate {
                (csrf_field(user))
                (text("suppress_from", "Withhold counts from", Some("A whole number, usually 0 or 1."), field(f, "suppress_from"), e))
                (text("suppress_to", "Withhold counts up to and including", Some("A whole number. Below the 'from' value, nothing is withheld."), field(f, "suppress_to"), e))
                (text("rounding_base", "Round the rest to the nearest", Some("A whole number, 1 for no rounding."), field(f, "rounding_base"), e))
                (reason(field(f, "reason"), e))
                button.button type="submit" { "Save a new version" }
            }
        },
    )
}

/// `GET /icbs/{code}/outcomes/manage/disclosure`.
pub(crate) async fn disclosure_form(
    State(state): State<AppState>,
    Path(code): Path<String>,
    user: CurrentUser,
) -> Result<Markup, ApiError> {
    let data = load(&state, &code).await?;
    require_editor(&state, &user, &data.icb, Editing::Disclosure).await?;
    let f = rule_fields(&data.disclosure.rule);
    Ok(disclosure_page(&data, &user, &f, &FormErrors::default()))
}

fn whole(f: &Fields, name: &str, label: &str, e: &mut FormErrors) -> Option<u64> {
    let raw = field(f, name);
    match raw.parse::<u64>() {
        Ok(n) => Some(n),
        Err(_) if raw.is_empty() => {
            e.add(name, format!("Enter {label}"));
            None
        }
        Err(_) => {
            e.add(
                name,
                format!("{label} must be a whole number of 0 or more, not {raw:?}"),
            );
            None
        }
    }
}

/// `POST /icbs/{code}/outcomes/manage/disclosure`.
pub(crate) async fn disclosure_save(
    State(state): State<AppState>,
    Path(code): Path<String>,
    CsrfForm { user, form: f }: CsrfForm<Fields>,
) -> Result<Response, ApiError> {
    let data = load(&state, &code).await?;
    let who = require_editor(&state, &user, &data.icb, Editing::Disclosure).await?;
    let mut e = FormErrors::default();
    let from = whole(&f, "suppress_from", "the smallest count withheld", &mut e);
    let to = whole(&f, "suppress_to", "the largest count withheld", &mut e);
    let base = whole(&f, "rounding_base", "the rounding base", &mut e);
    if base == Some(0) {
        e.add(
            "rounding_base",
            "The rounding base must be 1 or more (1 means no rounding)",
        );
    }
    let mut rule = None;
    if let (Some(from), Some(to), Some(base)) = (from, to, base.filter(|b| *b > 0)) {
        match DisclosureRule::custom(from, to, base) {
            Ok(r) => rule = Some(r),
            Err(err) => e.add("rounding_base", err.to_string()),
        }
    }
    let why = check_reason(&f, &mut e);
    if e.is_empty() && rule == Some(data.disclosure.rule) {
        e.add(
            "suppress_from",
            "Nothing has changed: this is the rule in force",
        );
    }
    let result = match rule {
        Some(rule) if e.is_empty() => {
            state
                .store()
                .put_disclosure(&data.icb, rule, &who, &why)
                .await?;
            Ok(format!(
                "/icbs/{}/outcomes/manage/disclosure/history",
                data.icb
            ))
        }
        _ => Err(disclosure_page(&data, &user, &f, &e)),
    };
    Ok(done(result))
}

/// `GET /icbs/{code}/outcomes/manage/disclosure/history`.
pub(crate) async fn disclosure_history(
    State(state): State<AppState>,
    Path(code): Path<String>,
    _user: CurrentUser,
) -> Result<Markup, ApiError> {
    let data = load(&state, &code).await?;
    let history = state.store().disclosure_history(&data.icb).await?;
    Ok(page(
        &data,
        "History of the disclosure rule",
        html! {
            h1 { "History of the disclosure rule" }
            p { "In force now: " (data.disclosure.statement()) }
            table.history {
                thead { tr { th { "Version" } th { "When" } th { "Who" } th { "Why" } th { "Rule" } } }
                tbody {
                    @for (rule, a) in &history { tr { (attribution_cells(a)) td { (DisclosureSetting { rule: *rule }.statement()) } } }
                }
            }
            @if history.is_empty() { p { "The rule has not been changed here: it is OpenSAFELY's unless set when the system was installed." } }
        },
    ))
}
