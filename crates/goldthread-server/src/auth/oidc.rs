//! OpenID Connect sign-in: the authorisation code flow with PKCE, state and nonce.
//!
//! `GET /sign-in/oidc` stores a pending flow (by the hash of its state, with the nonce and the
//! PKCE verifier; single use, expiring after ten minutes), puts the state in a cookie bound to
//! this browser, and sends the browser to the provider. `GET /sign-in/oidc/callback` takes the
//! flow (deleting it), checks the state against the cookie, exchanges the code with the PKCE
//! verifier, verifies the ID token (signature, issuer, audience, expiry, nonce), and reads the
//! configured claim from the ID token or, when the provider keeps it for the user info endpoint,
//! from there (whose subject must be the ID token's). The claim must name an existing account:
//! nobody is created at sign-in. The first sign-in links the account to the provider's subject;
//! afterwards only that subject signs in to it. Every success and failure is audited.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_domain::audit::AuditRecord;
use goldthread_domain::sharing::AccountId;
use goldthread_store::OidcFlow;
use openidconnect::core::{
    CoreClient, CoreIdTokenClaims, CoreProviderMetadata, CoreResponseType, CoreUserInfoClaims,
};
use openidconnect::{
    reqwest, AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl,
    Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
};
use serde::Deserialize;
use tokio::sync::RwLock;

use super::config::{OidcClaim, OidcConfig};
use super::pages::{from_now, safe_next, sign_in_refused, start_session, ClientAddress};
use super::session::{same_secret, set_cookie, token_hash, PRE_SESSION_CSRF_COOKIE};
use crate::{ApiError, AppState};

/// The cookie binding a flow to the browser that started it.
const STATE_COOKIE: &str = "gt_oidc_state";
/// How long a flow may take, from the sign-in button to the provider sending the browser back.
const FLOW_LIFETIME: Duration = Duration::from_secs(600);
/// How long the provider's metadata and signing keys are kept before being read again.
const METADATA_LIFETIME: Duration = Duration::from_secs(3600);

/// The provider's discovery document and keys, read on first use and then kept for an hour.
#[derive(Default)]
pub struct OidcCache {
    http: OnceLock<reqwest::Client>,
    metadata: RwLock<Option<(Instant, CoreProviderMetadata)>>,
}

impl OidcCache {
    /// The HTTP client for the provider: no redirects followed (a redirect from a token or
    /// discovery endpoint is never expected, and following one invites request forgery).
    fn http(&self) -> Result<&reqwest::Client, ApiError> {
        if let Some(c) = self.http.get() {
            return Ok(c);
        }
        let c = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| {
                tracing::error!(error = %e, "cannot build the OpenID Connect HTTP client");
                unavailable()
            })?;
        Ok(self.http.get_or_init(|| c))
    }

    async fn metadata(&self, config: &OidcConfig) -> Result<CoreProviderMetadata, ApiError> {
        if let Some((at, m)) = self.metadata.read().await.as_ref() {
            if at.elapsed() < METADATA_LIFETIME {
                return Ok(m.clone());
            }
        }
        let issuer = IssuerUrl::new(config.issuer.clone()).map_err(|e| {
            tracing::error!(error = %e, "the OpenID Connect issuer is not a URL");
            unavailable()
        })?;
        let m = CoreProviderMetadata::discover_async(issuer, self.http()?)
            .await
            .map_err(|e| {
                tracing::error!(error = %e, issuer = %config.issuer, "OpenID Connect discovery failed");
                unavailable()
            })?;
        *self.metadata.write().await = Some((Instant::now(), m.clone()));
        Ok(m)
    }
}

fn unavailable() -> ApiError {
    ApiError {
        status: StatusCode::BAD_GATEWAY,
        code: "sign_in_provider_unavailable",
        message: "the sign-in service cannot be reached just now: try again shortly, or sign in \
                  with your email address and password"
            .into(),
    }
}

