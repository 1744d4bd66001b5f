//! The reference geography in the store: authorities, ICBs and the shares between them.

use goldthread_domain::geography::{Authority, Icb, IcbShare, ReferenceGeography, Region, Tier};
use goldthread_domain::{GssCode, OdsCode};
use sqlx::Row;

use crate::{now, Store, StoreError};

fn gss(table: &'static str, key: &str, v: &str) -> Result<GssCode, StoreError> {
    GssCode::parse(v).map_err(|e| StoreError::corrupt(table, key, e))
}

fn count(v: Option<i64>) -> Option<u32> {
    v.and_then(|n| u32::try_from(n).ok())
}

impl Store {
    /// Replaces the reference geography with `geo`, in one transaction: on any failure the
    /// database keeps the geography it had. ICBs that a system still uses cannot be removed.
    pub async fn replace_reference_geography(
        &self,
        geo: &ReferenceGeography,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM authority_icb")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM authorities")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM regions").execute(&mut *tx).await?;
        let mut regions: Vec<&Region> = geo.authorities().iter().map(|a| &a.region).collect();
        regions.sort_by_key(|r| r.code);
        regions.dedup_by_key(|r| r.code);
        for r in regions {
            sqlx::query("INSERT INTO regions (code, name) VALUES ($1, $2)")
                .bind(r.code.as_str())
                .bind(r.name.as_str())
                .execute(&mut *tx)
                .await?;
        }
        for a in geo.authorities() {
            sqlx::query(
                "INSERT INTO authorities (code, name, tier, upper_tier_code, region_code, \
                 population_mid2020, population_census2021) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(a.code.as_str())
            .bind(a.name.as_str())
            .bind(a.tier.as_str())
            .bind(a.upper_tier.as_str())
            .bind(a.region.code.as_str())
            .bind(a.population_mid2020.map(i64::from))
            .bind(a.population_census2021.map(i64::from))
            .execute(&mut *tx)
            .await?;
        }
        for i in geo.icbs() {
            sqlx::query(
                "INSERT INTO icbs (code, ods_code, name, code_2022) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (code) DO UPDATE SET ods_code = excluded.ods_code, \
                 name = excluded.name, code_2022 = excluded.code_2022",
            )
            .bind(i.code.as_str())
            .bind(i.ods_code.as_str())
            .bind(i.name.as_str())
            .bind(i.code_2022.as_str())
            .execute(&mut *tx)
            .await?;
        }
        let keep: Vec<String> = geo.icbs().iter().map(|i| format!("'{}'", i.code)).collect();
        // The codes are parsed GssCodes (a letter and eight digits), so inlining them is safe.
        sqlx::query(&format!(
            "DELETE FROM icbs WHERE code NOT IN ({})",
            keep.join(",")
        ))
        .execute(&mut *tx)
        .await?;
        for s in geo.shares() {
            sqlx::query(
                "INSERT INTO authority_icb (authority_code, icb_code, lsoa_count, authority_lsoa_count) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(s.authority.as_str())
            .bind(s.icb.as_str())
            .bind(i64::from(s.lsoa_count))
            .bind(i64::from(s.authority_lsoa_count))
            .execute(&mut *tx)
            .await?;
        }
        for (key, value) in [("vintage", geo.vintage.clone()), ("loaded_at", now())] {
            sqlx::query(
                "INSERT INTO reference_meta (key, value) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(key)
            .bind(value)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The stored reference geography, or `None` if none has been loaded.
    pub async fn reference_geography(&self) -> Result<Option<ReferenceGeography>, StoreError> {
        let vintage: Option<String> =
            sqlx::query_scalar("SELECT value FROM reference_meta WHERE key = 'vintage'")
                .fetch_optional(&self.pool)
                .await?;
        let Some(vintage) = vintage else {
            return Ok(None);
        };
        let authorities = self.stored_authorities().await?;
        let icbs = self.stored_icbs().await?;
        let shares = self.stored_shares().await?;
        ReferenceGeography::from_parts(&vintage, authorities, icbs, shares)
            .map(Some)
            .map_err(|e| StoreError::corrupt("authorities", e.field.clone(), e))
    }

    async fn stored_authorities(&self) -> Result<Vec<Authority>, StoreError> {
        const T: &str = "authorities";
        let rows = sqlx::query(
            "SELECT a.code, a.name, a.tier, a.upper_tier_code, a.region_code, r.name AS region_name, \
             a.population_mid2020, a.population_census2021 \
             FROM authorities a JOIN regions r ON r.code = a.region_code ORDER BY a.code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let key: String = row.try_get("code")?;
                Ok(Authority {
                    code: gss(T, &key, &key)?,
                    name: row.try_get("name")?,
                    tier: Tier::parse(&row.try_get::<String, _>("tier")?)
                        .map_err(|e| StoreError::corrupt(T, &key, e))?,
                    upper_tier: gss(T, &key, &row.try_get::<String, _>("upper_tier_code")?)?,
                    region: Region {
                        code: gss(T, &key, &row.try_get::<String, _>("region_code")?)?,
                        name: row.try_get("region_name")?,
                    },
                    population_mid2020: count(row.try_get("population_mid2020")?),
                    population_census2021: count(row.try_get("population_census2021")?),
                })
            })
            .collect()
    }

    async fn stored_icbs(&self) -> Result<Vec<Icb>, StoreError> {
        const T: &str = "icbs";
        let rows = sqlx::query("SELECT code, ods_code, name, code_2022 FROM icbs ORDER BY code")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let key: String = row.try_get("code")?;
                Ok(Icb {
                    code: gss(T, &key, &key)?,
                    ods_code: OdsCode::parse(&row.try_get::<String, _>("ods_code")?)
                        .map_err(|e| StoreError::corrupt(T, &key, e))?,
                    name: row.try_get("name")?,
                    code_2022: gss(T, &key, &row.try_get::<String, _>("code_2022")?)?,
                })
            })
            .collect()
    }

    async fn stored_shares(&self) -> Result<Vec<IcbShare>, StoreError> {
        const T: &str = "authority_icb";
        let rows = sqlx::query(
            "SELECT authority_code, icb_code, lsoa_count, authority_lsoa_count FROM authority_icb \
             ORDER BY authority_code, lsoa_count DESC, icb_code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let key: String = row.try_get("authority_code")?;
                let n = |c: &str| -> Result<u32, StoreError> {
                    count(Some(row.try_get::<i64, _>(c)?))
                        .ok_or_else(|| StoreError::corrupt(T, &key, format!("{c} out of range")))
                };
                Ok(IcbShare {
                    authority: gss(T, &key, &key)?,
                    icb: gss(T, &key, &row.try_get::<String, _>("icb_code")?)?,
                    lsoa_count: n("lsoa_count")?,
                    authority_lsoa_count: n("authority_lsoa_count")?,
                })
            })
            .collect()
    }
}
