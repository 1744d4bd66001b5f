//! Who is signed in, for the page frame: a layer looks up the session once per request (the
//! [`CurrentUser`] extractor then reuses it) and keeps the name and CSRF token in a task-local,
//! so every page's header can offer "Sign out" without each handler passing the user down.

use axum::extract::{FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::session::{cookie, SESSION_COOKIE};
use super::CurrentUser;
use crate::AppState;

/// The signed-in person, as the page frame shows them.
#[derive(Clone, Debug)]
pub(crate) struct SignedIn {
    /// Their display name.
    pub name: String,
    /// Their session's CSRF token, for the sign-out form.
    pub csrf: String,
    /// Their roles, so a page can offer the links they may follow.
    pub roles: Vec<goldthread_domain::sharing::RoleGrant>,
}

tokio::task_local! {
    static SIGNED_IN: Option<SignedIn>;
}

/// The person signed in for the request being handled, if any.
pub(crate) fn signed_in() -> Option<SignedIn> {
    SIGNED_IN.try_with(Clone::clone).ok().flatten()
}

/// The layer: resolves a session cookie, if the request has one, before the handler runs.
pub(crate) async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let mut who = None;
    if cookie(&parts.headers, SESSION_COOKIE).is_some() {
        if let Ok(user) = CurrentUser::from_request_parts(&mut parts, &state).await {
            who = user.csrf_token.clone().map(|csrf| SignedIn {
                name: user.account.display_name.clone(),
                csrf,
                roles: user.account.roles.clone(),
            });
        }
    }
    let req = Request::from_parts(parts, body);
    SIGNED_IN.scope(who, next.run(req)).await
}
