//! Place-based programmes as data, and the cases worked in them.
//!
//! A [`Programme`] says who it is for (its cohort source and eligibility rules), what needs it
//! looks for, what actions and referral destinations it can use, its budget, the outcomes it
//! measures and the service levels it promises. Waiting Well, District Direct, home adaptations
//! and social prescribing are four such definitions ([`catalogue`]); a council defines its own
//! the same way. Cases ([`case`]) move through states by events, each checked here, so that the
//! store and the server only record what the rules allow.

pub mod adaptations;
pub mod calendar;
pub mod case;
pub mod catalogue;
pub mod define;
pub mod district_direct;
pub mod eligibility;
pub mod letters;
pub mod measures;
pub mod referral;
pub mod reminders;
pub mod social_prescribing;
pub mod waiting_well;

use serde::{Deserialize, Serialize};

use crate::organisation::OrganisationId;
use crate::{Money, ParseIdError};

pub use eligibility::{EligibilityRule, Facts, Ineligibility};

/// A programme's identifier: a short slug such as `district-direct`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct ProgrammeId(String);

impl ProgrammeId {
    /// Parses a slug: 2 to 48 lowercase letters, digits and hyphens, starting with a letter.
    pub fn parse(input: &str) -> Result<Self, ParseIdError> {
        let s = input.trim();
        let ok = (2..=48).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(ParseIdError::new(
                "programme id",
                format!("{input:?} must be 2 to 48 lowercase letters, digits and hyphens, starting with a letter"),
            ))
        }
    }

    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ProgrammeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

crate::ids::parsed_string_type!(ProgrammeId);

/// Which of the built-in ways of working a programme follows.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgrammeKind {
    /// Outreach to people on a hospital waiting list.
    WaitingWell,
    /// District officers on wards clearing non-medical barriers to discharge.
    DistrictDirect,
    /// Disabled Facilities Grants and minor adaptations.
    HomeAdaptations,
    /// Referral to community, leisure and wellbeing services.
    SocialPrescribing,
    /// A programme a council defines for itself (e.g. a cost-of-living navigator).
    Local,
}

impl ProgrammeKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WaitingWell => "waiting_well",
            Self::DistrictDirect => "district_direct",
            Self::HomeAdaptations => "home_adaptations",
            Self::SocialPrescribing => "social_prescribing",
            Self::Local => "local",
        }
    }
}

/// Where a programme's people come from.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CohortSource {
    /// A pseudonymised hospital waiting list shared under an agreement.
    WaitingList {
        /// The specialty, e.g. trauma and orthopaedics.
        specialty: String,
        /// The data-sharing agreement it arrives under.
        agreement: String,
    },
    /// Referrals from hospital wards (FHIR `ServiceRequest` or the web form).
    WardReferrals,
    /// Referrals from professionals (GP, occupational therapist, social worker).
    ProfessionalReferrals,
    /// People who ask for help themselves.
    SelfReferral,
}

/// A need the programme looks for (e.g. fuel poverty, disrepair, social isolation).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Need {
    /// Short stable code, e.g. `welfare_rights`.
    pub code: String,
    /// Its name for people.
    pub label: String,
}

/// An action a worker can take (e.g. fit a key safe), with its usual cost if it is paid for.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Action {
    /// Short stable code, e.g. `key_safe`.
    pub code: String,
    /// Its name for people.
    pub label: String,
    /// The usual cost, when it is paid from the programme budget.
    pub typical_cost: Option<Money>,
}

/// What the programme measures, which becomes a local indicator on the outcomes framework.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct OutcomeMeasure {
    /// Short stable code, e.g. `bed_days_saved`.
    pub code: String,
    /// Its name for people.
    pub label: String,
    /// Its unit, e.g. "bed days", "%", "£".
    pub unit: String,
}

/// The promises a programme makes about how quickly it acts.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct ServiceLevels {
    /// Working days from referral to first contact.
    pub first_contact_days: u32,
    /// Contact attempts before a person is recorded as not reached.
    pub max_contact_attempts: u32,
    /// Days between follow-ups while actions are in progress.
    pub follow_up_days: u32,
}