fn config(state: &AppState) -> Result<&OidcConfig, ApiError> {
    state.auth().oidc.as_ref().ok_or_else(|| {
        ApiError::not_found(
            "oidc_not_configured",
            "this instance does not offer OpenID Connect sign-in",
        )
    })
}

#[derive(Deserialize)]
pub(super) struct Start {
    next: Option<String>,
}

/// `GET /sign-in/oidc`: starts a flow and sends the browser to the provider.
pub(super) async fn start(
    State(state): State<AppState>,
    Query(q): Query<Start>,
) -> Result<Response, ApiError> {
    let config = config(&state)?;
    let metadata = state.oidc_cache().metadata(config).await?;
    let redirect = RedirectUrl::new(config.redirect_uri()).map_err(|e| {
        tracing::error!(error = %e, "the public URL does not make a redirect URI");
        unavailable()
    })?;
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(config.client_id.clone()),
        config.client_secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(redirect);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf_state, nonce) = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    state
        .store()
        .create_oidc_flow(
            &token_hash(csrf_state.secret()),
            &OidcFlow {
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
                next_path: safe_next(q.next.as_deref()),
                expires_at: from_now(FLOW_LIFETIME),
            },
        )
        .await?;
    let mut out = HeaderMap::new();
    set_cookie(
        &mut out,
        STATE_COOKIE,
        csrf_state.secret(),
        FLOW_LIFETIME.as_secs() as i64,
        state.auth().secure_cookies,
    );
    Ok((out, Redirect::to(url.as_str())).into_response())
}

#[derive(Deserialize)]
pub(super) struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Why a callback was refused: the audit detail, the status, and what the person is told.
struct Refusal {
    reason: &'static str,
    status: StatusCode,
    message: String,
    actor: Option<String>,
}

fn refusal(reason: &'static str, status: StatusCode, message: impl Into<String>) -> Refusal {
    Refusal {
        reason,
        status,
        message: message.into(),
        actor: None,
    }
}

const START_AGAIN: &str = "Start again from the sign-in page.";

/// `GET /sign-in/oidc/callback`: where the provider sends the browser back.
pub(super) async fn callback(
    State(state): State<AppState>,
    client_address: ClientAddress,
    headers: HeaderMap,
    Query(q): Query<Callback>,
) -> Result<Response, ApiError> {
    let config = config(&state)?;
    if let Some(limited) = super::pages::rate_limited(&state, &client_address).await? {
        return Ok(limited);
    }
    let mut out = HeaderMap::new();
    // The state cookie is spent whatever happens next.
    set_cookie(&mut out, STATE_COOKIE, "", 0, state.auth().secure_cookies);
    match complete(&state, config, &headers, &q).await? {
        Ok((account, next)) => {
            record(&state, &account.to_string(), "sign_in.oidc", "allowed", "").await?;
            state.store().record_sign_in(account).await?;
            start_session(&state, account, &mut out).await?;
            set_cookie(
                &mut out,
                PRE_SESSION_CSRF_COOKIE,
                "",
                0,
                state.auth().secure_cookies,
            );
            Ok((out, Redirect::to(&next)).into_response())
        }
        Err(r) => {
            tracing::info!(reason = r.reason, "OpenID Connect sign-in refused");
            let actor = r.actor.unwrap_or_else(|| "anonymous".to_owned());
            record(&state, &actor, "sign_in.oidc.failed", "denied", r.reason).await?;
            super::pages::count_failure(&state, &client_address).await?;
            Ok(sign_in_refused(
                &state, &headers, out, "/", &r.message, r.status,
            ))
        }
    }
}

