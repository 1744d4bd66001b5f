//! Who a programme is for, and what a person found ineligible is told.
//!
//! Every "no" records the rule that failed, in words, and the alternatives offered, because a
//! refusal with nowhere to go is the failure these programmes exist to prevent.

use serde::{Deserialize, Serialize};

use crate::GssCode;

/// What is known about a person when eligibility is checked.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct Facts {
    /// Age in whole years, when known.
    pub age: Option<u32>,
    /// The council area they live in, when known.
    pub resident_in: Option<GssCode>,
    /// Flags known about them (e.g. `receives_universal_credit`, `fuel_poverty`).
    pub flags: Vec<String>,
}

/// One rule a person must meet.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum EligibilityRule {
    /// Aged at least this many years.
    AgeAtLeast {
        /// Minimum age.
        years: u32,
    },
    /// Living in one of these council areas.
    ResidentIn {
        /// The councils (district or unitary GSS codes).
        areas: Vec<GssCode>,
    },
    /// Having at least one of these flags (e.g. a means-tested benefit).
    AnyFlag {
        /// Acceptable flags.
        flags: Vec<String>,
        /// How the flags read to people, e.g. "receives a means-tested benefit".
        description: String,
    },
}

/// Why someone is not eligible, and what they were offered instead.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Ineligibility {
    /// The reason, in words.
    pub reason: String,
    /// What else was offered.
    pub alternatives: Vec<String>,
}

impl EligibilityRule {
    /// `None` when met; otherwise why not. Unknown facts fail with a reason saying what to
    /// find out, rather than passing silently.
    pub fn check(&self, facts: &Facts) -> Option<String> {
        match self {
            Self::AgeAtLeast { years } => match facts.age {
                Some(a) if a >= *years => None,
                Some(a) => Some(format!(
                    "aged {a}; the programme is for people aged {years} or over"
                )),
                None => Some(format!(
                    "age not known; the programme is for people aged {years} or over"
                )),
            },
            Self::ResidentIn { areas } => match &facts.resident_in {
                Some(c) if areas.contains(c) => None,
                Some(c) => Some(format!("lives in {c}, outside the programme's area")),
                None => Some("home council area not known".into()),
            },
            Self::AnyFlag { flags, description } => {
                if facts.flags.iter().any(|f| flags.contains(f)) {
                    None
                } else {
                    Some(format!("does not meet the rule: {description}"))
                }
            }
        }
    }
}

/// Checks every rule; on the first failure returns the reason with the programme's
/// alternatives attached.
pub fn assess(
    rules: &[EligibilityRule],
    alternatives: &[String],
    facts: &Facts,
) -> Result<(), Ineligibility> {
    for rule in rules {
        if let Some(reason) = rule.check(facts) {
            return Err(Ineligibility {
                reason,
                alternatives: alternatives.to_vec(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn someone_outside_the_area_is_told_why_and_offered_alternatives() {
        let norwich = GssCode::parse("E07000148").unwrap();
        let breckland = GssCode::parse("E07000143").unwrap();
        let rules = [EligibilityRule::ResidentIn {
            areas: vec![norwich],
        }];
        let facts = Facts {
            resident_in: Some(breckland),
            ..Facts::default()
        };
        let alt = vec!["Citizens Advice Norfolk".to_string()];
        let err = assess(&rules, &alt, &facts).unwrap_err();
        assert!(err.reason.contains("E07000143"));
        assert_eq!(err.alternatives, alt);
    }

    #[test]
    fn an_unknown_age_is_not_taken_as_eligible() {
        let r = EligibilityRule::AgeAtLeast { years: 65 };
        assert!(r.check(&Facts::default()).is_some());
        let old = Facts {
            age: Some(70),
            ..Facts::default()
        };
        assert!(r.check(&old).is_none());
    }
}