/// A place-based programme, defined as data.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Programme {
    /// Its identifier.
    pub id: ProgrammeId,
    /// Its name, e.g. "District Direct".
    pub name: String,
    /// The way of working it follows.
    pub kind: ProgrammeKind,
    /// One sentence on what it is for.
    pub summary: String,
    /// The organisation that hosts it.
    pub host: OrganisationId,
    /// Where its people come from.
    pub cohort: CohortSource,
    /// Who it is for; everyone else is told why not and what else is offered.
    pub eligibility: Vec<EligibilityRule>,
    /// What to offer people found ineligible.
    pub alternatives: Vec<String>,
    /// The needs it looks for.
    pub needs: Vec<Need>,
    /// What workers can do.
    pub actions: Vec<Action>,
    /// Directory services it refers people to, by service id.
    pub destinations: Vec<String>,
    /// The yearly budget per delivering organisation, when it pays for things directly.
    pub budget_per_organisation: Option<Money>,
    /// What it measures.
    pub outcome_measures: Vec<OutcomeMeasure>,
    /// How quickly it acts.
    pub service_levels: ServiceLevels,
    /// Bed-day value and expected delays, for District Direct programmes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district_direct: Option<district_direct::Settings>,
}

/// Why a programme definition is not acceptable.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum ProgrammeError {
    /// A required field is empty.
    #[error("programme {programme}: {field} must not be empty")]
    Missing {
        /// The programme.
        programme: String,
        /// The field.
        field: &'static str,
    },
    /// Two entries in a list share a code.
    #[error("programme {programme}: {list} has the code {code:?} twice")]
    DuplicateCode {
        /// The programme.
        programme: String,
        /// Which list.
        list: &'static str,
        /// The repeated code.
        code: String,
    },
    /// Service levels that cannot be met (e.g. zero contact attempts).
    #[error("programme {programme}: {reason}")]
    ServiceLevels {
        /// The programme.
        programme: String,
        /// What is wrong.
        reason: String,
    },
}

impl Programme {
    /// Checks the definition is complete and consistent.
    pub fn validate(&self) -> Result<(), ProgrammeError> {
        let p = self.id.to_string();
        let missing = |field| ProgrammeError::Missing {
            programme: p.clone(),
            field,
        };
        if self.name.trim().is_empty() {
            return Err(missing("name"));
        }
        if self.needs.is_empty() {
            return Err(missing("needs"));
        }
        if self.actions.is_empty() {
            return Err(missing("actions"));
        }
        unique(&p, "needs", self.needs.iter().map(|n| n.code.as_str()))?;
        unique(&p, "actions", self.actions.iter().map(|a| a.code.as_str()))?;
        unique(
            &p,
            "outcome measures",
            self.outcome_measures.iter().map(|m| m.code.as_str()),
        )?;
        if self.service_levels.max_contact_attempts == 0 {
            return Err(ProgrammeError::ServiceLevels {
                programme: p,
                reason: "at least one contact attempt must be allowed".into(),
            });
        }
        Ok(())
    }

    /// The need with this code.
    pub fn need(&self, code: &str) -> Option<&Need> {
        self.needs.iter().find(|n| n.code == code)
    }

    /// The action with this code.
    pub fn action(&self, code: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.code == code)
    }
}

fn unique<'a>(
    programme: &str,
    list: &'static str,
    codes: impl Iterator<Item = &'a str>,
) -> Result<(), ProgrammeError> {
    let mut seen = std::collections::BTreeSet::new();
    for c in codes {
        if !seen.insert(c) {
            return Err(ProgrammeError::DuplicateCode {
                programme: programme.to_owned(),
                list,
                code: c.to_owned(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programme_ids_are_slugs() {
        assert!(ProgrammeId::parse("district-direct").is_ok());
        assert!(ProgrammeId::parse("District Direct").is_err());
        assert!(ProgrammeId::parse("1abc").is_err());
    }

    #[test]
    fn every_ready_made_programme_is_valid() {
        let host = OrganisationId::for_code("E07000148");
        for p in catalogue::ready_made(host) {
            p.validate().unwrap();
        }
    }

    #[test]
    fn a_programme_with_a_repeated_need_is_refused() {
        let mut p = catalogue::waiting_well(OrganisationId::for_code("E07000148"));
        p.needs.push(p.needs[0].clone());
        assert!(matches!(
            p.validate(),
            Err(ProgrammeError::DuplicateCode { list: "needs", .. })
        ));
    }
}
