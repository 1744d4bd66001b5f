//! Keeps the in-memory directory index current. Writes through this server's own store are seen
//! at once (the store counts them); writes by anyone else (another server, a command-line
//! import) are seen through the database's directory version, which one request at most about
//! once a second reads. Searches never wait for the database otherwise.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use goldthread_store::{Store, StoreError};

use super::search_index::DirectoryIndex;

/// The current index and when the database's version was last read.
pub(crate) struct LiveDirectory {
    current: RwLock<Arc<DirectoryIndex>>,
    checked: Mutex<Instant>,
    rebuilding: tokio::sync::Mutex<()>,
    recheck_millis: AtomicU64,
}

impl LiveDirectory {
    /// Builds the index from the store.
    pub async fn load(store: &Store) -> Result<Self, StoreError> {
        Ok(Self {
            current: RwLock::new(Arc::new(build(store).await?)),
            checked: Mutex::new(Instant::now()),
            rebuilding: tokio::sync::Mutex::new(()),
            recheck_millis: AtomicU64::new(1000),
        })
    }

    /// How often at most the database's directory version is read.
    pub fn set_recheck(&self, every: Duration) {
        self.recheck_millis
            .store(every.as_millis() as u64, Ordering::Relaxed);
    }

    fn snapshot(&self) -> Arc<DirectoryIndex> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Whether this request should read the database's version (and marks it read if so).
    fn due(&self) -> bool {
        let every = Duration::from_millis(self.recheck_millis.load(Ordering::Relaxed));
        let mut checked = self.checked.lock().unwrap_or_else(|e| e.into_inner());
        if checked.elapsed() >= every {
            *checked = Instant::now();
            true
        } else {
            false
        }
    }

    /// The index, rebuilt first if this store has written to the directory since it was built,
    /// or if the database's version has moved when it is time to look.
    pub async fn get(&self, store: &Store) -> Result<Arc<DirectoryIndex>, StoreError> {
        let index = self.snapshot();
        if index.writes_here != store.directory_writes_here() {
            return self.rebuild(store, None).await;
        }
        if self.due() {
            let version = store.directory_version().await?;
            if version != index.version {
                return self.rebuild(store, Some(version)).await;
            }
        }
        Ok(index)
    }

    /// Rebuilds unless another request already did while this one waited.
    async fn rebuild(
        &self,
        store: &Store,
        seen_version: Option<i64>,
    ) -> Result<Arc<DirectoryIndex>, StoreError> {
        let _only_one = self.rebuilding.lock().await;
        let index = self.snapshot();
        let fresh = index.writes_here == store.directory_writes_here()
            && seen_version.is_none_or(|v| index.version == v);
        if fresh {
            return Ok(index);
        }
        let started = std::time::Instant::now();
        let index = Arc::new(build(store).await?);
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = index.clone();
        tracing::info!(
            services = index.len(),
            version = index.version,
            millis = started.elapsed().as_millis() as u64,
            "directory index rebuilt"
        );
        Ok(index)
    }
}

async fn build(store: &Store) -> Result<DirectoryIndex, StoreError> {
    // Counted before reading, so every write it counts is in what is read.
    let writes_here = store.directory_writes_here();
    let snapshot = store.directory_snapshot().await?;
    tokio::task::spawn_blocking(move || DirectoryIndex::build(&snapshot, writes_here))
        .await
        .map_err(|e| StoreError::Conflict(format!("building the directory index: {e}")))
}
