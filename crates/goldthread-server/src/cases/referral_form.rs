//! `/cases/new`: the referral web form for ward staff, for when the hospital's system cannot
//! send a FHIR ServiceRequest. It works without JavaScript (a plain POST with the session's
//! CSRF field). Its fields are written as a ServiceRequest and accepted by exactly the code the
//! FHIR endpoint uses ([`crate::fhir::accept_referral`]), so a referral valid on one path is
//! valid on the other; each FHIR issue is shown against the form field it concerns, in a
//! GOV.UK error summary, with status 422.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_domain::organisation::OrganisationKind;
use goldthread_domain::programme::district_direct::DischargeBarrier;
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::{json, Value};

use super::access::Caller;
use crate::auth::{csrf_field, CsrfForm};
use crate::fhir::service_request::{
    BARRIER_SYSTEM, GSS_SYSTEM, MEDICALLY_FIT_EXTENSION, NHS_NUMBER_SYSTEM, ODS_SYSTEM,
    PROGRAMME_SYSTEM,
};
use crate::fhir::{accept_referral, Issue};
use crate::pages::layout;
use crate::{ApiError, AppState};

type Fields = Vec<(String, String)>;

fn field<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

/// Which form field each part of a ServiceRequest comes from, most specific first, with the
/// label the form shows.
const FIELDS: [(&str, &str, &str); 8] = [
    (
        "ServiceRequest.subject.display",
        "patient_name",
        "Patient's name",
    ),
    ("ServiceRequest.subject", "nhs_number", "NHS number"),
    (
        "ServiceRequest.requester",
        "requester",
        "Referring organisation",
    ),
    ("ServiceRequest.performer", "council", "Council to refer to"),
    ("ServiceRequest.code", "programme", "Programme"),
    (
        "ServiceRequest.reasonCode",
        "barrier",
        "Barrier to discharge",
    ),
    (
        "ServiceRequest.extension",
        "medically_fit_on",
        "Medically fit for discharge",
    ),
    ("ServiceRequest.priority", "priority", "Priority"),
];

/// The form's fields written as the FHIR ServiceRequest a hospital system would send. Empty
/// fields are left out, so the reader reports them as missing.
pub(crate) fn service_request_from_form(f: &Fields) -> Value {
    let given = |name: &str| Some(field(f, name)).filter(|v| !v.is_empty());
    let mut sr = json!({
        "resourceType": "ServiceRequest",
        "status": "active",
        "intent": "order",
        "subject": {},
        "requester": {},
        "performer": [{}],
    });
    if let Some(p) = given("programme") {
        sr["code"] = json!({ "coding": [{ "system": PROGRAMME_SYSTEM, "code": p }] });
    }
    if let Some(n) = given("nhs_number") {
        sr["subject"]["identifier"] = json!({ "system": NHS_NUMBER_SYSTEM, "value": n });
    }
    if let Some(n) = given("patient_name") {
        sr["subject"]["display"] = json!(n);
    }
    if let Some(o) = given("requester") {
        sr["requester"]["identifier"] = json!({ "system": ODS_SYSTEM, "value": o });
    }
    if let Some(c) = given("council") {
        sr["performer"][0]["identifier"] = json!({ "system": GSS_SYSTEM, "value": c });
    }
    if let Some(b) = given("barrier") {
        sr["reasonCode"] = json!([{ "coding": [{ "system": BARRIER_SYSTEM, "code": b }] }]);
    }
    if let Some(w) = given("ward") {
        sr["locationCode"] = json!([{ "text": w }]);
    }
    if let Some(d) = given("medically_fit_on") {
        sr["extension"] = json!([{ "url": MEDICALLY_FIT_EXTENSION, "valueDate": d }]);
    }
    if let Some(p) = given("priority") {
        sr["priority"] = json!(p);
    }
    if let Some(n) = given("note") {
        sr["note"] = json!([{ "text": n }]);
    }
    sr
}

/// One problem with the form: the field's id (for the summary's link) and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FormError {
    pub field: &'static str,
    pub message: String,
}

