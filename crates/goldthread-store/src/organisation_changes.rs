//! Attributed changes to organisations: an upload held between its preview and its
//! confirmation, and a previewed change (an upload or one edit) applied in one transaction only
//! while the stored organisations are as they were when it was previewed, each organisation's
//! change recorded with who, when, how and which fields.

use goldthread_domain::directory::organisations_csv::UploadRow;
use goldthread_domain::directory::organisations_diff::{
    field_changes, field_values, fingerprint, FieldChange, OrganisationsDiff,
};
use goldthread_domain::organisation::OrganisationId;
use serde::{Deserialize, Serialize};
use sqlx::{Any, Row, Transaction};

use crate::organisations::{records_in, upsert};
use crate::{now, Store, StoreError};

/// An upload waiting for its confirmation.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PendingUpload {
    /// Its id.
    pub id: String,
    /// The account that uploaded it.
    pub account_id: String,
    /// When (RFC 3339).
    pub created_at: String,
    /// The file's name as uploaded.
    pub file_name: String,
    /// The stored organisations' fingerprint when it was uploaded.
    pub stored_fingerprint: String,
    /// Its parsed rows.
    pub rows: Vec<UploadRow>,
    /// When it was applied, if it was.
    pub applied_at: Option<String>,
}

/// One field of a recorded change.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct StoredFieldChange {
    /// The column.
    pub field: String,
    /// The value before ("" for none).
    pub old: String,
    /// The value after ("" for none).
    pub new: String,
}

impl From<FieldChange> for StoredFieldChange {
    fn from(c: FieldChange) -> Self {
        Self {
            field: c.field.into(),
            old: c.old,
            new: c.new,
        }
    }
}

/// A recorded change to one organisation.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct OrganisationChange {
    /// When (RFC 3339).
    pub at: String,
    /// Who, as their name and sign-in address.
    pub changed_by: String,
    /// `edit`, `upload` or `import`.
    pub how: String,
    /// The upload it came in, if any.
    pub upload_id: Option<String>,
    /// The fields changed (every field given, for a new organisation).
    pub fields: Vec<StoredFieldChange>,
}

/// Why a previewed change was not applied; nothing was written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ApplyRefusal {
    /// The stored organisations changed after the preview.
    Stale,
    /// The upload was applied already.
    AlreadyApplied,
    /// No upload has that id.
    UnknownUpload,
}

impl std::fmt::Display for ApplyRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Stale => "the stored organisations have changed since this preview; nothing was applied: look at the new preview before confirming",
            Self::AlreadyApplied => "this upload has been applied already",
            Self::UnknownUpload => "there is no such upload",
        })
    }
}

/// Where a change comes from and who makes it.
#[derive(Clone, Copy, Debug)]
pub struct Attribution<'a> {
    /// Who, as their name and sign-in address.
    pub changed_by: &'a str,
    /// `edit`, `upload` or `import`.
    pub how: &'a str,
    /// The upload, when it is one; it is marked applied in the same transaction.
    pub upload_id: Option<&'a str>,
}

