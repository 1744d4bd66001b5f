//! A council defines its own programme: `POST /api/v1/programmes` (JSON) and the form at
//! `/programmes/new`. Both build a [`ProgrammeDefinition`] and pass it to the domain's one
//! check, which names every problem by field; the form shows them in a GOV.UK error summary.
//! Only a system administrator of the hosting council may define one, and each definition is
//! on the audit trail.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use chrono::Datelike;
use goldthread_domain::audit::AuditRecord;
use goldthread_domain::directory::ServiceId;
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::programme::define::{DefinitionProblem, ProgrammeDefinition};
use goldthread_domain::programme::{
    Action, CohortSource, EligibilityRule, Need, OutcomeMeasure, Programme, ServiceLevels,
};
use goldthread_domain::sharing::Role;
use goldthread_domain::{FinancialYear, GssCode, Money};
use goldthread_store::ServiceQuery;
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::json;

use crate::auth::{csrf_field, CsrfForm, CurrentUser};
use crate::pages::layout;
use crate::{ApiError, AppState};

#[derive(Deserialize)]
pub(crate) struct HostQuery {
    host: Option<String>,
}

/// The council hosting the new programme: the one asked for, or the caller's only one; they
/// must be its system administrator.
fn host_for(user: &CurrentUser, asked: Option<&str>) -> Result<OrganisationId, ApiError> {
    let admin_in = user.require_any(Role::SystemAdministrator)?;
    let host =
        match asked.map(str::trim).filter(|h| !h.is_empty()) {
            Some(h) => OrganisationId::parse(h)
                .map_err(|e| ApiError::bad_request("invalid_host", e.to_string()))?,
            None if admin_in.len() == 1 => admin_in[0],
            None => return Err(ApiError::bad_request(
                "host_required",
                "you administer several organisations: say which hosts the programme with ?host=ID",
            )),
        };
    user.require_role(Role::SystemAdministrator, host)?;
    Ok(host)
}

/// Why a definition was refused: a conflict, or the problems the domain found.
enum Refusal {
    Api(ApiError),
    Problems(Vec<DefinitionProblem>),
}

impl From<ApiError> for Refusal {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}

impl From<goldthread_store::StoreError> for Refusal {
    fn from(e: goldthread_store::StoreError) -> Self {
        Self::Api(e.into())
    }
}

/// Checks and stores a definition; the one path for the API and the form.
async fn define(
    state: &AppState,
    user: &CurrentUser,
    host: OrganisationId,
    definition: ProgrammeDefinition,
) -> Result<Programme, Refusal> {
    let mut known = Vec::new();
    for d in &definition.destinations {
        if let Ok(id) = ServiceId::parse(d) {
            if state.store().service(&id).await?.is_some() {
                known.push(id);
            }
        }
    }
    let programme = definition
        .into_programme(host, |s| known.contains(s))
        .map_err(Refusal::Problems)?;
    if state.store().programme(&programme.id).await?.is_some() {
        return Err(Refusal::Api(ApiError {
            status: StatusCode::CONFLICT,
            code: "programme_exists",
            message: format!(
                "there is already a programme {}: choose another id",
                programme.id
            ),
        }));
    }
    state.store().put_programme(&programme).await?;
    if let Some(amount) = programme.budget_per_organisation {
        // The host's budget for this financial year, funded, so payments can start today.
        let on = super::today();
        let year = FinancialYear::containing(on.year() as u16, on.month() as u8);
        let budget = state
            .store()
            .open_budget(
                &programme.id,
                &host,
                year,
                &format!("{} – {host} {year}", programme.name),
            )
            .await?;
        state
            .store()
            .allocate(
                &budget.id,
                amount,
                "yearly budget",
                on,
                &user.account.display_name,
            )
            .await?
            .map_err(|e| Refusal::Api(super::unprocessable("ledger_rule", e.to_string())))?;
    }
    state
        .store()
        .append_audit(AuditRecord {
            actor: user.account.id.to_string(),
            organisation: Some(host.to_string()),
            action: "programme.define".into(),
            outcome: "allowed".into(),
            subject: format!("programme/{}", programme.id),
            detail: format!("defined {:?}", programme.name),
            ..AuditRecord::default()
        })
        .await?;
    Ok(programme)
}

