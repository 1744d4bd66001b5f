//! Shared outcomes: what the partners of an ICS agree to improve, who is accountable, who
//! contributes, what each district commits to, and whether it is on track.

use goldthread_stats::Polarity;
use serde::{Deserialize, Serialize};

use super::indicator::{IndicatorCode, Period, Sex};
use crate::ids::{GssCode, ParseIdError};
use crate::organisation::OrganisationId;

/// A short stable key for an outcome or ambition ("healthy-weight").
pub fn parse_key(kind: &'static str, input: &str) -> Result<String, ParseIdError> {
    let s = input.trim();
    if s.is_empty()
        || s.len() > 60
        || !s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(ParseIdError::new(
            kind,
            format!("{s:?} must be 1 to 60 lower-case letters, digits and hyphens"),
        ));
    }
    Ok(s.to_owned())
}

/// A headline ambition of the integrated care strategy, which groups outcomes.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Ambition {
    /// Key.
    pub key: String,
    /// The ambition in a line ("Everyone starts well").
    pub title: String,
    /// What it means.
    pub description: String,
}

/// A value at a point in time: a baseline, target or milestone.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Milestone {
    /// Period the value applies to.
    pub period: Period,
    /// The value.
    pub value: f64,
}

/// Who answers for an outcome: one organisation, and the board that oversees it.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Accountability {
    /// The accountable partner.
    pub organisation: OrganisationId,
    /// The board that holds it to account (e.g. "Norfolk Health and Wellbeing Board").
    pub board: String,
}

/// A district council's commitment to an outcome.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct DistrictCommitment {
    /// The district.
    pub district: GssCode,
    /// What it accepts accountability for, in its own words.
    pub commitment: String,
    /// Its own target for the indicator, if it set one.
    pub target: Option<f64>,
}

/// One shared outcome.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Outcome {
    /// Key.
    pub key: String,
    /// The outcome in a line.
    pub title: String,
    /// Dashboard theme.
    pub theme: String,
    /// The ambition it serves.
    pub ambition: String,
    /// The indicator that measures it.
    pub indicator: IndicatorCode,
    /// The area measured (the system's footprint, a county or a district).
    pub area: GssCode,
    /// Sex breakdown measured.
    pub sex: Sex,
    /// Where we started.
    pub baseline: Milestone,
    /// Where we aim to be.
    pub target: Milestone,
    /// Agreed milestones between baseline and target (may be empty: then a straight line).
    pub trajectory: Vec<Milestone>,
    /// Who is accountable.
    pub accountable: Accountability,
    /// Who else contributes.
    pub contributors: Vec<OrganisationId>,
    /// Districts' commitments.
    pub commitments: Vec<DistrictCommitment>,
    /// Review dates (YYYY-MM-DD).
    pub review_dates: Vec<String>,
}

/// Whether an outcome is on course.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeStatus {
    /// Meets or beats its trajectory.
    OnTrack,
    /// Behind its trajectory but better than its baseline.
    AtRisk,
    /// No better than its baseline.
    OffTrack,
    /// No value since the baseline.
    NoData,
}

impl OutcomeStatus {
    /// The label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            OutcomeStatus::OnTrack => "On track",
            OutcomeStatus::AtRisk => "At risk",
            OutcomeStatus::OffTrack => "Off track",
            OutcomeStatus::NoData => "No data",
        }
    }
}

/// The status rule, stated once so every page can show it.
pub const STATUS_RULE: &str = "On track: the latest value meets or beats the trajectory for \
its period (the agreed milestone, or a straight line from baseline to target). At risk: it \
misses the trajectory but is better than the baseline. Off track: it is no better than the \
baseline. No data: nothing has been published for a period after the baseline. 'Better' \
follows the indicator's polarity.";

impl Outcome {
    /// The value the trajectory expects for a period: the agreed milestone for it, or the
    /// straight line from baseline to target by start year (flat beyond the target).
    pub fn expected_at(&self, period: &Period) -> f64 {
        if let Some(m) = self.trajectory.iter().find(|m| m.period == *period) {
            return m.value;
        }
        let (b, t) = (&self.baseline, &self.target);
        let span = f64::from(t.period.sortable) - f64::from(b.period.sortable);
        if span <= 0.0 {
            return t.value;
        }
        let at = (f64::from(period.sortable) - f64::from(b.period.sortable)) / span;
        b.value + (t.value - b.value) * at.clamp(0.0, 1.0)
    }