/// Checks everything the provider sent back; the account and the path to go to, or why not.
async fn complete(
    state: &AppState,
    config: &OidcConfig,
    headers: &HeaderMap,
    q: &Callback,
) -> Result<Result<(AccountId, String), Refusal>, ApiError> {
    let bad = StatusCode::BAD_REQUEST;
    let Some(sent_state) = q.state.as_deref().filter(|s| !s.is_empty()) else {
        return Ok(Err(refusal(
            "state_missing",
            bad,
            format!("The sign-in service sent no state. {START_AGAIN}"),
        )));
    };
    // Taking the flow first spends it, even if something below is wrong.
    let flow = state
        .store()
        .take_oidc_flow(&token_hash(sent_state))
        .await?;
    let Some(flow) = flow else {
        return Ok(Err(refusal(
            "state_unknown",
            bad,
            format!("This sign-in is not known, or has been used already. {START_AGAIN}"),
        )));
    };
    let cookie = super::session::cookie(headers, STATE_COOKIE).unwrap_or_default();
    if cookie.is_empty() || !same_secret(&cookie, sent_state) {
        return Ok(Err(refusal(
            "state_mismatch",
            bad,
            format!("This sign-in was not started in this browser. {START_AGAIN}"),
        )));
    }
    let expired = chrono::DateTime::parse_from_rfc3339(&flow.expires_at)
        .map_or(true, |t| t < chrono::Utc::now());
    if expired {
        return Ok(Err(refusal(
            "flow_expired",
            bad,
            format!("This sign-in took too long. {START_AGAIN}"),
        )));
    }
    if let Some(e) = &q.error {
        let e: String = e.chars().take(64).collect();
        return Ok(Err(refusal(
            "provider_error",
            StatusCode::UNAUTHORIZED,
            format!("The sign-in service did not sign you in ({e}). {START_AGAIN}"),
        )));
    }
    let Some(code) = q.code.as_deref().filter(|c| !c.is_empty()) else {
        return Ok(Err(refusal(
            "code_missing",
            bad,
            format!("The sign-in service sent no code. {START_AGAIN}"),
        )));
    };
    let cache = state.oidc_cache();
    let metadata = cache.metadata(config).await?;
    let redirect = RedirectUrl::new(config.redirect_uri()).map_err(|_| unavailable())?;
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(config.client_id.clone()),
        config.client_secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(redirect);
    let not_accepted = |reason| {
        refusal(
            reason,
            StatusCode::UNAUTHORIZED,
            format!("The sign-in service's answer was not accepted. {START_AGAIN}"),
        )
    };
    let request = match client.exchange_code(AuthorizationCode::new(code.to_owned())) {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "the provider has no token endpoint");
            return Err(unavailable());
        }
    };
    let token = match request
        .set_pkce_verifier(PkceCodeVerifier::new(flow.pkce_verifier.clone()))
        .request_async(cache.http()?)
        .await
    {
        Ok(t) => t,
        Err(e) => {
            tracing::info!(error = %e, "the provider refused the code exchange");
            return Ok(Err(not_accepted("code_refused")));
        }
    };
    let Some(id_token) = openidconnect::TokenResponse::id_token(&token) else {
        return Ok(Err(not_accepted("id_token_missing")));
    };
    let verifier = client.id_token_verifier();
    let claims: &CoreIdTokenClaims = match id_token.claims(&verifier, &Nonce::new(flow.nonce)) {
        Ok(c) => c,
        Err(e) => {
            tracing::info!(error = %e, "the ID token failed verification");
            return Ok(Err(not_accepted("id_token_invalid")));
        }
    };
    let subject = claims.subject().clone();
    let from_token = claim_value(
        config.claim,
        claims.email().map(|e| e.as_str()),
        claims.email_verified(),
        claims.preferred_username().map(|u| u.as_str()),
    );
    let value = match from_token {
        Some(v) => Some(v),
        None => match client.user_info(token.access_token().clone(), Some(subject.clone())) {
            Ok(req) => {
                let info: Result<CoreUserInfoClaims, _> = req.request_async(cache.http()?).await;
                match info {
                    Ok(info) => claim_value(
                        config.claim,
                        info.email().map(|e| e.as_str()),
                        info.email_verified(),
                        info.preferred_username().map(|u| u.as_str()),
                    ),
                    Err(e) => {
                        tracing::info!(error = %e, "the user info request failed");
                        return Ok(Err(not_accepted("userinfo_refused")));
                    }
                }
            }
            Err(_) => None,
        },
    };
    let Some(value) = value else {
        let what = match config.claim {
            OidcClaim::VerifiedEmail => "a verified email address",
            OidcClaim::PreferredUsername => "a user name",
        };
        return Ok(Err(refusal(
            "claim_missing",
            StatusCode::UNAUTHORIZED,
            format!("The sign-in service did not give {what} for you, so no goldthread account can be matched. Ask your system administrator."),
        )));
    };
    let no_account = || {
        refusal(
            "no_account",
            StatusCode::UNAUTHORIZED,
            "You signed in with the sign-in service, but there is no goldthread account for you. \
             Ask your system administrator for one.",
        )
    };
    let store = state.store();
    let Some(creds) = store.credentials(&value).await? else {
        return Ok(Err(no_account()));
    };
    let account = creds.account.id;
    let with_actor = |mut r: Refusal| {
        r.actor = Some(account.to_string());
        r
    };
    let locked = creds
        .locked_until
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .is_some_and(|t| t > chrono::Utc::now());
    if locked {
        return Ok(Err(with_actor(refusal(
            "account_locked",
            StatusCode::UNAUTHORIZED,
            "This account is locked after too many failed attempts. Try again in 15 minutes, or ask your system administrator.",
        ))));
    }
    let issuer = config.issuer.as_str();
    // The provider identity may already belong to another account (its email changed), or this
    // account may be linked to another identity (the email was given to someone else).
    if let Some(other) = store.account_by_oidc(issuer, subject.as_str()).await? {
        if other.id != account {
            return Ok(Err(with_actor(refusal(
                "identity_linked_elsewhere",
                StatusCode::UNAUTHORIZED,
                "Your sign-in service identity is linked to a different goldthread account. Ask your system administrator.",
            ))));
        }
    }
    match store.oidc_identity(account).await? {
        Some((i, s)) if i == issuer && s != subject.as_str() => {
            return Ok(Err(with_actor(refusal(
                "subject_mismatch",
                StatusCode::UNAUTHORIZED,
                "This goldthread account is linked to a different sign-in service identity. Ask your system administrator.",
            ))));
        }
        Some((i, _)) if i == issuer => {}
        _ => store.link_oidc(account, issuer, subject.as_str()).await?,
    }
    Ok(Ok((account, flow.next_path)))
}

