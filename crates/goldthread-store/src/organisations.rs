//! Organisations with their directory profiles: list, read, import (all or nothing), edit.

use goldthread_domain::directory::oruk::OrganisationProfile;
use goldthread_domain::organisation::{Organisation, OrganisationId};
use goldthread_domain::{GssCode, OdsCode};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::systems::organisation_from_row;
use crate::{now, Store, StoreError};

const COLUMNS: &str = "o.id, o.name, o.kind, o.ods_code, o.gss_code, o.description, o.website, \
                       o.email, o.phone, o.companies_house, o.charity_number";

/// An organisation and its directory profile.
pub type OrganisationRecord = (Organisation, OrganisationProfile);

fn record_from_row(row: &AnyRow) -> Result<OrganisationRecord, StoreError> {
    let org = organisation_from_row(row)?;
    let profile = OrganisationProfile {
        description: row.try_get("description")?,
        website: row.try_get("website")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        companies_house: row.try_get("companies_house")?,
        charity_number: row.try_get("charity_number")?,
    };
    Ok((org, profile))
}

/// The columns an upsert may change on an existing organisation.
const UPDATABLE: [&str; 10] = [
    "name",
    "kind",
    "ods_code",
    "gss_code",
    "description",
    "website",
    "email",
    "phone",
    "companies_house",
    "charity_number",
];

/// Creates an organisation or updates everything about it.
pub(crate) async fn upsert(
    tx: &mut Transaction<'_, Any>,
    record: &OrganisationRecord,
    at: &str,
) -> Result<(), StoreError> {
    upsert_setting(tx, record, at, |_| true).await
}

/// Creates an organisation or updates its name, codes and profile, leaving an existing one's
/// kind (and phone) as it is (for sources such as Open Referral UK that have no kinds).
pub(crate) async fn upsert_keeping_kind(
    tx: &mut Transaction<'_, Any>,
    record: &OrganisationRecord,
    at: &str,
) -> Result<(), StoreError> {
    upsert_setting(tx, record, at, |c| c != "kind" && c != "phone").await
}

/// Inserts the organisation, or on conflict sets the [`UPDATABLE`] columns `set` keeps.
async fn upsert_setting(
    tx: &mut Transaction<'_, Any>,
    (o, p): &OrganisationRecord,
    at: &str,
    set: impl Fn(&str) -> bool,
) -> Result<(), StoreError> {
    let updates: String = UPDATABLE
        .iter()
        .filter(|c| set(c))
        .map(|c| format!("{c} = excluded.{c}, "))
        .collect();
    let sql = format!(
        "INSERT INTO organisations (id, name, kind, ods_code, gss_code, description, website, \
         email, phone, companies_house, charity_number, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) \
         ON CONFLICT (id) DO UPDATE SET {updates}updated_at = excluded.updated_at"
    );
    sqlx::query(&sql)
        .bind(o.id.to_string())
        .bind(o.name.as_str())
        .bind(o.kind.as_str())
        .bind(o.ods_code.as_ref().map(OdsCode::to_string))
        .bind(o.gss_code.as_ref().map(GssCode::to_string))
        .bind(p.description.as_str())
        .bind(p.website.as_deref())
        .bind(p.email.as_deref())
        .bind(p.phone.as_deref())
        .bind(p.companies_house.as_deref())
        .bind(p.charity_number.as_deref())
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Every organisation with its profile, read inside a transaction.
pub(crate) async fn records_in(
    tx: &mut Transaction<'_, Any>,
) -> Result<Vec<OrganisationRecord>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM organisations o ORDER BY o.name, o.id"
    ))
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(record_from_row).collect()
}

impl Store {
    /// Every organisation with its profile, by name.
    pub async fn organisation_records(&self) -> Result<Vec<OrganisationRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM organisations o ORDER BY o.name, o.id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(record_from_row).collect()
    }

    /// One page of organisations by name (`page` from 1), and how many there are in all.
    pub async fn organisation_page(
        &self,
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<OrganisationRecord>, u64), StoreError> {
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations")
            .fetch_one(&self.pool)
            .await?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM organisations o ORDER BY o.name, o.id LIMIT $1 OFFSET $2"
        ))
        .bind(per_page as i64)
        .bind((page.saturating_sub(1) * per_page) as i64)
        .fetch_all(&self.pool)
        .await?;
        let records = rows.iter().map(record_from_row).collect::<Result<_, _>>()?;
        Ok((records, total as u64))
    }

    /// One organisation with its profile.
    pub async fn organisation_record(
        &self,
        id: &OrganisationId,
    ) -> Result<Option<OrganisationRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM organisations o WHERE o.id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(record_from_row).transpose()
    }

    /// Creates or updates organisations with their profiles in one transaction, and makes each a
    /// member of the ICS `icb` when given. A failure leaves the store as it was.
    pub async fn import_organisations(
        &self,
        records: &[OrganisationRecord],
        icb: Option<&GssCode>,
    ) -> Result<(), StoreError> {
        let at = now();
        let mut tx = self.pool.begin().await?;
        for r in records {
            upsert(&mut tx, r, &at).await?;
            if let Some(icb) = icb {
                sqlx::query(
                    "INSERT INTO system_members (icb_code, organisation_id) VALUES ($1, $2) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(icb.as_str())
                .bind(r.0.id.to_string())
                .execute(&mut *tx)
                .await?;
            }
        }
        crate::directory::bump_directory_version(&mut tx).await?;
        tx.commit().await?;
        self.note_directory_write();
        Ok(())
    }
}
