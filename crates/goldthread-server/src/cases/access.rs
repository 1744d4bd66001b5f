//! The single seam between the case routes and sign-in: every route serving person-level data
//! (case pages, worklists, payments, the FHIR endpoint) takes a [`Caller`], built from the auth
//! module's [`CurrentUser`], and every read or change of a case passes [`authorise_case`], a
//! thin caller of the one authorisation function (`auth::authorise`) with a direct-care case
//! resource: a case worker in the organisation working the case, one audit event either way.

use std::fmt;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::sharing::{Purpose, Resource, Role};

use crate::auth::{authorise, CurrentUser, Intent, ReadCounts};
use crate::{ApiError, AppState};

/// The person making a request to a case route.
#[derive(Clone, Debug)]
pub(crate) struct Caller {
    /// How they are named in case logs and the ledger.
    pub actor: String,
    /// The signed-in user (for the audit trail and the forms' CSRF field).
    pub user: CurrentUser,
}

/// Why a case route refused a request before reaching the case.
pub(crate) enum Denied {
    /// No session or token: the auth module's own answer (401 JSON, or a redirect to sign in).
    NotSignedIn(Response),
    /// Another failure while resolving the user (the auth module's answer).
    Failed(Response),
}

impl fmt::Debug for Denied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Denied::NotSignedIn(_) => "NotSignedIn",
            Denied::Failed(_) => "Failed",
        })
    }
}

impl From<CurrentUser> for Caller {
    fn from(user: CurrentUser) -> Self {
        Self {
            actor: user.account.display_name.clone(),
            user,
        }
    }
}

impl Caller {
    /// The organisations in which they are a case worker.
    pub fn teams(&self) -> Vec<OrganisationId> {
        let mut t = self.user.organisations_with(Role::CaseWorker);
        t.sort();
        t.dedup();
        t
    }

    /// Whether they are a case worker in this organisation (for choices offered on forms;
    /// reads still go through `authorise`).
    pub fn works_in(&self, team: OrganisationId) -> bool {
        self.user.holds(Role::CaseWorker, team)
    }

    /// Ok when they are a case worker anywhere, otherwise a 403.
    pub fn require_case_worker(&self) -> Result<Vec<OrganisationId>, ApiError> {
        self.user.require_any(Role::CaseWorker)
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Denied;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Denied> {
        match CurrentUser::from_request_parts(parts, state).await {
            Ok(user) => Ok(user.into()),
            Err(r) if r.status() == StatusCode::UNAUTHORIZED || r.status().is_redirection() => {
                Err(Denied::NotSignedIn(r))
            }
            Err(r) => Err(Denied::Failed(r)),
        }
    }
}

impl IntoResponse for Denied {
    fn into_response(self) -> Response {
        match self {
            Denied::NotSignedIn(r) | Denied::Failed(r) => r,
        }
    }
}

/// The one check on a case: the caller must be a case worker in the organisation working it
/// (or, for a new referral, in the referring or the receiving organisation). Decided by
/// `auth::authorise`, which records one audit event either way.
pub(crate) async fn authorise_case(
    state: &AppState,
    caller: &Caller,
    resources: Vec<Resource>,
    action: &'static str,
    subject: String,
) -> Result<(), ApiError> {
    let intent = Intent {
        action,
        subject,
        resources,
        purpose: Purpose::DirectCare,
        fields: Vec::new(),
        identifiable: true,
    };
    authorise(state, &caller.user, intent, async |_| {
        Ok((
            (),
            ReadCounts {
                returned: 1,
                opted_out: 0,
            },
        ))
    })
    .await
}

/// The resource for a case worked by `team`.
pub(crate) fn case_of(team: OrganisationId) -> Resource {
    Resource::Case {
        team,
        referrer: None,
    }
}
