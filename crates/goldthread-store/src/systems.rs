//! Integrated care systems and the organisations in them.

use goldthread_domain::organisation::{
    IntegratedCareSystem, Organisation, OrganisationId, OrganisationKind,
};
use goldthread_domain::{GssCode, OdsCode};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::{now, Store, StoreError};

const ORGANISATION_COLUMNS: &str = "o.id, o.name, o.kind, o.ods_code, o.gss_code";

pub(crate) fn organisation_from_row(row: &AnyRow) -> Result<Organisation, StoreError> {
    const T: &str = "organisations";
    let key: String = row.try_get("id")?;
    let bad = |e: goldthread_domain::ParseIdError| StoreError::corrupt(T, &key, e);
    Ok(Organisation {
        id: OrganisationId::parse(&key).map_err(bad)?,
        name: row.try_get("name")?,
        kind: OrganisationKind::parse(&row.try_get::<String, _>("kind")?).map_err(bad)?,
        ods_code: row
            .try_get::<Option<String>, _>("ods_code")?
            .map(|s| OdsCode::parse(&s))
            .transpose()
            .map_err(bad)?,
        gss_code: row
            .try_get::<Option<String>, _>("gss_code")?
            .map(|s| GssCode::parse(&s))
            .transpose()
            .map_err(bad)?,
    })
}

async fn upsert_organisation(
    tx: &mut Transaction<'_, Any>,
    o: &Organisation,
    at: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO organisations (id, name, kind, ods_code, gss_code, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
         kind = excluded.kind, ods_code = excluded.ods_code, gss_code = excluded.gss_code, \
         updated_at = excluded.updated_at",
    )
    .bind(o.id.to_string())
    .bind(o.name.as_str())
    .bind(o.kind.as_str())
    .bind(o.ods_code.as_ref().map(OdsCode::to_string))
    .bind(o.gss_code.as_ref().map(GssCode::to_string))
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Creates or replaces an integrated care system with its member organisations, in one
    /// transaction. The ICB must be in the reference geography.
    pub async fn put_system(
        &self,
        system: &IntegratedCareSystem,
        organisations: &[Organisation],
    ) -> Result<(), StoreError> {
        let at = now();
        let mut tx = self.pool.begin().await?;
        for o in organisations {
            upsert_organisation(&mut tx, o, &at).await?;
        }
        sqlx::query(
            "INSERT INTO systems (icb_code, name, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (icb_code) DO UPDATE SET name = excluded.name",
        )
        .bind(system.icb.as_str())
        .bind(system.name.as_str())
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM system_members WHERE icb_code = $1")
            .bind(system.icb.as_str())
            .execute(&mut *tx)
            .await?;
        for id in &system.members {
            sqlx::query("INSERT INTO system_members (icb_code, organisation_id) VALUES ($1, $2)")
                .bind(system.icb.as_str())
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        crate::directory::bump_directory_version(&mut tx).await?;
        tx.commit().await?;
        self.note_directory_write();
        Ok(())
    }

    /// Every integrated care system in the store, by ICB code.
    pub async fn systems(&self) -> Result<Vec<IntegratedCareSystem>, StoreError> {
        let rows = sqlx::query("SELECT icb_code, name FROM systems ORDER BY icb_code")
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let code: String = row.try_get("icb_code")?;
            let icb =
                GssCode::parse(&code).map_err(|e| StoreError::corrupt("systems", &code, e))?;
            let members = self
                .organisations_in(&icb)
                .await?
                .into_iter()
                .map(|o| o.id)
                .collect();
            out.push(IntegratedCareSystem {
                icb,
                name: row.try_get("name")?,
                members,
            });
        }
        Ok(out)
    }

    /// The organisations taking part in a system, by name.
    pub async fn organisations_in(&self, icb: &GssCode) -> Result<Vec<Organisation>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ORGANISATION_COLUMNS} FROM organisations o \
             JOIN system_members m ON m.organisation_id = o.id WHERE m.icb_code = $1 ORDER BY o.name"
        ))
        .bind(icb.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(organisation_from_row).collect()
    }

    /// One organisation by id.
    pub async fn organisation(
        &self,
        id: &OrganisationId,
    ) -> Result<Option<Organisation>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {ORGANISATION_COLUMNS} FROM organisations o WHERE o.id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(organisation_from_row).transpose()
    }
}
