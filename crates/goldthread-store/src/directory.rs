//! The service directory: taxonomy terms and services, full-text search with filters (PostgreSQL
//! full-text search over a GIN index, SQLite FTS5), the duplication finder and the review queue.

use chrono::NaiveDate;
use goldthread_domain::directory::oruk_import::DirectoryImport;
use goldthread_domain::directory::{Service, ServiceId, TaxonomyTerm, TermId};
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::GssCode;
use serde::Serialize;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Row, Transaction};

use crate::organisations::OrganisationRecord;
use crate::{Backend, Store, StoreError};

/// The whole directory at one version, for a server that answers searches from memory.
#[derive(Clone, Debug)]
pub struct DirectorySnapshot {
    /// The directory version read before everything else, so the data is at least this new.
    pub version: i64,
    /// Every service, by name then id.
    pub services: Vec<Service>,
    /// Every organisation with its profile.
    pub organisations: Vec<OrganisationRecord>,
    /// Every taxonomy term.
    pub terms: Vec<TaxonomyTerm>,
}

/// Adds one to the directory version inside a writing transaction, so the version and the data
/// change together.
pub(crate) async fn bump_directory_version(
    tx: &mut Transaction<'_, Any>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE directory_version SET version = version + 1 WHERE id = 1")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A directory search: every filter given must hold.
#[derive(Clone, Debug, Default)]
pub struct ServiceQuery {
    /// Words to find in the name, description, areas and terms.
    pub text: Option<String>,
    /// Only services with this taxonomy term.
    pub term: Option<TermId>,
    /// Only services run by this organisation.
    pub organisation: Option<OrganisationId>,
    /// Only services offered in any of these areas (the caller widens a district to its county
    /// and a county to its districts).
    pub areas: Vec<GssCode>,
    /// Page, from 1.
    pub page: u64,
    /// Services per page.
    pub per_page: u64,
}

/// One page of search results.
#[derive(Clone, Debug)]
pub struct ServiceHits {
    /// The services on this page.
    pub services: Vec<Service>,
    /// How many match in all.
    pub total: u64,
}

/// Two services by different organisations with the same term, offered in overlapping areas.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct PossibleDuplicate {
    /// The shared taxonomy term.
    pub term: TermId,
    /// One service.
    pub first: ServiceId,
    /// The other.
    pub second: ServiceId,
}

/// Words safe to hand to FTS5: letters and digits only, each quoted, all required.
fn fts5_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"", w.to_lowercase()))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

fn search_text(s: &Service, terms: &[TaxonomyTerm]) -> String {
    let mut parts = vec![s.description.clone()];
    parts.extend(s.areas.iter().map(|a| a.name.clone()));
    parts.extend(
        terms
            .iter()
            .filter(|t| s.terms.contains(&t.id))
            .map(|t| t.name.clone()),
    );
    parts.join(" ")
}

fn decode(json: &str) -> Result<Service, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::corrupt("services", "record", e))
}

impl Store {
    /// The directory's version: it changes whenever services, taxonomy terms or organisations
    /// change, from this process or any other.
    pub async fn directory_version(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT version FROM directory_version WHERE id = 1")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// How many directory writes this store (or a clone of it) has committed: a change seen
    /// without asking the database.
    pub fn directory_writes_here(&self) -> u64 {
        self.directory_writes
            .load(std::sync::atomic::Ordering::Acquire)
    }

    /// Records that a directory write committed through this store.
    pub(crate) fn note_directory_write(&self) {
        self.directory_writes
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }

    /// The whole directory: its version first, then every service, organisation and term.
    pub async fn directory_snapshot(&self) -> Result<DirectorySnapshot, StoreError> {
        let version = self.directory_version().await?;
        let rows: Vec<String> = sqlx::query_scalar("SELECT record FROM services ORDER BY name, id")
            .fetch_all(&self.pool)
            .await?;
        let services = rows.iter().map(|r| decode(r)).collect::<Result<_, _>>()?;
        Ok(DirectorySnapshot {
            version,
            services,
            organisations: self.organisation_records().await?,
            terms: self.taxonomy_terms().await?,
        })
    }

    /// The services with these ids, in the order given (unknown ids are left out).
    pub async fn services_by_ids(&self, ids: &[ServiceId]) -> Result<Vec<Service>, StoreError> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let params: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT record FROM services WHERE id IN ({})",
            params.join(", ")
        );
        let binds: Vec<String> = ids.iter().map(ToString::to_string).collect();
        let rows = bind_all(sqlx::query(&sql), &binds)
            .fetch_all(&self.pool)
            .await?;
        let mut found: std::collections::HashMap<ServiceId, Service> = rows
            .iter()
            .map(|r| decode(&r.try_get::<String, _>("record")?).map(|s| (s.id, s)))
            .collect::<Result<_, _>>()?;
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// Creates or replaces the taxonomy terms, in one transaction.
    pub async fn put_taxonomy(&self, terms: &[TaxonomyTerm]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for t in terms {
            write_term(&mut tx, t).await?;
        }
        bump_directory_version(&mut tx).await?;
        tx.commit().await?;
        self.note_directory_write();
        Ok(())
    }

