//! Sharing data safely, over HTTP: dataset upload (pseudonymised at the door), person-level reads
//! under agreement (every one through `auth::authorise`), linkage jobs producing pseudonymous
//! cohorts, the agreement register and its review reminders, the IG audit page, and the public
//! register of data uses.

mod agreements;
mod audit_page;
mod cohorts;
mod datasets;
mod due;
mod linkage_jobs;
mod outreach;
mod public;
mod register_csv;
mod secrets;

use axum::Router;

use crate::AppState;

pub use due::{due_agreements, parse_within, DEFAULT_WITHIN_DAYS, MAX_WITHIN_DAYS};
pub use secrets::{
    enforce_retention, linkage_secret, production_problems, pseudonym_key, retention_schedule,
    LINKAGE_SECRET, PSEUDONYM_KEY,
};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(datasets::routes())
        .merge(cohorts::routes())
        .merge(linkage_jobs::routes())
        .merge(outreach::routes())
        .merge(agreements::routes())
        .merge(due::routes())
        .merge(audit_page::routes())
        .merge(public::routes())
}
