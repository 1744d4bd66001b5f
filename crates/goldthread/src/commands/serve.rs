//! `goldthread serve`: run the web server.

use std::net::SocketAddr;

use anyhow::Context;
use clap::Args;
use goldthread_server::auth::{AuthConfig, OidcClaim, OidcConfig};
use goldthread_server::AppState;
use goldthread_store::{redact_url, Store};

use super::DEFAULT_DATABASE;

/// Arguments of `goldthread serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "GOLDTHREAD_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Database URL: sqlite://FILE (created if missing) or postgres://USER@HOST/DB.
    #[arg(long, env = "GOLDTHREAD_DATABASE", default_value = DEFAULT_DATABASE)]
    database: String,
    /// Do not load the demo ICS into an empty database.
    #[arg(long)]
    no_demo: bool,
    /// Run as production: never load the demo, and refuse to start while demo accounts or demo
    /// secrets exist. Implied by a PostgreSQL database.
    #[arg(long, env = "GOLDTHREAD_PRODUCTION")]
    production: bool,
    /// This instance's public base URL, e.g. `https://goldthread.example.org` (an https:// URL
    /// makes cookies Secure; the OpenID Connect redirect URI is URL/sign-in/oidc/callback).
    #[arg(long, env = "GOLDTHREAD_PUBLIC_URL")]
    public_url: Option<String>,
    /// OpenID Connect issuer URL; enables "Sign in with ..." beside the password form.
    #[arg(long, env = "GOLDTHREAD_OIDC_ISSUER", requires_all = ["oidc_client_id", "public_url"])]
    oidc_issuer: Option<String>,
    /// The client id goldthread is registered under at the OpenID Connect provider.
    #[arg(long, env = "GOLDTHREAD_OIDC_CLIENT_ID")]
    oidc_client_id: Option<String>,
    /// The client secret (prefer the environment variable to the flag).
    #[arg(long, env = "GOLDTHREAD_OIDC_CLIENT_SECRET", hide_env_values = true)]
    oidc_client_secret: Option<String>,
    /// The claim that names the goldthread account: email (verified only) or preferred_username.
    #[arg(long, env = "GOLDTHREAD_OIDC_CLAIM", default_value = "email")]
    oidc_claim: String,
    /// The provider's name on the sign-in button.
    #[arg(
        long,
        env = "GOLDTHREAD_OIDC_LABEL",
        default_value = "your organisation's sign-in"
    )]
    oidc_label: String,
    /// Take the client address for the sign-in rate limit from X-Forwarded-For: set only when
    /// every request comes through a reverse proxy that sets it.
    #[arg(long, env = "GOLDTHREAD_TRUST_PROXY")]
    trust_proxy: bool,
}

impl ServeArgs {
    fn auth(&self) -> anyhow::Result<AuthConfig> {
        let oidc = match &self.oidc_issuer {
            None => None,
            Some(issuer) => Some(OidcConfig {
                issuer: issuer.clone(),
                client_id: self.oidc_client_id.clone().unwrap_or_default(),
                client_secret: self.oidc_client_secret.clone(),
                claim: OidcClaim::parse(&self.oidc_claim).map_err(anyhow::Error::msg)?,
                label: self.oidc_label.clone(),
                public_url: self.public_url.clone().unwrap_or_default(),
            }),
        };
        Ok(AuthConfig {
            secure_cookies: self
                .public_url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://")),
            trust_forwarded_for: self.trust_proxy,
            oidc,
            ..AuthConfig::default()
        })
    }
}

/// Runs `goldthread serve` until SIGINT or SIGTERM.
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    super::runtime()?.block_on(async {
        let store = Store::connect(&args.database)
            .await
            .with_context(|| format!("opening {}", redact_url(&args.database)))?;
        let production = args.production || args.database.starts_with("postgres");
        if production {
            let problems = goldthread_server::sharing::production_problems(&store).await?;
            if !problems.is_empty() {
                anyhow::bail!(
                    "refusing a production start: {}; remove them (or run the embedded demo without --production)",
                    problems.join("; ")
                );
            }
        }
        if store.reference_geography().await?.is_none() && !args.no_demo && !production {
            tracing::info!("empty database: loading the demo ICS");
            goldthread_demo::install(&store).await?;
        }
        let state = AppState::load(store.clone()).await?.with_auth(args.auth()?);
        tokio::spawn(goldthread_server::sharing::retention_schedule(
            store.clone(),
            std::time::Duration::from_secs(3600),
        ));
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("listening on {}", args.addr))?;
        let addr = listener.local_addr()?;
        println!(
            "goldthread is serving http://{addr}/ (database {})",
            redact_url(&args.database)
        );
        tracing::info!(%addr, "listening");
        goldthread_server::serve(listener, state, shutdown_signal()).await?;
        store.close().await;
        tracing::info!("stopped");
        Ok(())
    })
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("SIGINT: shutting down"),
        () = term => tracing::info!("SIGTERM: shutting down"),
    }
}
