//! goldthread's persistence: one [`Store`] over two backends, SQLite (the embedded default, one
//! file) and PostgreSQL (production), chosen by the database URL.
//!
//! Queries are written once, in the SQL both backends share, and run through sqlx's `Any`
//! driver; where the dialects differ the code branches on [`Backend`]. Migrations live in
//! `migrations/<backend>/` and are applied when the store is opened. Every import runs in one
//! transaction, so one that fails part-way leaves the database as it was.
//!
//! This crate is the only one that speaks SQL. It stores domain types and hands them back; it
//! makes no decisions about who may see what (that is the server's authorisation function).
#![forbid(unsafe_code)]

mod accounts;
mod adaptations;
mod agreements;
mod audit;
mod audit_query;
mod boards;
mod budgets;
mod cases;
mod datasets;
mod directory;
mod error;
mod geography;
mod indicators;
mod ledger;
mod linkage;
mod organisation_changes;
mod organisations;
mod outcomes;
mod outcomes_history;
mod programme_measures;
mod programmes;
mod sign_in;
mod systems;

use std::str::FromStr;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::AnyPool;

pub use accounts::{Account, Credentials, NewAccount};
pub use adaptations::StoredDfg;
pub use audit::{AuditFilter, AuditWriterStats};
pub use audit_query::AuditScope;
pub use cases::{
    CaseHistory, CaseRecord, CaseReferral, CaseSummary, DashboardRow, NewCase, Recorded,
    StoredEvent, WorklistPage,
};
pub use datasets::{Cohort, Dataset, PseudonymisedRow, RowEncodings, StoredEncodings};
pub use directory::{DirectorySnapshot, PossibleDuplicate, ServiceHits, ServiceQuery};
pub use error::StoreError;
pub use indicators::IndicatorImportSummary;
pub use ledger::{Budget, LedgerCheck, LedgerTransaction, PaymentRequest};
pub use linkage::{LinkageJob, LinkedRowPair};
pub use organisation_changes::{
    ApplyRefusal, Attribution, OrganisationChange, PendingUpload, StoredFieldChange,
};
pub use organisations::OrganisationRecord;
pub use outcomes_history::FrameworkChange;
pub use programme_measures::MeasuresRefresh;
pub use sign_in::OidcFlow;

/// Which database engine a store runs on.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Backend {
    /// SQLite: one file, embedded.
    Sqlite,
    /// PostgreSQL: a server.
    Postgres,
}

impl Backend {
    /// The backend a database URL names: `sqlite://FILE` or `postgres://...`.
    pub fn of_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(redact_url(url)))
        }
    }
}

/// goldthread's database.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    audit: std::sync::Arc<audit::writer::AuditWriter>,
    /// Directory writes committed through this store (and its clones) since it was opened.
    directory_writes: Arc<AtomicU64>,
    /// Programme definitions read recently (see `programmes.rs`).
    programme_cache: programmes::ProgrammeCache,
}

impl Store {
    /// Opens (creating if needed, for SQLite) the database at `url` and applies any pending
    /// migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(url, None).await
    }

    /// Like [`Store::connect`], with a maximum number of pooled connections.
    pub async fn connect_with(url: &str, max_connections: Option<u32>) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url)?;
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") && !url.contains(":memory:") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)
            .map_err(|e| StoreError::Connect(redact_url(&url), e.to_string()))?;
        let default_max = match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 32,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections.unwrap_or(default_max))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Connect(redact_url(&url), e.to_string()))?;
        if backend == Backend::Sqlite {
            // WAL lets readers carry on while a writer commits; it is a property of the file.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        let store = Self {
            pool,
            backend,
            audit: Default::default(),
            directory_writes: Arc::new(AtomicU64::new(0)),
            programme_cache: programmes::ProgrammeCache::default(),
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// The backend this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every pooled connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A database URL with any password replaced, safe to print.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The current time as RFC 3339 text in UTC, the form every timestamp is stored in.
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_appear_in_printed_urls() {
        assert_eq!(
            redact_url("postgres://gt:s3cret@db.internal:5432/gt"),
            "postgres://gt:***@db.internal:5432/gt"
        );
        assert_eq!(
            redact_url("sqlite://goldthread.db"),
            "sqlite://goldthread.db"
        );
    }

    #[test]
    fn backends_are_chosen_by_scheme() {
        assert_eq!(Backend::of_url("sqlite://x.db").unwrap(), Backend::Sqlite);
        assert_eq!(
            Backend::of_url("postgresql://h/db").unwrap(),
            Backend::Postgres
        );
        assert!(Backend::of_url("mysql://h/db").is_err());
    }
}

#[cfg(feature = "testing")]
pub mod testing;
