//! Data-sharing agreements: the register, with parties and field grants.

use chrono::NaiveDate;
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::sharing::{
    Agreement, AgreementId, Article9Condition, DataTier, DatasetKind, Exemption, FieldGrant,
    LawfulBasis, Party, PartyRole, Purpose, Status,
};
use goldthread_domain::OdsCode;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::{now, Store, StoreError};

const T: &str = "agreements";

fn date(key: &str, s: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| StoreError::corrupt(T, key, e))
}

fn agreement_from_row(r: &AnyRow) -> Result<Agreement, StoreError> {
    let key: String = r.try_get("id")?;
    let bad = |e: goldthread_domain::ParseIdError| StoreError::corrupt(T, &key, e);
    Ok(Agreement {
        id: AgreementId::parse(&key).map_err(bad)?,
        reference: r.try_get("reference")?,
        title: r.try_get("title")?,
        purpose: Purpose::parse(&r.try_get::<String, _>("purpose")?).map_err(bad)?,
        description: r.try_get("description")?,
        lawful_basis: LawfulBasis::parse(&r.try_get::<String, _>("lawful_basis")?).map_err(bad)?,
        article9: Article9Condition::parse(&r.try_get::<String, _>("article9")?).map_err(bad)?,
        tier: DataTier::parse(&r.try_get::<String, _>("tier")?).map_err(bad)?,
        retain_identifiers: r.try_get::<i64, _>("retain_identifiers")? != 0,
        opt_out_exemption: r
            .try_get::<Option<String>, _>("opt_out_exemption")?
            .map(|s| Exemption::parse(&s))
            .transpose()
            .map_err(bad)?,
        retention_days: u32::try_from(r.try_get::<i64, _>("retention_days")?)
            .map_err(|e| StoreError::corrupt(T, &key, e))?,
        security: r.try_get("security")?,
        dpia: r.try_get("dpia")?,
        start: date(&key, &r.try_get::<String, _>("start_date")?)?,
        review: date(&key, &r.try_get::<String, _>("review_date")?)?,
        expiry: date(&key, &r.try_get::<String, _>("expiry_date")?)?,
        status: Status::parse(&r.try_get::<String, _>("status")?).map_err(bad)?,
        parties: Vec::new(),
        fields: Vec::new(),
    })
}

