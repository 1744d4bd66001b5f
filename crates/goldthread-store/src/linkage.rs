//! Linkage jobs run under agreements and the linked pairs they produce: a job, its cohort, the
//! cohort's members and its pairs of row pseudonyms are stored in one transaction. Jobs stay on
//! record (for the public register) after retention deletes their datasets and cohort.

use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::sharing::{AccountId, AgreementId, CohortId, DatasetId, LinkageJobId};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{Cohort, Store, StoreError};

/// A linkage job as recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkageJob {
    /// Identifier.
    pub id: LinkageJobId,
    /// The agreement it ran under.
    pub agreement: AgreementId,
    /// The purpose stated (stored form).
    pub purpose: String,
    /// Its name (published on the register of data uses).
    pub name: String,
    /// Who asked for it.
    pub requested_by: AccountId,
    /// The organisation they acted for.
    pub organisation: OrganisationId,
    /// When (RFC 3339).
    pub created_at: String,
    /// The datasets linked (left, right).
    pub datasets: [DatasetId; 2],
    /// Pairs at or above this probability were kept.
    pub threshold: f64,
    /// Rows of each dataset linked (after opt-outs).
    pub rows: [i64; 2],
    /// Opted-out people's rows left out.
    pub opted_out: i64,
    /// Candidate pairs scored.
    pub candidate_pairs: i64,
    /// Pairs kept.
    pub matches: i64,
    /// `done` or `failed`.
    pub status: String,
    /// What happened, in words (the engine's warnings, or why it failed).
    pub detail: String,
    /// The cohort it produced, if it finished (gone once retention deletes it).
    pub cohort: Option<CohortId>,
}

/// One linked pair as stored: a row of each dataset by line and pseudonym, and the probability.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LinkedRowPair {
    /// Line of the left dataset's row.
    pub left_line: i64,
    /// The left row's pseudonym.
    pub left_pseudonym: String,
    /// Line of the right dataset's row.
    pub right_line: i64,
    /// The right row's pseudonym.
    pub right_pseudonym: String,
    /// Match probability.
    pub probability: f64,
}

fn job_from_row(r: &AnyRow) -> Result<LinkageJob, StoreError> {
    let key: String = r.try_get("id")?;
    let bad = |e: goldthread_domain::ParseIdError| StoreError::corrupt("linkage_jobs", &key, e);
    let ds = |c: &str| -> Result<DatasetId, StoreError> {
        DatasetId::parse(&r.try_get::<String, _>(c)?).map_err(bad)
    };
    Ok(LinkageJob {
        id: LinkageJobId::parse(&key).map_err(bad)?,
        agreement: AgreementId::parse(&r.try_get::<String, _>("agreement_id")?).map_err(bad)?,
        purpose: r.try_get("purpose")?,
        name: r.try_get("name")?,
        requested_by: AccountId::parse(&r.try_get::<String, _>("requested_by")?).map_err(bad)?,
        organisation: OrganisationId::parse(&r.try_get::<String, _>("organisation_id")?)
            .map_err(bad)?,
        created_at: r.try_get("created_at")?,
        datasets: [ds("left_dataset")?, ds("right_dataset")?],
        threshold: r.try_get("threshold")?,
        rows: [r.try_get("left_rows")?, r.try_get("right_rows")?],
        opted_out: r.try_get("opted_out")?,
        candidate_pairs: r.try_get("candidate_pairs")?,
        matches: r.try_get("matches")?,
        status: r.try_get("status")?,
        detail: r.try_get("detail")?,
        cohort: r
            .try_get::<Option<String>, _>("cohort_id")?
            .map(|c| CohortId::parse(&c))
            .transpose()
            .map_err(bad)?,
    })
}

