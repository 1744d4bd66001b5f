//! Datasets partners upload: pseudonymised rows for sharing, raw identifiers only in the
//! uploading organisation's own partition, opt-outs by pseudonym, linked cohorts, and deletion
//! on the retention schedule.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::sharing::{
    AccountId, AgreementId, CohortId, DatasetId, DatasetKind, Identity, OptOutKind,
};
use goldthread_domain::{NhsNumber, Postcode};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{now, Store, StoreError};

/// An uploaded dataset's description (no rows).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dataset {
    /// Identifier.
    pub id: DatasetId,
    /// The uploading organisation (the controller of the records).
    pub organisation: OrganisationId,
    /// The agreement it was shared under.
    pub agreement: AgreementId,
    /// Its kind.
    pub kind: DatasetKind,
    /// Name given at upload.
    pub name: String,
    /// Number of rows.
    pub row_count: i64,
    /// Who uploaded it.
    pub uploaded_by: AccountId,
    /// When (RFC 3339).
    pub uploaded_at: String,
    /// When it is deleted under the agreement's retention period (RFC 3339).
    pub delete_after: String,
}

/// One row as shared: a keyed pseudonym and the shareable fields.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PseudonymisedRow {
    /// Line in the uploaded file.
    pub line: i64,
    /// The person's keyed pseudonym.
    pub pseudonym: String,
    /// Shareable fields.
    pub fields: BTreeMap<String, String>,
}

/// Linkage encodings to store with a dataset: the scheme (JSON) and one text per row, by line.
#[derive(Clone, Copy, Debug)]
pub struct RowEncodings<'a> {
    /// How the rows were encoded (no values).
    pub scheme: &'a str,
    /// (line, encodings) per row.
    pub rows: &'a [(i64, String)],
}

/// A dataset's stored linkage encodings, as a job reads them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEncodings {
    /// How the rows were encoded.
    pub scheme: String,
    /// (line, pseudonym, encodings) per row, in line order.
    pub rows: Vec<(i64, String, String)>,
    /// Rows left out because the person opted out (when asked to).
    pub opted_out: i64,
}

/// A linked cohort's description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cohort {
    /// Identifier.
    pub id: CohortId,
    /// The agreement the linkage ran under.
    pub agreement: AgreementId,
    /// Name.
    pub name: String,
    /// The analyst who ran it.
    pub created_by: AccountId,
    /// The organisation they acted for.
    pub organisation: OrganisationId,
    /// When.
    pub created_at: String,
    /// The datasets linked.
    pub datasets: [DatasetId; 2],
    /// How many people are in both.
    pub member_count: i64,
}

const T: &str = "datasets";

fn dataset_from_row(r: &AnyRow) -> Result<Dataset, StoreError> {
    let key: String = r.try_get("id")?;
    let bad = |e: goldthread_domain::ParseIdError| StoreError::corrupt(T, &key, e);
    Ok(Dataset {
        id: DatasetId::parse(&key).map_err(bad)?,
        organisation: OrganisationId::parse(&r.try_get::<String, _>("organisation_id")?)
            .map_err(bad)?,
        agreement: AgreementId::parse(&r.try_get::<String, _>("agreement_id")?).map_err(bad)?,
        kind: DatasetKind::parse(&r.try_get::<String, _>("kind")?).map_err(bad)?,
        name: r.try_get("name")?,
        row_count: r.try_get("row_count")?,
        uploaded_by: AccountId::parse(&r.try_get::<String, _>("uploaded_by")?).map_err(bad)?,
        uploaded_at: r.try_get("uploaded_at")?,
        delete_after: r.try_get("delete_after")?,
    })
}

fn row_from_row(r: &AnyRow) -> Result<PseudonymisedRow, StoreError> {
    let pseudonym: String = r.try_get("pseudonym")?;
    let fields: String = r.try_get("fields")?;
    Ok(PseudonymisedRow {
        line: r.try_get("line")?,
        fields: serde_json::from_str(&fields)
            .map_err(|e| StoreError::corrupt("dataset_rows", &pseudonym, e))?,
        pseudonym,
    })
}

