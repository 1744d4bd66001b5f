//! Disabled Facilities Grant applications, one per home adaptations case, stored whole as
//! JSON with the columns the timescale dashboard reads. The domain checks an application
//! before it is stored.

use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::programme::adaptations::{DfgApplication, DfgMilestones};
use goldthread_domain::programme::case::CaseId;
use goldthread_domain::programme::ProgrammeId;
use goldthread_domain::Money;
use serde::Serialize;
use sqlx::Row;

use crate::{now, Store, StoreError};

/// A stored application, with the grant it gives and who last changed it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct StoredDfg {
    /// The application.
    pub application: DfgApplication,
    /// The grant payable, once the cost of works is known.
    pub grant: Option<Money>,
    /// When it was last changed (RFC 3339).
    pub updated_at: String,
    /// Who changed it.
    pub updated_by: String,
}

impl Store {
    /// Creates or replaces a case's DFG application (already checked by the domain).
    pub async fn put_dfg(
        &self,
        case: &CaseId,
        application: &DfgApplication,
        grant: Option<Money>,
        actor: &str,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(application)
            .map_err(|e| StoreError::Conflict(format!("application does not serialise: {e}")))?;
        let m = &application.milestones;
        sqlx::query(
            "INSERT INTO dfg_applications (case_id, urgent, enquiry_on, completed_on, grant_pence, \
             application, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (case_id) DO UPDATE SET urgent = excluded.urgent, \
             enquiry_on = excluded.enquiry_on, completed_on = excluded.completed_on, \
             grant_pence = excluded.grant_pence, application = excluded.application, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(case.to_string())
        .bind(i64::from(m.urgent))
        .bind(m.enquiry.to_string())
        .bind(m.completed.map(|d| d.to_string()))
        .bind(grant.map(Money::pence))
        .bind(json)
        .bind(now())
        .bind(actor)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A case's DFG application, if it has one.
    pub async fn dfg(&self, case: &CaseId) -> Result<Option<StoredDfg>, StoreError> {
        let Some(r) = sqlx::query(
            "SELECT application, grant_pence, updated_at, updated_by FROM dfg_applications \
             WHERE case_id = $1",
        )
        .bind(case.to_string())
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let application = serde_json::from_str(&r.try_get::<String, _>("application")?)
            .map_err(|e| StoreError::corrupt("dfg_applications", case.to_string(), e))?;
        Ok(Some(StoredDfg {
            application,
            grant: r
                .try_get::<Option<i64>, _>("grant_pence")?
                .map(Money::from_pence),
            updated_at: r.try_get("updated_at")?,
            updated_by: r.try_get("updated_by")?,
        }))
    }

    /// The milestones of every DFG application in a programme, with the team working each.
    pub async fn dfg_milestones(
        &self,
        programme: &ProgrammeId,
    ) -> Result<Vec<(OrganisationId, DfgMilestones)>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.case_id, d.application, c.team_organisation_id FROM dfg_applications d \
             JOIN cases c ON c.id = d.case_id WHERE c.programme_id = $1 ORDER BY d.enquiry_on",
        )
        .bind(programme.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let key: String = r.try_get("case_id")?;
                let corrupt = |e: String| StoreError::corrupt("dfg_applications", &key, e);
                let a: DfgApplication =
                    serde_json::from_str(&r.try_get::<String, _>("application")?)
                        .map_err(|e| corrupt(e.to_string()))?;
                let team = OrganisationId::parse(&r.try_get::<String, _>("team_organisation_id")?)
                    .map_err(|e| corrupt(e.to_string()))?;
                Ok((team, a.milestones))
            })
            .collect()
    }
}
