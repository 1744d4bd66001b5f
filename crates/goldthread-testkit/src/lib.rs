//! Test support shared by goldthread's integration tests: a real server on a random port over a
//! fresh database (SQLite or PostgreSQL), optionally with the demo ICS installed, and a client.
//!
//! Not part of the product; only a dev-dependency.

use std::future::Future;

use goldthread_server::auth::AuthConfig;
use goldthread_server::AppState;
use goldthread_store::testing::TestDatabase;
use goldthread_store::{Backend, Store};
use serde_json::Value;

pub use goldthread_store::testing;

pub mod browser;

/// A running server over its own database.
pub struct TestApp {
    /// Base URL, e.g. `http://127.0.0.1:40123`.
    pub base: String,
    /// A client with a cookie store, for sessions.
    pub client: reqwest::Client,
    /// The server's store, for arranging data and checking what was written.
    pub store: Store,
    /// The database's URL, for commands run against the same database.
    pub database_url: String,
    _db: TestDatabase,
}

impl TestApp {
    /// A server over an empty database.
    pub async fn empty(backend: Backend) -> Self {
        Self::spawn(backend, false).await
    }

    /// A server over a database holding the whole demo ICS.
    pub async fn with_demo(backend: Backend) -> Self {
        Self::spawn(backend, true).await
    }

    /// A server over a database holding the demo, with sign-in settings made from the server's
    /// base URL (known only once it listens, e.g. for an OpenID Connect redirect URI).
    pub async fn with_demo_and_auth<F, Fut>(backend: Backend, auth: F) -> Self
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = AuthConfig>,
    {
        Self::spawn_with(backend, true, Some(auth)).await
    }

    async fn spawn(backend: Backend, demo: bool) -> Self {
        Self::spawn_with(
            backend,
            demo,
            None::<fn(String) -> std::future::Ready<AuthConfig>>,
        )
        .await
    }

    async fn spawn_with<F, Fut>(backend: Backend, demo: bool, auth: Option<F>) -> Self
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = AuthConfig>,
    {
        let db = TestDatabase::new(backend).await;
        if demo {
            goldthread_demo::install(&db.store)
                .await
                .expect("install the demo");
        }
        let mut state = AppState::load(db.store.clone()).await.expect("load state");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        if let Some(auth) = auth {
            state = state.with_auth(auth(base.clone()).await);
        }
        tokio::spawn(goldthread_server::serve(
            listener,
            state,
            std::future::pending(),
        ));
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self {
            base,
            client,
            store: db.store.clone(),
            database_url: db.url.clone(),
            _db: db,
        }
    }

    /// The absolute URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// GETs a path and returns the status and the body parsed as JSON (`Null` if it is not).
    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let r = self
            .client
            .get(self.url(path))
            .send()
            .await
            .expect("request");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// GETs a path and returns the status and the body as text.
    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let r = self
            .client
            .get(self.url(path))
            .send()
            .await
            .expect("request");
        let status = r.status().as_u16();
        (status, r.text().await.unwrap_or_default())
    }
}

/// Generates one `#[tokio::test]` per backend for each listed async test function taking a
/// [`Backend`]: `sqlite::NAME` and `postgres::NAME`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::testing_backend::Sqlite).await }
        )* }
        mod postgres { $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::testing_backend::Postgres).await }
        )* }
    };
}

/// The backends, re-exported for [`on_both_backends!`].
pub use goldthread_store::Backend as testing_backend;
