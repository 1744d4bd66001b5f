//! District Direct: district officers on hospital wards clearing the non-medical barriers that
//! keep people in hospital after they are medically fit to go home.
//!
//! **Bed days saved** (the rule the monthly report uses): for each patient, the expected delay
//! for their barrier type (how long such a discharge waited before District Direct, a
//! programme setting) less the actual delay (days from medically fit to discharge), never below
//! zero. Bed days are valued at a configurable cost per bed day whose source is always shown.

use serde::{Deserialize, Serialize};

use super::case::stored_enum;
use crate::Money;

stored_enum!(
    /// A non-medical reason someone cannot yet go home.
    DischargeBarrier {
        /// A key safe is needed so carers can get in.
        KeySafe => "key_safe",
        /// A community alarm or telecare is needed.
        CommunityAlarm => "community_alarm",
        /// The home is too cluttered to be safe.
        ClutteredHome => "cluttered_home",
        /// The home needs a deep clean.
        UnhygienicHome => "unhygienic_home",
        /// A minor adaptation (rails, ramp, steps).
        MinorAdaptation => "minor_adaptation",
        /// No heating or hot water.
        NoHeating => "no_heating",
        /// A bed or essential furniture is needed downstairs.
        Furniture => "furniture",
        /// Homeless or the home is unsuitable.
        Housing => "housing",
    }
);

impl DischargeBarrier {
    /// How the barrier reads to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::KeySafe => "Key safe needed",
            Self::CommunityAlarm => "Community alarm needed",
            Self::ClutteredHome => "Cluttered home",
            Self::UnhygienicHome => "Unhygienic home",
            Self::MinorAdaptation => "Minor adaptation",
            Self::NoHeating => "No heating",
            Self::Furniture => "Bed or furniture",
            Self::Housing => "Homeless or unsuitable home",
        }
    }

    /// The expected delay, in days, before District Direct: a planning assumption each
    /// programme may replace, set so the default mean saving is close to the 3.9 bed days per
    /// patient Norfolk reported for 2022/23.
    pub fn default_expected_delay_days(self) -> u32 {
        match self {
            Self::KeySafe | Self::CommunityAlarm => 3,
            Self::Furniture | Self::NoHeating => 4,
            Self::MinorAdaptation => 5,
            Self::UnhygienicHome => 6,
            Self::ClutteredHome => 8,
            Self::Housing => 10,
        }
    }
}

/// Bed days saved: the expected delay less the actual one, never below zero.
pub fn bed_days_saved(expected_delay_days: u32, actual_delay_days: u32) -> u32 {
    expected_delay_days.saturating_sub(actual_delay_days)
}

/// The value of a bed day, with where the number comes from.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct BedDayCost {
    /// Value of one bed day.
    pub per_day: Money,
    /// Where the value comes from, shown wherever it is used.
    pub source: String,
}

impl BedDayCost {
    /// The published values a programme can choose from.
    pub fn published() -> Vec<BedDayCost> {
        vec![
            BedDayCost {
                per_day: Money::from_pounds(250),
                source: "£250: a Norfolk acute trust's excess bed day cost, 2017/18".into(),
            },
            BedDayCost {
                per_day: Money::from_pounds(395),
                source: "£395: the direct cost of one delayed night in an acute bed".into(),
            },
            BedDayCost {
                per_day: Money::from_pounds(562),
                source: "£562: the NHS average cost of an acute bed night, 2024".into(),
            },
            BedDayCost {
                per_day: Money::from_pounds(665),
                source: "£665: implied by Norfolk's 2022/23 figures (£8.5m for 12,790 bed days)"
                    .into(),
            },
        ]
    }

    /// The value of some bed days.
    pub fn value(&self, bed_days: u64) -> Money {
        Money::from_pence(self.per_day.pence().saturating_mul(bed_days as i64))
    }
}

impl Default for BedDayCost {
    fn default() -> Self {
        Self::published()[2].clone()
    }
}

