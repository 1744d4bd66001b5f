//! A council defining its own programme (for example a cost-of-living support navigator): the
//! definition as the API and the form send it, checked whole, every problem named by field.
//!
//! The ready-made programmes are built in code ([`super::catalogue`]); a council's own arrives
//! as data, so it is held to more than [`Programme::validate`]: it must say what it is for,
//! offer alternatives whenever it can say no, refer only to services in the directory, and
//! promise service levels a team can keep.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{
    Action, CohortSource, EligibilityRule, Need, OutcomeMeasure, Programme, ProgrammeId,
    ProgrammeKind, ServiceLevels,
};
use crate::directory::ServiceId;
use crate::organisation::OrganisationId;
use crate::Money;

/// A council's programme as submitted: everything but its kind (always local) and host (the
/// council defining it).
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeDefinition {
    /// Its identifier, a slug such as `cost-of-living`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// One sentence on what it is for.
    pub summary: String,
    /// Where its people come from (`ward_referrals`, `professional_referrals`,
    /// `self_referral`; waiting lists arrive through linkage jobs, not here).
    pub cohort: Option<CohortSource>,
    /// Who it is for.
    #[serde(default)]
    pub eligibility: Vec<EligibilityRule>,
    /// What people found ineligible are offered instead.
    #[serde(default)]
    pub alternatives: Vec<String>,
    /// The needs it looks for.
    #[serde(default)]
    pub needs: Vec<Need>,
    /// What workers can do.
    #[serde(default)]
    pub actions: Vec<Action>,
    /// Directory services it refers people to (service ids).
    #[serde(default)]
    pub destinations: Vec<String>,
    /// Yearly budget per delivering organisation, if it pays for things directly.
    pub budget_per_organisation: Option<Money>,
    /// What it measures.
    #[serde(default)]
    pub outcome_measures: Vec<OutcomeMeasure>,
    /// How quickly it acts.
    pub service_levels: Option<ServiceLevels>,
}

/// One thing wrong with a definition: the field (as a path, e.g. `needs[2].code`) and why.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct DefinitionProblem {
    /// Where.
    pub field: String,
    /// What is wrong and what to do.
    pub reason: String,
}

/// The limits a council's service levels must keep within.
pub const MAX_FIRST_CONTACT_DAYS: u32 = 60;
/// The most contact attempts before "not reached" (more is chasing, not outreach).
pub const MAX_CONTACT_ATTEMPTS: u32 = 10;
/// The longest gap between follow-ups.
pub const MAX_FOLLOW_UP_DAYS: u32 = 90;

