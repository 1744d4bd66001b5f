//! Data-sharing agreements with the contents the ICO's data sharing code expects, and their
//! lifecycle: draft → approved (by the IG lead of every party) → active (between its start and
//! expiry dates) → suspended, expired or revoked.
//!
//! Expiry is computed from the date, never stored, so an agreement stops working on its expiry
//! date without anyone remembering to end it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dataset::DatasetKind;
use super::optout::Exemption;
use super::purpose::{parse_one, Article9Condition, LawfulBasis, Purpose};
use crate::organisation::OrganisationId;
use crate::{OdsCode, ParseIdError};

/// An agreement's identifier.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize, PartialOrd, Ord)]
pub struct AgreementId(uuid::Uuid);

impl AgreementId {
    /// A fresh random id.
    pub fn new_random() -> Self {
        Self(uuid::Uuid::new_v4())
    }

    /// The id a reference such as `DSA-WW-001` always maps to, so demo and imported registers
    /// keep stable ids.
    pub fn for_reference(reference: &str) -> Self {
        Self(uuid::Uuid::new_v5(
            &uuid::Uuid::NAMESPACE_OID,
            format!("goldthread-agreement:{reference}").as_bytes(),
        ))
    }

    /// Parses the hyphenated form.
    pub fn parse(s: &str) -> Result<Self, ParseIdError> {
        uuid::Uuid::parse_str(s.trim())
            .map(Self)
            .map_err(|_| ParseIdError::new("agreement id", format!("{s:?} is not an agreement id")))
    }
}

impl std::fmt::Display for AgreementId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A party's role under data protection law.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyRole {
    /// Decides why and how the data is processed.
    Controller,
    /// Decides jointly with other controllers.
    JointController,
    /// Processes on a controller's instructions.
    Processor,
}

impl PartyRole {
    const ALL: [PartyRole; 3] = [
        PartyRole::Controller,
        PartyRole::JointController,
        PartyRole::Processor,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            PartyRole::Controller => "controller",
            PartyRole::JointController => "joint_controller",
            PartyRole::Processor => "processor",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Result<Self, ParseIdError> {
        parse_one("party role", s, &Self::ALL, Self::as_str)
    }

    /// Whether the party controls (alone or jointly) the data it brings.
    pub fn is_controller(self) -> bool {
        self != PartyRole::Processor
    }
}

/// The three tiers of data.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum DataTier {
    /// Names, NHS numbers, dates of birth: the controller only.
    Identifiable,
    /// Keyed pseudonyms in place of identifiers: analysts under an agreement.
    Pseudonymised,
    /// Counts after disclosure control: anyone.
    Aggregate,
}

impl DataTier {
    const ALL: [DataTier; 3] = [
        DataTier::Identifiable,
        DataTier::Pseudonymised,
        DataTier::Aggregate,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            DataTier::Identifiable => "identifiable",
            DataTier::Pseudonymised => "pseudonymised",
            DataTier::Aggregate => "aggregate",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Result<Self, ParseIdError> {
        parse_one("data tier", s, &Self::ALL, Self::as_str)
    }
}

/// One party to an agreement, with what its IG lead keeps about it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Party {
    /// The organisation.
    pub organisation: OrganisationId,
    /// Its role.
    pub role: PartyRole,
    /// Its ODS code, where it has one.
    pub ods_code: Option<OdsCode>,
    /// Its registration number with the ICO (data protection fee register).
    pub ico_registration: String,
    /// Its Data Security and Protection Toolkit status, e.g. "Standards Met".
    pub dspt_status: String,
    /// When its IG lead approved the agreement (RFC 3339), if they have.
    pub approved_at: Option<String>,
}

/// The fields of one dataset kind one party may see.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct FieldGrant {
    /// The party.
    pub organisation: OrganisationId,
    /// The dataset kind.
    pub dataset: DatasetKind,
    /// The fields (never a direct identifier: those never leave the controller).
    pub fields: Vec<String>,
}

/// The lifecycle state as stored; [`Agreement::status_on`] adds active and expired from dates.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being written; not in force.
    Draft,
    /// Approved by every party's IG lead; in force between its start and expiry dates.
    Approved,
    /// In force (derived: approved, started, not expired).
    Active,
    /// Paused by an IG lead; can be resumed.
    Suspended,
    /// Past its expiry date (derived).
    Expired,
    /// Ended for good by an IG lead.
    Revoked,
}

impl Status {
    const ALL: [Status; 6] = [
        Status::Draft,
        Status::Approved,
        Status::Active,
        Status::Suspended,
        Status::Expired,
        Status::Revoked,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Approved => "approved",
            Status::Active => "active",
            Status::Suspended => "suspended",
            Status::Expired => "expired",
            Status::Revoked => "revoked",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Result<Self, ParseIdError> {
        parse_one("agreement status", s, &Self::ALL, Self::as_str)
    }
}

/// A data-sharing agreement.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Agreement {
    /// Identifier.
    pub id: AgreementId,
    /// The register reference, e.g. `DSA-WW-001`.
    pub reference: String,
    /// Title.
    pub title: String,
    /// The purpose, in one of the kinds the platform distinguishes.
    pub purpose: Purpose,
    /// What the sharing is for, in words (published on the public register).
    pub description: String,
    /// Article 6 lawful basis.
    pub lawful_basis: LawfulBasis,
    /// Article 9 condition for health data.
    pub article9: Article9Condition,
    /// The most identifiable tier any party other than the controller may see.
    pub tier: DataTier,
    /// Whether the uploading organisation keeps raw identifiers in its own partition.
    pub retain_identifiers: bool,
    /// Exemption from the national data opt-out, if any (secondary use only).
    pub opt_out_exemption: Option<Exemption>,
    /// Days a dataset shared under it is kept before deletion.
    pub retention_days: u32,
    /// Security measures, in words.
    pub security: String,
    /// Where the DPIA is kept (reference or URL).
    pub dpia: String,
    /// First day in force.
    pub start: NaiveDate,
    /// Review date (a reminder, not an end).
    pub review: NaiveDate,
    /// Last day in force.
    pub expiry: NaiveDate,
    /// The stored lifecycle state: draft, approved, suspended or revoked.
    pub status: Status,
    /// The parties.
    pub parties: Vec<Party>,
    /// Which fields of which datasets each party may see.
    pub fields: Vec<FieldGrant>,
}

