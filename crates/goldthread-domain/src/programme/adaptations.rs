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

/// A contractor's job on a DFG: ordered against a quote, then completed.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct ContractorJob {
    /// The contractor.
    pub contractor: String,
    /// The works, e.g. "level-access shower".
    pub works: String,
    /// The accepted quote.
    pub quote: Money,
    /// When the job was ordered.
    pub ordered_on: NaiveDate,
    /// When the contractor finished and the works were signed off.
    pub completed_on: Option<NaiveDate>,
}

/// A Disabled Facilities Grant application on a home adaptations case.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DfgApplication {
    /// Its dates, and whether it is urgent.
    pub milestones: DfgMilestones,
    /// The test of resources.
    pub means: MeansTest,
    /// The cost of the eligible works, once known.
    pub cost_of_works: Option<Money>,
    /// The contractors' jobs.
    #[serde(default)]
    pub jobs: Vec<ContractorJob>,
}

/// One thing wrong with an application: the field and why.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct DfgProblem {
    /// Where, e.g. `milestones.approved` or `jobs[0].completed_on`.
    pub field: String,
    /// What is wrong.
    pub reason: String,
}

impl DfgApplication {
    /// Checks the application as of `today` and returns the grant payable once the cost of
    /// works is known: milestones in order and none in the future, approval only with a cost
    /// and a payable grant, completion only once approved and every job is done.
    pub fn check(&self, today: NaiveDate) -> Result<Option<Money>, Vec<DfgProblem>> {
        let mut problems = Vec::new();
        let mut problem = |field: &str, reason: String| {
            problems.push(DfgProblem {
                field: field.to_owned(),
                reason,
            })
        };
        let m = &self.milestones;
        let dates = [
            ("milestones.enquiry", Some(m.enquiry)),
            ("milestones.assessed", m.assessed),
            ("milestones.approved", m.approved),
            ("milestones.completed", m.completed),
        ];
        let mut before: Option<(&str, NaiveDate)> = None;
        for (field, date) in dates {
            let Some(d) = date else { continue };
            if d > today {
                problem(field, format!("{d} is in the future"));
            }
            if let Some((prev, p)) = before {
                if d < p {
                    problem(field, format!("{d} is before {prev} ({p})"));
                }
            }
            before = Some((field, d));
        }
        if m.approved.is_some() && m.assessed.is_none() {
            problem(
                "milestones.assessed",
                "a grant is approved only after an assessment".into(),
            );
        }
        if m.completed.is_some() && m.approved.is_none() {
            problem(
                "milestones.approved",
                "works are completed only after approval".into(),
            );
        }
        for (field, money) in [
            ("means.weekly_income", self.means.weekly_income),
            ("means.savings", self.means.savings),
            ("means.contribution", self.means.contribution),
        ] {
            if money.is_negative() {
                problem(field, "must not be negative".into());
            }
        }
        let grant = match self.cost_of_works {
            None => {
                if m.approved.is_some() {
                    problem("cost_of_works", "approval needs the cost of works".into());
                }
                None
            }
            Some(c) if c.pence() <= 0 => {
                problem("cost_of_works", "must be more than £0".into());
                None
            }
            Some(c) => match grant_payable(c, &self.means) {
                Ok(g) => Some(g),
                Err(e) => {
                    problem("cost_of_works", e.to_string());
                    None
                }
            },
        };
        for (i, j) in self.jobs.iter().enumerate() {
            let at = |f: &str| format!("jobs[{i}].{f}");
            if j.contractor.trim().is_empty() {
                problem(&at("contractor"), "name the contractor".into());
            }
            if j.quote.pence() <= 0 {
                problem(&at("quote"), "must be more than £0".into());
            }
            if m.approved.is_none_or(|a| j.ordered_on < a) {
                problem(
                    &at("ordered_on"),
                    "a job is ordered only once the grant is approved".into(),
                );
            }
            match j.completed_on {
                Some(c) if c < j.ordered_on || c > today => problem(
                    &at("completed_on"),
                    format!("{c} must be between the order ({}) and today", j.ordered_on),
                ),
                None if m.completed.is_some() => problem(
                    &at("completed_on"),
                    "the application is complete, so every job must be".into(),
                ),
                _ => {}
            }
        }
        if problems.is_empty() {
            Ok(grant)
        } else {
            Err(problems)
        }
    }
}

