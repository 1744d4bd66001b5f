//! The sign-in and sign-out pages (local accounts, and the button for OpenID Connect), and the
//! rate limit on failed sign-ins by client address.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use goldthread_domain::audit::AuditRecord;
use maud::{html, Markup};
use serde::Deserialize;

use super::password::{verify_nothing, verify_password};
use super::session::{
    cookie, new_token, same_secret, set_cookie, token_hash, PRE_SESSION_CSRF_COOKIE, SESSION_COOKIE,
};
use super::{CsrfForm, CurrentUser};
use crate::pages::layout;
use crate::{ApiError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-out", post(sign_out))
        .route("/sign-in/oidc", get(super::oidc::start))
        .route("/sign-in/oidc/callback", get(super::oidc::callback))
}

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

/// Only local paths are followed after sign-in, so the form cannot send anyone elsewhere.
pub(super) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

fn sign_in_form(csrf: &str, next: &str, error: Option<&str>, oidc_label: Option<&str>) -> Markup {
    layout(
        "Sign in",
        html! {
            h1 { "Sign in" }
            @if let Some(e) = error {
                div.error-summary role="alert" tabindex="-1" {
                    h2 { "There is a problem" }
                    p { (e) }
                }
            }
            form method="post" action="/sign-in" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="next" value=(next);
                div.form-group {
                    label for="email" { "Email address" }
                    input #email type="email" name="email" autocomplete="username" required;
                }
                div.form-group {
                    label for="password" { "Password" }
                    input #password type="password" name="password" autocomplete="current-password" required;
                }
                button.button type="submit" { "Sign in" }
            }
            @if let Some(label) = oidc_label {
                div.sign-in-alternative {
                    h2 { "Or" }
                    a.button.button-secondary href={ "/sign-in/oidc?next=" (url_encode(next)) } {
                        "Sign in with " (label)
                    }
                }
            }
        },
    )
}

async fn sign_in_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<Next>,
) -> Response {
    let csrf = cookie(&headers, PRE_SESSION_CSRF_COOKIE)
        .filter(|c| c.len() == 43)
        .unwrap_or_else(new_token);
    let next = safe_next(q.next.as_deref());
    let mut out = HeaderMap::new();
    set_cookie(
        &mut out,
        PRE_SESSION_CSRF_COOKIE,
        &csrf,
        3600,
        state.auth().secure_cookies,
    );
    (out, sign_in_form(&csrf, &next, None, oidc_label(&state))).into_response()
}

fn oidc_label(state: &AppState) -> Option<&str> {
    state.auth().oidc.as_ref().map(|o| o.label.as_str())
}

fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The sign-in page with an error, and a fresh form, for a sign-in refused elsewhere (OpenID
/// Connect); `out` holds headers to send with it.
pub(super) fn sign_in_refused(
    state: &AppState,
    headers: &HeaderMap,
    mut out: HeaderMap,
    next: &str,
    message: &str,
    status: StatusCode,
) -> Response {
    let csrf = cookie(headers, PRE_SESSION_CSRF_COOKIE)
        .filter(|c| c.len() == 43)
        .unwrap_or_else(new_token);
    set_cookie(
        &mut out,
        PRE_SESSION_CSRF_COOKIE,
        &csrf,
        3600,
        state.auth().secure_cookies,
    );
    let page = sign_in_form(&csrf, next, Some(message), oidc_label(state));
    (status, out, page).into_response()
}

/// The address a request came from: the peer's, or with `trust_forwarded_for` the last
/// `X-Forwarded-For` entry (the one the trusted proxy added). `unknown` when neither is there.
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let forwarded = state
            .auth()
            .trust_forwarded_for
            .then(|| {
                parts
                    .headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(|v| v.split(','))
                    .last()
                    .and_then(|v| v.trim().parse::<IpAddr>().ok())
            })
            .flatten();
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(Self(
            forwarded
                .or(peer)
                .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string()),
        ))
    }
}

/// A 429 page when the client address has had too many failed sign-ins in the window.
pub(super) async fn rate_limited(
    state: &AppState,
    client: &ClientAddress,
) -> Result<Option<Response>, ApiError> {
    let auth = state.auth();
    let since = rfc3339(chrono::Utc::now() - chrono_duration(auth.rate_limit_window));
    let failures = state
        .store()
        .sign_in_failures_since(&client.0, &since)
        .await?;
    if failures < auth.rate_limit_failures {
        return Ok(None);
    }
    let minutes = auth.rate_limit_window.as_secs().div_ceil(60);
    tracing::warn!(client = %client.0, failures, "sign-in rate limit reached");
    let page = layout(
        "Too many attempts",
        html! {
            h1 { "Too many failed sign-in attempts" }
            div.error-summary role="alert" tabindex="-1" {
                h2 { "There is a problem" }
                p {
                    "There have been too many failed sign-in attempts from your network address. "
                    "Wait " (minutes) " minutes and try again, or ask your system administrator."
                }
            }
        },
    );
    let mut out = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&auth.rate_limit_window.as_secs().to_string()) {
        out.insert(header::RETRY_AFTER, v);
    }
    Ok(Some(
        (StatusCode::TOO_MANY_REQUESTS, out, page).into_response(),
    ))
}