fn is_code(s: &str) -> bool {
    (1..=48).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl ProgrammeDefinition {
    /// The programme this defines, hosted by `host`, or every problem with it. `is_service`
    /// says whether a directory service with that id exists (the caller looks them up).
    pub fn into_programme(
        self,
        host: OrganisationId,
        is_service: impl Fn(&ServiceId) -> bool,
    ) -> Result<Programme, Vec<DefinitionProblem>> {
        let mut problems = Vec::new();
        let mut problem = |field: String, reason: String| {
            problems.push(DefinitionProblem { field, reason });
        };
        let id = ProgrammeId::parse(&self.id)
            .map_err(|e| problem("id".into(), e.to_string()))
            .ok();
        if self.name.trim().is_empty() {
            problem("name".into(), "give the programme a name".into());
        }
        if self.summary.trim().is_empty() {
            problem(
                "summary".into(),
                "say in one sentence what it is for".into(),
            );
        }
        match &self.cohort {
            None => problem(
                "cohort".into(),
                "say where its people come from: ward_referrals, professional_referrals or self_referral".into(),
            ),
            Some(CohortSource::WaitingList { .. }) => problem(
                "cohort".into(),
                "waiting lists arrive under an agreement through a linkage job, not in a definition".into(),
            ),
            Some(_) => {}
        }
        for (i, rule) in self.eligibility.iter().enumerate() {
            let at = format!("eligibility[{i}]");
            match rule {
                EligibilityRule::AgeAtLeast { years } if *years > 120 => {
                    problem(at, format!("an age of {years} is not a real limit"))
                }
                EligibilityRule::ResidentIn { areas } if areas.is_empty() => {
                    problem(at, "name at least one council area".into())
                }
                EligibilityRule::AnyFlag { flags, description } => {
                    if flags.is_empty() || flags.iter().any(|f| !is_code(f)) {
                        problem(
                            format!("{at}.flags"),
                            "list at least one flag, each in lowercase letters, digits and underscores".into(),
                        );
                    }
                    if description.trim().is_empty() {
                        problem(
                            format!("{at}.description"),
                            "say in words what the flags mean, for the person told no".into(),
                        );
                    }
                }
                _ => {}
            }
        }
        if !self.eligibility.is_empty() && self.alternatives.iter().all(|a| a.trim().is_empty()) {
            problem(
                "alternatives".into(),
                "a programme that can say no must offer somewhere else to go".into(),
            );
        }
        coded(
            &mut problem,
            "needs",
            self.needs.iter().map(|n| (&n.code, &n.label)),
        );
        coded(
            &mut problem,
            "actions",
            self.actions.iter().map(|a| (&a.code, &a.label)),
        );
        coded(
            &mut problem,
            "outcome_measures",
            self.outcome_measures.iter().map(|m| (&m.code, &m.label)),
        );
        for (i, a) in self.actions.iter().enumerate() {
            if a.typical_cost.is_some_and(|c| c.pence() <= 0) {
                problem(
                    format!("actions[{i}].typical_cost"),
                    "a typical cost must be more than £0".into(),
                );
            }
            if a.typical_cost.is_some() && self.budget_per_organisation.is_none() {
                problem(
                    format!("actions[{i}].typical_cost"),
                    "an action with a cost needs a budget to pay it from".into(),
                );
            }
        }
        for (i, m) in self.outcome_measures.iter().enumerate() {
            if m.unit.trim().is_empty() {
                problem(
                    format!("outcome_measures[{i}].unit"),
                    "give the unit, e.g. people, %, £".into(),
                );
            }
        }
        let mut destinations = Vec::new();
        let mut seen = BTreeSet::new();
        for (i, d) in self.destinations.iter().enumerate() {
            match ServiceId::parse(d) {
                Err(e) => problem(format!("destinations[{i}]"), e.to_string()),
                Ok(s) if !is_service(&s) => problem(
                    format!("destinations[{i}]"),
                    format!("there is no service {s} in the directory"),
                ),
                Ok(s) if !seen.insert(s) => {
                    problem(format!("destinations[{i}]"), format!("{s} is listed twice"))
                }
                Ok(s) => destinations.push(s.to_string()),
            }
        }
        if let Some(b) = self.budget_per_organisation {
            if b.pence() <= 0 {
                problem(
                    "budget_per_organisation".into(),
                    "a budget must be more than £0 (leave it out if the programme pays for nothing)".into(),
                );
            }
        }
        match &self.service_levels {
            None => problem(
                "service_levels".into(),
                "say how quickly the team acts: first_contact_days, max_contact_attempts, follow_up_days".into(),
            ),
            Some(s) => {
                let mut within = |field: &str, v: u32, max: u32| {
                    if !(1..=max).contains(&v) {
                        problem(
                            format!("service_levels.{field}"),
                            format!("must be from 1 to {max}, not {v}"),
                        );
                    }
                };
                within("first_contact_days", s.first_contact_days, MAX_FIRST_CONTACT_DAYS);
                within("max_contact_attempts", s.max_contact_attempts, MAX_CONTACT_ATTEMPTS);
                within("follow_up_days", s.follow_up_days, MAX_FOLLOW_UP_DAYS);
            }
        }
        let (Some(id), Some(cohort), Some(service_levels), true) = (
            id,
            self.cohort.clone(),
            self.service_levels,
            problems.is_empty(),
        ) else {
            return Err(problems);
        };
        let programme = Programme {
            id,
            name: self.name.trim().to_owned(),
            kind: ProgrammeKind::Local,
            summary: self.summary.trim().to_owned(),
            host,
            cohort,
            eligibility: self.eligibility,
            alternatives: self
                .alternatives
                .into_iter()
                .map(|a| a.trim().to_owned())
                .filter(|a| !a.is_empty())
                .collect(),
            needs: self.needs,
            actions: self.actions,
            destinations,
            budget_per_organisation: self.budget_per_organisation,
            outcome_measures: self.outcome_measures,
            service_levels,
            district_direct: None,
        };
        programme.validate().map_err(|e| {
            vec![DefinitionProblem {
                field: "programme".into(),
                reason: e.to_string(),
            }]
        })?;
        Ok(programme)
    }
}

/// A list of coded entries: at least one, each code a lowercase code and unique, each labelled.
fn coded<'a>(
    problem: &mut impl FnMut(String, String),
    list: &str,
    entries: impl Iterator<Item = (&'a String, &'a String)>,
) {
    let mut seen = BTreeSet::new();
    let mut any = false;
    for (i, (code, label)) in entries.enumerate() {
        any = true;
        if !is_code(code) {
            problem(
                format!("{list}[{i}].code"),
                format!("{code:?} must be lowercase letters, digits and underscores, starting with a letter"),
            );
        } else if !seen.insert(code.as_str()) {
            problem(
                format!("{list}[{i}].code"),
                format!("{code:?} is used twice"),
            );
        }
        if label.trim().is_empty() {
            problem(
                format!("{list}[{i}].label"),
                "give it a name people will read".into(),
            );
        }
    }
    if !any {
        problem(
            list.to_owned(),
            format!(
                "list at least one of the programme's {}",
                list.replace('_', " ")
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GssCode;

    fn navigator() -> ProgrammeDefinition {
        ProgrammeDefinition {
            id: "cost-of-living".into(),
            name: "Cost-of-living support navigator".into(),
            summary: "Helps households in hardship claim what they are owed and cut their bills."
                .into(),
            cohort: Some(CohortSource::SelfReferral),
            eligibility: vec![
                EligibilityRule::ResidentIn {
                    areas: vec![GssCode::parse("E07000145").unwrap()],
                },
                EligibilityRule::AnyFlag {
                    flags: vec!["receives_universal_credit".into(), "fuel_poverty".into()],
                    description: "receives Universal Credit or is in fuel poverty".into(),
                },
            ],
            alternatives: vec!["Citizens Advice Norfolk".into()],
            needs: vec![Need {
                code: "welfare_rights".into(),
                label: "Benefits not claimed".into(),
            }],
            actions: vec![Action {
                code: "energy_voucher".into(),
                label: "Energy voucher".into(),
                typical_cost: Some(Money::from_pounds(49)),
            }],
            destinations: vec![],
            budget_per_organisation: Some(Money::from_pounds(20_000)),
            outcome_measures: vec![OutcomeMeasure {
                code: "income_gained".into(),
                label: "Yearly income gained".into(),
                unit: "£".into(),
            }],
            service_levels: Some(ServiceLevels {
                first_contact_days: 5,
                max_contact_attempts: 3,
                follow_up_days: 14,
            }),
        }
    }

    fn host() -> OrganisationId {
        OrganisationId::for_code("E07000145")
    }

    #[test]
    fn a_cost_of_living_navigator_is_a_local_programme() {
        let p = navigator().into_programme(host(), |_| false).unwrap();
        assert_eq!(p.kind, ProgrammeKind::Local);
        assert_eq!(p.host, host());
        assert_eq!(p.id.as_str(), "cost-of-living");
    }

    #[test]
    fn every_problem_is_named_by_field() {
        let mut d = navigator();
        d.id = "Cost of Living".into();
        d.alternatives.clear();
        d.needs.push(d.needs[0].clone());
        d.destinations = vec!["not-a-uuid".into(), ServiceId::for_key("x").to_string()];
        d.service_levels = Some(ServiceLevels {
            first_contact_days: 0,
            max_contact_attempts: 3,
            follow_up_days: 400,
        });
        let problems = d.into_programme(host(), |_| false).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "id",
                "alternatives",
                "needs[1].code",
                "destinations[0]",
                "destinations[1]",
                "service_levels.first_contact_days",
                "service_levels.follow_up_days"
            ],
            "{problems:?}"
        );
    }

    #[test]
    fn a_destination_must_be_in_the_directory() {
        let known = ServiceId::for_key("citizens-advice");
        let mut d = navigator();
        d.destinations = vec![known.to_string()];
        let p = d.clone().into_programme(host(), |s| *s == known).unwrap();
        assert_eq!(p.destinations, vec![known.to_string()]);
        assert!(d.into_programme(host(), |_| false).is_err());
    }

    #[test]
    fn a_paid_action_needs_a_budget_and_waiting_lists_come_another_way() {
        let mut d = navigator();
        d.budget_per_organisation = None;
        d.cohort = Some(CohortSource::WaitingList {
            specialty: "T&O".into(),
            agreement: "x".into(),
        });
        let problems = d.into_programme(host(), |_| false).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["cohort", "actions[0].typical_cost"]);
    }
}
