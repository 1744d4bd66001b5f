//! The decision at the heart of the one authorisation function: may this person read these
//! fields of this person-level data, for this purpose, under this agreement? Denied unless every
//! rule below allows it. The server's `auth::authorise` loads the facts, calls [`decide`], and
//! writes one audit event for the answer.
//!
//! Two kinds of person-level data pass it: rows of datasets shared under an agreement (and the
//! cohorts and linkage results drawn from them), and direct-care cases, which the organisation
//! working them holds as controller and which need no agreement.

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
pub enum Resource {
    /// Rows of a dataset shared under an agreement (for a cohort or a linkage job: each dataset
    /// it draws on is checked separately).
    Dataset {
        /// The organisation that uploaded the data and controls it.
        owner: OrganisationId,
        /// The dataset kind.
        kind: DatasetKind,
        /// The agreement it was shared under.
        agreement: AgreementId,
    },
    /// A direct-care case, held by the organisation working it.
    Case {
        /// The team (organisation) working the case.
        team: OrganisationId,
        /// For a new referral, the referring organisation, whose case workers may also send it.
        referrer: Option<OrganisationId>,
    },
}

impl Resource {
    /// The agreement a dataset is held under (a case needs none).
    pub fn agreement(&self) -> Option<AgreementId> {
        match self {
            Resource::Dataset { agreement, .. } => Some(*agreement),
            Resource::Case { .. } => None,
        }
    }
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
    /// A case was asked for by someone who is not a case worker in the organisation working it.
    #[error("only case workers in the organisation working this case may see or change it")]
    NotCaseWorker,
}

/// Decides a read. Deny by default: every rule must pass.
pub fn decide(req: &ReadRequest<'_>) -> Result<Grant, Denial> {
    let (owner, kind, agreement_id) = match req.resource {
        Resource::Dataset {
            owner,
            kind,
            agreement,
        } => (owner, kind, agreement),
        Resource::Case { team, referrer } => return decide_case(req, team, referrer),
    };
    let agreement = req
        .agreement
        .filter(|a| a.id == agreement_id)
        .ok_or(Denial::NoAgreement)?;
    if agreement.status_on(req.today) != Status::Active {
        return Err(Denial::AgreementNotInForce);
    }
    if agreement.purpose != req.purpose {
        return Err(Denial::WrongPurpose);
    }
    if req.identifiable {
        return decide_identifiable(req, agreement, owner);
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
        let allowed = agreement.fields_for(g.organisation, kind);
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
                kind.is_health_or_care(),
                agreement.opt_out_exemption,
            ),
        });
    }
    Err(refusal)
}

/// Re-identification: the controller's own case worker, for direct care, where the agreement
/// lets the controller keep the identifiers.
fn decide_identifiable(
    req: &ReadRequest<'_>,
    agreement: &Agreement,
    owner: OrganisationId,
) -> Result<Grant, Denial> {
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

/// A case: direct care only, by a case worker in the team working it (or, for a new referral,
/// in the referring organisation). The case holds identifiers, so it is an identifiable read by
/// its controller; no agreement is involved and no opt-out applies to direct care.
fn decide_case(
    req: &ReadRequest<'_>,
    team: OrganisationId,
    referrer: Option<OrganisationId>,
) -> Result<Grant, Denial> {
    if req.purpose != Purpose::DirectCare {
        return Err(Denial::WrongPurpose);
    }
    let acting_for = [Some(team), referrer]
        .into_iter()
        .flatten()
        .find(|o| super::role::holds(req.grants, Role::CaseWorker, *o))
        .ok_or(Denial::NotCaseWorker)?;
    Ok(Grant {
        acting_for,
        role: Role::CaseWorker,
        fields: Vec::new(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sharing::RoleGrant;

    fn org(code: &str) -> OrganisationId {
        OrganisationId::for_code(code)
    }

    fn case_read(
        grants: &[RoleGrant],
        purpose: Purpose,
        referrer: Option<OrganisationId>,
    ) -> Result<Grant, Denial> {
        decide(&ReadRequest {
            grants,
            purpose,
            resource: Resource::Case {
                team: org("E07000145"),
                referrer,
            },
            agreement: None,
            fields: &[],
            identifiable: true,
            today: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        })
    }

    #[test]
    fn a_case_is_read_only_by_a_case_worker_of_its_team_for_direct_care() {
        let gy = org("E07000145");
        let nnuh = org("RM1");
        let worker = [RoleGrant {
            organisation: gy,
            role: Role::CaseWorker,
        }];
        let analyst = [RoleGrant {
            organisation: gy,
            role: Role::Analyst,
        }];
        let elsewhere = [RoleGrant {
            organisation: nnuh,
            role: Role::CaseWorker,
        }];
        assert_eq!(
            case_read(&worker, Purpose::DirectCare, None)
                .unwrap()
                .acting_for,
            gy
        );
        assert_eq!(
            case_read(&worker, Purpose::Evaluation, None),
            Err(Denial::WrongPurpose)
        );
        assert_eq!(
            case_read(&analyst, Purpose::DirectCare, None),
            Err(Denial::NotCaseWorker)
        );
        assert_eq!(
            case_read(&elsewhere, Purpose::DirectCare, None),
            Err(Denial::NotCaseWorker)
        );
        // The referring organisation's case worker may send a new referral.
        assert_eq!(
            case_read(&elsewhere, Purpose::DirectCare, Some(nnuh))
                .unwrap()
                .acting_for,
            nnuh
        );
    }
}
