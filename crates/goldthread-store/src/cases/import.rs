//! Importing cases with their history in one transaction (the demo's year of activity, or a
//! migration from another case system). Each event is checked by the same domain rules as a
//! live one; the first refusal names the case and event and nothing is written.

use chrono::NaiveDate;
use goldthread_domain::programme::case::{CaseEvent, CaseStatus, Outcome};
use goldthread_domain::programme::Programme;
use std::collections::HashMap;

use super::{append_event, insert_case, saved_bed_days, NewCase};
use crate::{Store, StoreError};

/// A case with its history, as imported.
#[derive(Clone, Debug)]
pub struct CaseHistory {
    /// The case as it arrived.
    pub case: NewCase,
    /// Its events in order: when (RFC 3339), who, what.
    pub events: Vec<(String, String, CaseEvent)>,
    /// For District Direct: the day the patient went home (the last event must close the case
    /// with the outcome "discharged home").
    pub discharged_on: Option<NaiveDate>,
}

impl Store {
    /// Imports cases and their histories in one transaction.
    pub async fn import_case_histories(&self, cases: &[CaseHistory]) -> Result<(), StoreError> {
        let mut programmes: HashMap<String, Programme> = HashMap::new();
        for p in self.programmes().await? {
            programmes.insert(p.id.to_string(), p);
        }
        let mut tx = self.pool.begin().await?;
        for h in cases {
            let c = &h.case;
            let programme = programmes.get(c.programme.as_str()).ok_or_else(|| {
                StoreError::Conflict(format!(
                    "case {}: there is no programme {}",
                    c.reference, c.programme
                ))
            })?;
            insert_case(&mut tx, c).await?;
            let mut status = CaseStatus::referred(c.team);
            for (i, (at, actor, event)) in h.events.iter().enumerate() {
                status.apply(event, programme).map_err(|e| {
                    StoreError::Conflict(format!("case {}, event {}: {e}", c.reference, i + 1))
                })?;
                append_event(&mut tx, &c.id, event, actor, at, &status, programme).await?;
            }
            if let Some(d) = h.discharged_on {
                if status.outcome != Some(Outcome::DischargedHome) {
                    return Err(StoreError::Conflict(format!(
                        "case {}: a discharge date needs the case closed as discharged home",
                        c.reference
                    )));
                }
                let saved = saved_bed_days(programme, c.barrier, c.medically_fit_on, d);
                sqlx::query(
                    "UPDATE cases SET discharged_on = $1, bed_days_saved = $2 WHERE id = $3",
                )
                .bind(d.to_string())
                .bind(saved.map(i64::from))
                .bind(c.id.to_string())
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}