    /// Every taxonomy term, by name.
    pub async fn taxonomy_terms(&self) -> Result<Vec<TaxonomyTerm>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, code, name, description, parent_id FROM taxonomy_terms ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let id: String = r.try_get("id")?;
                let bad = |e| StoreError::corrupt("taxonomy_terms", &id, e);
                Ok(TaxonomyTerm {
                    id: TermId::parse(&id).map_err(bad)?,
                    code: r.try_get("code")?,
                    name: r.try_get("name")?,
                    description: r.try_get("description")?,
                    parent: r
                        .try_get::<Option<String>, _>("parent_id")?
                        .map(|p| TermId::parse(&p))
                        .transpose()
                        .map_err(bad)?,
                })
            })
            .collect()
    }

    /// Creates or replaces services, in one transaction: a failure leaves the directory as it
    /// was. Their organisations and terms must already be stored.
    pub async fn put_services(&self, services: &[Service]) -> Result<(), StoreError> {
        let terms = self.taxonomy_terms().await?;
        let mut tx = self.pool.begin().await?;
        for s in services {
            write_service(&mut tx, s, &terms).await?;
        }
        bump_directory_version(&mut tx).await?;
        tx.commit().await?;
        self.note_directory_write();
        Ok(())
    }

    /// Imports an Open Referral UK file's contents in one transaction: organisations (an
    /// existing one keeps its kind), taxonomy terms, then services. Nothing is written unless
    /// everything is.
    pub async fn import_directory(&self, import: &DirectoryImport) -> Result<(), StoreError> {
        let mut terms = self.taxonomy_terms().await?;
        terms.retain(|t| !import.terms.iter().any(|n| n.id == t.id));
        terms.extend(import.terms.iter().cloned());
        let at = crate::now();
        let mut tx = self.pool.begin().await?;
        for r in &import.organisations {
            crate::organisations::upsert_keeping_kind(&mut tx, r, &at).await?;
        }
        for t in &import.terms {
            write_term(&mut tx, t).await?;
        }
        for s in &import.services {
            write_service(&mut tx, s, &terms).await?;
        }
        bump_directory_version(&mut tx).await?;
        tx.commit().await?;
        self.note_directory_write();
        Ok(())
    }

    /// One service.
    pub async fn service(&self, id: &ServiceId) -> Result<Option<Service>, StoreError> {
        let json: Option<String> = sqlx::query_scalar("SELECT record FROM services WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        json.as_deref().map(decode).transpose()
    }

    /// The services an organisation runs, by name.
    pub async fn services_of(&self, org: &OrganisationId) -> Result<Vec<Service>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT record FROM services WHERE organisation_id = $1 ORDER BY name, id",
        )
        .bind(org.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| decode(r)).collect()
    }

    /// Searches the directory: best matches first when there are words, else by name.
    pub async fn search_services(&self, q: &ServiceQuery) -> Result<ServiceHits, StoreError> {
        let per_page = q.per_page.clamp(1, 200);
        let page = q.page.max(1);
        let text = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
        // `rank` orders best first (ascending): bm25 is lower for better matches, and
        // PostgreSQL's ts_rank is negated to match.
        let (from, mut wheres, rank, text_param) = match (self.backend, text) {
            (_, None) => ("services s", vec![], "0", None),
            (Backend::Postgres, Some(t)) => (
                "services s",
                vec!["s.search @@ websearch_to_tsquery('english', $1)".to_owned()],
                "-ts_rank(s.search, websearch_to_tsquery('english', $1))",
                Some(t.to_owned()),
            ),
            (Backend::Sqlite, Some(t)) => match fts5_query(t) {
                // Words made only of punctuation match nothing.
                None => {
                    return Ok(ServiceHits {
                        services: vec![],
                        total: 0,
                    })
                }
                Some(m) => (
                    "services s JOIN services_fts ON services_fts.rowid = s.rowid",
                    vec!["services_fts MATCH $1".to_owned()],
                    "bm25(services_fts, 10.0, 1.0)",
                    Some(m),
                ),
            },
        };
        let mut binds: Vec<String> = text_param.into_iter().collect();
        let next = |binds: &mut Vec<String>, v: String| {
            binds.push(v);
            format!("${}", binds.len())
        };
        if let Some(t) = q.term {
            let p = next(&mut binds, t.to_string());
            wheres.push(format!(
                "EXISTS (SELECT 1 FROM service_terms t WHERE t.service_id = s.id AND t.term_id = {p})"
            ));
        }
        if let Some(o) = q.organisation {
            let p = next(&mut binds, o.to_string());
            wheres.push(format!("s.organisation_id = {p}"));
        }
        if !q.areas.is_empty() {
            let ps: Vec<String> = q
                .areas
                .iter()
                .map(|a| next(&mut binds, a.to_string()))
                .collect();
            wheres.push(format!(
                "EXISTS (SELECT 1 FROM service_area_codes a WHERE a.service_id = s.id \
                 AND a.gss_code IN ({}))",
                ps.join(", ")
            ));
        }
        let filter = if wheres.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", wheres.join(" AND "))
        };
        // FTS5's bm25 cannot run beside a window function, so ranking happens in a subquery.
        let sql = format!(
            "SELECT record, COUNT(*) OVER () AS total FROM (SELECT s.record, s.name, s.id, \
             {rank} AS rank FROM {from} {filter}) m ORDER BY rank, name, id \
             LIMIT {per_page} OFFSET {}",
            (page - 1) * per_page
        );
        let rows = bind_all(sqlx::query(&sql), &binds)
            .fetch_all(&self.pool)
            .await?;
        let total = match rows.first() {
            Some(r) => r.try_get::<i64, _>("total")? as u64,
            // Past the last page the window has no row to report on: count separately.
            None if page > 1 => {
                let sql = format!("SELECT COUNT(*) AS total FROM {from} {filter}");
                let row = bind_all(sqlx::query(&sql), &binds)
                    .fetch_one(&self.pool)
                    .await?;
                row.try_get::<i64, _>("total")? as u64
            }
            None => 0,
        };
        let services = rows
            .iter()
            .map(|r| decode(&r.try_get::<String, _>("record")?))
            .collect::<Result<_, _>>()?;
        Ok(ServiceHits { services, total })
    }

    /// Pairs of services with the same taxonomy term run by different organisations in
    /// overlapping areas (the same council area, or a district inside a county-wide service's
    /// county), so partners see what exists before commissioning more.
    pub async fn possible_duplicates(&self) -> Result<Vec<PossibleDuplicate>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT ta.term_id, ta.service_id AS first, tb.service_id AS second \
             FROM service_terms ta \
             JOIN service_terms tb ON tb.term_id = ta.term_id AND ta.service_id < tb.service_id \
             JOIN services sa ON sa.id = ta.service_id \
             JOIN services sb ON sb.id = tb.service_id \
             WHERE sa.organisation_id <> sb.organisation_id AND EXISTS ( \
               SELECT 1 FROM service_area_codes xa JOIN service_area_codes xb \
                 ON xb.service_id = sb.id \
               LEFT JOIN authorities aa ON aa.code = xa.gss_code \
               LEFT JOIN authorities ab ON ab.code = xb.gss_code \
               WHERE xa.service_id = sa.id AND (xa.gss_code = xb.gss_code \
                 OR aa.upper_tier_code = xb.gss_code OR ab.upper_tier_code = xa.gss_code)) \
             ORDER BY ta.term_id, ta.service_id, tb.service_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let get = |c: &str| -> Result<String, StoreError> { Ok(r.try_get(c)?) };
                let bad = |e| StoreError::corrupt("service_terms", "pair", e);
                Ok(PossibleDuplicate {
                    term: TermId::parse(&get("term_id")?).map_err(bad)?,
                    first: ServiceId::parse(&get("first")?).map_err(bad)?,
                    second: ServiceId::parse(&get("second")?).map_err(bad)?,
                })
            })
            .collect()
    }

    /// Services never verified, or last verified before `before`, oldest first (at most `limit`).
    pub async fn services_needing_review(
        &self,
        before: NaiveDate,
        limit: u64,
    ) -> Result<Vec<Service>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT record FROM services WHERE last_verified IS NULL OR last_verified < $1 \
             ORDER BY COALESCE(last_verified, ''), name, id LIMIT {limit}"
        ))
        .bind(before.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| decode(r)).collect()
    }
}