impl Store {
    /// Records a linkage job and, when it finished, its cohort (members: the left rows'
    /// pseudonyms) and pairs, in one transaction.
    pub async fn record_linkage_job(
        &self,
        job: &LinkageJob,
        result: Option<(&Cohort, &[LinkedRowPair])>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        if let Some((cohort, pairs)) = result {
            let id = cohort.id.to_string();
            let mut members: Vec<&str> = pairs.iter().map(|p| p.left_pseudonym.as_str()).collect();
            members.sort_unstable();
            members.dedup();
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
            .bind(cohort.datasets[0].to_string())
            .bind(cohort.datasets[1].to_string())
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
            for p in pairs {
                sqlx::query(
                    "INSERT INTO cohort_pairs (cohort_id, left_line, left_pseudonym, right_line, \
                     right_pseudonym, probability) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&id)
                .bind(p.left_line)
                .bind(&p.left_pseudonym)
                .bind(p.right_line)
                .bind(&p.right_pseudonym)
                .bind(p.probability)
                .execute(&mut *tx)
                .await?;
            }
        }
        sqlx::query(
            "INSERT INTO linkage_jobs (id, agreement_id, purpose, name, requested_by, organisation_id, \
             created_at, left_dataset, right_dataset, threshold, left_rows, right_rows, opted_out, \
             candidate_pairs, matches, status, detail, cohort_id) VALUES ($1, $2, $3, $4, $5, $6, $7, \
             $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
        )
        .bind(job.id.to_string())
        .bind(job.agreement.to_string())
        .bind(&job.purpose)
        .bind(&job.name)
        .bind(job.requested_by.to_string())
        .bind(job.organisation.to_string())
        .bind(&job.created_at)
        .bind(job.datasets[0].to_string())
        .bind(job.datasets[1].to_string())
        .bind(job.threshold)
        .bind(job.rows[0])
        .bind(job.rows[1])
        .bind(job.opted_out)
        .bind(job.candidate_pairs)
        .bind(job.matches)
        .bind(&job.status)
        .bind(&job.detail)
        .bind(job.cohort.map(|c| c.to_string()))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// One linkage job.
    pub async fn linkage_job(&self, id: LinkageJobId) -> Result<Option<LinkageJob>, StoreError> {
        sqlx::query("SELECT * FROM linkage_jobs WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(job_from_row)
            .transpose()
    }

    /// Every linkage job, newest first.
    pub async fn linkage_jobs(&self) -> Result<Vec<LinkageJob>, StoreError> {
        let rows = sqlx::query("SELECT * FROM linkage_jobs ORDER BY created_at DESC, id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(job_from_row).collect()
    }

    /// A cohort's linked pairs, best first; with `exclude_opted_out`, pairs where either row's
    /// person opted out are left out and counted.
    pub async fn cohort_pairs(
        &self,
        cohort: CohortId,
        exclude_opted_out: bool,
    ) -> Result<(Vec<LinkedRowPair>, i64), StoreError> {
        let rows = sqlx::query(
            "SELECT p.left_line, p.left_pseudonym, p.right_line, p.right_pseudonym, p.probability, \
             CAST(CASE WHEN EXISTS (SELECT 1 FROM opt_outs o WHERE o.pseudonym = p.left_pseudonym \
             OR o.pseudonym = p.right_pseudonym) THEN 1 ELSE 0 END AS BIGINT) AS opted \
             FROM cohort_pairs p WHERE p.cohort_id = $1 \
             ORDER BY p.probability DESC, p.left_line, p.right_line",
        )
        .bind(cohort.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut removed = 0;
        for r in &rows {
            if exclude_opted_out && r.try_get::<i64, _>("opted")? != 0 {
                removed += 1;
                continue;
            }
            out.push(LinkedRowPair {
                left_line: r.try_get("left_line")?,
                left_pseudonym: r.try_get("left_pseudonym")?,
                right_line: r.try_get("right_line")?,
                right_pseudonym: r.try_get("right_pseudonym")?,
                probability: r.try_get("probability")?,
            });
        }
        Ok((out, removed))
    }
}
