//! `goldthread serve`: run the web server.

use std::net::SocketAddr;

use anyhow::Context;
use clap::Args;
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
        let state = AppState::load(store.clone()).await?;
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
