//! `GET /fhir/metadata`: the CapabilityStatement saying what this server accepts.

use serde_json::{json, Value};

use super::service_request::{BARRIER_SYSTEM, GSS_SYSTEM, PROGRAMME_SYSTEM};

/// The CapabilityStatement: FHIR R4, JSON, `ServiceRequest` create.
pub(crate) fn capability_statement() -> Value {
    json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2025-06-01",
        "kind": "instance",
        "publisher": "goldthread",
        "software": { "name": "goldthread", "version": env!("CARGO_PKG_VERSION") },
        "implementation": { "description": "goldthread referrals to place-based programmes" },
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json"],
        "rest": [{
            "mode": "server",
            "documentation": format!(
                "Referrals to District Direct, Waiting Well, home adaptations and social \
                 prescribing. subject.identifier must be an NHS number \
                 (https://fhir.nhs.uk/Id/nhs-number); requester.identifier an ODS code \
                 (https://fhir.nhs.uk/Id/ods-organization-code); performer[0].identifier the \
                 receiving council's GSS code ({GSS_SYSTEM}); code.coding the programme \
                 ({PROGRAMME_SYSTEM}) or SNOMED CT 871731000000106 for social prescribing; \
                 reasonCode.coding the barrier to discharge ({BARRIER_SYSTEM}) for District \
                 Direct. Errors are OperationOutcomes: 400 malformed, 401 not signed in, 403 not \
                 allowed, 415 wrong content type, 422 invalid."
            ),
            "security": {
                "description": "A bearer token or session for an account with the case worker role in the referring or receiving organisation."
            },
            "resource": [{
                "type": "ServiceRequest",
                "interaction": [{ "code": "create" }],
                "versioning": "no-version"
            }]
        }]
    })
}
