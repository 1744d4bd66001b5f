//! FHIR errors: every one leaves as an `OperationOutcome` with the status that fits.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

/// The FHIR media type.
pub(crate) const FHIR_JSON: &str = "application/fhir+json";

/// One issue in an OperationOutcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Issue {
    /// FHIR issue type, e.g. `required`, `value`, `structure`.
    pub code: &'static str,
    /// What is wrong and what to send instead.
    pub diagnostics: String,
    /// The FHIRPath of the element at fault.
    pub expression: Option<String>,
}

impl Issue {
    pub(crate) fn at(code: &'static str, path: &str, diagnostics: impl Into<String>) -> Self {
        Self {
            code,
            diagnostics: diagnostics.into(),
            expression: Some(path.to_owned()),
        }
    }
}

/// A FHIR error: a status and the issues behind it.
#[derive(Debug)]
pub(crate) struct FhirError {
    pub status: StatusCode,
    pub issues: Vec<Issue>,
}

impl FhirError {
    pub(crate) fn new(
        status: StatusCode,
        code: &'static str,
        diagnostics: impl Into<String>,
    ) -> Self {
        Self {
            status,
            issues: vec![Issue {
                code,
                diagnostics: diagnostics.into(),
                expression: None,
            }],
        }
    }
}

/// An OperationOutcome resource for some issues.
pub(crate) fn operation_outcome(issues: &[Issue], severity: &str) -> serde_json::Value {
    let issues: Vec<_> = issues
        .iter()
        .map(|i| {
            let mut v =
                json!({ "severity": severity, "code": i.code, "diagnostics": i.diagnostics });
            if let Some(e) = &i.expression {
                v["expression"] = json!([e]);
            }
            v
        })
        .collect();
    json!({ "resourceType": "OperationOutcome", "issue": issues })
}

/// A FHIR JSON response.
pub(crate) fn fhir_json(status: StatusCode, body: &serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, FHIR_JSON)],
        body.to_string(),
    )
        .into_response()
}

impl IntoResponse for FhirError {
    fn into_response(self) -> Response {
        fhir_json(self.status, &operation_outcome(&self.issues, "error"))
    }
}

impl From<goldthread_store::StoreError> for FhirError {
    fn from(e: goldthread_store::StoreError) -> Self {
        tracing::error!(error = %e, "store error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "exception",
            "the server could not complete the request",
        )
    }
}
