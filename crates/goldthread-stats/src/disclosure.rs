//! Statistical disclosure control: the one rule applied to every count before it is published.
//!
//! Small counts are suppressed and the rest rounded, so that no person can be picked out of a
//! published table. A suppressed count is [`Disclosed::Suppressed`], never a number or a
//! placeholder string; writers decide how to show it (usually an empty cell).
//!
//! # Secondary suppression
//! Suppressing one cell is not enough when the row total is published: the cell could be
//! recovered as total minus the other cells. [`DisclosureRule::apply_to_table`] therefore also
//! suppresses the smallest other cell whenever exactly one cell of a table was suppressed and
//! its total was not. Rounding every cell and the total independently already blurs such
//! differences by up to half a rounding base per cell, but does not remove the risk for a
//! single suppressed cell, so the complementary suppression is applied anyway. Statistics
//! derived from a count (rates, proportions) must be withheld with the count: callers should
//! publish them only when the count itself is published.

use serde::Serialize;

use crate::error::StatsError;

/// A count as it may be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Disclosed {
    /// The count after rounding.
    Published(u64),
    /// Withheld: too small to publish, or suppressed to protect another cell.
    Suppressed,
}

impl Disclosed {
    /// The published number, or `None` when suppressed.
    pub fn value(self) -> Option<u64> {
        match self {
            Disclosed::Published(v) => Some(v),
            Disclosed::Suppressed => None,
        }
    }

    /// Whether the count was withheld.
    pub fn is_suppressed(self) -> bool {
        matches!(self, Disclosed::Suppressed)
    }
}

/// How counts that are published are rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Rounding {
    /// Published as they are.
    None,
    /// Rounded to the nearest multiple of this base (halves round up: 15 → 20 for base 10).
    NearestMultiple(u64),
}

/// A disclosure-control rule: which small counts are withheld and how the rest are rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DisclosureRule {
    /// Counts from `suppress_from` to `suppress_to` inclusive are withheld.
    pub suppress_from: u64,
    /// Upper end of the withheld range (inclusive). A rule with `suppress_to < suppress_from` withholds nothing.
    pub suppress_to: u64,
    /// Rounding for the counts that are published.
    pub rounding: Rounding,
}

impl Default for DisclosureRule {
    /// OpenSAFELY's rule: the default for everything goldthread publishes.
    fn default() -> Self {
        Self::OPENSAFELY
    }
}

impl DisclosureRule {
    /// OpenSAFELY: counts of 7 or fewer (zero included) are withheld; the rest rounded to the nearest 5.
    pub const OPENSAFELY: DisclosureRule = DisclosureRule {
        suppress_from: 0,
        suppress_to: 7,
        rounding: Rounding::NearestMultiple(5),
    };

    /// NHS Digital (NHS England) publications: counts of 1 to 7 are withheld (a true zero is
    /// shown), the rest rounded to the nearest 5.
    pub const NHS_DIGITAL: DisclosureRule = DisclosureRule {
        suppress_from: 1,
        suppress_to: 7,
        rounding: Rounding::NearestMultiple(5),
    };

    /// No disclosure control: for internal analysis only, never for publication.
    pub const NONE: DisclosureRule = DisclosureRule {
        suppress_from: 1,
        suppress_to: 0,
        rounding: Rounding::None,
    };

    /// A rule of your own, e.g. an ONS output rule "withhold 1 to 2, round to the nearest 10":
    /// `DisclosureRule::custom(1, 2, 10)`. A rounding base of 1 means no rounding.
    pub fn custom(
        suppress_from: u64,
        suppress_to: u64,
        rounding_base: u64,
    ) -> Result<Self, StatsError> {
        let rounding = match rounding_base {
            0 => {
                return Err(StatsError::InvalidDisclosureRule(
                    "rounding base must be 1 or more (1 means no rounding)".to_string(),
                ))
            }
            1 => Rounding::None,
            base => Rounding::NearestMultiple(base),
        };
        Ok(DisclosureRule {
            suppress_from,
            suppress_to,
            rounding,
        })
    }

    /// Whether this count would be withheld.
    pub fn withholds(&self, count: u64) -> bool {
        (self.suppress_from..=self.suppress_to).contains(&count)
    }

    /// The count as it may be published under this rule.
    pub fn apply(&self, count: u64) -> Disclosed {
        if self.withholds(count) {
            return Disclosed::Suppressed;
        }
        match self.rounding {
            Rounding::None => Disclosed::Published(count),
            Rounding::NearestMultiple(base) => {
                Disclosed::Published((count + base / 2) / base * base)
            }
        }
    }

    /// Applies the rule to the cells of one table row and to their total, with secondary
    /// suppression so that a withheld cell cannot be recovered from the total.
    pub fn apply_to_table(&self, cells: &[u64]) -> DisclosedTable {
        let mut disclosed: Vec<Disclosed> = cells.iter().map(|c| self.apply(*c)).collect();
        let total = self.apply(cells.iter().sum());
        let suppressed = disclosed.iter().filter(|d| d.is_suppressed()).count();
        if suppressed == 1 && !total.is_suppressed() {
            // Withhold the smallest other cell too: it costs the least information.
            let smallest = cells
                .iter()
                .enumerate()
                .filter(|(i, _)| !disclosed[*i].is_suppressed())
                .min_by_key(|(_, c)| **c)
                .map(|(i, _)| i);
            if let Some(i) = smallest {
                disclosed[i] = Disclosed::Suppressed;
            }
        }
        DisclosedTable {
            cells: disclosed,
            total,
        }
    }
}

/// A table row after disclosure control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisclosedTable {
    /// The cells, in the order given.
    pub cells: Vec<Disclosed>,
    /// The row total (rounded from the true total, not summed from rounded cells).
    pub total: Disclosed,
}
