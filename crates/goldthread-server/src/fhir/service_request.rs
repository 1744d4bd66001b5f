//! Reading a FHIR R4 `ServiceRequest` into a referral, collecting every problem at once so the
//! sender can fix them all in one go.

use chrono::NaiveDate;
use goldthread_domain::programme::district_direct::DischargeBarrier;
use goldthread_domain::programme::social_prescribing::SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING;
use goldthread_domain::programme::ProgrammeId;
use goldthread_domain::{GssCode, NhsNumber, OdsCode};
use serde_json::Value;

use super::outcome::Issue;

/// UK Core: the NHS number identifier system.
pub(crate) const NHS_NUMBER_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";
/// UK Core: the ODS organisation code identifier system.
pub(crate) const ODS_SYSTEM: &str = "https://fhir.nhs.uk/Id/ods-organization-code";
/// goldthread: a council's GSS code (councils have no ODS code of their own).
pub(crate) const GSS_SYSTEM: &str = "urn:goldthread:gss-code";
/// goldthread: programme identifiers.
pub(crate) const PROGRAMME_SYSTEM: &str = "urn:goldthread:programme";
/// goldthread: barriers to discharge.
pub(crate) const BARRIER_SYSTEM: &str = "urn:goldthread:discharge-barrier";
/// goldthread: the day a patient was medically fit for discharge (extension URL).
pub(crate) const MEDICALLY_FIT_EXTENSION: &str = "urn:goldthread:medically-fit-date";
const SNOMED: &str = "http://snomed.info/sct";

const STATUSES: [&str; 7] = [
    "draft",
    "active",
    "on-hold",
    "revoked",
    "completed",
    "entered-in-error",
    "unknown",
];
const INTENTS: [&str; 9] = [
    "proposal",
    "plan",
    "directive",
    "order",
    "original-order",
    "reflex-order",
    "filler-order",
    "instance-order",
    "option",
];

/// A referral read from a valid ServiceRequest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct IncomingReferral {
    pub programme: ProgrammeId,
    pub nhs_number: NhsNumber,
    pub patient_name: String,
    pub requester: OdsCode,
    pub council: GssCode,
    pub barrier: Option<DischargeBarrier>,
    pub ward: Option<String>,
    pub medically_fit_on: Option<NaiveDate>,
    pub priority: u32,
    pub note: Option<String>,
}

fn identifier<'a>(
    v: &'a Value,
    path: &str,
    system: &str,
    issues: &mut Vec<Issue>,
) -> Option<&'a str> {
    let id = v.get("identifier");
    match id {
        None => {
            issues.push(Issue::at(
                "required",
                &format!("{path}.identifier"),
                format!("{path}.identifier is required, with system {system}"),
            ));
            None
        }
        Some(id) => {
            let sys = id.get("system").and_then(Value::as_str);
            if sys != Some(system) {
                issues.push(Issue::at(
                    "value",
                    &format!("{path}.identifier.system"),
                    format!(
                        "{path}.identifier.system must be {system} (got {})",
                        sys.unwrap_or("nothing")
                    ),
                ));
                return None;
            }
            let value = id.get("value").and_then(Value::as_str);
            if value.is_none() {
                issues.push(Issue::at(
                    "required",
                    &format!("{path}.identifier.value"),
                    format!("{path}.identifier.value is required"),
                ));
            }
            value
        }
    }
}

