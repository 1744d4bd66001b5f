//! The one authorisation function for person-level data.
//!
//! Every handler that returns person-level data (dataset rows, cohort members, linkage jobs and
//! their results, re-identified records, cases and worklists) calls [`authorise`] with what it
//! wants to read and a closure that does the reading.
//! The function loads the agreement, asks the pure decision
//! (`goldthread_domain::sharing::decide`, deny by default), runs the read only if allowed, and
//! writes exactly one audit event either way: who, for which organisation, under which
//! agreement, for which purpose, which fields, how many rows, how many opted-out people were
//! removed. The data never reaches a handler any other way.

use goldthread_domain::audit::AuditRecord;
use goldthread_domain::sharing::{decide, Denial, Grant, Purpose, ReadRequest, Resource};

use super::CurrentUser;
use crate::{ApiError, AppState};

/// What a handler wants to read.
#[derive(Clone, Debug)]
pub struct Intent {
    /// The audit action, e.g. `read.dataset_rows`.
    pub action: &'static str,
    /// What is read, e.g. `dataset/UUID`.
    pub subject: String,
    /// Whose data, of what kind, under which agreement: one resource, or each dataset a cohort
    /// or linkage job draws on, or each team a worklist covers (all must be allowed).
    pub resources: Vec<Resource>,
    /// The purpose the reader states.
    pub purpose: Purpose,
    /// The fields asked for (empty: all the reader may see).
    pub fields: Vec<String>,
    /// A re-identification rather than a pseudonymised read.
    pub identifiable: bool,
}

/// What a read returned, for the audit event.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReadCounts {
    /// Rows or people returned.
    pub returned: usize,
    /// Opted-out people removed.
    pub opted_out: i64,
}

/// An allowed read: the combined grant (the first resource's, with opt-outs applied if any
/// resource needs them), which the read derefs to, and each resource's own grant in order.
#[derive(Clone, Debug)]
pub struct Allowed {
    /// The combined grant.
    pub grant: Grant,
    /// Each resource's grant, in the order of [`Intent::resources`].
    pub each: Vec<Grant>,
}

impl std::ops::Deref for Allowed {
    type Target = Grant;

    fn deref(&self) -> &Grant {
        &self.grant
    }
}

/// Decides a read of person-level data, runs it if allowed, and records one audit event.
/// A refusal is a 403 naming the rule that refused it.
pub async fn authorise<T>(
    state: &AppState,
    user: &CurrentUser,
    intent: Intent,
    read: impl AsyncFnOnce(&Allowed) -> Result<(T, ReadCounts), ApiError>,
) -> Result<T, ApiError> {
    let today = chrono::Utc::now().date_naive();
    let mut decision = Err(Denial::NoAgreement);
    let mut each = Vec::with_capacity(intent.resources.len());
    for (i, resource) in intent.resources.iter().enumerate() {
        let agreement = match resource.agreement() {
            Some(id) => state.store().agreement(id).await?,
            None => None,
        };
        let d = decide(&ReadRequest {
            grants: user.roles(),
            purpose: intent.purpose,
            resource: *resource,
            agreement: agreement.as_ref(),
            fields: &intent.fields,
            identifiable: intent.identifiable,
            today,
        });
        if let Ok(g) = &d {
            each.push(g.clone());
        }
        decision = match (i, d, decision) {
            (0, d, _) => d,
            (_, Ok(next), Ok(mut first)) => {
                first.apply_opt_outs |= next.apply_opt_outs;
                Ok(first)
            }
            (_, Err(e), _) | (_, _, Err(e)) => Err(e),
        };
    }
    let agreement_id = intent
        .resources
        .first()
        .and_then(Resource::agreement)
        .map(|a| a.to_string());
    let mut record = AuditRecord {
        actor: user.account.id.to_string(),
        action: intent.action.to_owned(),
        agreement: agreement_id,
        purpose: Some(intent.purpose.as_str().to_owned()),
        subject: intent.subject.clone(),
        ..AuditRecord::default()
    };
    let grant = match decision {
        Ok(g) => g,
        Err(denial) => {
            record.outcome = "denied".into();
            record.detail = format!("{denial}; fields asked: {}", list(&intent.fields));
            state.store().append_audit(record).await?;
            return Err(ApiError::forbidden(denial.to_string()));
        }
    };
    let allowed = Allowed { grant, each };
    let result = read(&allowed).await;
    let grant = allowed.grant;
    record.organisation = Some(grant.acting_for.to_string());
    record.outcome = "allowed".into();
    let (data, counts) = match result {
        Ok(v) => v,
        Err(e) => {
            // Allowed but the read itself failed: still one event, saying so.
            record.detail = format!(
                "role {}; the read failed: {}",
                grant.role.as_str(),
                e.message
            );
            state.store().append_audit(record).await?;
            return Err(e);
        }
    };
    record.detail = format!(
        "role {}; fields {}; returned {}; opt-outs {}",
        grant.role.as_str(),
        list(&grant.fields),
        counts.returned,
        if grant.apply_opt_outs {
            format!("applied, {} removed", counts.opted_out)
        } else {
            "not applicable".to_owned()
        }
    );
    state.store().append_audit(record).await?;
    Ok(data)
}

/// Records a refused request for person-level data that never reached a decision (no such
/// dataset, a malformed purpose) so probing is on the record too.
pub async fn deny_and_record(
    state: &AppState,
    user: &CurrentUser,
    action: &'static str,
    subject: String,
    error: ApiError,
) -> ApiError {
    let record = AuditRecord {
        actor: user.account.id.to_string(),
        action: action.to_owned(),
        outcome: "denied".into(),
        subject,
        detail: error.message.clone(),
        ..AuditRecord::default()
    };
    match state.store().append_audit(record).await {
        Ok(_) => error,
        Err(e) => e.into(),
    }
}

fn list(fields: &[String]) -> String {
    if fields.is_empty() {
        "(all permitted)".to_owned()
    } else {
        fields.join(",")
    }
}