/// A FHIR issue as a form error against the field it concerns.
pub(crate) fn form_error(issue: &Issue) -> FormError {
    let path = issue.expression.as_deref().unwrap_or("");
    match FIELDS.iter().find(|(p, _, _)| path.starts_with(p)) {
        Some((_, id, label)) if issue.code == "required" => FormError {
            field: id,
            message: format!("Enter the {}", label.to_lowercase()),
        },
        Some((_, id, label)) => FormError {
            field: id,
            message: format!("{label}: {}", issue.diagnostics),
        },
        None => FormError {
            field: "programme",
            message: issue.diagnostics.clone(),
        },
    }
}

#[derive(Deserialize)]
pub(crate) struct SentQuery {
    sent: Option<String>,
}

/// `GET /cases/new`: the empty form, or the confirmation after a referral was sent.
pub(crate) async fn page(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<SentQuery>,
) -> Result<Markup, ApiError> {
    caller.require_case_worker()?;
    render(&state, &caller, &Vec::new(), &[], q.sent.as_deref()).await
}

/// `POST /cases/new`: sends the referral; 303 to the confirmation, or the form again with
/// every problem (422).
pub(crate) async fn submit(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<Fields>,
) -> Response {
    let caller = Caller::from(user);
    let resource = service_request_from_form(&form);
    match accept_referral(&state, &caller, &resource, "web_form").await {
        Ok(case) => {
            let to = format!(
                "/cases/new?{}",
                serde_urlencoded::to_string([("sent", case.reference.as_str())])
                    .unwrap_or_default()
            );
            Redirect::to(&to).into_response()
        }
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let errors: Vec<FormError> = e.issues.iter().map(form_error).collect();
            match render(&state, &caller, &form, &errors, None).await {
                Ok(page) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
                Err(e) => e.into_response(),
            }
        }
        Err(e) => {
            let message = e
                .issues
                .first()
                .map(|i| i.diagnostics.clone())
                .unwrap_or_default();
            ApiError {
                status: e.status,
                code: "referral_refused",
                message,
            }
            .into_response()
        }
    }
}

