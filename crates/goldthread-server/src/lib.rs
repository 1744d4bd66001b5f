//! goldthread's HTTP server: the JSON API, and the web pages people use, over the store.
//!
//! Handlers are thin: they parse input into domain types, ask the store or a pure engine, and
//! render. Errors leave as JSON `{"error": {"code", "message"}}` with the right status; a panic in
//! a handler becomes a 500 of the same shape, never a dropped connection.
//!
//! This crate is the only one that speaks HTTP. It does not write SQL.
#![forbid(unsafe_code)]

mod api;
pub mod auth;
mod cases;
mod error;
mod fhir;
mod input_guard;
mod map;
mod outcomes;
mod pages;
pub mod sharing;

use std::future::Future;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use goldthread_domain::geography::ReferenceGeography;
use goldthread_store::Store;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use error::ApiError;
pub use outcomes::{board_report_pdf, ReportError};

/// What every handler can reach: the store and the reference geography read from it.
#[derive(Clone)]
pub struct AppState {
    store: Store,
    geography: Arc<RwLock<Option<Arc<ReferenceGeography>>>>,
    auth: Arc<auth::AuthConfig>,
    directory: Arc<map::LiveDirectory>,
    oidc: Arc<auth::OidcCache>,
}

impl AppState {
    /// State over a store, reading its reference geography once.
    pub async fn load(store: Store) -> Result<Self, goldthread_store::StoreError> {
        let geo = store.reference_geography().await?.map(Arc::new);
        let directory = Arc::new(map::LiveDirectory::load(&store).await?);
        Ok(Self {
            store,
            geography: Arc::new(RwLock::new(geo)),
            auth: Arc::new(auth::AuthConfig::from_env()),
            directory,
            oidc: Arc::default(),
        })
    }

    /// The same state, reading the database's directory version (to see other processes'
    /// writes) at most once per `every` instead of once a second.
    pub fn with_directory_recheck(self, every: Duration) -> Self {
        self.directory.set_recheck(every);
        self
    }

    /// The same state with other sign-in settings.
    pub fn with_auth(mut self, config: auth::AuthConfig) -> Self {
        self.auth = Arc::new(config);
        self.oidc = Arc::default();
        self
    }

    /// The OpenID Connect provider's metadata, kept between requests.
    pub(crate) fn oidc_cache(&self) -> &auth::OidcCache {
        &self.oidc
    }

    /// The sign-in settings.
    pub fn auth(&self) -> &auth::AuthConfig {
        &self.auth
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Reads the reference geography from the store again (after an import).
    pub async fn reload_geography(&self) -> Result<(), goldthread_store::StoreError> {
        let geo = self.store.reference_geography().await?.map(Arc::new);
        *self.geography.write().unwrap_or_else(|e| e.into_inner()) = geo;
        Ok(())
    }

    /// The reference geography, or an error saying none is loaded.
    pub(crate) fn geography(&self) -> Result<Arc<ReferenceGeography>, ApiError> {
        self.geography
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or_else(ApiError::no_geography)
    }
}

/// The whole application: API, pages, and the layers every request passes through.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .merge(map::routes())
        .merge(outcomes::routes())
        .merge(auth::routes())
        .merge(sharing::routes())
        .merge(cases::routes())
        .merge(fhir::routes())
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::signed_in_layer,
        ))
        .layer(axum::middleware::from_fn(input_guard::refuse_nul))
        .with_state(state)
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::GATEWAY_TIMEOUT,
            Duration::from_secs(30),
        ))
        // Spans name the path only: a query string can carry search text or a sign-in's
        // one-time code and state, which do not belong in logs.
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                tracing::debug_span!("request", method = %req.method(), path = %req.uri().path())
            }),
        )
}

/// Serves the application on `listener` until `shutdown` completes, then lets requests in
/// flight finish. Handlers can see each connection's peer address (for the sign-in rate limit).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
