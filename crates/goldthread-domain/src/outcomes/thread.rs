//! The golden thread: objectives in the system's integrated care strategy, each place's health
//! and wellbeing strategy, and each local delivery partnership's plan, linked child to parent
//! and to the projects and outcomes that deliver them.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::outcome::OutcomeStatus;
use crate::ids::GssCode;

/// The level a strategy or plan sits at.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// The integrated care strategy of the ICP.
    System,
    /// A place's joint local health and wellbeing strategy (HWB).
    Place,
    /// A local delivery partnership's community health and wellbeing plan.
    Local,
}

impl Level {
    /// The level's name.
    pub fn label(self) -> &'static str {
        match self {
            Level::System => "System",
            Level::Place => "Place",
            Level::Local => "Local",
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::System => "system",
            Level::Place => "place",
            Level::Local => "local",
        }
    }

    /// The level a parent must be at.
    pub fn parent(self) -> Option<Level> {
        match self {
            Level::System => None,
            Level::Place => Some(Level::System),
            Level::Local => Some(Level::Place),
        }
    }
}

/// One objective in one plan.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Objective {
    /// Key, unique in the system ("sys-healthy-weight").
    pub key: String,
    /// Level.
    pub level: Level,
    /// The plan it is written in ("Norfolk and Waveney Integrated Care Strategy 2023").
    pub plan: String,
    /// The area the plan covers (ICB, county or district).
    pub area: GssCode,
    /// The objective.
    pub title: String,
    /// Theme (the same themes as the outcomes).
    pub theme: String,
    /// Keys of the objectives one level up that it serves.
    pub parents: Vec<String>,
    /// Projects delivering it.
    pub projects: Vec<String>,
    /// Keys of the shared outcomes that measure it.
    pub outcomes: Vec<String>,
}

/// Why a set of objectives does not make a thread.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThreadError {
    /// Two objectives share a key.
    #[error("objective key {0:?} is used twice")]
    DuplicateKey(String),
    /// A parent is missing or at the wrong level.
    #[error("objective {child:?}: parent {parent:?} {reason}")]
    BadParent {
        /// Child key.
        child: String,
        /// Parent key.
        parent: String,
        /// Why.
        reason: &'static str,
    },
}

/// A checked golden thread.
#[derive(Clone, Debug, Default, Serialize)]
pub struct GoldenThread {
    objectives: Vec<Objective>,
}

/// Outcome status counts rolled up through the thread.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StatusRollUp(pub BTreeMap<OutcomeStatus, usize>);

impl GoldenThread {
    /// Checks that keys are unique and every parent exists one level up (so there are no cycles).
    pub fn new(objectives: Vec<Objective>) -> Result<Self, ThreadError> {
        let mut levels = BTreeMap::new();
        for o in &objectives {
            if levels.insert(o.key.as_str(), o.level).is_some() {
                return Err(ThreadError::DuplicateKey(o.key.clone()));
            }
        }
        for o in &objectives {
            for p in &o.parents {
                let reason = match (levels.get(p.as_str()), o.level.parent()) {
                    (None, _) => "does not exist",
                    (Some(_), None) => "cannot be set: system objectives have no parent",
                    (Some(l), Some(want)) if *l != want => "is not one level up",
                    _ => continue,
                };
                return Err(ThreadError::BadParent {
                    child: o.key.clone(),
                    parent: p.clone(),
                    reason,
                });
            }
        }
        Ok(Self { objectives })
    }

    /// Every objective, in the order given.
    pub fn objectives(&self) -> &[Objective] {
        &self.objectives
    }

    /// The objectives at a level.
    pub fn at(&self, level: Level) -> impl Iterator<Item = &Objective> {
        self.objectives.iter().filter(move |o| o.level == level)
    }

