//! Roles people hold, each scoped to one organisation; a person may hold roles in several
//! organisations at once (joint roles).

use serde::{Deserialize, Serialize};

use crate::organisation::OrganisationId;
use crate::ParseIdError;

/// What a person may do within one organisation.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the instance: accounts and organisations. Sees no person-level data by virtue of it.
    SystemAdministrator,
    /// Information governance lead: approves agreements for their organisation, reads the audit.
    InformationGovernanceLead,
    /// Analyses pseudonymised data under an agreement.
    Analyst,
    /// Works cases for direct care; may re-identify their own organisation's records.
    CaseWorker,
    /// Sees pages and aggregates only.
    Viewer,
}

impl Role {
    /// Every role, in the order pages list them.
    pub const ALL: [Role; 5] = [
        Role::SystemAdministrator,
        Role::InformationGovernanceLead,
        Role::Analyst,
        Role::CaseWorker,
        Role::Viewer,
    ];

    /// The stored and URL form, e.g. `ig_lead`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::SystemAdministrator => "system_administrator",
            Role::InformationGovernanceLead => "ig_lead",
            Role::Analyst => "analyst",
            Role::CaseWorker => "case_worker",
            Role::Viewer => "viewer",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Role::SystemAdministrator => "System administrator",
            Role::InformationGovernanceLead => "Information governance lead",
            Role::Analyst => "Analyst",
            Role::CaseWorker => "Case worker",
            Role::Viewer => "Viewer",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Result<Self, ParseIdError> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| {
                ParseIdError::new(
                    "role",
                    format!(
                        "{s:?} is not a role: expected system_administrator, ig_lead, analyst, \
                         case_worker or viewer"
                    ),
                )
            })
    }
}

/// One role held in one organisation.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub struct RoleGrant {
    /// The organisation the role is held in.
    pub organisation: OrganisationId,
    /// The role.
    pub role: Role,
}

/// Whether any of `grants` is `role` in `organisation`.
pub fn holds(grants: &[RoleGrant], role: Role, organisation: OrganisationId) -> bool {
    grants
        .iter()
        .any(|g| g.role == role && g.organisation == organisation)
}