/// `POST /api/v1/programmes`: 201 with the programme, 409 for a taken id, 422 naming every
/// problem (`error.problems`, each a field and a reason).
pub(crate) async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<HostQuery>,
    Json(definition): Json<ProgrammeDefinition>,
) -> Response {
    let host = match host_for(&user, q.host.as_deref()) {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    match define(&state, &user, host, definition).await {
        Ok(p) => (StatusCode::CREATED, Json(p)).into_response(),
        Err(Refusal::Api(e)) => e.into_response(),
        Err(Refusal::Problems(problems)) => {
            let message = problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({ "error": {
                    "code": "invalid_programme",
                    "message": message,
                    "problems": problems,
                }})),
            )
                .into_response()
        }
    }
}

type Fields = Vec<(String, String)>;

fn field<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// Splits `code | label | extra` lines.
fn parts(line: &str) -> Vec<String> {
    line.split('|').map(|p| p.trim().to_owned()).collect()
}

/// The form's fields as a definition, with the problems only the form can have (a number that
/// is not a number); the rest are the domain's to find.
fn definition_from_form(f: &Fields) -> (ProgrammeDefinition, Vec<DefinitionProblem>) {
    let mut problems = Vec::new();
    let mut bad = |field: &str, reason: String| {
        problems.push(DefinitionProblem {
            field: field.to_owned(),
            reason,
        })
    };
    let mut number = |name: &str| -> Option<u32> {
        let v = field(f, name);
        if v.is_empty() {
            return None;
        }
        v.parse()
            .map_err(|_| bad(name, format!("{v:?} is not a whole number")))
            .ok()
    };
    let min_age = number("min_age");
    let levels = (
        number("first_contact_days"),
        number("max_contact_attempts"),
        number("follow_up_days"),
    );
    let mut eligibility = Vec::new();
    if let Some(years) = min_age {
        eligibility.push(EligibilityRule::AgeAtLeast { years });
    }
    let areas: Vec<&str> = field(f, "resident_in")
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .collect();
    if !areas.is_empty() {
        let mut parsed = Vec::new();
        for a in areas {
            match GssCode::parse(a) {
                Ok(g) => parsed.push(g),
                Err(e) => bad("resident_in", e.to_string()),
            }
        }
        eligibility.push(EligibilityRule::ResidentIn { areas: parsed });
    }
    let flags: Vec<String> = field(f, "flags")
        .split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect();
    if !flags.is_empty() || !field(f, "flags_description").is_empty() {
        eligibility.push(EligibilityRule::AnyFlag {
            flags,
            description: field(f, "flags_description").to_owned(),
        });
    }
    let cohort = match field(f, "cohort") {
        "ward_referrals" => Some(CohortSource::WardReferrals),
        "professional_referrals" => Some(CohortSource::ProfessionalReferrals),
        "self_referral" => Some(CohortSource::SelfReferral),
        _ => None,
    };
    let needs = lines(field(f, "needs"))
        .map(|l| {
            let p = parts(l);
            Need {
                code: p[0].clone(),
                label: p.get(1).cloned().unwrap_or_default(),
            }
        })
        .collect();
    let mut actions = Vec::new();
    for (i, l) in lines(field(f, "actions")).enumerate() {
        let p = parts(l);
        let typical_cost = match p.get(2).filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Money::parse(c)
                .map_err(|e| bad("actions", format!("line {}: {e}", i + 1)))
                .ok(),
        };
        actions.push(Action {
            code: p[0].clone(),
            label: p.get(1).cloned().unwrap_or_default(),
            typical_cost,
        });
    }
    let outcome_measures = lines(field(f, "outcome_measures"))
        .map(|l| {
            let p = parts(l);
            OutcomeMeasure {
                code: p[0].clone(),
                label: p.get(1).cloned().unwrap_or_default(),
                unit: p.get(2).cloned().unwrap_or_default(),
            }
        })
        .collect();
    let budget = match field(f, "budget") {
        "" => None,
        b => Money::parse(b)
            .map_err(|e| bad("budget_per_organisation", e.to_string()))
            .ok(),
    };
    let service_levels = match levels {
        (Some(first_contact_days), Some(max_contact_attempts), Some(follow_up_days)) => {
            Some(ServiceLevels {
                first_contact_days,
                max_contact_attempts,
                follow_up_days,
            })
        }
        _ => None,
    };
    let definition = ProgrammeDefinition {
        id: field(f, "id").to_owned(),
        name: field(f, "name").to_owned(),
        summary: field(f, "summary").to_owned(),
        cohort,
        eligibility,
        alternatives: lines(field(f, "alternatives")).map(str::to_owned).collect(),
        needs,
        actions,
        destinations: f
            .iter()
            .filter(|(k, v)| k == "destination" && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect(),
        budget_per_organisation: budget,
        outcome_measures,
        service_levels,
    };
    (definition, problems)
}