/// Why a lifecycle change was refused.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum LifecycleError {
    /// The organisation is not a party.
    #[error("that organisation is not a party to this agreement")]
    NotAParty,
    /// The change does not apply in the current state.
    #[error("an agreement that is {0} cannot be {1}")]
    WrongState(&'static str, &'static str),
}

/// Why an agreement as written is not acceptable.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[error("agreement field {field}: {reason}")]
pub struct InvalidAgreement {
    /// The field at fault.
    pub field: &'static str,
    /// Why.
    pub reason: String,
}

impl Agreement {
    /// The state on a given day: revoked and suspended stand; an approved agreement is active
    /// from its start to its expiry date inclusive, and expired after.
    pub fn status_on(&self, today: NaiveDate) -> Status {
        match self.status {
            Status::Revoked | Status::Suspended | Status::Draft => self.status,
            _ if today > self.expiry => Status::Expired,
            _ if today >= self.start => Status::Active,
            _ => Status::Approved,
        }
    }

    /// Whether the review date has come (a reminder for the IG leads).
    pub fn review_due(&self, today: NaiveDate) -> bool {
        today >= self.review && !matches!(self.status_on(today), Status::Revoked | Status::Expired)
    }

    /// The party entry for an organisation.
    pub fn party(&self, organisation: OrganisationId) -> Option<&Party> {
        self.parties.iter().find(|p| p.organisation == organisation)
    }

    /// The fields of `dataset` that `organisation` may see under this agreement.
    pub fn fields_for(&self, organisation: OrganisationId, dataset: DatasetKind) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|g| g.organisation == organisation && g.dataset == dataset)
            .flat_map(|g| g.fields.iter().map(String::as_str))
            .collect()
    }

    /// Checks what must hold before an agreement is stored: dates in order, at least one
    /// controller, fields that exist and are never direct identifiers.
    pub fn validate(&self) -> Result<(), InvalidAgreement> {
        let bad = |field, reason: &str| {
            Err(InvalidAgreement {
                field,
                reason: reason.to_owned(),
            })
        };
        if self.reference.trim().is_empty() || self.title.trim().is_empty() {
            return bad("reference", "an agreement needs a reference and a title");
        }
        if !(self.start <= self.review && self.review <= self.expiry) {
            return bad(
                "dates",
                "the start, review and expiry dates must be in that order",
            );
        }
        if !self.parties.iter().any(|p| p.role.is_controller()) {
            return bad("parties", "at least one party must be a controller");
        }
        if self.opt_out_exemption.is_some() && !self.purpose.is_secondary_use() {
            return bad(
                "opt_out_exemption",
                "opt-out exemptions apply to secondary use only",
            );
        }
        for g in &self.fields {
            if self.party(g.organisation).is_none() {
                return bad(
                    "fields",
                    "fields are granted to an organisation that is not a party",
                );
            }
            for f in &g.fields {
                if !g.dataset.has_shareable_field(f) {
                    return Err(InvalidAgreement {
                        field: "fields",
                        reason: format!(
                            "{f:?} is not a shareable field of a {} dataset",
                            g.dataset.as_str()
                        ),
                    });
                }
            }
        }
        Ok(())
    }

    /// Records one party's IG-lead approval; when every party has approved, the agreement is
    /// approved (and active from its start date).
    pub fn approve(&mut self, by: OrganisationId, at: &str) -> Result<(), LifecycleError> {
        if self.status != Status::Draft {
            return Err(LifecycleError::WrongState(self.status.as_str(), "approved"));
        }
        let party = self
            .parties
            .iter_mut()
            .find(|p| p.organisation == by)
            .ok_or(LifecycleError::NotAParty)?;
        party.approved_at.get_or_insert_with(|| at.to_owned());
        if self.parties.iter().all(|p| p.approved_at.is_some()) {
            self.status = Status::Approved;
        }
        Ok(())
    }

    /// Suspends an approved agreement (any party's IG lead may).
    pub fn suspend(&mut self, by: OrganisationId) -> Result<(), LifecycleError> {
        self.party(by).ok_or(LifecycleError::NotAParty)?;
        if self.status != Status::Approved {
            return Err(LifecycleError::WrongState(
                self.status.as_str(),
                "suspended",
            ));
        }
        self.status = Status::Suspended;
        Ok(())
    }

    /// Lifts a suspension.
    pub fn resume(&mut self, by: OrganisationId) -> Result<(), LifecycleError> {
        self.party(by).ok_or(LifecycleError::NotAParty)?;
        if self.status != Status::Suspended {
            return Err(LifecycleError::WrongState(self.status.as_str(), "resumed"));
        }
        self.status = Status::Approved;
        Ok(())
    }

    /// Ends the agreement for good.
    pub fn revoke(&mut self, by: OrganisationId) -> Result<(), LifecycleError> {
        self.party(by).ok_or(LifecycleError::NotAParty)?;
        if self.status == Status::Revoked {
            return Err(LifecycleError::WrongState("revoked", "revoked"));
        }
        self.status = Status::Revoked;
        Ok(())
    }
}