    /// The status by [`STATUS_RULE`] given the latest published value, if any.
    pub fn status(&self, polarity: Polarity, latest: Option<(&Period, f64)>) -> OutcomeStatus {
        let Some((period, value)) = latest else {
            return OutcomeStatus::NoData;
        };
        if period.sortable <= self.baseline.period.sortable {
            return OutcomeStatus::NoData;
        }
        // Which way is better: by polarity, or by the direction from baseline to target
        // when the indicator makes no judgement.
        let up_is_better = match polarity {
            Polarity::HighIsGood => true,
            Polarity::LowIsGood => false,
            Polarity::NoJudgement => self.target.value >= self.baseline.value,
        };
        let better_or_equal = |a: f64, b: f64| if up_is_better { a >= b } else { a <= b };
        if better_or_equal(value, self.expected_at(period)) {
            OutcomeStatus::OnTrack
        } else if better_or_equal(value, self.baseline.value) && value != self.baseline.value {
            OutcomeStatus::AtRisk
        } else {
            OutcomeStatus::OffTrack
        }
    }
}

/// Who changed something, when and why: every version of an outcome or objective carries one.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Attribution {
    /// Version number, from 1.
    pub version: u32,
    /// Who made the change (a named person or role).
    pub changed_by: String,
    /// Why.
    pub reason: String,
    /// When (RFC 3339).
    pub at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(y: u32) -> Period {
        Period::parse(&format!("{y}/{}", (y + 1) % 100)).unwrap()
    }

    fn inactivity() -> Outcome {
        Outcome {
            key: "active-lives".into(),
            title: "Fewer physically inactive adults".into(),
            theme: "Healthy lives".into(),
            ambition: "live-well".into(),
            indicator: IndicatorCode::parse("93015").unwrap(),
            area: GssCode::parse("E07000145").unwrap(),
            sex: Sex::Persons,
            baseline: Milestone {
                period: period(2020),
                value: 30.0,
            },
            target: Milestone {
                period: period(2030),
                value: 20.0,
            },
            trajectory: vec![],
            accountable: Accountability {
                organisation: OrganisationId::for_code("E07000145"),
                board: "Great Yarmouth Health and Wellbeing Partnership".into(),
            },
            contributors: vec![],
            commitments: vec![],
            review_dates: vec![],
        }
    }

    #[test]
    fn a_low_is_good_outcome_halfway_down_its_line_is_on_track() {
        let o = inactivity();
        assert_eq!(o.expected_at(&period(2025)), 25.0);
        let s = |v| o.status(Polarity::LowIsGood, Some((&period(2025), v)));
        assert_eq!(s(24.0), OutcomeStatus::OnTrack);
        assert_eq!(s(25.0), OutcomeStatus::OnTrack);
        assert_eq!(s(27.0), OutcomeStatus::AtRisk);
        assert_eq!(s(30.0), OutcomeStatus::OffTrack);
        assert_eq!(s(31.0), OutcomeStatus::OffTrack);
    }

    #[test]
    fn an_agreed_milestone_overrides_the_straight_line() {
        let mut o = inactivity();
        o.trajectory.push(Milestone {
            period: period(2025),
            value: 28.0,
        });
        assert_eq!(
            o.status(Polarity::LowIsGood, Some((&period(2025), 27.5))),
            OutcomeStatus::OnTrack
        );
    }

    #[test]
    fn nothing_since_the_baseline_is_no_data() {
        let o = inactivity();
        assert_eq!(o.status(Polarity::LowIsGood, None), OutcomeStatus::NoData);
        assert_eq!(
            o.status(Polarity::LowIsGood, Some((&period(2020), 10.0))),
            OutcomeStatus::NoData
        );
    }

    #[test]
    fn outcome_keys_are_slugs() {
        assert!(parse_key("outcome", "active-lives").is_ok());
        assert!(parse_key("outcome", "Active Lives").is_err());
    }
}
