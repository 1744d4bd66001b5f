//! Errors as the API reports them: a status and `{"error": {"code", "message"}}`.

use std::any::Any;

use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// An error answered to a client.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// A stable machine-readable code, e.g. `invalid_gss_code`.
    pub code: &'static str,
    /// What went wrong and what to do, for people.
    pub message: String,
}

impl ApiError {
    /// A 400 for malformed input.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            message: message.into(),
        }
    }

    /// A 404 for something that does not exist.
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            code,
            message: message.into(),
        }
    }

    pub(crate) fn no_geography() -> Self {
        Self {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: "no_reference_geography",
            message: "this instance has no reference geography loaded; run `goldthread demo`"
                .into(),
        }
    }
}

impl From<goldthread_store::StoreError> for ApiError {
    fn from(e: goldthread_store::StoreError) -> Self {
        // The detail goes to the log, not to the client.
        tracing::error!(error = %e, "store error");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: "the server could not complete the request".into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message } });
        (self.status, Json(body)).into_response()
    }
}

/// The answer for any path no route matches.
pub(crate) async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found("not_found", format!("nothing is served at {}", uri.path()))
}

/// Turns a handler panic into a 500 with the usual error shape.
pub(crate) fn panic_response(_: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    ApiError {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        code: "internal",
        message: "the server could not complete the request".into(),
    }
    .into_response()
}