    /// The direct children of an objective.
    pub fn children<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Objective> + 'a {
        self.objectives
            .iter()
            .filter(move |o| o.parents.iter().any(|p| p == key))
    }

    /// Keys of an objective and everything beneath it.
    pub fn descendants(&self, key: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::from([key.to_owned()]);
        let mut frontier = vec![key.to_owned()];
        while let Some(k) = frontier.pop() {
            for c in self.children(&k) {
                if out.insert(c.key.clone()) {
                    frontier.push(c.key.clone());
                }
            }
        }
        out
    }

    /// Gap report, top down: system objectives that no local delivery partnership's plan
    /// delivers (no local objective beneath them through a place objective).
    pub fn system_objectives_without_local_delivery(&self) -> Vec<&Objective> {
        self.at(Level::System)
            .filter(|s| {
                !self
                    .descendants(&s.key)
                    .iter()
                    .any(|k| self.get(k).is_some_and(|o| o.level == Level::Local))
            })
            .collect()
    }

    /// Gap report, bottom up: local priorities not reflected at system level (no parent, or a
    /// place parent that itself serves no system objective).
    pub fn local_priorities_not_reflected(&self) -> Vec<&Objective> {
        self.at(Level::Local)
            .filter(|l| {
                !l.parents
                    .iter()
                    .any(|p| self.get(p).is_some_and(|place| !place.parents.is_empty()))
            })
            .collect()
    }

    /// One objective by key.
    pub fn get(&self, key: &str) -> Option<&Objective> {
        self.objectives.iter().find(|o| o.key == key)
    }

    /// Rolls outcome statuses up from local to place to system: an objective counts the
    /// statuses of the outcomes linked to it and to everything beneath it, each outcome once.
    pub fn roll_up(&self, key: &str, status_of: impl Fn(&str) -> OutcomeStatus) -> StatusRollUp {
        let outcomes: BTreeSet<&str> = self
            .descendants(key)
            .iter()
            .filter_map(|k| self.get(k))
            .flat_map(|o| o.outcomes.iter().map(String::as_str))
            .collect();
        let mut counts = BTreeMap::new();
        for o in outcomes {
            *counts.entry(status_of(o)).or_insert(0) += 1;
        }
        StatusRollUp(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objective(key: &str, level: Level, parents: &[&str], outcomes: &[&str]) -> Objective {
        Objective {
            key: key.into(),
            level,
            plan: "plan".into(),
            area: GssCode::parse("E54000022").unwrap(),
            title: key.into(),
            theme: "Healthy lives".into(),
            parents: parents.iter().map(|s| s.to_string()).collect(),
            projects: vec![],
            outcomes: outcomes.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn thread() -> GoldenThread {
        GoldenThread::new(vec![
            objective("sys-weight", Level::System, &[], &["weight"]),
            objective("sys-housing", Level::System, &[], &[]),
            objective("place-weight", Level::Place, &["sys-weight"], &[]),
            objective("place-parks", Level::Place, &[], &[]),
            objective(
                "local-walking",
                Level::Local,
                &["place-weight"],
                &["inactive"],
            ),
            objective("local-parks", Level::Local, &["place-parks"], &[]),
            objective("local-loneliness", Level::Local, &[], &[]),
        ])
        .unwrap()
    }

    #[test]
    fn a_system_objective_no_local_plan_delivers_is_reported() {
        let t = thread();
        let gaps: Vec<&str> = t
            .system_objectives_without_local_delivery()
            .iter()
            .map(|o| o.key.as_str())
            .collect();
        assert_eq!(gaps, ["sys-housing"]);
    }

    #[test]
    fn local_priorities_that_never_reach_the_system_are_reported() {
        let t = thread();
        let gaps: Vec<&str> = t
            .local_priorities_not_reflected()
            .iter()
            .map(|o| o.key.as_str())
            .collect();
        assert_eq!(gaps, ["local-parks", "local-loneliness"]);
    }

    #[test]
    fn statuses_roll_up_from_local_to_system() {
        let t = thread();
        let r = t.roll_up("sys-weight", |o| {
            if o == "weight" {
                OutcomeStatus::OnTrack
            } else {
                OutcomeStatus::OffTrack
            }
        });
        assert_eq!(r.0.get(&OutcomeStatus::OnTrack), Some(&1));
        assert_eq!(r.0.get(&OutcomeStatus::OffTrack), Some(&1));
    }

    #[test]
    fn a_parent_two_levels_up_is_refused() {
        let err = GoldenThread::new(vec![
            objective("s", Level::System, &[], &[]),
            objective("l", Level::Local, &["s"], &[]),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("not one level up"), "{err}");
    }
}