fn codings(v: Option<&Value>) -> impl Iterator<Item = (&str, &str)> {
    v.and_then(|c| c.get("coding"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| Some((c.get("system")?.as_str()?, c.get("code")?.as_str()?)))
}

/// Reads a ServiceRequest that has already been checked to be a JSON object with
/// `resourceType` `ServiceRequest`. Returns every issue when it is not valid.
pub(crate) fn read(sr: &Value) -> Result<IncomingReferral, Vec<Issue>> {
    let mut issues = Vec::new();
    check_code(sr, "status", &STATUSES, &mut issues);
    check_code(sr, "intent", &INTENTS, &mut issues);
    if sr
        .get("status")
        .and_then(Value::as_str)
        .is_some_and(|s| s != "active" && STATUSES.contains(&s))
    {
        issues.push(Issue::at(
            "business-rule",
            "ServiceRequest.status",
            "only an active request can be accepted as a referral",
        ));
    }
    let subject = sr.get("subject").unwrap_or(&Value::Null);
    let nhs = identifier(
        subject,
        "ServiceRequest.subject",
        NHS_NUMBER_SYSTEM,
        &mut issues,
    )
    .and_then(|s| {
        NhsNumber::parse(s)
            .map_err(|e| {
                issues.push(Issue::at(
                    "value",
                    "ServiceRequest.subject.identifier.value",
                    e.to_string(),
                ))
            })
            .ok()
    });
    let patient_name = subject
        .get("display")
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or("");
    if patient_name.is_empty() {
        issues.push(Issue::at("required", "ServiceRequest.subject.display", "subject.display (the patient's name) is required so the officer can find them on the ward"));
    }
    let requester = sr.get("requester").unwrap_or(&Value::Null);
    let ods = identifier(
        requester,
        "ServiceRequest.requester",
        ODS_SYSTEM,
        &mut issues,
    )
    .and_then(|s| {
        OdsCode::parse(s)
            .map_err(|e| {
                issues.push(Issue::at(
                    "value",
                    "ServiceRequest.requester.identifier.value",
                    e.to_string(),
                ))
            })
            .ok()
    });
    let performer = sr
        .get("performer")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .unwrap_or(&Value::Null);
    let council = identifier(
        performer,
        "ServiceRequest.performer[0]",
        GSS_SYSTEM,
        &mut issues,
    )
    .and_then(|s| {
        GssCode::parse(s)
            .map_err(|e| {
                issues.push(Issue::at(
                    "value",
                    "ServiceRequest.performer[0].identifier.value",
                    e.to_string(),
                ))
            })
            .ok()
    });
    let programme = programme_of(sr, &mut issues);
    let barrier = barrier_of(sr, &mut issues);
    if programme
        .as_ref()
        .is_some_and(|p| p.as_str() == "district-direct")
        && barrier.is_none()
        && !issues
            .iter()
            .any(|i| i.expression.as_deref() == Some("ServiceRequest.reasonCode"))
    {
        issues.push(Issue::at("required", "ServiceRequest.reasonCode", format!("a District Direct referral needs the barrier to discharge in reasonCode ({BARRIER_SYSTEM})")));
    }
    let medically_fit_on = medically_fit(sr, &mut issues);
    let priority = match sr.get("priority").and_then(Value::as_str) {
        None | Some("routine") => 50,
        Some("urgent") => 75,
        Some("asap") => 90,
        Some("stat") => 100,
        Some(other) => {
            issues.push(Issue::at(
                "value",
                "ServiceRequest.priority",
                format!("priority {other:?} is not one of routine, urgent, asap, stat"),
            ));
            0
        }
    };
    let ward = sr
        .get("locationCode")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(|l| l.get("text"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let note = sr
        .get("note")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(|n| n.get("text"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    match (issues.is_empty(), programme, nhs, ods, council) {
        (true, Some(programme), Some(nhs_number), Some(requester), Some(council)) => {
            Ok(IncomingReferral {
                programme,
                nhs_number,
                patient_name: patient_name.to_owned(),
                requester,
                council,
                barrier,
                ward,
                medically_fit_on,
                priority,
                note,
            })
        }
        _ => Err(issues),
    }
}

fn check_code(sr: &Value, field: &str, allowed: &[&str], issues: &mut Vec<Issue>) {
    let path = format!("ServiceRequest.{field}");
    match sr.get(field).and_then(Value::as_str) {
        None => issues.push(Issue::at("required", &path, format!("{field} is required"))),
        Some(v) if !allowed.contains(&v) => issues.push(Issue::at(
            "code-invalid",
            &path,
            format!("{field} {v:?} is not one of {}", allowed.join(", ")),
        )),
        Some(_) => {}
    }
}

fn programme_of(sr: &Value, issues: &mut Vec<Issue>) -> Option<ProgrammeId> {
    for (system, code) in codings(sr.get("code")) {
        if system == PROGRAMME_SYSTEM {
            return ProgrammeId::parse(code)
                .map_err(|e| issues.push(Issue::at("value", "ServiceRequest.code", e.to_string())))
                .ok();
        }
        if system == SNOMED && code == SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING {
            return ProgrammeId::parse("social-prescribing").ok();
        }
    }
    issues.push(Issue::at("required", "ServiceRequest.code", format!("code.coding must name the programme ({PROGRAMME_SYSTEM}) or be SNOMED CT {SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING}")));
    None
}

fn barrier_of(sr: &Value, issues: &mut Vec<Issue>) -> Option<DischargeBarrier> {
    let reasons = sr
        .get("reasonCode")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for r in &reasons {
        for (system, code) in codings(Some(r)) {
            if system == BARRIER_SYSTEM {
                let b = DischargeBarrier::parse(code);
                if b.is_none() {
                    let known: Vec<&str> =
                        DischargeBarrier::ALL.iter().map(|b| b.as_str()).collect();
                    issues.push(Issue::at(
                        "code-invalid",
                        "ServiceRequest.reasonCode",
                        format!("barrier {code:?} is not one of {}", known.join(", ")),
                    ));
                }
                return b;
            }
        }
    }
    None
}

fn medically_fit(sr: &Value, issues: &mut Vec<Issue>) -> Option<NaiveDate> {
    let ext = sr
        .get("extension")
        .and_then(Value::as_array)?
        .iter()
        .find(|e| e.get("url").and_then(Value::as_str) == Some(MEDICALLY_FIT_EXTENSION))?;
    let raw = ext.get("valueDate").and_then(Value::as_str);
    match raw.map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d")) {
        Some(Ok(d)) => Some(d),
        _ => {
            issues.push(Issue::at(
                "value",
                "ServiceRequest.extension",
                format!("{MEDICALLY_FIT_EXTENSION} needs valueDate as YYYY-MM-DD"),
            ));
            None
        }
    }
}
