//! Fresh databases for tests: a SQLite file in a temporary directory, or a new database on the
//! PostgreSQL server named by `GOLDTHREAD_TEST_POSTGRES_URL` (which `scripts/test.sh` starts).
//!
//! Only built with the `testing` feature.

use crate::{Backend, Store};

/// The environment variable holding the URL of a PostgreSQL server tests may create databases on.
pub const POSTGRES_URL_VAR: &str = "GOLDTHREAD_TEST_POSTGRES_URL";

/// A database created for one test; the SQLite file is removed when this is dropped.
pub struct TestDatabase {
    /// The store, migrated and empty.
    pub store: Store,
    /// Its URL, for starting a server or a command on the same database.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    /// A fresh database on the given backend.
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Self::sqlite().await,
            Backend::Postgres => Self::postgres().await,
        }
    }

    /// A fresh SQLite database in a temporary directory.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("goldthread.db").display());
        let store = Store::connect(&url)
            .await
            .expect("open SQLite test database");
        Self {
            store,
            url,
            _dir: Some(dir),
        }
    }

    /// A fresh database on the test PostgreSQL server.
    ///
    /// Panics when `GOLDTHREAD_TEST_POSTGRES_URL` is not set: the PostgreSQL suite is part of the
    /// test run, not optional. `scripts/test.sh` starts a server and sets it.
    pub async fn postgres() -> Self {
        let admin = std::env::var(POSTGRES_URL_VAR).unwrap_or_else(|_| {
            panic!(
                "{POSTGRES_URL_VAR} is not set: run the tests with scripts/test.sh, which starts \
                 a private PostgreSQL server, or point it at a server where databases may be created"
            )
        });
        let name = format!("gt_test_{}", uuid::Uuid::new_v4().simple());
        let admin_store = Store::connect_with(&admin, Some(1))
            .await
            .expect("reach test PostgreSQL");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin_store.pool)
            .await
            .expect("create test database");
        admin_store.close().await;
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        let url = format!("{base}/{name}");
        let store = Store::connect(&url)
            .await
            .expect("open PostgreSQL test database");
        Self {
            store,
            url,
            _dir: None,
        }
    }
}

/// Generates one `#[tokio::test]` per backend for each listed async test function taking a
/// [`Store`]: `sqlite::NAME` and `postgres::NAME`.
#[macro_export]
macro_rules! test_on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::testing::TestDatabase::new($crate::Backend::Sqlite).await;
                    super::$name(db.store.clone()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::testing::TestDatabase::new($crate::Backend::Postgres).await;
                    super::$name(db.store.clone()).await;
                }
            )*
        }
    };
}