/// The configured claim's value, if present (and, for email, verified).
fn claim_value(
    claim: OidcClaim,
    email: Option<&str>,
    email_verified: Option<bool>,
    preferred_username: Option<&str>,
) -> Option<String> {
    let v = match claim {
        OidcClaim::VerifiedEmail => email.filter(|_| email_verified == Some(true)),
        OidcClaim::PreferredUsername => preferred_username,
    };
    v.map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_lowercase)
}

async fn record(
    state: &AppState,
    actor: &str,
    action: &str,
    outcome: &str,
    detail: &str,
) -> Result<(), ApiError> {
    state
        .store()
        .append_audit(AuditRecord {
            actor: actor.to_owned(),
            action: action.to_owned(),
            outcome: outcome.to_owned(),
            subject: format!("account/{actor}"),
            detail: detail.to_owned(),
            ..AuditRecord::default()
        })
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_counts_only_when_verified() {
        let c = OidcClaim::VerifiedEmail;
        assert_eq!(
            claim_value(c, Some("A@x.org"), Some(true), None),
            Some("a@x.org".into())
        );
        assert_eq!(claim_value(c, Some("a@x.org"), Some(false), None), None);
        assert_eq!(claim_value(c, Some("a@x.org"), None, None), None);
        assert_eq!(claim_value(c, None, Some(true), Some("a@x.org")), None);
    }

    #[test]
    fn a_preferred_username_is_taken_as_given() {
        let c = OidcClaim::PreferredUsername;
        assert_eq!(
            claim_value(c, None, None, Some(" B@x.org ")),
            Some("b@x.org".into())
        );
        assert_eq!(claim_value(c, Some("a@x.org"), Some(true), None), None);
        assert_eq!(claim_value(c, None, None, Some("  ")), None);
    }
}
