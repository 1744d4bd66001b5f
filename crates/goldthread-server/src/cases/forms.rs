//! The case page's forms and their handlers. Each posts without JavaScript; success redirects
//! back to the case (303), a refusal re-renders the page with the reason (422).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use goldthread_domain::ledger::Override;
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::programme::case::{
    CaseEvent, CaseState, Channel, Consent, ContactResult, LegalBasis, Outcome,
};
use goldthread_domain::programme::{Ineligibility, Programme};
use goldthread_domain::Money;
use goldthread_store::CaseRecord;
use maud::{html, Markup};

use super::access::Caller;
use super::api::{apply_event, make_payment, record_discharge, DischargeInput, PaymentInput};
use super::pages::{options, render_case};
use super::{case_budget, load_case, today};
use crate::auth::{csrf_field, CsrfForm};
use crate::{ApiError, AppState};

type Fields = Vec<(String, String)>;

fn field<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

fn all(f: &Fields, name: &str) -> Vec<String> {
    f.iter()
        .filter(|(k, v)| k == name && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_owned())
        .collect()
}

fn bad(message: impl Into<String>) -> ApiError {
    super::unprocessable("invalid_form", message)
}

/// Reads the event form into a case event, naming the field at fault when it cannot.
fn event_from_form(f: &Fields) -> Result<CaseEvent, ApiError> {
    let parse = |name: &str, ok: bool| {
        if ok {
            Ok(())
        } else {
            Err(bad(format!("choose a valid {name}")))
        }
    };
    Ok(match field(f, "kind") {
        "contact" => {
            let channel = Channel::parse(field(f, "channel"));
            let result = ContactResult::parse(field(f, "result"));
            parse("channel", channel.is_some())?;
            parse("result", result.is_some())?;
            CaseEvent::Contact {
                channel: channel.unwrap_or(Channel::Phone),
                result: result.unwrap_or(ContactResult::NoAnswer),
            }
        }
        "consent" => {
            let basis = LegalBasis::parse(field(f, "basis"));
            parse("legal basis", basis.is_some())?;
            CaseEvent::Consent(Consent {
                given: field(f, "given") == "yes",
                basis: basis.unwrap_or(LegalBasis::Consent),
            })
        }
        "needs" => CaseEvent::NeedsAssessed {
            needs: all(f, "need"),
        },
        "action" => CaseEvent::ActionStarted {
            action: field(f, "action").to_owned(),
            detail: field(f, "detail").to_owned(),
        },
        "note" => CaseEvent::Note {
            text: field(f, "text").to_owned(),
        },
        "ineligible" => CaseEvent::Ineligible(Ineligibility {
            reason: field(f, "reason").to_owned(),
            alternatives: field(f, "alternatives")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
        }),
        "handover" => CaseEvent::Handover {
            to: OrganisationId::parse(field(f, "to")).map_err(|e| bad(format!("to: {e}")))?,
            reason: field(f, "reason").to_owned(),
        },
        "close" => {
            let outcome = Outcome::parse(field(f, "outcome"));
            parse("outcome", outcome.is_some())?;
            CaseEvent::Closed {
                outcome: outcome.unwrap_or(Outcome::NoNeedsFound),
                summary: field(f, "summary").to_owned(),
            }
        }
        other => return Err(bad(format!("unknown form {other:?}"))),
    })
}

