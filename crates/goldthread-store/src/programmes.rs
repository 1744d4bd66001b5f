//! Programmes, stored as their whole definition (JSON) with the columns lists need.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use goldthread_domain::programme::{Programme, ProgrammeId};
use sqlx::Row;

use crate::{now, Store, StoreError};

impl Store {
    /// Creates or replaces a programme. Its definition is checked first, so an incomplete one
    /// is refused with the reason and nothing is written.
    pub async fn put_programme(&self, programme: &Programme) -> Result<(), StoreError> {
        programme
            .validate()
            .map_err(|e| StoreError::Conflict(e.to_string()))?;
        let definition = serde_json::to_string(programme)
            .map_err(|e| StoreError::Conflict(format!("programme does not serialise: {e}")))?;
        let at = now();
        sqlx::query(
            "INSERT INTO programmes (id, name, kind, host_organisation_id, definition, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (id) DO UPDATE SET \
             name = excluded.name, kind = excluded.kind, \
             host_organisation_id = excluded.host_organisation_id, \
             definition = excluded.definition, updated_at = excluded.updated_at",
        )
        .bind(programme.id.as_str())
        .bind(programme.name.as_str())
        .bind(programme.kind.as_str())
        .bind(programme.host.to_string())
        .bind(definition)
        .bind(at)
        .execute(&self.pool)
        .await?;
        self.programme_cache.forget(&programme.id);
        Ok(())
    }

    /// Every programme, by name.
    pub async fn programmes(&self) -> Result<Vec<Programme>, StoreError> {
        let rows = sqlx::query("SELECT id, definition FROM programmes ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| parse_definition(r.try_get("id")?, r.try_get("definition")?))
            .collect()
    }

    /// One programme. Every case request needs its programme's definition, so definitions
    /// are kept for five seconds after they are read: this store's own writes
    /// replace them at once, and another process's within that time.
    pub async fn programme(&self, id: &ProgrammeId) -> Result<Option<Programme>, StoreError> {
        if let Some(p) = self.programme_cache.get(id) {
            return Ok(Some(Programme::clone(&p)));
        }
        let row = sqlx::query("SELECT definition FROM programmes WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        let found = row
            .map(|r| parse_definition(id.to_string(), r.try_get("definition")?))
            .transpose()?;
        if let Some(p) = &found {
            self.programme_cache.keep(p.clone());
        }
        Ok(found)
    }
}

/// How long a programme definition read from the database is used without reading it again.
const PROGRAMME_CACHE_TTL: Duration = Duration::from_secs(5);

/// Programme definitions by id, each with the time it was read.
#[derive(Clone, Debug, Default)]
pub(crate) struct ProgrammeCache(Arc<Mutex<HashMap<ProgrammeId, Kept>>>);

/// A definition and when it was read.
type Kept = (Instant, Arc<Programme>);

impl ProgrammeCache {
    fn get(&self, id: &ProgrammeId) -> Option<Arc<Programme>> {
        let map = self.0.lock().ok()?;
        map.get(id)
            .filter(|(at, _)| at.elapsed() < PROGRAMME_CACHE_TTL)
            .map(|(_, p)| p.clone())
    }

    fn keep(&self, p: Programme) {
        if let Ok(mut map) = self.0.lock() {
            map.insert(p.id.clone(), (Instant::now(), Arc::new(p)));
        }
    }

    fn forget(&self, id: &ProgrammeId) {
        if let Ok(mut map) = self.0.lock() {
            map.remove(id);
        }
    }
}

pub(crate) fn parse_definition(id: String, json: String) -> Result<Programme, StoreError> {
    serde_json::from_str(&json).map_err(|e| StoreError::corrupt("programmes", id, e))
}

#[cfg(test)]
mod tests {
    use goldthread_domain::organisation::OrganisationId;
    use goldthread_domain::programme::catalogue;

    use crate::test_on_both_backends;
    use crate::Store;

    async fn programmes_are_stored_as_data_and_read_back_whole(store: Store) {
        let host = OrganisationId::for_code("E07000148");
        for p in catalogue::ready_made(host) {
            store.put_programme(&p).await.unwrap();
        }
        let all = store.programmes().await.unwrap();
        assert_eq!(all.len(), 4);
        let dd = catalogue::district_direct(host);
        assert_eq!(store.programme(&dd.id).await.unwrap(), Some(dd));
    }

    async fn an_incomplete_programme_is_refused_and_nothing_is_written(store: Store) {
        let mut p = catalogue::waiting_well(OrganisationId::for_code("E07000148"));
        p.actions.clear();
        let err = store.put_programme(&p).await.unwrap_err();
        assert!(err.to_string().contains("actions"));
        assert!(store.programmes().await.unwrap().is_empty());
    }

    test_on_both_backends!(
        programmes_are_stored_as_data_and_read_back_whole,
        an_incomplete_programme_is_refused_and_nothing_is_written
    );
}