async fn write_term(tx: &mut Transaction<'_, Any>, t: &TaxonomyTerm) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO taxonomy_terms (id, code, name, description, parent_id) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET code = excluded.code, \
         name = excluded.name, description = excluded.description, \
         parent_id = excluded.parent_id",
    )
    .bind(t.id.to_string())
    .bind(t.code.as_str())
    .bind(t.name.as_str())
    .bind(t.description.as_str())
    .bind(t.parent.map(|p| p.to_string()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes one service whole: its record, search columns and index tables.
async fn write_service(
    tx: &mut Transaction<'_, Any>,
    s: &Service,
    terms: &[TaxonomyTerm],
) -> Result<(), StoreError> {
    let record = serde_json::to_string(s)
        .map_err(|e| StoreError::Conflict(format!("service {}: {e}", s.id)))?;
    let id = s.id.to_string();
    // Deleting first keeps the index tables in step with the record.
    sqlx::query("DELETE FROM service_terms WHERE service_id = $1")
        .bind(&id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM service_area_codes WHERE service_id = $1")
        .bind(&id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO services (id, organisation_id, name, description, search_text, \
         status, last_verified, last_updated, record) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO UPDATE SET \
         organisation_id = excluded.organisation_id, name = excluded.name, \
         description = excluded.description, search_text = excluded.search_text, \
         status = excluded.status, last_verified = excluded.last_verified, \
         last_updated = excluded.last_updated, record = excluded.record",
    )
    .bind(&id)
    .bind(s.organisation.to_string())
    .bind(s.name.as_str())
    .bind(s.description.as_str())
    .bind(search_text(s, terms))
    .bind(s.status.as_str())
    .bind(s.last_verified.map(|d| d.to_string()))
    .bind(
        s.last_updated
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    )
    .bind(record)
    .execute(&mut **tx)
    .await?;
    let mut term_ids = s.terms.clone();
    term_ids.sort();
    term_ids.dedup();
    for t in term_ids {
        sqlx::query("INSERT INTO service_terms (service_id, term_id) VALUES ($1, $2)")
            .bind(&id)
            .bind(t.to_string())
            .execute(&mut **tx)
            .await?;
    }
    let mut codes: Vec<&GssCode> = s.areas.iter().filter_map(|a| a.gss.as_ref()).collect();
    codes.sort();
    codes.dedup();
    for c in codes {
        sqlx::query("INSERT INTO service_area_codes (service_id, gss_code) VALUES ($1, $2)")
            .bind(&id)
            .bind(c.as_str())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

fn bind_all<'q>(
    mut q: Query<'q, Any, AnyArguments<'q>>,
    binds: &'q [String],
) -> Query<'q, Any, AnyArguments<'q>> {
    for b in binds {
        q = q.bind(b.as_str());
    }
    q
}

#[cfg(test)]
mod tests {
    use super::fts5_query;

    #[test]
    fn fts5_queries_are_quoted_words_so_punctuation_cannot_break_them() {
        assert_eq!(
            fts5_query("debt AND\" (advice"),
            Some("\"debt\" \"and\" \"advice\"".into())
        );
        assert_eq!(fts5_query("*:-"), None);
    }
}