/// Re-renders the case with the error, or passes a non-form error (401, 403, 404) through.
async fn refused(state: &AppState, caller: &Caller, key: &str, err: ApiError) -> Response {
    if err.status != StatusCode::UNPROCESSABLE_ENTITY {
        return err.into_response();
    }
    let Ok((record, programme)) = load_case(state, caller, key).await else {
        return err.into_response();
    };
    let payments = state
        .store()
        .case_payments(&record.summary.id)
        .await
        .unwrap_or_default();
    let balance = case_budget(state, &record, today())
        .await
        .ok()
        .map(|b| b.balance);
    let page = render_case(
        caller,
        &record,
        &programme,
        &payments,
        balance,
        Some(&err.message),
    );
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

fn back(key: &str) -> Response {
    Redirect::to(&format!("/cases/{key}")).into_response()
}

/// `POST /cases/{key}/events`: any of the case's event forms.
pub(crate) async fn record_event(
    State(state): State<AppState>,
    Path(key): Path<String>,
    CsrfForm { user, form: f }: CsrfForm<Fields>,
) -> Response {
    let caller = Caller::from(user);
    let result = match event_from_form(&f) {
        Ok(event) => apply_event(&state, &caller, &key, &event).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => back(&key),
        Err(e) => refused(&state, &caller, &key, e).await,
    }
}

/// `POST /cases/{key}/pick-up`: a district officer meets the patient on the ward.
pub(crate) async fn pick_up(
    State(state): State<AppState>,
    Path(key): Path<String>,
    CsrfForm { user, .. }: CsrfForm<Fields>,
) -> Response {
    let caller = Caller::from(user);
    let event = CaseEvent::Contact {
        channel: Channel::Ward,
        result: ContactResult::Reached,
    };
    match apply_event(&state, &caller, &key, &event).await {
        Ok(_) => back(&key),
        Err(e) => refused(&state, &caller, &key, e).await,
    }
}

fn payment_from_form(f: &Fields) -> Result<PaymentInput, ApiError> {
    let amount = Money::parse(field(f, "amount")).map_err(|e| bad(format!("Amount: {e}")))?;
    let by = field(f, "override_by");
    let authorised = (!by.is_empty()).then(|| Override {
        authorised_by: by.to_owned(),
        reason: field(f, "override_reason").to_owned(),
    });
    Ok(PaymentInput {
        amount_pence: amount.pence(),
        payee: field(f, "payee").to_owned(),
        purpose: field(f, "purpose").to_owned(),
        paid_on: None,
        authorised,
    })
}

/// `POST /cases/{key}/payments`: the same-day payment form.
pub(crate) async fn pay(
    State(state): State<AppState>,
    Path(key): Path<String>,
    CsrfForm { user, form: f }: CsrfForm<Fields>,
) -> Response {
    let caller = Caller::from(user);
    let result = match payment_from_form(&f) {
        Ok(input) => make_payment(&state, &caller, &key, input).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => back(&key),
        Err(e) => refused(&state, &caller, &key, e).await,
    }
}

/// `POST /cases/{key}/discharge`: the patient went home.
pub(crate) async fn discharge(
    State(state): State<AppState>,
    Path(key): Path<String>,
    CsrfForm { user, form: f }: CsrfForm<Fields>,
) -> Response {
    let caller = Caller::from(user);
    let date = field(&f, "discharged_on");
    let parsed = if date.is_empty() {
        Ok(None)
    } else {
        NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| bad("Date went home: use YYYY-MM-DD"))
    };
    let result = match parsed {
        Ok(d) => record_discharge(
            &state,
            &caller,
            &key,
            DischargeInput {
                discharged_on: d,
                summary: field(&f, "summary").to_owned(),
            },
        )
        .await
        .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => back(&key),
        Err(e) => refused(&state, &caller, &key, e).await,
    }
}

