//! SPC rebasing as a recorded human decision: who decided to recalculate an indicator's XmR
//! limits from which period, when, and why. Nothing rebases on its own.

use goldthread_stats::spc::Rebase;
use serde::{Deserialize, Serialize};

use super::indicator::{IndicatorCode, Period, Sex};
use crate::ids::GssCode;

/// A decision to start new XmR limits for one series at one period.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct RecordedRebase {
    /// The indicator.
    pub indicator: IndicatorCode,
    /// The area whose series is rebased.
    pub area: GssCode,
    /// The sex breakdown.
    pub sex: Sex,
    /// The first period of the new limits.
    pub from: Period,
    /// Why (e.g. "new stop-smoking service started April 2024").
    pub reason: String,
    /// Who decided.
    pub decided_by: String,
    /// When it was recorded (RFC 3339).
    pub at: String,
}

impl RecordedRebase {
    /// Whether this decision applies to a series.
    pub fn applies_to(&self, indicator: &IndicatorCode, area: &GssCode, sex: Sex) -> bool {
        &self.indicator == indicator && &self.area == area && self.sex == sex
    }
}

/// The rebases for a series whose points are labelled `periods` (oldest first), in order, as
/// the SPC engine takes them. Decisions whose period is not in the series are left out (they
/// are still listed beside the chart).
pub fn rebases_for(periods: &[String], decisions: &[&RecordedRebase]) -> Vec<Rebase> {
    let mut out: Vec<Rebase> = decisions
        .iter()
        .filter_map(|d| {
            let from = periods.iter().position(|p| p == &d.from.label)?;
            Some(Rebase {
                from,
                reason: d.reason.clone(),
                decided_by: d.decided_by.clone(),
            })
        })
        .collect();
    out.sort_by_key(|r| r.from);
    out.dedup_by_key(|r| r.from);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_maps_to_the_index_of_its_period_and_others_are_left_out() {
        let d = |p: &str| RecordedRebase {
            indicator: IndicatorCode::parse("93015").unwrap(),
            area: GssCode::parse("E07000145").unwrap(),
            sex: Sex::Persons,
            from: Period::parse(p).unwrap(),
            reason: "new service".into(),
            decided_by: "analyst".into(),
            at: "2026-01-01T00:00:00Z".into(),
        };
        let periods: Vec<String> = (2010..2030).map(|y| y.to_string()).collect();
        let (a, b, c) = (d("2024"), d("2018"), d("1999"));
        let r = rebases_for(&periods, &[&a, &b, &c]);
        assert_eq!(r.iter().map(|r| r.from).collect::<Vec<_>>(), [8, 14]);
        assert_eq!(r[0].reason, "new service");
    }
}
