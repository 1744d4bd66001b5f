//! Each ICS's disclosure-control setting: the one rule its published numbers pass through.

use goldthread_stats::{Disclosed, DisclosureRule, Rounding};
use serde::Serialize;

/// An ICS's chosen disclosure rule; OpenSAFELY's unless it chose another.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Default)]
pub struct DisclosureSetting {
    /// The rule.
    pub rule: DisclosureRule,
}

impl DisclosureSetting {
    /// The rule in words, shown beneath published tables.
    pub fn statement(&self) -> String {
        let r = &self.rule;
        let withheld = if r.suppress_to < r.suppress_from {
            "no counts are withheld".to_owned()
        } else if r.suppress_from == 0 {
            format!("counts of {} or fewer are withheld", r.suppress_to)
        } else {
            format!(
                "counts of {} to {} are withheld",
                r.suppress_from, r.suppress_to
            )
        };
        let rounding = match r.rounding {
            Rounding::None => "the rest are shown as they are".to_owned(),
            Rounding::NearestMultiple(b) => format!("the rest are rounded to the nearest {b}"),
        };
        format!("Disclosure control: {withheld}; {rounding}.")
    }

    /// A count as it may be published.
    pub fn publish_count(&self, count: Option<f64>) -> Option<u64> {
        let c = count?;
        if c.is_nan() || c < 0.0 {
            return None;
        }
        match self.rule.apply(c.round() as u64) {
            Disclosed::Published(v) => Some(v),
            Disclosed::Suppressed => None,
        }
    }

    /// Whether statistics derived from this count must be withheld with it.
    pub fn withholds(&self, count: Option<f64>) -> bool {
        count.is_some_and(|c| self.rule.withholds(c.round().max(0.0) as u64))
    }
}
