//! Prevention spend: budget lines tagged by the kind of spend, the share that goes to
//! prevention each year, and pooled contributions per head.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::{FinancialYear, Money, ParseIdError};
use crate::organisation::OrganisationId;

/// What a budget line pays for.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpendCategory {
    /// Stopping ill health before it starts (smoking cessation, healthy weight, housing standards).
    PrimaryPrevention,
    /// Finding and treating early (screening, health checks, early help).
    SecondaryPrevention,
    /// Limiting the impact of established illness (reablement, falls response, DFGs).
    TertiaryPrevention,
    /// Diagnosis and treatment of illness.
    Treatment,
}

impl SpendCategory {
    /// All categories.
    pub const ALL: [SpendCategory; 4] = [
        SpendCategory::PrimaryPrevention,
        SpendCategory::SecondaryPrevention,
        SpendCategory::TertiaryPrevention,
        SpendCategory::Treatment,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SpendCategory::PrimaryPrevention => "primary_prevention",
            SpendCategory::SecondaryPrevention => "secondary_prevention",
            SpendCategory::TertiaryPrevention => "tertiary_prevention",
            SpendCategory::Treatment => "treatment",
        }
    }

    /// The label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            SpendCategory::PrimaryPrevention => "Primary prevention",
            SpendCategory::SecondaryPrevention => "Secondary prevention",
            SpendCategory::TertiaryPrevention => "Tertiary prevention",
            SpendCategory::Treatment => "Treatment",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Result<Self, ParseIdError> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or_else(|| {
                ParseIdError::new(
                    "spend category",
                    format!(
                        "{s:?}: use primary_prevention, secondary_prevention, \
                         tertiary_prevention or treatment"
                    ),
                )
            })
    }
}

/// One line of a partner's budget.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct BudgetLine {
    /// The organisation contributing the money.
    pub organisation: OrganisationId,
    /// The pooled fund it goes into, if any ("Better Care Fund").
    pub pooled_fund: Option<String>,
    /// Financial year.
    pub year: FinancialYear,
    /// What it pays for ("Disabled Facilities Grant", "Stop smoking service").
    pub service: String,
    /// Category.
    pub category: SpendCategory,
    /// Amount.
    pub amount: Money,
}

/// goldthread's stated definition of prevention spend, which an ICS may change.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct PreventionDefinition {
    /// Version, from 1.
    pub version: u32,
    /// The categories counted as prevention.
    pub counts: Vec<SpendCategory>,
    /// The definition in words, shown with every prevention figure.
    pub statement: String,
}

impl Default for PreventionDefinition {
    fn default() -> Self {
        Self {
            version: 1,
            counts: vec![
                SpendCategory::PrimaryPrevention,
                SpendCategory::SecondaryPrevention,
            ],
            statement: PREVENTION_STATEMENT.to_owned(),
        }
    }
}

/// goldthread's own definition (there is no official one).
pub const PREVENTION_STATEMENT: &str = "There is no official definition of prevention spend. \
goldthread counts budget lines its partners tag as primary prevention (stopping ill health \
before it starts) or secondary prevention (finding and treating it early), as a share of all \
tagged spend by partners in the system, including their contributions to pooled funds such as \
the Better Care Fund. Tertiary prevention (limiting the impact of established illness, such as \
reablement) is shown but not counted. Each ICS may change this definition; the version in use \
is shown with every figure.";

/// Spend in one year, split by category.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct YearShare {
    /// Financial year.
    pub year: FinancialYear,
    /// Spend by category.
    pub by_category: BTreeMap<SpendCategory, Money>,
    /// Spend counted as prevention.
    pub prevention: Money,
    /// All tagged spend.
    pub total: Money,
}

impl YearShare {
    /// Prevention as a fraction of the total (None when nothing was spent).
    pub fn share(&self) -> Option<f64> {
        (self.total.pence() > 0).then(|| self.prevention.pence() as f64 / self.total.pence() as f64)
    }
}

/// The prevention share of each year's spend, by the given definition.
pub fn prevention_share_by_year(
    lines: &[BudgetLine],
    definition: &PreventionDefinition,
) -> Vec<YearShare> {
    let mut years: BTreeMap<FinancialYear, BTreeMap<SpendCategory, Money>> = BTreeMap::new();
    for l in lines {
        let cell = years
            .entry(l.year)
            .or_default()
            .entry(l.category)
            .or_default();
        *cell = Money::from_pence(cell.pence() + l.amount.pence());
    }
    years
        .into_iter()
        .map(|(year, by_category)| {
            let sum = |keep: &dyn Fn(SpendCategory) -> bool| {
                Money::from_pence(
                    by_category
                        .iter()
                        .filter(|(c, _)| keep(**c))
                        .map(|(_, m)| m.pence())
                        .sum(),
                )
            };
            YearShare {
                year,
                prevention: sum(&|c| definition.counts.contains(&c)),
                total: sum(&|_| true),
                by_category,
            }
        })
        .collect()
}

/// An organisation's contribution to a pooled fund in a year, per head of the population it
/// serves, in pounds.
pub fn pooled_per_head(
    lines: &[BudgetLine],
    organisation: OrganisationId,
    fund: &str,
    year: FinancialYear,
    population: u32,
) -> Option<f64> {
    if population == 0 {
        return None;
    }
    let pence: i64 = lines
        .iter()
        .filter(|l| {
            l.organisation == organisation
                && l.year == year
                && l.pooled_fund.as_deref() == Some(fund)
        })
        .map(|l| l.amount.pence())
        .sum();
    Some(pence as f64 / 100.0 / f64::from(population))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(year: u16, category: SpendCategory, pounds: i64) -> BudgetLine {
        BudgetLine {
            organisation: OrganisationId::for_code("E10000020"),
            pooled_fund: Some("Better Care Fund".into()),
            year: FinancialYear::starting(year),
            service: "s".into(),
            category,
            amount: Money::from_pounds(pounds),
        }
    }

    #[test]
    fn tertiary_prevention_is_shown_but_not_counted_by_default() {
        let lines = [
            line(2024, SpendCategory::PrimaryPrevention, 10),
            line(2024, SpendCategory::SecondaryPrevention, 10),
            line(2024, SpendCategory::TertiaryPrevention, 30),
            line(2024, SpendCategory::Treatment, 50),
        ];
        let shares = prevention_share_by_year(&lines, &PreventionDefinition::default());
        assert_eq!(shares[0].share(), Some(0.2));
        let mut wider = PreventionDefinition::default();
        wider.counts.push(SpendCategory::TertiaryPrevention);
        assert_eq!(
            prevention_share_by_year(&lines, &wider)[0].share(),
            Some(0.5)
        );
    }

    #[test]
    fn pooled_contribution_per_head_uses_the_population() {
        let lines = [line(2024, SpendCategory::TertiaryPrevention, 1_343)];
        let org = OrganisationId::for_code("E10000020");
        let per_head = pooled_per_head(
            &lines,
            org,
            "Better Care Fund",
            FinancialYear::starting(2024),
            100,
        );
        assert_eq!(per_head, Some(13.43));
        assert_eq!(
            pooled_per_head(
                &lines,
                org,
                "Better Care Fund",
                FinancialYear::starting(2023),
                100
            ),
            Some(0.0)
        );
    }
}