async fn render(
    state: &AppState,
    caller: &Caller,
    form: &Fields,
    errors: &[FormError],
    sent: Option<&str>,
) -> Result<Markup, ApiError> {
    let programmes = state.store().programmes().await?;
    let mut councils = Vec::new();
    let mut referrers = Vec::new();
    for system in state.store().systems().await? {
        for o in state.store().organisations_in(&system.icb).await? {
            if let (Some(gss), true) = (&o.gss_code, is_council(o.kind)) {
                councils.push((gss.to_string(), o.name.clone()));
            }
            if let (Some(ods), true) = (&o.ods_code, caller.works_in(o.id)) {
                referrers.push((ods.to_string(), o.name.clone()));
            }
        }
    }
    councils.sort_by(|a, b| a.1.cmp(&b.1));
    councils.dedup();
    referrers.dedup();
    let value = |name: &str| field(form, name).to_owned();
    let error_for = |name: &str| errors.iter().find(|e| e.field == name);
    let select = |name: &'static str, label: &str, options: &[(String, String)], blank: &str| {
        let chosen = value(name);
        html! {
            div.form-group.form-group-error[error_for(name).is_some()] {
                label for=(name) { (label) }
                @if let Some(e) = error_for(name) { p.error-message id={ (name) "-error" } { (e.message) } }
                select id=(name) name=(name) {
                    option value="" { (blank) }
                    @for (v, l) in options { option value=(v) selected[chosen == *v] { (l) } }
                }
            }
        }
    };
    let text = |name: &'static str, label: &str, hint: Option<&str>, kind: &str| {
        html! {
            div.form-group.form-group-error[error_for(name).is_some()] {
                label for=(name) { (label) }
                @if let Some(h) = hint { p.hint { (h) } }
                @if let Some(e) = error_for(name) { p.error-message id={ (name) "-error" } { (e.message) } }
                input id=(name) type=(kind) name=(name) value=(value(name));
            }
        }
    };
    let programme_options: Vec<(String, String)> = programmes
        .iter()
        .map(|p| (p.id.to_string(), p.name.clone()))
        .collect();
    let barriers: Vec<(String, String)> = DischargeBarrier::ALL
        .iter()
        .map(|b| (b.as_str().to_owned(), b.label().to_owned()))
        .collect();
    let priorities: Vec<(String, String)> = ["routine", "urgent", "asap", "stat"]
        .iter()
        .map(|p| ((*p).to_owned(), (*p).to_owned()))
        .collect();
    Ok(layout(
        "Refer a patient",
        html! {
            @if !errors.is_empty() {
                div.error-summary role="alert" tabindex="-1" aria-labelledby="error-summary-title" {
                    h2 #error-summary-title { "There is a problem" }
                    ul.error-summary-list {
                        @for e in errors { li { a href={ "#" (e.field) } { (e.message) } } }
                    }
                }
            }
            @if let Some(reference) = sent {
                div.panel role="status" {
                    h2 { "Referral sent" }
                    p { "Reference " strong #sent-reference { (reference) } ". The council's team will pick it up from their worklist." }
                }
            }
            h1 { "Refer a patient" }
            p.lead { "For District Direct and the other place-based programmes. The same rules apply as to referrals sent from the hospital's system." }
            form method="post" action="/cases/new" novalidate {
                (csrf_field(&caller.user))
                (select("programme", "Programme", &programme_options, "Choose a programme"))
                (text("nhs_number", "NHS number", Some("10 digits, for example 943 476 5919"), "text"))
                (text("patient_name", "Patient's name", None, "text"))
                (select("requester", "Referring organisation", &referrers, "Choose your organisation"))
                (text("ward", "Ward", None, "text"))
                (select("council", "Council to refer to", &councils, "Choose the council where the patient lives"))
                (select("barrier", "Barrier to discharge", &barriers, "None (not District Direct)"))
                (text("medically_fit_on", "Medically fit for discharge", Some("YYYY-MM-DD"), "date"))
                (select("priority", "Priority", &priorities, "routine"))
                div.form-group {
                    label for="note" { "Anything the officer should know" }
                    textarea #note name="note" { (value("note")) }
                }
                button.button #send-referral type="submit" { "Send referral" }
            }
        },
    ))
}

fn is_council(kind: OrganisationKind) -> bool {
    matches!(
        kind,
        OrganisationKind::DistrictCouncil
            | OrganisationKind::UnitaryCouncil
            | OrganisationKind::CountyCouncil
            | OrganisationKind::MetropolitanCouncil
            | OrganisationKind::LondonBoroughCouncil
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fhir::service_request::read;

    fn form(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_complete_form_reads_as_the_same_referral_fhir_would_give() {
        let f = form(&[
            ("programme", "district-direct"),
            ("nhs_number", "943 476 5919"),
            ("patient_name", "Margaret Brown"),
            ("requester", "RM1"),
            ("council", "E07000145"),
            ("barrier", "key_safe"),
            ("ward", "Cley ward"),
            ("medically_fit_on", "2026-03-02"),
            ("priority", "urgent"),
        ]);
        let r = read(&service_request_from_form(&f)).expect("valid");
        assert_eq!(r.nhs_number.to_string().replace(' ', ""), "9434765919");
        assert_eq!(r.council.as_str(), "E07000145");
        assert_eq!(r.priority, 75);
        assert_eq!(r.ward.as_deref(), Some("Cley ward"));
    }

    #[test]
    fn each_problem_is_shown_against_its_field() {
        let f = form(&[
            ("programme", "district-direct"),
            ("nhs_number", "943 476 5918"),
            ("requester", "RM1"),
            ("council", "E07000145"),
        ]);
        let issues = read(&service_request_from_form(&f)).unwrap_err();
        let errors: Vec<FormError> = issues.iter().map(form_error).collect();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert!(fields.contains(&"nhs_number"), "{errors:?}");
        assert!(fields.contains(&"patient_name"), "{errors:?}");
        assert!(fields.contains(&"barrier"), "{errors:?}");
        assert_eq!(errors.len(), 3, "{errors:?}");
    }
}
