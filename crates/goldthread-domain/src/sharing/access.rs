//! The decision at the heart of the one authorisation function: may this person read these
//! fields of this person-level data, for this purpose, under this agreement? Denied unless every
//! rule below allows it. The server's `auth::authorise` loads the facts, calls [`decide`], and
//! writes one audit event for the answer.

use chrono::NaiveDate;
use serde::Serialize;

use super::agreement::{Agreement, AgreementId, DataTier, Status};
use super::dataset::DatasetKind;
use super::optout::opt_outs_apply;
use super::purpose::Purpose;
use super::role::{Role, RoleGrant};
use crate::organisation::OrganisationId;

/// What is being read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Resource {
    /// The organisation that uploaded the data and controls it.
    pub owner: OrganisationId,
    /// The dataset kind (for a cohort: each kind it draws on is checked separately).
    pub kind: DatasetKind,
    /// The agreement it was shared under.
    pub agreement: AgreementId,
}

/// A request to read person-level data.
#[derive(Clone, Copy, Debug)]
pub struct ReadRequest<'a> {
    /// The reader's roles.
    pub grants: &'a [RoleGrant],
    /// The purpose they state.
    pub purpose: Purpose,
    /// What they want to read.
    pub resource: Resource,
    /// The agreement the resource is held under, as stored (none if it was not found).
    pub agreement: Option<&'a Agreement>,
    /// The fields asked for; empty means every field the reader may see.
    pub fields: &'a [String],
    /// Identifiable (re-identification for direct care) rather than pseudonymised.
    pub identifiable: bool,
    /// Today, for the agreement's dates.
    pub today: NaiveDate,
}

/// An allowed read.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Grant {
    /// The organisation the reader acts for.
    pub acting_for: OrganisationId,
    /// The role they act in.
    pub role: Role,
    /// The fields they may read (for an identifiable read, the identifiers too).
    pub fields: Vec<String>,
    /// Whether opted-out people must be removed first.
    pub apply_opt_outs: bool,
}

/// Why a read was refused (each is recorded in the audit trail).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum Denial {
    /// The data was shared under another agreement, or the agreement is unknown.
    #[error("the data is not held under that agreement")]
    NoAgreement,
    /// The agreement is draft, suspended, expired or revoked.
    #[error("the agreement is not in force")]
    AgreementNotInForce,
    /// The agreement is for another purpose.
    #[error("the agreement does not allow that purpose")]
    WrongPurpose,
    /// None of the reader's organisations is a party in a role that may read.
    #[error("none of your roles lets you read this data under this agreement")]
    NoRole,
    /// A field asked for is not granted to the reader's organisation.
    #[error("a field asked for is not one your organisation may see under this agreement")]
    FieldNotGranted,
    /// Identifiable data was asked for by someone other than the controller's case worker.
    #[error("only the organisation that controls the record may re-identify it, for direct care")]
    NotController,
}

/// Decides a read. Deny by default: every rule must pass.
pub fn decide(req: &ReadRequest<'_>) -> Result<Grant, Denial> {
    let agreement = req
        .agreement
        .filter(|a| a.id == req.resource.agreement)
        .ok_or(Denial::NoAgreement)?;
    if agreement.status_on(req.today) != Status::Active {
        return Err(Denial::AgreementNotInForce);
    }
    if agreement.purpose != req.purpose {
        return Err(Denial::WrongPurpose);
    }
    if req.identifiable {
        return decide_identifiable(req, agreement);
    }
    let mut refusal = Denial::NoRole;
    for g in req.grants {
        let role_may = match g.role {
            Role::Analyst => agreement.tier <= DataTier::Pseudonymised,
            Role::CaseWorker => req.purpose == Purpose::DirectCare,
            _ => false,
        };
        if !role_may || agreement.party(g.organisation).is_none() {
            continue;
        }
        let allowed = agreement.fields_for(g.organisation, req.resource.kind);
        if allowed.is_empty() {
            continue;
        }
        let fields: Vec<String> = if req.fields.is_empty() {
            allowed.iter().map(|f| (*f).to_owned()).collect()
        } else if req.fields.iter().all(|f| allowed.contains(&f.as_str())) {
            req.fields.to_vec()
        } else {
            refusal = Denial::FieldNotGranted;
            continue;
        };
        return Ok(Grant {
            acting_for: g.organisation,
            role: g.role,
            fields,
            apply_opt_outs: opt_outs_apply(
                req.purpose,
                req.resource.kind.is_health_or_care(),
                agreement.opt_out_exemption,
            ),
        });
    }
    Err(refusal)
}

/// Re-identification: the controller's own case worker, for direct care, where the agreement
/// lets the controller keep the identifiers.
fn decide_identifiable(req: &ReadRequest<'_>, agreement: &Agreement) -> Result<Grant, Denial> {
    let owner = req.resource.owner;
    let controls = agreement
        .party(owner)
        .is_some_and(|p| p.role.is_controller());
    let case_worker = req
        .grants
        .iter()
        .any(|g| g.role == Role::CaseWorker && g.organisation == owner);
    if req.purpose != Purpose::DirectCare || !agreement.retain_identifiers || !controls {
        return Err(Denial::NotController);
    }
    if !case_worker {
        return Err(Denial::NotController);
    }
    Ok(Grant {
        acting_for: owner,
        role: Role::CaseWorker,
        fields: IDENTIFIERS.iter().map(|s| (*s).to_owned()).collect(),
        apply_opt_outs: false,
    })
}

/// The identifiers a re-identification returns.
pub const IDENTIFIERS: [&str; 5] = [
    "nhs_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "postcode",
];
