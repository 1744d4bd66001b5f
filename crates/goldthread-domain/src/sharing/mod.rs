//! Sharing person-level data safely: roles scoped to organisations, data-sharing agreements and
//! their lifecycle, the datasets partners upload and their schemas, keyed pseudonyms, opt-outs,
//! and the pure access decision every read of person-level data passes.
//!
//! Pure: no IO, no clock (callers pass today's date).

pub mod access;
pub mod agreement;
pub mod dataset;
pub mod ids;
pub mod optout;
pub mod pseudonym;
pub mod purpose;
pub mod reminders;
pub mod role;

pub use access::{decide, Denial, Grant, ReadRequest, Resource};
pub use agreement::{
    Agreement, AgreementId, DataTier, FieldGrant, LifecycleError, Party, PartyRole, Status,
};
pub use dataset::{read_csv, DatasetKind, Identity, RowError, ValidRow};
pub use ids::{AccountId, CohortId, DatasetId, LinkageJobId};
pub use optout::{Exemption, OptOutKind};
pub use pseudonym::PseudonymKey;
pub use purpose::{Article9Condition, LawfulBasis, Purpose};
pub use reminders::{due_dates, DueDate, DueKind};
pub use role::{Role, RoleGrant};
