use serde_json::json;

use super::service_request::read;

fn valid() -> serde_json::Value {
    json!({
        "resourceType": "ServiceRequest",
        "status": "active",
        "intent": "order",
        "priority": "urgent",
        "code": { "coding": [{ "system": "urn:goldthread:programme", "code": "district-direct" }] },
        "reasonCode": [{ "coding": [{ "system": "urn:goldthread:discharge-barrier", "code": "key_safe" }] }],
        "subject": { "identifier": { "system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919" }, "display": "Margaret Brown" },
        "requester": { "identifier": { "system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "RM1" } },
        "performer": [{ "identifier": { "system": "urn:goldthread:gss-code", "value": "E07000144" } }],
        "locationCode": [{ "text": "Cley ward" }],
        "extension": [{ "url": "urn:goldthread:medically-fit-date", "valueDate": "2025-06-10" }]
    })
}

#[test]
fn a_ward_referral_with_uk_core_identifiers_is_read() {
    let r = read(&valid()).unwrap();
    assert_eq!(r.programme.as_str(), "district-direct");
    assert_eq!(r.requester.as_str(), "RM1");
    assert_eq!(r.council.as_str(), "E07000144");
    assert_eq!(r.ward.as_deref(), Some("Cley ward"));
    assert_eq!(r.priority, 75);
}

#[test]
fn every_problem_is_reported_with_where_it_is() {
    let mut sr = valid();
    sr["subject"]["identifier"]["value"] = json!("9434765918");
    sr["requester"]["identifier"]["system"] = json!("https://example.invalid/ods");
    sr["status"] = json!("finished");
    let issues = read(&sr).unwrap_err();
    let paths: Vec<&str> = issues
        .iter()
        .filter_map(|i| i.expression.as_deref())
        .collect();
    assert!(
        paths.contains(&"ServiceRequest.subject.identifier.value"),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"ServiceRequest.requester.identifier.system"),
        "{paths:?}"
    );
    assert!(paths.contains(&"ServiceRequest.status"), "{paths:?}");
    assert!(issues.iter().any(|i| i.diagnostics.contains("check digit")));
}

#[test]
fn a_district_direct_referral_without_a_barrier_is_invalid() {
    let mut sr = valid();
    sr.as_object_mut().unwrap().remove("reasonCode");
    let issues = read(&sr).unwrap_err();
    assert_eq!(issues.len(), 1);
    assert_eq!(
        issues[0].expression.as_deref(),
        Some("ServiceRequest.reasonCode")
    );
}

#[test]
fn a_social_prescribing_referral_is_recognised_by_its_snomed_code() {
    let mut sr = valid();
    sr["code"] =
        json!({ "coding": [{ "system": "http://snomed.info/sct", "code": "871731000000106" }] });
    sr.as_object_mut().unwrap().remove("reasonCode");
    assert_eq!(read(&sr).unwrap().programme.as_str(), "social-prescribing");
}
