//! Home adaptations: Disabled Facilities Grants (DFG) and minor adaptations.
//!
//! An application records the means-test fields; its milestones (first enquiry, assessment,
//! approval, works complete) are measured in working days against the DFG delivery guidance:
//! 55 working days end to end for urgent cases and 150 for the rest.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::calendar::working_days_between;
use crate::Money;

/// The largest mandatory DFG in England.
pub const MANDATORY_DFG_MAXIMUM: Money = Money::from_pounds(30_000);

/// The guidance timescale, first enquiry to completion, for urgent cases (working days).
pub const URGENT_WORKING_DAYS: u32 = 55;
/// The guidance timescale, first enquiry to completion, for other cases (working days).
pub const STANDARD_WORKING_DAYS: u32 = 150;

/// The test of resources fields on a DFG application.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct MeansTest {
    /// Receives a passporting benefit (no contribution is assessed).
    pub passported: bool,
    /// Weekly household income.
    pub weekly_income: Money,
    /// Savings and capital.
    pub savings: Money,
    /// The assessed contribution from the household.
    pub contribution: Money,
    /// Whether the applicant is a child (no means test for children's DFGs).
    pub child: bool,
}

/// A DFG application's dates.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct DfgMilestones {
    /// First enquiry or referral.
    pub enquiry: NaiveDate,
    /// Occupational therapist's assessment.
    pub assessed: Option<NaiveDate>,
    /// Grant approved.
    pub approved: Option<NaiveDate>,
    /// Works complete and signed off.
    pub completed: Option<NaiveDate>,
    /// Whether the case was assessed as urgent.
    pub urgent: bool,
}

/// Why a grant cannot be approved as asked.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum GrantError {
    /// Above the mandatory maximum.
    #[error("a mandatory DFG is at most {max}; {asked} was asked (fund the rest from a discretionary grant)", max = MANDATORY_DFG_MAXIMUM)]
    AboveMaximum {
        /// The amount asked.
        asked: Money,
    },
    /// The contribution is more than the works cost.
    #[error("the contribution {contribution} is more than the works cost {cost}")]
    ContributionTooLarge {
        /// Contribution.
        contribution: Money,
        /// Cost.
        cost: Money,
    },
}

/// The grant payable: the cost of works less the assessed contribution (none when passported
/// or for a child), within the mandatory maximum.
pub fn grant_payable(cost_of_works: Money, means: &MeansTest) -> Result<Money, GrantError> {
    let contribution = if means.passported || means.child {
        Money::ZERO
    } else {
        means.contribution
    };
    if contribution > cost_of_works {
        return Err(GrantError::ContributionTooLarge {
            contribution,
            cost: cost_of_works,
        });
    }
    let grant = Money::from_pence(cost_of_works.pence() - contribution.pence());
    if grant > MANDATORY_DFG_MAXIMUM {
        return Err(GrantError::AboveMaximum { asked: grant });
    }
    Ok(grant)
}

/// How a DFG stands against the guidance timescale.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Timeliness {
    /// Working days so far (to completion, or to `today` when open).
    pub working_days: u32,
    /// The guidance target that applies.
    pub target: u32,
    /// Whether it is (or was completed) within the target.
    pub within: bool,
}

impl DfgMilestones {
    /// Working days from enquiry to completion (or to `today` while open), against the target.
    pub fn timeliness(&self, today: NaiveDate) -> Timeliness {
        let end = self.completed.unwrap_or(today);
        let working_days = working_days_between(self.enquiry, end);
        let target = if self.urgent {
            URGENT_WORKING_DAYS
        } else {
            STANDARD_WORKING_DAYS
        };
        Timeliness {
            working_days,
            target,
            within: working_days <= target,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_passported_applicant_pays_no_contribution() {
        let m = MeansTest {
            passported: true,
            weekly_income: Money::from_pounds(200),
            savings: Money::ZERO,
            contribution: Money::from_pounds(1_000),
            child: false,
        };
        assert_eq!(
            grant_payable(Money::from_pounds(6_000), &m),
            Ok(Money::from_pounds(6_000))
        );
        let assessed = MeansTest {
            passported: false,
            ..m
        };
        assert_eq!(
            grant_payable(Money::from_pounds(6_000), &assessed),
            Ok(Money::from_pounds(5_000))
        );
    }

    #[test]
    fn a_grant_above_the_mandatory_maximum_is_refused() {
        let m = MeansTest {
            passported: true,
            weekly_income: Money::ZERO,
            savings: Money::ZERO,
            contribution: Money::ZERO,
            child: false,
        };
        assert!(grant_payable(Money::from_pounds(35_000), &m).is_err());
    }

    #[test]
    fn an_urgent_case_is_measured_against_55_working_days() {
        let open = DfgMilestones {
            enquiry: date(2025, 1, 6),
            assessed: Some(date(2025, 1, 20)),
            approved: None,
            completed: None,
            urgent: true,
        };
        // 6 Jan to 24 Mar 2025 is 11 weeks: 55 working days with no bank holidays.
        assert!(open.timeliness(date(2025, 3, 24)).within);
        assert!(!open.timeliness(date(2025, 3, 25)).within);
        let standard = DfgMilestones {
            urgent: false,
            ..open
        };
        assert_eq!(standard.timeliness(date(2025, 3, 25)).target, 150);
    }
}
