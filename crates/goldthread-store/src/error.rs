//! What can go wrong in the store.

/// An error from the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names a database goldthread does not support.
    #[error("unsupported database URL {0:?}: use sqlite://FILE or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    /// The database could not be reached or opened.
    #[error("cannot open the database at {0}: {1}")]
    Connect(String, String),
    /// A query failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migrating the database failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored row no longer parses into its domain type (edited by hand, or a bug).
    #[error("stored data is invalid in {table} ({key}): {reason}")]
    Corrupt {
        /// Table.
        table: &'static str,
        /// Row key.
        key: String,
        /// What is wrong.
        reason: String,
    },
    /// An audit event could not be committed, so the action it records must not go ahead.
    #[error("{0}")]
    Audit(String),
    /// A write would break a rule the store keeps.
    #[error("{0}")]
    Conflict(String),
}

impl StoreError {
    pub(crate) fn corrupt(
        table: &'static str,
        key: impl Into<String>,
        reason: impl ToString,
    ) -> Self {
        Self::Corrupt {
            table,
            key: key.into(),
            reason: reason.to_string(),
        }
    }
}
