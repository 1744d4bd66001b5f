//! The sign-in and sign-out pages (local accounts).

use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
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

fn sign_in_form(csrf: &str, next: &str, error: Option<&str>) -> Markup {
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
    (out, sign_in_form(&csrf, &next, None)).into_response()
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
    headers: HeaderMap,
    Form(f): Form<SignIn>,
) -> Result<Response, ApiError> {
    let expected = cookie(&headers, PRE_SESSION_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same_secret(&f.csrf, &expected) {
        return Err(ApiError::forbidden(
            "the form's security token is missing or out of date: reload the page and try again",
        ));
    }
    let next = safe_next(f.next.as_deref());
    let refuse = |msg: &str| {
        (
            StatusCode::UNAUTHORIZED,
            sign_in_form(&expected, &next, Some(msg)),
        )
            .into_response()
    };
    let wrong = "The email address or password is not right.";
    let store = state.store();
    let Some(creds) = store.credentials(&f.email).await? else {
        verify_nothing(&f.password);
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