/// One discharge in the monthly figures.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Discharge {
    /// The barrier.
    pub barrier: DischargeBarrier,
    /// Days from medically fit to discharge.
    pub actual_delay_days: u32,
    /// Interventions (payments or actions) made.
    pub interventions: u32,
    /// Paid from the budget.
    pub spent: Money,
}

/// The month's figures in the report's own terms.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct MonthlyReport {
    /// Patients supported home.
    pub patients: u64,
    /// Interventions made.
    pub interventions: u64,
    /// Bed days saved.
    pub bed_days_saved: u64,
    /// Their value.
    pub value: Money,
    /// What the value rests on.
    pub cost_source: String,
    /// Spent from the direct budget.
    pub spent: Money,
}

impl MonthlyReport {
    /// Bed days saved per patient, to one decimal place (0 when there were none).
    pub fn bed_days_per_patient(&self) -> f64 {
        if self.patients == 0 {
            0.0
        } else {
            (self.bed_days_saved as f64 / self.patients as f64 * 10.0).round() / 10.0
        }
    }
}

/// The month's report from its discharges, using each barrier's expected delay.
pub fn monthly_report(
    discharges: &[Discharge],
    expected_delay: impl Fn(DischargeBarrier) -> u32,
    cost: &BedDayCost,
) -> MonthlyReport {
    let saved: u64 = discharges
        .iter()
        .map(|d| {
            u64::from(bed_days_saved(
                expected_delay(d.barrier),
                d.actual_delay_days,
            ))
        })
        .sum();
    MonthlyReport {
        patients: discharges.len() as u64,
        interventions: discharges.iter().map(|d| u64::from(d.interventions)).sum(),
        bed_days_saved: saved,
        value: cost.value(saved),
        cost_source: cost.source.clone(),
        spent: discharges.iter().map(|d| d.spent).sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_safe_fitted_the_same_day_saves_the_whole_expected_delay() {
        let expected = DischargeBarrier::KeySafe.default_expected_delay_days();
        assert_eq!(bed_days_saved(expected, 0), expected);
    }

    #[test]
    fn a_discharge_slower_than_expected_saves_nothing_rather_than_costing() {
        assert_eq!(bed_days_saved(3, 5), 0);
    }

    #[test]
    fn the_report_values_bed_days_at_the_chosen_cost_and_names_its_source() {
        let cost = BedDayCost::published()[0].clone();
        let d = [
            Discharge {
                barrier: DischargeBarrier::ClutteredHome,
                actual_delay_days: 2,
                interventions: 2,
                spent: Money::from_pounds(300),
            },
            Discharge {
                barrier: DischargeBarrier::KeySafe,
                actual_delay_days: 0,
                interventions: 1,
                spent: Money::from_pounds(45),
            },
        ];
        let r = monthly_report(
            &d,
            |b| if b == DischargeBarrier::KeySafe { 3 } else { 8 },
            &cost,
        );
        assert_eq!(r.bed_days_saved, 6 + 3);
        assert_eq!(r.value, Money::from_pounds(250 * 9));
        assert!(r.cost_source.contains("2017/18"));
        assert_eq!(r.spent, Money::from_pounds(345));
        assert_eq!(r.bed_days_per_patient(), 4.5);
    }
}

/// A programme's District Direct settings: its bed-day value and expected delays.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct Settings {
    /// The value of a bed day and its source.
    pub bed_day_cost: BedDayCost,
    /// Expected delays that replace the defaults, by barrier.
    pub expected_delay_days: Vec<(DischargeBarrier, u32)>,
}

impl Settings {
    /// The expected delay for a barrier under these settings.
    pub fn expected_delay(&self, barrier: DischargeBarrier) -> u32 {
        self.expected_delay_days
            .iter()
            .find(|(b, _)| *b == barrier)
            .map(|(_, d)| *d)
            .unwrap_or_else(|| barrier.default_expected_delay_days())
    }
}
