//! How sign-in behaves on this instance.

use std::time::Duration;

/// Sign-in settings.
#[derive(Clone, Debug)]
pub struct AuthConfig {
    /// Mark cookies `Secure` (the instance is served over HTTPS).
    pub secure_cookies: bool,
    /// How long a session lasts.
    pub session_lifetime: Duration,
    /// Failed password attempts before the account is locked.
    pub max_failed_attempts: i64,
    /// How long a lockout lasts.
    pub lockout: Duration,
    /// Failed sign-ins from one client address, within [`AuthConfig::rate_limit_window`], after
    /// which further attempts from that address are refused with 429 (on top of each account's
    /// lockout, so one address cannot try password after password across many accounts).
    pub rate_limit_failures: i64,
    /// The window the rate limit counts failures in.
    pub rate_limit_window: Duration,
    /// Take the client address from the last `X-Forwarded-For` entry (set this only when the
    /// instance is reached solely through a reverse proxy that sets that header).
    pub trust_forwarded_for: bool,
    /// OpenID Connect sign-in, when configured.
    pub oidc: Option<OidcConfig>,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            session_lifetime: Duration::from_secs(8 * 3600),
            max_failed_attempts: 5,
            lockout: Duration::from_secs(15 * 60),
            rate_limit_failures: 20,
            rate_limit_window: Duration::from_secs(15 * 60),
            trust_forwarded_for: false,
            oidc: None,
        }
    }
}

impl AuthConfig {
    /// Settings from the environment: `GOLDTHREAD_PUBLIC_URL` (an `https://` address makes
    /// cookies Secure).
    pub fn from_env() -> Self {
        let secure = std::env::var("GOLDTHREAD_PUBLIC_URL")
            .map(|u| u.starts_with("https://"))
            .unwrap_or(false);
        Self {
            secure_cookies: secure,
            ..Self::default()
        }
    }
}

/// Which claim of the provider's identity names the goldthread account (its email address).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OidcClaim {
    /// `email`, accepted only when the provider says it is verified (`email_verified`).
    VerifiedEmail,
    /// `preferred_username` (for example an Entra ID user principal name).
    PreferredUsername,
}

impl OidcClaim {
    /// Parses `email` or `preferred_username`.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim() {
            "email" => Ok(Self::VerifiedEmail),
            "preferred_username" => Ok(Self::PreferredUsername),
            other => Err(format!(
                "unknown OpenID Connect claim {other:?}: use email or preferred_username"
            )),
        }
    }

    /// The claim's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerifiedEmail => "email",
            Self::PreferredUsername => "preferred_username",
        }
    }
}

/// An OpenID Connect provider to sign in with. Accounts are never created at sign-in: the claim
/// must name an existing goldthread account.
#[derive(Clone)]
pub struct OidcConfig {
    /// The issuer URL (its `/.well-known/openid-configuration` is read on first use).
    pub issuer: String,
    /// The client id goldthread is registered under.
    pub client_id: String,
    /// The client secret, if the client has one.
    pub client_secret: Option<String>,
    /// The claim matched to an account's email address.
    pub claim: OidcClaim,
    /// The provider's name on the sign-in button, e.g. "NHS Care Identity Service 2".
    pub label: String,
    /// This instance's public base URL; the redirect URI is `{public_url}/sign-in/oidc/callback`.
    pub public_url: String,
}

impl OidcConfig {
    /// The redirect URI registered with the provider.
    pub fn redirect_uri(&self) -> String {
        format!(
            "{}/sign-in/oidc/callback",
            self.public_url.trim_end_matches('/')
        )
    }
}

/// Never prints the client secret.
impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "(redacted)"),
            )
            .field("claim", &self.claim)
            .field("label", &self.label)
            .field("public_url", &self.public_url)
            .finish()
    }
}