/// Counts a failed sign-in against the client address.
pub(super) async fn count_failure(
    state: &AppState,
    client: &ClientAddress,
) -> Result<(), ApiError> {
    let now = chrono::Utc::now();
    let forget = rfc3339(now - chrono_duration(state.auth().rate_limit_window));
    state
        .store()
        .record_sign_in_failure(&client.0, &rfc3339(now), &forget)
        .await?;
    Ok(())
}

fn chrono_duration(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::zero())
}

#[derive(Deserialize)]
struct SignIn {
    csrf: String,
    email: String,
    password: String,
    next: Option<String>,
}

async fn sign_in(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    Form(f): Form<SignIn>,
) -> Result<Response, ApiError> {
    let expected = cookie(&headers, PRE_SESSION_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same_secret(&f.csrf, &expected) {
        return Err(ApiError::forbidden(
            "the form's security token is missing or out of date: reload the page and try again",
        ));
    }
    if let Some(limited) = rate_limited(&state, &client).await? {
        verify_nothing(&f.password);
        return Ok(limited);
    }
    let next = safe_next(f.next.as_deref());
    let label = oidc_label(&state);
    let refuse = |msg: &str| {
        (
            StatusCode::UNAUTHORIZED,
            sign_in_form(&expected, &next, Some(msg), label),
        )
            .into_response()
    };
    let wrong = "The email address or password is not right.";
    let store = state.store();
    // No email address holds a NUL (and PostgreSQL refuses one in text).
    let found = if f.email.contains('\0') {
        None
    } else {
        store.credentials(&f.email).await?
    };
    let Some(creds) = found else {
        verify_nothing(&f.password);
        count_failure(&state, &client).await?;
        return Ok(refuse(wrong));
    };
    let now = chrono::Utc::now();
    let locked = creds
        .locked_until
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .is_some_and(|t| t > now);
    let locked_msg = "This account is locked after too many failed attempts. Try again in 15 minutes, or ask your system administrator.";
    if locked {
        verify_nothing(&f.password);
        count_failure(&state, &client).await?;
        return Ok(refuse(locked_msg));
    }
    let ok = match &creds.password_hash {
        Some(h) => verify_password(&f.password, h),
        None => {
            verify_nothing(&f.password);
            false
        }
    };
    let id = creds.account.id;
    if !ok {
        let auth = state.auth();
        let until = from_now(auth.lockout);
        let now_locked = store
            .record_failed_sign_in(id, auth.max_failed_attempts, &until)
            .await?;
        record(
            &state,
            &id.to_string(),
            "sign_in.failed",
            if now_locked { "locked" } else { "denied" },
        )
        .await?;
        count_failure(&state, &client).await?;
        return Ok(refuse(if now_locked { locked_msg } else { wrong }));
    }
    store.record_sign_in(id).await?;
    record(&state, &id.to_string(), "sign_in", "allowed").await?;
    let mut out = HeaderMap::new();
    start_session(&state, id, &mut out).await?;
    set_cookie(
        &mut out,
        PRE_SESSION_CSRF_COOKIE,
        "",
        0,
        state.auth().secure_cookies,
    );
    Ok((out, Redirect::to(&next)).into_response())
}

/// Starts a session for an account and sets its cookie.
pub(super) async fn start_session(
    state: &AppState,
    account: goldthread_domain::sharing::AccountId,
    out: &mut HeaderMap,
) -> Result<(), ApiError> {
    let token = new_token();
    let lifetime = state.auth().session_lifetime;
    let expires = from_now(lifetime);
    state
        .store()
        .create_session(&token_hash(&token), account, &new_token(), &expires)
        .await?;
    set_cookie(
        out,
        SESSION_COOKIE,
        &token,
        lifetime.as_secs() as i64,
        state.auth().secure_cookies,
    );
    Ok(())
}

pub(super) fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The time `d` from now, as stored.
pub(super) fn from_now(d: Duration) -> String {
    let d = chrono::Duration::from_std(d).unwrap_or(chrono::Duration::zero());
    rfc3339(chrono::Utc::now() + d)
}

async fn record(
    state: &AppState,
    actor: &str,
    action: &str,
    outcome: &str,
) -> Result<(), ApiError> {
    state
        .store()
        .append_audit(AuditRecord {
            actor: actor.to_owned(),
            action: action.to_owned(),
            outcome: outcome.to_owned(),
            subject: format!("account/{actor}"),
            ..AuditRecord::default()
        })
        .await?;
    Ok(())
}

#[derive(Deserialize)]
struct SignOut {}

async fn sign_out(
    State(state): State<AppState>,
    f: CsrfForm<SignOut>,
) -> Result<Response, ApiError> {
    let user: CurrentUser = f.user;
    if let Some(h) = &user.session_hash {
        state.store().delete_session(h).await?;
    }
    let mut out = HeaderMap::new();
    set_cookie(&mut out, SESSION_COOKIE, "", 0, state.auth().secure_cookies);
    Ok((out, Redirect::to("/")).into_response())
}
