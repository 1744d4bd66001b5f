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
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            session_lifetime: Duration::from_secs(8 * 3600),
            max_failed_attempts: 5,
            lockout: Duration::from_secs(15 * 60),
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