impl Store {
    /// Stores a dataset, its pseudonymised rows and (if given) the identities for the
    /// uploader's own partition, in one transaction: all rows or none.
    pub async fn put_dataset(
        &self,
        dataset: &Dataset,
        rows: &[PseudonymisedRow],
        identities: Option<&[(String, Identity)]>,
    ) -> Result<(), StoreError> {
        self.put_dataset_with_encodings(dataset, rows, identities, None)
            .await
    }

    /// Stores a dataset as [`Store::put_dataset`] does, with each row's linkage encodings (the
    /// scheme they were made under and one opaque text per row, by line), in the same
    /// transaction.
    pub async fn put_dataset_with_encodings(
        &self,
        dataset: &Dataset,
        rows: &[PseudonymisedRow],
        identities: Option<&[(String, Identity)]>,
        encodings: Option<RowEncodings<'_>>,
    ) -> Result<(), StoreError> {
        let id = dataset.id.to_string();
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO datasets (id, organisation_id, agreement_id, kind, name, row_count, \
             uploaded_by, uploaded_at, delete_after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(dataset.organisation.to_string())
        .bind(dataset.agreement.to_string())
        .bind(dataset.kind.as_str())
        .bind(&dataset.name)
        .bind(rows.len() as i64)
        .bind(dataset.uploaded_by.to_string())
        .bind(&dataset.uploaded_at)
        .bind(&dataset.delete_after)
        .execute(&mut *tx)
        .await?;
        for r in rows {
            let fields = serde_json::to_string(&r.fields)
                .map_err(|e| StoreError::Conflict(format!("row {}: {e}", r.line)))?;
            sqlx::query(
                "INSERT INTO dataset_rows (dataset_id, line, pseudonym, fields) VALUES ($1, $2, $3, $4)",
            )
            .bind(&id)
            .bind(r.line)
            .bind(&r.pseudonym)
            .bind(fields)
            .execute(&mut *tx)
            .await?;
        }
        for (pseudonym, who) in identities.unwrap_or_default() {
            sqlx::query(
                "INSERT INTO identity_partition (dataset_id, organisation_id, pseudonym, nhs_number, \
                 given_name, family_name, date_of_birth, postcode) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
            )
            .bind(&id)
            .bind(dataset.organisation.to_string())
            .bind(pseudonym)
            .bind(who.nhs_number.as_ref().map(NhsNumber::digits))
            .bind(&who.given_name)
            .bind(&who.family_name)
            .bind(who.date_of_birth.to_string())
            .bind(who.postcode.as_str())
            .execute(&mut *tx)
            .await?;
        }
        if let Some(enc) = encodings {
            sqlx::query("INSERT INTO dataset_encodings (dataset_id, scheme) VALUES ($1, $2)")
                .bind(&id)
                .bind(enc.scheme)
                .execute(&mut *tx)
                .await?;
            for (line, text) in enc.rows {
                sqlx::query(
                    "INSERT INTO dataset_row_encodings (dataset_id, line, encoding) VALUES ($1, $2, $3)",
                )
                .bind(&id)
                .bind(line)
                .bind(text)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// A dataset's linkage encodings: the scheme and, per row in line order, the line, the row's
    /// pseudonym and its encodings. With `exclude_opted_out`, opted-out people's rows are left
    /// out and counted. `None` when the dataset was stored without encodings.
    pub async fn dataset_encodings(
        &self,
        id: DatasetId,
        exclude_opted_out: bool,
    ) -> Result<Option<StoredEncodings>, StoreError> {
        let scheme: Option<String> =
            sqlx::query_scalar("SELECT scheme FROM dataset_encodings WHERE dataset_id = $1")
                .bind(id.to_string())
                .fetch_optional(&self.pool)
                .await?;
        let Some(scheme) = scheme else {
            return Ok(None);
        };
        let opted = "EXISTS (SELECT 1 FROM opt_outs o WHERE o.pseudonym = r.pseudonym)";
        let filter = if exclude_opted_out {
            format!("AND NOT {opted}")
        } else {
            String::new()
        };
        let rows = sqlx::query(&format!(
            "SELECT e.line, r.pseudonym, e.encoding FROM dataset_row_encodings e \
             JOIN dataset_rows r ON r.dataset_id = e.dataset_id AND r.line = e.line \
             WHERE e.dataset_id = $1 {filter} ORDER BY e.line"
        ))
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        let rows = rows
            .iter()
            .map(|r| {
                Ok((
                    r.try_get("line")?,
                    r.try_get("pseudonym")?,
                    r.try_get("encoding")?,
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let opted_out = if exclude_opted_out {
            sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM dataset_rows r WHERE r.dataset_id = $1 AND {opted}"
            ))
            .bind(id.to_string())
            .fetch_one(&self.pool)
            .await?
        } else {
            0
        };
        Ok(Some(StoredEncodings {
            scheme,
            rows,
            opted_out,
        }))
    }

    /// One dataset's description.
    pub async fn dataset(&self, id: DatasetId) -> Result<Option<Dataset>, StoreError> {
        sqlx::query("SELECT * FROM datasets WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(dataset_from_row)
            .transpose()
    }

    /// Every dataset's description, newest first.
    pub async fn datasets(&self) -> Result<Vec<Dataset>, StoreError> {
        let rows = sqlx::query("SELECT * FROM datasets ORDER BY uploaded_at DESC, id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(dataset_from_row).collect()
    }

    /// A dataset's rows in file order; with `exclude_opted_out`, people with any opt-out are
    /// left out, and their number is returned alongside.
    pub async fn dataset_rows(
        &self,
        id: DatasetId,
        exclude_opted_out: bool,
    ) -> Result<(Vec<PseudonymisedRow>, i64), StoreError> {
        let opted = "EXISTS (SELECT 1 FROM opt_outs o WHERE o.pseudonym = r.pseudonym)";
        let sql = if exclude_opted_out {
            format!("SELECT r.line, r.pseudonym, r.fields FROM dataset_rows r WHERE r.dataset_id = $1 AND NOT {opted} ORDER BY r.line")
        } else {
            "SELECT r.line, r.pseudonym, r.fields FROM dataset_rows r WHERE r.dataset_id = $1 ORDER BY r.line".to_owned()
        };
        let rows = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_all(&self.pool)
            .await?;
        let rows = rows
            .iter()
            .map(row_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let excluded = if exclude_opted_out {
            sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM dataset_rows r WHERE r.dataset_id = $1 AND {opted}"
            ))
            .bind(id.to_string())
            .fetch_one(&self.pool)
            .await?
        } else {
            0
        };
        Ok((rows, excluded))
    }

    /// The identity behind a pseudonym, from the uploading organisation's own partition.
    pub async fn identity(
        &self,
        dataset: DatasetId,
        pseudonym: &str,
    ) -> Result<Option<Identity>, StoreError> {
        let row = sqlx::query(
            "SELECT nhs_number, given_name, family_name, date_of_birth, postcode \
             FROM identity_partition WHERE dataset_id = $1 AND pseudonym = $2",
        )
        .bind(dataset.to_string())
        .bind(pseudonym)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let bad = |e: goldthread_domain::ParseIdError| {
            StoreError::corrupt("identity_partition", pseudonym, e)
        };
        Ok(Some(Identity {
            nhs_number: r
                .try_get::<Option<String>, _>("nhs_number")?
                .map(|s| NhsNumber::parse(&s))
                .transpose()
                .map_err(bad)?,
            given_name: r.try_get("given_name")?,
            family_name: r.try_get("family_name")?,
            date_of_birth: NaiveDate::parse_from_str(
                &r.try_get::<String, _>("date_of_birth")?,
                "%Y-%m-%d",
            )
            .map_err(|e| StoreError::corrupt("identity_partition", pseudonym, e))?,
            postcode: Postcode::parse(&r.try_get::<String, _>("postcode")?).map_err(bad)?,
        }))
    }

    /// Records opt-outs by pseudonym, in one transaction.
    pub async fn put_opt_outs(&self, entries: &[(String, OptOutKind)]) -> Result<(), StoreError> {
        let at = now();
        let mut tx = self.pool.begin().await?;
        for (p, kind) in entries {
            sqlx::query(
                "INSERT INTO opt_outs (pseudonym, kind, recorded_at) VALUES ($1, $2, $3) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(p)
            .bind(kind.as_str())
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Deletes every dataset whose retention period has ended by `at` (with its rows, identities
    /// and the cohorts drawn from it), in one transaction. Returns what was deleted.
    pub async fn delete_expired_datasets(&self, at: &str) -> Result<Vec<Dataset>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let rows = sqlx::query("SELECT * FROM datasets WHERE delete_after <= $1 ORDER BY id")
            .bind(at)
            .fetch_all(&mut *tx)
            .await?;
        let gone = rows
            .iter()
            .map(dataset_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        for d in &gone {
            let id = d.id.to_string();
            for sql in [
                "DELETE FROM cohort_members WHERE cohort_id IN (SELECT id FROM cohorts WHERE left_dataset = $1 OR right_dataset = $1)",
                "DELETE FROM cohort_pairs WHERE cohort_id IN (SELECT id FROM cohorts WHERE left_dataset = $1 OR right_dataset = $1)",
                "DELETE FROM dataset_row_encodings WHERE dataset_id = $1",
                "DELETE FROM dataset_encodings WHERE dataset_id = $1",
                "DELETE FROM cohorts WHERE left_dataset = $1 OR right_dataset = $1",
                "DELETE FROM identity_partition WHERE dataset_id = $1",
                "DELETE FROM dataset_rows WHERE dataset_id = $1",
                "DELETE FROM datasets WHERE id = $1",
            ] {
                sqlx::query(sql).bind(&id).execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(gone)
    }

    /// Links two datasets on pseudonym and stores the cohort of people in both, in one
    /// transaction. Returns the cohort.
    pub async fn link_cohort(&self, cohort: &Cohort) -> Result<Cohort, StoreError> {
        let id = cohort.id.to_string();
        let [left, right] = cohort.datasets.map(|d| d.to_string());
        let mut tx = self.pool.begin().await?;
        let members: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT a.pseudonym FROM dataset_rows a JOIN dataset_rows b \
             ON a.pseudonym = b.pseudonym WHERE a.dataset_id = $1 AND b.dataset_id = $2 \
             ORDER BY a.pseudonym",
        )
        .bind(&left)
        .bind(&right)
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO cohorts (id, agreement_id, name, created_by, organisation_id, created_at, \
             left_dataset, right_dataset, member_count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(cohort.agreement.to_string())
        .bind(&cohort.name)
        .bind(cohort.created_by.to_string())
        .bind(cohort.organisation.to_string())
        .bind(&cohort.created_at)
        .bind(&left)
        .bind(&right)
        .bind(members.len() as i64)
        .execute(&mut *tx)
        .await?;
        for m in &members {
            sqlx::query("INSERT INTO cohort_members (cohort_id, pseudonym) VALUES ($1, $2)")
                .bind(&id)
                .bind(m)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Cohort {
            member_count: members.len() as i64,
            ..cohort.clone()
        })
    }

    /// A cohort's description.
    pub async fn cohort(&self, id: CohortId) -> Result<Option<Cohort>, StoreError> {
        let row = sqlx::query("SELECT * FROM cohorts WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(cohort_from_row).transpose()
    }

    /// Every cohort, newest first.
    pub async fn cohorts(&self) -> Result<Vec<Cohort>, StoreError> {
        let rows = sqlx::query("SELECT * FROM cohorts ORDER BY created_at DESC, id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(cohort_from_row).collect()
    }

    /// A cohort's members (pseudonyms); with `exclude_opted_out`, opted-out people are left
    /// out and counted.
    pub async fn cohort_members(
        &self,
        id: CohortId,
        exclude_opted_out: bool,
    ) -> Result<(Vec<String>, i64), StoreError> {
        let all: Vec<String> = sqlx::query_scalar(
            "SELECT m.pseudonym FROM cohort_members m WHERE m.cohort_id = $1 ORDER BY m.pseudonym",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        if !exclude_opted_out {
            return Ok((all, 0));
        }
        let kept: Vec<String> = sqlx::query_scalar(
            "SELECT m.pseudonym FROM cohort_members m WHERE m.cohort_id = $1 AND NOT EXISTS \
             (SELECT 1 FROM opt_outs o WHERE o.pseudonym = m.pseudonym) ORDER BY m.pseudonym",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        let excluded = (all.len() - kept.len()) as i64;
        Ok((kept, excluded))
    }
}

fn cohort_from_row(r: &AnyRow) -> Result<Cohort, StoreError> {
    let key: String = r.try_get("id")?;
    let bad = |e: goldthread_domain::ParseIdError| StoreError::corrupt("cohorts", &key, e);
    Ok(Cohort {
        id: CohortId::parse(&key).map_err(bad)?,
        agreement: AgreementId::parse(&r.try_get::<String, _>("agreement_id")?).map_err(bad)?,
        name: r.try_get("name")?,
        created_by: AccountId::parse(&r.try_get::<String, _>("created_by")?).map_err(bad)?,
        organisation: OrganisationId::parse(&r.try_get::<String, _>("organisation_id")?)
            .map_err(bad)?,
        created_at: r.try_get("created_at")?,
        datasets: [
            DatasetId::parse(&r.try_get::<String, _>("left_dataset")?).map_err(bad)?,
            DatasetId::parse(&r.try_get::<String, _>("right_dataset")?).map_err(bad)?,
        ],
        member_count: r.try_get("member_count")?,
    })
}

impl Store {
    /// Every table's contents as text, one string per table, except the tables named: for the
    /// privacy scans that check identifiers stay in the owning organisation's partition.
    pub async fn table_dump_for_privacy_scan(
        &self,
        except: &[&str],
    ) -> Result<Vec<(String, String)>, StoreError> {
        let tables: Vec<String> = match self.backend {
            crate::Backend::Sqlite => sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            )
            .fetch_all(&self.pool)
            .await?,
            crate::Backend::Postgres => sqlx::query_scalar(
                "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
                 WHERE table_schema = 'public' ORDER BY table_name",
            )
            .fetch_all(&self.pool)
            .await?,
        };
        let mut out = Vec::new();
        // sqlx's own migration bookkeeping holds only the migrations' SQL (and binary checksums).
        let skip = |t: &String| except.contains(&t.as_str()) || t.starts_with("_sqlx");
        for t in tables.into_iter().filter(|t| !skip(t)) {
            let columns: Vec<String> = match self.backend {
                crate::Backend::Sqlite => {
                    sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{t}')"))
                        .fetch_all(&self.pool)
                        .await?
                }
                crate::Backend::Postgres => {
                    sqlx::query_scalar(
                        "SELECT CAST(column_name AS TEXT) FROM information_schema.columns \
                     WHERE table_schema = 'public' AND table_name = $1",
                    )
                    .bind(&t)
                    .fetch_all(&self.pool)
                    .await?
                }
            };
            // SQLite columns may hold BLOBs (another module's binary data): read every value as
            // bytes there, so text inside a BLOB is scanned too.
            let as_type = match self.backend {
                crate::Backend::Sqlite => "BLOB",
                crate::Backend::Postgres => "TEXT",
            };
            let select: Vec<String> = columns
                .iter()
                .map(|c| format!("CAST(\"{c}\" AS {as_type})"))
                .collect();
            let sql = format!("SELECT {} FROM \"{t}\"", select.join(", "));
            let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
            let mut text = String::new();
            for r in &rows {
                for i in 0..columns.len() {
                    let value = match self.backend {
                        crate::Backend::Sqlite => r
                            .try_get::<Option<Vec<u8>>, _>(i)?
                            .map(|b| String::from_utf8_lossy(&b).into_owned()),
                        crate::Backend::Postgres => r.try_get::<Option<String>, _>(i)?,
                    };
                    text.push_str(value.as_deref().unwrap_or(""));
                    text.push('\t');
                }
                text.push('\n');
            }
            out.push((t, text));
        }
        Ok(out)
    }
}
