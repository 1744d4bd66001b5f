//! The extractors other handlers use: [`CurrentUser`] and [`CsrfForm`].

use std::collections::HashMap;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::sharing::{Role, RoleGrant};
use goldthread_store::Account;
use maud::{html, Markup};
use serde::de::DeserializeOwned;

use super::session::{bearer, cookie, same_secret, token_hash, SESSION_COOKIE};
use crate::{ApiError, AppState};

/// The signed-in person making the request.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    /// Their account and roles.
    pub account: Account,
    /// The session's CSRF token (none when signed in by bearer token, which forms do not use).
    pub csrf_token: Option<String>,
    /// The session token's hash, to end the session on sign-out.
    pub(crate) session_hash: Option<String>,
}

impl CurrentUser {
    /// Their roles.
    pub fn roles(&self) -> &[RoleGrant] {
        &self.account.roles
    }

    /// Whether they hold `role` in `organisation`.
    pub fn holds(&self, role: Role, organisation: OrganisationId) -> bool {
        goldthread_domain::sharing::role::holds(&self.account.roles, role, organisation)
    }

    /// Ok if they hold `role` in `organisation`, otherwise a 403.
    pub fn require_role(&self, role: Role, organisation: OrganisationId) -> Result<(), ApiError> {
        if self.holds(role, organisation) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "this needs the {} role in that organisation",
                role.label().to_lowercase()
            )))
        }
    }

    /// The organisations in which they hold `role`.
    pub fn organisations_with(&self, role: Role) -> Vec<OrganisationId> {
        self.account
            .roles
            .iter()
            .filter(|g| g.role == role)
            .map(|g| g.organisation)
            .collect()
    }

    /// Ok if they hold `role` in any organisation, otherwise a 403.
    pub fn require_any(&self, role: Role) -> Result<Vec<OrganisationId>, ApiError> {
        let orgs = self.organisations_with(role);
        if orgs.is_empty() {
            Err(ApiError::forbidden(format!(
                "this needs the {} role",
                role.label().to_lowercase()
            )))
        } else {
            Ok(orgs)
        }
    }
}

/// Why there is no current user: an API caller gets 401 JSON, a page request is sent to sign
/// in (303 to `/sign-in?next=PATH`).
pub struct SignInRequired {
    page: bool,
    next: String,
}

impl IntoResponse for SignInRequired {
    fn into_response(self) -> Response {
        if self.page {
            let next: String = url_escape(&self.next);
            Redirect::to(&format!("/sign-in?next={next}")).into_response()
        } else {
            ApiError {
                status: StatusCode::UNAUTHORIZED,
                code: "unauthenticated",
                message: "sign in, or send a bearer token, to use this".into(),
            }
            .into_response()
        }
    }
}

/// Whether a path is an API's (JSON under `/api/`, FHIR under `/fhir/`), whose callers get
/// 401 without sign-in; every other path is a page, and a signed-out request for it is sent
/// to sign in, whatever its `Accept` header says.
pub(crate) fn is_api_path(path: &str) -> bool {
    ["/api", "/fhir"]
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        if let Some(u) = parts.extensions.get::<CurrentUser>() {
            return Ok(u.clone());
        }
        let store = state.store();
        let found = if let Some(token) = bearer(&parts.headers) {
            store
                .api_token_account(&token_hash(&token))
                .await
                .map_err(|e| ApiError::from(e).into_response())?
                .map(|account| CurrentUser {
                    account,
                    csrf_token: None,
                    session_hash: None,
                })
        } else if let Some(token) = cookie(&parts.headers, SESSION_COOKIE) {
            let hash = token_hash(&token);
            store
                .session(&hash)
                .await
                .map_err(|e| ApiError::from(e).into_response())?
                .map(|(account, csrf)| CurrentUser {
                    account,
                    csrf_token: Some(csrf),
                    session_hash: Some(hash),
                })
        } else {
            None
        };
        match found {
            Some(u) => {
                parts.extensions.insert(u.clone());
                Ok(u)
            }
            None => {
                let page = !is_api_path(parts.uri.path());
                let next = parts
                    .uri
                    .path_and_query()
                    .map_or("/", |p| p.as_str())
                    .to_owned();
                Err(SignInRequired { page, next }.into_response())
            }
        }
    }
}

/// The hidden field every signed-in form carries; [`CsrfForm`] checks it.
pub fn csrf_field(user: &CurrentUser) -> Markup {
    html! { input type="hidden" name="csrf" value=(user.csrf_token.as_deref().unwrap_or("")); }
}

/// Ok if `sent` is the user's session CSRF token, otherwise a 403 (for forms [`CsrfForm`]
/// cannot read, such as file uploads).
pub(crate) fn check_csrf(user: &CurrentUser, sent: &str) -> Result<(), ApiError> {
    let expected = user.csrf_token.as_deref().unwrap_or("");
    if expected.is_empty() || !same_secret(sent, expected) {
        return Err(ApiError::forbidden(
            "the form's security token is missing or out of date: reload the page and try again",
        ));
    }
    Ok(())
}

/// A form POST from the signed-in user, its `csrf` field checked against their session.
pub struct CsrfForm<T> {
    /// Who sent it.
    pub user: CurrentUser,
    /// The form's fields.
    pub form: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let user = CurrentUser::from_request_parts(&mut parts, state).await?;
        let req = Request::from_parts(parts, body);
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let fields: HashMap<String, String> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| ApiError::bad_request("invalid_form", e.to_string()).into_response())?;
        if fields
            .iter()
            .any(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            return Err(ApiError::bad_request(
                "invalid_character",
                "the form contains a NUL character, which no field accepts",
            )
            .into_response());
        }
        check_csrf(&user, fields.get("csrf").map(String::as_str).unwrap_or(""))
            .map_err(IntoResponse::into_response)?;
        let form: T = serde_urlencoded::from_bytes(&bytes).map_err(|e| {
            ApiError::bad_request("invalid_form", format!("the form is not valid: {e}"))
                .into_response()
        })?;
        Ok(Self { user, form })
    }
}