/// The forms for what can be done next on an open case.
pub(crate) fn actions(
    caller: &Caller,
    record: &CaseRecord,
    programme: &Programme,
    balance: Option<Money>,
) -> Markup {
    let csrf = csrf_field(&caller.user);
    let s = &record.summary;
    let key = &s.reference;
    let (channels, results, bases, outcomes) = options();
    let dd = programme.district_direct.is_some();
    html! {
        @if dd && s.state == CaseState::Referred {
            form method="post" action={ "/cases/" (key) "/pick-up" } {
                (csrf)
                button #pick-up type="submit" { "Pick up: I am with the patient on the ward" }
            }
        }
        details open[s.state == CaseState::Referred && !dd] {
            summary { "Record a contact attempt" }
            form method="post" action={ "/cases/" (key) "/events" } {
                (csrf)
                input type="hidden" name="kind" value="contact";
                label for="channel" { "How" }
                select #channel name="channel" { @for c in channels { option value=(c.as_str()) { (c.as_str()) } } }
                label for="result" { "Result" }
                select #result name="result" { @for r in results { option value=(r.as_str()) { (r.as_str().replace('_', " ")) } } }
                button type="submit" { "Record contact" }
            }
        }
        @if s.state != CaseState::Referred && s.state != CaseState::NotReached {
            form method="post" action={ "/cases/" (key) "/events" } {
                (csrf)
                fieldset { legend { "Consent and legal basis" }
                    input type="hidden" name="kind" value="consent";
                    label { input type="checkbox" name="given" value="yes" checked; " The person agrees to share their information with the partners involved" }
                    label for="basis" { "Legal basis" }
                    select #basis name="basis" { @for b in bases { option value=(b.as_str()) { (b.as_str().replace('_', " ")) } } }
                    button #record-consent type="submit" { "Record consent" }
                }
            }
            form method="post" action={ "/cases/" (key) "/events" } {
                (csrf)
                fieldset { legend { "Needs found" }
                    input type="hidden" name="kind" value="needs";
                    @for n in &programme.needs {
                        label { input type="checkbox" name="need" value=(n.code) checked[record.status.needs.contains(&n.code) || s.barrier.is_some_and(|b| b.as_str() == n.code)]; " " (n.label) }
                    }
                    button #record-needs type="submit" { "Record needs" }
                }
            }
        }
        @if matches!(s.state, CaseState::NeedsAssessed | CaseState::ActionsInProgress) {
            form method="post" action={ "/cases/" (key) "/events" } {
                (csrf)
                fieldset { legend { "Start an action" }
                    input type="hidden" name="kind" value="action";
                    label for="action" { "Action" }
                    select #action name="action" { @for a in &programme.actions { option value=(a.code) { (a.label) @if let Some(c) = a.typical_cost { " (usually " (c) ")" } } } }
                    label for="detail" { "Detail" }
                    input #detail type="text" name="detail";
                    button #start-action type="submit" { "Start action" }
                }
            }
        }
        @if programme.budget_per_organisation.is_some() && s.state != CaseState::Referred {
            form #payment-form method="post" action={ "/cases/" (key) "/payments" } {
                (csrf)
                fieldset { legend { "Same-day payment" }
                    @if let Some(b) = balance { p.hint { "Budget left: " span #budget-balance { (b) } } }
                    label for="amount" { "Amount (£)" } input #amount type="text" name="amount" inputmode="decimal" required;
                    label for="payee" { "Payee" } input #payee type="text" name="payee" required;
                    label for="purpose" { "Purpose" } input #purpose type="text" name="purpose" required;
                    details { summary { "Authorised overspend" }
                        label for="override_by" { "Authorised by" } input #override_by type="text" name="override_by";
                        label for="override_reason" { "Reason" } input #override_reason type="text" name="override_reason";
                    }
                    button #pay type="submit" { "Record payment" }
                }
            }
        }
        @if dd && s.state != CaseState::Referred {
            form method="post" action={ "/cases/" (key) "/discharge" } {
                (csrf)
                fieldset { legend { "Went home" }
                    label for="discharged_on" { "Date (YYYY-MM-DD)" } input #discharged_on type="date" name="discharged_on" value=(today());
                    label for="summary" { "Summary for the ward" } input #summary type="text" name="summary" required;
                    button #went-home type="submit" { "Record discharge" }
                }
            }
        }
        details {
            summary { "Add a note, record ineligibility or close" }
            form method="post" action={ "/cases/" (key) "/events" } {
                (csrf)
                input type="hidden" name="kind" value="note";
                label for="text" { "Note" } textarea #text name="text" {}
                button type="submit" { "Add note" }
            }
            form method="post" action={ "/cases/" (key) "/events" } {
                (csrf)
                input type="hidden" name="kind" value="ineligible";
                label for="reason" { "Why not eligible" } input #reason type="text" name="reason";
                label for="alternatives" { "Alternatives offered (one a line)" } textarea #alternatives name="alternatives" { (programme.alternatives.join("\n")) }
                button type="submit" { "Record not eligible" }
            }
            form method="post" action={ "/cases/" (key) "/events" } {
                (csrf)
                input type="hidden" name="kind" value="close";
                label for="outcome" { "Outcome" }
                select #outcome name="outcome" { @for o in outcomes { option value=(o.as_str()) { (o.as_str().replace('_', " ")) } } }
                label for="close-summary" { "Summary" } input #close-summary type="text" name="summary";
                button type="submit" { "Close case" }
            }
        }
    }
}