/// How a set of DFGs stands against the guidance: completed within and outside each
/// timescale, and open ones already past theirs.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize)]
pub struct TimescaleSummary {
    /// Urgent DFGs completed within 55 working days.
    pub urgent_within: u64,
    /// Urgent DFGs completed later.
    pub urgent_late: u64,
    /// Other DFGs completed within 150 working days.
    pub standard_within: u64,
    /// Other DFGs completed later.
    pub standard_late: u64,
    /// Open DFGs already past their timescale.
    pub open_overdue: u64,
    /// Open DFGs still within it.
    pub open_on_time: u64,
}

/// Tallies applications against the guidance as of `today`.
pub fn timescales<'a>(
    applications: impl IntoIterator<Item = &'a DfgMilestones>,
    today: NaiveDate,
) -> TimescaleSummary {
    let mut s = TimescaleSummary::default();
    for m in applications {
        let t = m.timeliness(today);
        let slot = match (m.completed.is_some(), m.urgent, t.within) {
            (true, true, true) => &mut s.urgent_within,
            (true, true, false) => &mut s.urgent_late,
            (true, false, true) => &mut s.standard_within,
            (true, false, false) => &mut s.standard_late,
            (false, _, false) => &mut s.open_overdue,
            (false, _, true) => &mut s.open_on_time,
        };
        *slot += 1;
    }
    s
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

    fn application() -> DfgApplication {
        DfgApplication {
            milestones: DfgMilestones {
                enquiry: date(2025, 1, 6),
                assessed: Some(date(2025, 1, 20)),
                approved: Some(date(2025, 2, 3)),
                completed: Some(date(2025, 3, 21)),
                urgent: true,
            },
            means: MeansTest {
                passported: false,
                weekly_income: Money::from_pounds(300),
                savings: Money::from_pounds(2_000),
                contribution: Money::from_pounds(500),
                child: false,
            },
            cost_of_works: Some(Money::from_pounds(6_500)),
            jobs: vec![ContractorJob {
                contractor: "Broadland Builders".into(),
                works: "level-access shower".into(),
                quote: Money::from_pounds(6_500),
                ordered_on: date(2025, 2, 10),
                completed_on: Some(date(2025, 3, 20)),
            }],
        }
    }

    #[test]
    fn a_complete_application_gives_the_grant_less_the_contribution() {
        assert_eq!(
            application().check(date(2025, 4, 1)),
            Ok(Some(Money::from_pounds(6_000)))
        );
    }

    #[test]
    fn an_application_out_of_order_names_each_fault() {
        let mut a = application();
        a.milestones.approved = Some(date(2025, 1, 10));
        a.jobs[0].completed_on = None;
        a.milestones.completed = Some(date(2025, 5, 1));
        let fields: Vec<String> = a
            .check(date(2025, 4, 1))
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            [
                "milestones.approved",
                "milestones.completed",
                "jobs[0].completed_on"
            ]
        );
    }

    #[test]
    fn timescales_count_completed_and_open_against_their_targets() {
        let done = application().milestones;
        let late = DfgMilestones {
            completed: Some(date(2025, 6, 30)),
            ..done.clone()
        };
        let open = DfgMilestones {
            completed: None,
            urgent: false,
            ..done.clone()
        };
        let s = timescales([&done, &late, &open], date(2025, 4, 1));
        assert_eq!(
            (
                s.urgent_within,
                s.urgent_late,
                s.open_on_time,
                s.open_overdue
            ),
            (1, 1, 1, 0)
        );
        let s = timescales([&open], date(2025, 9, 1));
        assert_eq!(
            s.open_overdue, 1,
            "150 working days from January pass in August"
        );
    }
}