async fn record_change(
    tx: &mut Transaction<'_, Any>,
    organisation: OrganisationId,
    fields: Vec<FieldChange>,
    by: &Attribution<'_>,
    at: &str,
) -> Result<(), StoreError> {
    let fields: Vec<StoredFieldChange> = fields.into_iter().map(Into::into).collect();
    sqlx::query(
        "INSERT INTO organisation_changes (id, organisation_id, at, changed_by, how, upload_id, \
         fields) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(organisation.to_string())
    .bind(at)
    .bind(by.changed_by)
    .bind(by.how)
    .bind(by.upload_id)
    .bind(serde_json::to_string(&fields).unwrap_or_default())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Holds an upload's parsed rows until it is confirmed; returns its id.
    pub async fn hold_organisation_upload(
        &self,
        account_id: &str,
        file_name: &str,
        stored_fingerprint: &str,
        rows: &[UploadRow],
    ) -> Result<String, StoreError> {
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO organisation_uploads (id, account_id, created_at, file_name, \
             stored_fingerprint, rows_json) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(account_id)
        .bind(now())
        .bind(file_name)
        .bind(stored_fingerprint)
        .bind(
            serde_json::to_string(rows)
                .map_err(|e| StoreError::corrupt("organisation_uploads", "rows", e))?,
        )
        .execute(&self.pool)
        .await?;
        Ok(id)
    }

    /// A held upload.
    pub async fn organisation_upload(&self, id: &str) -> Result<Option<PendingUpload>, StoreError> {
        let row = sqlx::query(
            "SELECT id, account_id, created_at, file_name, stored_fingerprint, rows_json, \
             applied_at FROM organisation_uploads WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let rows: String = row.try_get("rows_json")?;
        Ok(Some(PendingUpload {
            id: row.try_get("id")?,
            account_id: row.try_get("account_id")?,
            created_at: row.try_get("created_at")?,
            file_name: row.try_get("file_name")?,
            stored_fingerprint: row.try_get("stored_fingerprint")?,
            rows: serde_json::from_str(&rows)
                .map_err(|e| StoreError::corrupt("organisation_uploads", id, e))?,
            applied_at: row.try_get("applied_at")?,
        }))
    }

    /// Applies a previewed change in one transaction: refused, with nothing written, unless the
    /// stored organisations still have `expected` as their [`fingerprint`] (and, for an upload,
    /// it exists and is not yet applied). Every organisation added or changed gets an attributed
    /// change record; an upload is marked applied.
    pub async fn apply_organisation_changes(
        &self,
        diff: &OrganisationsDiff,
        expected: &str,
        by: Attribution<'_>,
    ) -> Result<Result<(), ApplyRefusal>, StoreError> {
        let at = now();
        let mut tx = self.pool.begin().await?;
        // Every directory writer updates this row first, so from here on nobody else writes
        // organisations until this transaction ends.
        crate::directory::bump_directory_version(&mut tx).await?;
        if let Some(upload) = by.upload_id {
            let applied: Option<Option<String>> =
                sqlx::query_scalar("SELECT applied_at FROM organisation_uploads WHERE id = $1")
                    .bind(upload)
                    .fetch_optional(&mut *tx)
                    .await?;
            match applied {
                None => return Ok(Err(ApplyRefusal::UnknownUpload)),
                Some(Some(_)) => return Ok(Err(ApplyRefusal::AlreadyApplied)),
                Some(None) => {}
            }
        }
        if fingerprint(&records_in(&mut tx).await?) != expected {
            return Ok(Err(ApplyRefusal::Stale));
        }
        // Codes move between organisations within one change (a swap): clear the changed
        // organisations' codes first so the uniqueness constraints hold at every statement.
        for c in &diff.changed {
            sqlx::query("UPDATE organisations SET ods_code = NULL, gss_code = NULL WHERE id = $1")
                .bind(c.before.0.id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        for a in &diff.added {
            upsert(&mut tx, &a.record, &at).await?;
            let fields = field_values(&a.record)
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(field, new)| FieldChange {
                    field,
                    old: String::new(),
                    new,
                })
                .collect();
            record_change(&mut tx, a.record.0.id, fields, &by, &at).await?;
        }
        for c in &diff.changed {
            upsert(&mut tx, &c.after, &at).await?;
            let fields = field_changes(&c.before, &c.after);
            record_change(&mut tx, c.after.0.id, fields, &by, &at).await?;
        }
        if let Some(upload) = by.upload_id {
            sqlx::query("UPDATE organisation_uploads SET applied_at = $1 WHERE id = $2")
                .bind(&at)
                .bind(upload)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.note_directory_write();
        Ok(Ok(()))
    }

    /// The recorded changes to an organisation, newest first.
    pub async fn organisation_changes(
        &self,
        id: &OrganisationId,
    ) -> Result<Vec<OrganisationChange>, StoreError> {
        let rows = sqlx::query(
            "SELECT at, changed_by, how, upload_id, fields FROM organisation_changes \
             WHERE organisation_id = $1 ORDER BY at DESC, id",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let fields: String = r.try_get("fields")?;
                Ok(OrganisationChange {
                    at: r.try_get("at")?,
                    changed_by: r.try_get("changed_by")?,
                    how: r.try_get("how")?,
                    upload_id: r.try_get("upload_id")?,
                    fields: serde_json::from_str(&fields).map_err(|e| {
                        StoreError::corrupt("organisation_changes", id.to_string(), e)
                    })?,
                })
            })
            .collect()
    }
}