/// The form field a problem's path belongs to, for the summary's link.
fn form_field(path: &str) -> &'static str {
    const MAP: [(&str, &str); 14] = [
        ("id", "id"),
        ("name", "name"),
        ("summary", "summary"),
        ("cohort", "cohort"),
        ("eligibility", "min_age"),
        ("resident_in", "resident_in"),
        ("alternatives", "alternatives"),
        ("needs", "needs"),
        ("actions", "actions"),
        ("destinations", "destinations"),
        ("budget_per_organisation", "budget"),
        ("outcome_measures", "outcome_measures"),
        ("service_levels.max", "max_contact_attempts"),
        ("service_levels.follow", "follow_up_days"),
    ];
    MAP.iter()
        .find(|(p, _)| path.starts_with(p))
        .map_or("first_contact_days", |(_, f)| f)
}

/// `GET /programmes/new`: the empty form.
pub(crate) async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<HostQuery>,
) -> Result<Markup, ApiError> {
    let host = host_for(&user, q.host.as_deref())?;
    render(&state, &user, host, &Vec::new(), &[]).await
}

/// `POST /programmes/new`: defines the programme and goes to its dashboard (303), or shows
/// the form again with every problem (422).
pub(crate) async fn submit(
    State(state): State<AppState>,
    Query(q): Query<HostQuery>,
    CsrfForm { user, form }: CsrfForm<Fields>,
) -> Response {
    let host = match host_for(&user, q.host.as_deref()) {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let (definition, mut problems) = definition_from_form(&form);
    if problems.is_empty() {
        match define(&state, &user, host, definition).await {
            Ok(p) => return Redirect::to(&format!("/programmes/{}", p.id)).into_response(),
            Err(Refusal::Problems(found)) => problems = found,
            Err(Refusal::Api(e)) if e.status == StatusCode::CONFLICT => {
                problems.push(DefinitionProblem {
                    field: "id".into(),
                    reason: e.message,
                })
            }
            Err(Refusal::Api(e)) => return e.into_response(),
        }
    }
    match render(&state, &user, host, &form, &problems).await {
        Ok(page) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    host: OrganisationId,
    form: &Fields,
    problems: &[DefinitionProblem],
) -> Result<Markup, ApiError> {
    let host_name = state
        .store()
        .organisation(&host)
        .await?
        .map_or_else(|| host.to_string(), |o| o.name);
    let services = state
        .store()
        .search_services(&ServiceQuery {
            page: 1,
            per_page: 500,
            ..ServiceQuery::default()
        })
        .await?
        .services;
    let value = |name: &str| field(form, name).to_owned();
    let chosen: Vec<&str> = form
        .iter()
        .filter(|(k, _)| k == "destination")
        .map(|(_, v)| v.as_str())
        .collect();
    let errors_for = |name: &str| -> Vec<&DefinitionProblem> {
        problems
            .iter()
            .filter(|p| form_field(&p.field) == name)
            .collect()
    };
    let group = |name: &'static str, label: &str, hint: &str, control: Markup| {
        let errors = errors_for(name);
        html! {
            div.form-group.form-group-error[!errors.is_empty()] {
                label for=(name) { (label) }
                @if !hint.is_empty() { p.hint { (hint) } }
                @for e in &errors { p.error-message { (e.reason) } }
                (control)
            }
        }
    };
    let text =
        |name: &'static str| html! { input id=(name) type="text" name=(name) value=(value(name)); };
    let area =
        |name: &'static str| html! { textarea id=(name) name=(name) rows="4" { (value(name)) } };
    Ok(layout(
        "Define a programme",
        html! {
            @if !problems.is_empty() {
                div.error-summary role="alert" tabindex="-1" aria-labelledby="error-summary-title" {
                    h2 #error-summary-title { "There is a problem" }
                    ul.error-summary-list {
                        @for p in problems { li { a href={ "#" (form_field(&p.field)) } { (p.field) ": " (p.reason) } } }
                    }
                }
            }
            span.caption { (host_name) }
            h1 { "Define a programme" }
            p.lead { "For example a cost-of-living support navigator. It appears beside the ready-made programmes, with its own worklists and dashboard." }
            form method="post" novalidate {
                (csrf_field(user))
                (group("id", "Identifier", "Lowercase letters, digits and hyphens, e.g. cost-of-living", text("id")))
                (group("name", "Name", "", text("name")))
                (group("summary", "What it is for", "One sentence", text("summary")))
                (group("cohort", "Where its people come from", "", html! {
                    select #cohort name="cohort" {
                        option value="" { "Choose" }
                        @for (v, l) in [("self_referral", "People ask for help themselves"), ("professional_referrals", "Professionals refer them"), ("ward_referrals", "Hospital wards refer them")] {
                            option value=(v) selected[value("cohort") == v] { (l) }
                        }
                    }
                }))
                fieldset {
                    legend { "Who it is for (leave empty for everyone)" }
                    (group("min_age", "Aged at least", "Years", html! { input #min_age type="text" inputmode="numeric" name="min_age" value=(value("min_age")); }))
                    (group("resident_in", "Living in", "GSS codes of council areas, separated by commas", text("resident_in")))
                    (group("flags", "Having any of these flags", "Separated by commas, e.g. receives_universal_credit, fuel_poverty", text("flags")))
                    (group("flags_description", "What the flags mean, in words", "", text("flags_description")))
                }
                (group("alternatives", "What people found ineligible are offered instead", "One a line", area("alternatives")))
                (group("needs", "Needs it looks for", "One a line: code | name, e.g. welfare_rights | Benefits not claimed", area("needs")))
                (group("actions", "Actions workers can take", "One a line: code | name | usual cost (if paid from the budget)", area("actions")))
                div.form-group.form-group-error[!errors_for("destinations").is_empty()] #destinations {
                    p { strong { "Services it refers people to" } }
                    @for e in errors_for("destinations") { p.error-message { (e.reason) } }
                    @for s in &services {
                        label { input type="checkbox" name="destination" value=(s.id) checked[chosen.contains(&s.id.to_string().as_str())]; " " (s.name) }
                    }
                }
                (group("budget", "Yearly budget per delivering council (£)", "Leave empty if it pays for nothing", text("budget")))
                (group("outcome_measures", "What it measures", "One a line: code | name | unit, e.g. income_gained | Yearly income gained | £", area("outcome_measures")))
                fieldset {
                    legend { "Service levels" }
                    (group("first_contact_days", "Working days to first contact", "", text("first_contact_days")))
                    (group("max_contact_attempts", "Contact attempts before not reached", "", text("max_contact_attempts")))
                    (group("follow_up_days", "Days between follow-ups", "", text("follow_up_days")))
                }
                button.button #define-programme type="submit" { "Define programme" }
            }
        },
    ))
}