async fn write_children(tx: &mut Transaction<'_, Any>, a: &Agreement) -> Result<(), StoreError> {
    let id = a.id.to_string();
    sqlx::query("DELETE FROM agreement_parties WHERE agreement_id = $1")
        .bind(&id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM agreement_fields WHERE agreement_id = $1")
        .bind(&id)
        .execute(&mut **tx)
        .await?;
    for p in &a.parties {
        sqlx::query(
            "INSERT INTO agreement_parties (agreement_id, organisation_id, party_role, ods_code, \
             ico_registration, dspt_status, approved_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(p.organisation.to_string())
        .bind(p.role.as_str())
        .bind(p.ods_code.as_ref().map(OdsCode::to_string))
        .bind(&p.ico_registration)
        .bind(&p.dspt_status)
        .bind(p.approved_at.as_deref())
        .execute(&mut **tx)
        .await?;
    }
    for g in &a.fields {
        for f in &g.fields {
            sqlx::query(
                "INSERT INTO agreement_fields (agreement_id, organisation_id, dataset_kind, field) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(&id)
            .bind(g.organisation.to_string())
            .bind(g.dataset.as_str())
            .bind(f)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

async fn insert_agreement(
    tx: &mut Transaction<'_, Any>,
    a: &Agreement,
    at: &str,
) -> Result<(), StoreError> {
    // Approved, active and expired are all stored as approved: dates decide the rest.
    let status = match a.status {
        Status::Active | Status::Expired => Status::Approved,
        s => s,
    };
    sqlx::query(
        "INSERT INTO agreements (id, reference, title, purpose, description, lawful_basis, \
         article9, tier, retain_identifiers, opt_out_exemption, retention_days, security, dpia, \
         start_date, review_date, expiry_date, status, created_at, updated_at) VALUES ($1, $2, \
         $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) \
         ON CONFLICT (id) DO UPDATE SET reference = excluded.reference, title = excluded.title, \
         purpose = excluded.purpose, description = excluded.description, \
         lawful_basis = excluded.lawful_basis, article9 = excluded.article9, \
         tier = excluded.tier, retain_identifiers = excluded.retain_identifiers, \
         opt_out_exemption = excluded.opt_out_exemption, \
         retention_days = excluded.retention_days, security = excluded.security, \
         dpia = excluded.dpia, start_date = excluded.start_date, \
         review_date = excluded.review_date, expiry_date = excluded.expiry_date, \
         status = excluded.status, updated_at = excluded.updated_at",
    )
    .bind(a.id.to_string())
    .bind(&a.reference)
    .bind(&a.title)
    .bind(a.purpose.as_str())
    .bind(&a.description)
    .bind(a.lawful_basis.as_str())
    .bind(a.article9.as_str())
    .bind(a.tier.as_str())
    .bind(i64::from(a.retain_identifiers))
    .bind(a.opt_out_exemption.map(Exemption::as_str))
    .bind(i64::from(a.retention_days))
    .bind(&a.security)
    .bind(&a.dpia)
    .bind(a.start.to_string())
    .bind(a.review.to_string())
    .bind(a.expiry.to_string())
    .bind(status.as_str())
    .bind(at)
    .execute(&mut **tx)
    .await?;
    write_children(tx, a).await
}

impl Store {
    /// Creates or replaces an agreement with its parties and field grants, in one transaction.
    /// The agreement is validated first.
    pub async fn put_agreement(&self, a: &Agreement) -> Result<(), StoreError> {
        self.put_agreements(std::slice::from_ref(a)).await
    }

    /// Stores several agreements (a register import) in one transaction: all or none.
    pub async fn put_agreements(&self, all: &[Agreement]) -> Result<(), StoreError> {
        for a in all {
            a.validate()
                .map_err(|e| StoreError::Conflict(format!("agreement {}: {e}", a.reference)))?;
        }
        let at = now();
        let mut tx = self.pool.begin().await?;
        for a in all {
            insert_agreement(&mut tx, a, &at).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// One agreement with its parties and fields.
    pub async fn agreement(&self, id: AgreementId) -> Result<Option<Agreement>, StoreError> {
        let row = sqlx::query("SELECT * FROM agreements WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let mut a = agreement_from_row(&row)?;
        self.fill_agreement(&mut a).await?;
        Ok(Some(a))
    }

    /// Every agreement, by reference.
    pub async fn agreements(&self) -> Result<Vec<Agreement>, StoreError> {
        let rows = sqlx::query("SELECT * FROM agreements ORDER BY reference")
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let mut a = agreement_from_row(r)?;
            self.fill_agreement(&mut a).await?;
            out.push(a);
        }
        Ok(out)
    }

    async fn fill_agreement(&self, a: &mut Agreement) -> Result<(), StoreError> {
        let key = a.id.to_string();
        let bad = |e: goldthread_domain::ParseIdError| StoreError::corrupt(T, &key, e);
        let rows = sqlx::query(
            "SELECT organisation_id, party_role, ods_code, ico_registration, dspt_status, \
             approved_at FROM agreement_parties WHERE agreement_id = $1 ORDER BY organisation_id",
        )
        .bind(&key)
        .fetch_all(&self.pool)
        .await?;
        for r in rows {
            a.parties.push(Party {
                organisation: OrganisationId::parse(&r.try_get::<String, _>("organisation_id")?)
                    .map_err(bad)?,
                role: PartyRole::parse(&r.try_get::<String, _>("party_role")?).map_err(bad)?,
                ods_code: r
                    .try_get::<Option<String>, _>("ods_code")?
                    .map(|s| OdsCode::parse(&s))
                    .transpose()
                    .map_err(bad)?,
                ico_registration: r.try_get("ico_registration")?,
                dspt_status: r.try_get("dspt_status")?,
                approved_at: r.try_get("approved_at")?,
            });
        }
        let rows = sqlx::query(
            "SELECT organisation_id, dataset_kind, field FROM agreement_fields \
             WHERE agreement_id = $1 ORDER BY organisation_id, dataset_kind, field",
        )
        .bind(&key)
        .fetch_all(&self.pool)
        .await?;
        for r in rows {
            let organisation =
                OrganisationId::parse(&r.try_get::<String, _>("organisation_id")?).map_err(bad)?;
            let dataset =
                DatasetKind::parse(&r.try_get::<String, _>("dataset_kind")?).map_err(bad)?;
            let field: String = r.try_get("field")?;
            match a
                .fields
                .iter_mut()
                .find(|g| g.organisation == organisation && g.dataset == dataset)
            {
                Some(g) => g.fields.push(field),
                None => a.fields.push(FieldGrant {
                    organisation,
                    dataset,
                    fields: vec![field],
                }),
            }
        }
        Ok(())
    }
}
