//! Sign-in and authorisation: who is asking, what they may do, and the one function that decides
//! every read of person-level data.
//!
//! For other modules, the whole API is:
//! - [`CurrentUser`]: an extractor for the signed-in person (session cookie or bearer token).
//!   Without one, API paths (`/api/`, `/fhir/`) answer 401 with the JSON error shape (or an
//!   OperationOutcome) and every other path, a page, redirects (303) to
//!   `/sign-in`.
//! - [`CurrentUser::require_role`] (403 unless they hold a role in an organisation) and
//!   [`CurrentUser::organisations_with`].
//! - [`CsrfForm`]: an extractor for a form POST that checks its `csrf` field against the
//!   session's token (403 otherwise); put [`csrf_field`] inside every `<form method="post">`.
//! - [`authorise`]: the one authorisation function for person-level data (see its docs).
//!
//! Pages: `GET/POST /sign-in`, `POST /sign-out`, and OpenID Connect sign-in (`oidc.rs`):
//! `GET /sign-in/oidc` and `GET /sign-in/oidc/callback`, creating the same session. Failed
//! sign-ins are also counted by client address ([`ClientAddress`]) for a rate limit.

mod authorise;
mod config;
mod extract;
mod oidc;
mod pages;
pub mod password;
pub mod session;
mod signed_in;

use axum::Router;

use crate::AppState;

pub use authorise::{authorise, deny_and_record, Intent, ReadCounts};
pub use config::{AuthConfig, OidcClaim, OidcConfig};
pub(crate) use extract::check_csrf;
pub use extract::{csrf_field, CsrfForm, CurrentUser};
pub use oidc::OidcCache;
pub use pages::ClientAddress;
pub(crate) use signed_in::{layer as signed_in_layer, signed_in};

impl crate::ApiError {
    /// A 403: signed in, but without the right.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self {
            status: axum::http::StatusCode::FORBIDDEN,
            code: "forbidden",
            message: message.into(),
        }
    }
}

/// The sign-in routes.
pub(crate) fn routes() -> Router<AppState> {
    pages::routes()
}
