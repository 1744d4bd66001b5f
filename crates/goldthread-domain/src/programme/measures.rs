//! Programme measures as local indicators: each ready-made programme's [`OutcomeMeasure`]s
//! counted per district and period from its cases, so the outcomes framework computes the
//! statistic with its own methods and passes it through the disclosure rule.
//!
//! The counts are derived by replaying each case's event log through the case rules
//! ([`CaseStatus::apply`]), never from a stored flag:
//!
//! | programme | measure | counted in the period of | rule |
//! |---|---|---|---|
//! | Waiting Well | `contacted` | the first contact that reached the person | people reached |
//! | Waiting Well | `unmet_needs_share` | the same | of those reached, the share whose needs assessment found a need |
//! | District Direct | `patients_supported` | the discharge | cases closed "discharged home" |
//! | District Direct | `bed_days_saved` | the discharge | the programme's expected delay for the barrier less the actual delay, never below zero |
//! | Home adaptations | `dfg_completed` | the completion | DFGs with works complete |
//! | Home adaptations | `dfg_within_guidance` | the completion | of those, the share within 55 (urgent) or 150 working days |
//! | Social prescribing | `referrals` | the referral | cases referred |
//! | Social prescribing | `attended` | the referral | of people referred on to an activity, the share whose activity reported them as completed |
//!
//! `bed_days_value` is not published as an indicator: it is bed days times one fixed cost, so
//! it would give back any bed-day count the disclosure rule withholds or rounds. A council's own
//! programme has no rule here and its measures are listed as not computed.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use goldthread_stats::Polarity;
use serde::Serialize;

use super::adaptations::DfgMilestones;
use super::case::{CaseEvent, CaseState, CaseStatus, Outcome};
use super::district_direct::{bed_days_saved, DischargeBarrier};
use super::referral::ReferralStatus;
use super::{OutcomeMeasure, Programme, ProgrammeKind};
use crate::organisation::OrganisationId;
use crate::outcomes::indicator::{
    BenchmarkMethod, IndicatorCode, IndicatorDefinition, IndicatorValue, Period, Sex, ValueMethod,
};
use crate::{FinancialYear, GssCode};

/// The theme programme indicators are filed under on the outcomes dashboard.
pub const THEME: &str = "Place-based programmes";

/// What is known about one case, as the store holds it.
#[derive(Clone, PartialEq, Debug)]
pub struct CaseFacts {
    /// The team the case was referred to.
    pub team: OrganisationId,
    /// The district or unitary council the person lives in.
    pub district: Option<GssCode>,
    /// The day it was referred.
    pub referred_on: NaiveDate,
    /// Its events in order, each with the day it was recorded.
    pub events: Vec<(NaiveDate, CaseEvent)>,
    /// The barrier to discharge (District Direct).
    pub barrier: Option<DischargeBarrier>,
    /// The day the patient was medically fit (District Direct).
    pub medically_fit_on: Option<NaiveDate>,
    /// The day the patient went home (District Direct).
    pub discharged_on: Option<NaiveDate>,
    /// The DFG application's dates (home adaptations).
    pub dfg: Option<DfgMilestones>,
    /// Where each referral out to a directory service stands.
    pub referrals_out: Vec<ReferralStatus>,
}

/// A period measures are counted for: a calendar month or a financial year.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize)]
pub enum MeasurePeriod {
    /// A calendar month (year, month 1 to 12).
    Month(i32, u32),
    /// A financial year, April to March.
    FinancialYear(FinancialYear),
}

impl MeasurePeriod {
    /// The month containing a day.
    pub fn month_of(d: NaiveDate) -> Self {
        Self::Month(d.year(), d.month())
    }

    /// The financial year containing a day.
    pub fn year_of(d: NaiveDate) -> Self {
        Self::FinancialYear(FinancialYear::containing(d.year() as u16, d.month() as u8))
    }

    /// The period label the outcomes framework reads ("2025-07", "2025/26").
    pub fn label(self) -> String {
        match self {
            Self::Month(y, m) => format!("{y}-{m:02}"),
            Self::FinancialYear(fy) => fy.to_string(),
        }
    }

    /// The last day of the period.
    pub fn last_day(self) -> NaiveDate {
        let (y, m) = match self {
            Self::Month(y, m) => (y, m),
            Self::FinancialYear(fy) => (i32::from(fy.start_year()) + 1, 3),
        };
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        NaiveDate::from_ymd_opt(ny, nm, 1).map_or(NaiveDate::MAX, |d| d.pred_opt().unwrap_or(d))
    }

    fn is_month(self) -> bool {
        matches!(self, Self::Month(..))
    }
}

/// One measure's count for a district and period; a proportion has its denominator.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct MeasureCount {
    /// The measure's code.
    pub measure: String,
    /// The district or unitary council.
    pub district: GssCode,
    /// The period.
    pub period: MeasurePeriod,
    /// The count, or the numerator of a proportion.
    pub count: u64,
    /// The denominator, for a proportion.
    pub denominator: Option<u64>,
}

/// A programme's measures counted from its cases.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize)]
pub struct ProgrammeMeasures {
    /// The counts, by measure, district and period.
    pub counts: Vec<MeasureCount>,
    /// Measures with no counting rule, with the reason.
    pub not_computed: Vec<(String, String)>,
    /// Cases left out because no district is recorded.
    pub without_district: u64,
}

/// The last day counted on `today`: the end of the last month that has ended.
pub fn counted_to(today: NaiveDate) -> NaiveDate {
    today
        .with_day(1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(today)
}

/// How a measure is counted.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Rule {
    Contacted,
    UnmetNeedsShare,
    PatientsSupported,
    BedDaysSaved,
    DfgCompleted,
    DfgWithinGuidance,
    Referrals,
    Attended,
}

impl Rule {
    fn of(kind: ProgrammeKind, measure: &str) -> Option<Self> {
        use ProgrammeKind::*;
        Some(match (kind, measure) {
            (WaitingWell, "contacted") => Self::Contacted,
            (WaitingWell, "unmet_needs_share") => Self::UnmetNeedsShare,
            (DistrictDirect, "patients_supported") => Self::PatientsSupported,
            (DistrictDirect, "bed_days_saved") => Self::BedDaysSaved,
            (HomeAdaptations, "dfg_completed") => Self::DfgCompleted,
            (HomeAdaptations, "dfg_within_guidance") => Self::DfgWithinGuidance,
            (SocialPrescribing, "referrals") => Self::Referrals,
            (SocialPrescribing, "attended") => Self::Attended,
            _ => return None,
        })
    }

    fn is_proportion(self) -> bool {
        matches!(
            self,
            Self::UnmetNeedsShare | Self::DfgWithinGuidance | Self::Attended
        )
    }

    /// What the indicator counts, in words, for its data dictionary entry.
    fn definition(self) -> &'static str {
        match self {
            Self::Contacted => "People on the waiting list reached by the programme, counted in the month of the first contact that reached them.",
            Self::UnmetNeedsShare => "Numerator: people reached whose needs assessment found at least one unmet need. Denominator: people reached, in the month of the first contact that reached them. Proportion with Wilson score limits.",
            Self::PatientsSupported => "Patients whose case closed as discharged home, counted in the month of discharge.",
            Self::BedDaysSaved => "For each patient discharged home: the programme's expected delay for their barrier less the days from medically fit to discharge, never below zero; summed by month of discharge.",
            Self::DfgCompleted => "Disabled Facilities Grants with works complete, by month of completion.",
            Self::DfgWithinGuidance => "Numerator: DFGs completed within the guidance timescale (55 working days from first enquiry for urgent cases, 150 for others, England and Wales bank holidays excluded). Denominator: DFGs completed, by month of completion. Proportion with Wilson score limits.",
            Self::Referrals => "People referred to social prescribing, by month of referral.",
            Self::Attended => "Numerator: people whose referral on to an activity the service reported as completed. Denominator: people referred on to at least one activity, by month of their social prescribing referral. Proportion with Wilson score limits.",
        }
    }
}

/// What one case's event log adds up to under the case rules.
struct Replayed {
    first_reached: Option<NaiveDate>,
    status: CaseStatus,
    closed_on: Option<NaiveDate>,
}

fn replay(programme: &Programme, case: &CaseFacts) -> Replayed {
    let mut status = CaseStatus::referred(case.team);
    let (mut first_reached, mut closed_on) = (None, None);
    for (day, event) in &case.events {
        let before = status.state;
        // A stored log passed these rules when it was recorded; a refusal here means the
        // rules have since changed, and the case counts as far as they still allow.
        if status.apply(event, programme).is_err() {
            break;
        }
        if first_reached.is_none()
            && matches!(before, CaseState::Referred | CaseState::NotReached)
            && status.state == CaseState::Contacted
        {
            first_reached = Some(*day);
        }
        if before != CaseState::Closed && status.state == CaseState::Closed {
            closed_on = Some(*day);
        }
    }
    Replayed {
        first_reached,
        status,
        closed_on,
    }
}

/// What one case adds to one measure: the day it counts on, its count, and (for a
/// proportion) whether it is in the numerator.
fn contribution(
    rule: Rule,
    programme: &Programme,
    case: &CaseFacts,
    r: &Replayed,
) -> Option<(NaiveDate, u64)> {
    match rule {
        Rule::Contacted => r.first_reached.map(|d| (d, 1)),
        Rule::UnmetNeedsShare => r
            .first_reached
            .map(|d| (d, u64::from(!r.status.needs.is_empty()))),
        Rule::PatientsSupported | Rule::BedDaysSaved => {
            if r.status.outcome != Some(Outcome::DischargedHome) {
                return None;
            }
            let home = case.discharged_on.or(r.closed_on)?;
            if rule == Rule::PatientsSupported {
                return Some((home, 1));
            }
            let (barrier, fit) = (case.barrier?, case.medically_fit_on?);
            let actual = (home - fit).num_days().max(0) as u32;
            let settings = programme.district_direct.clone().unwrap_or_default();
            Some((
                home,
                u64::from(bed_days_saved(settings.expected_delay(barrier), actual)),
            ))
        }
        Rule::DfgCompleted | Rule::DfgWithinGuidance => {
            let m = case.dfg.as_ref()?;
            let done = m.completed?;
            let n = if rule == Rule::DfgCompleted {
                1
            } else {
                u64::from(m.timeliness(done).within)
            };
            Some((done, n))
        }
        Rule::Referrals => Some((case.referred_on, 1)),
        Rule::Attended => {
            if case.referrals_out.is_empty() {
                return None;
            }
            let completed = case.referrals_out.contains(&ReferralStatus::Completed);
            Some((case.referred_on, u64::from(completed)))
        }
    }
}

/// Counts a programme's measures per district, month and financial year from its cases.
/// Only months that have ended by `today` are counted; the financial year containing the
/// last of them is counted to date (its value carries a note saying so).
pub fn count_measures(
    programme: &Programme,
    cases: &[CaseFacts],
    today: NaiveDate,
) -> ProgrammeMeasures {
    let mut out = ProgrammeMeasures::default();
    let rules: Vec<(&OutcomeMeasure, Rule)> = programme
        .outcome_measures
        .iter()
        .filter_map(|m| match Rule::of(programme.kind, &m.code) {
            Some(r) => Some((m, r)),
            None => {
                out.not_computed
                    .push((m.code.clone(), not_computed_reason(programme, m)));
                None
            }
        })
        .collect();
    let last_month_end = counted_to(today);
    // (measure, district, period) -> (count, denominator)
    let mut sums: BTreeMap<(String, GssCode, MeasurePeriod), (u64, u64)> = BTreeMap::new();
    for case in cases {
        let Some(district) = case.district else {
            out.without_district += 1;
            continue;
        };
        let replayed = replay(programme, case);
        for (m, rule) in &rules {
            let Some((day, n)) = contribution(*rule, programme, case, &replayed) else {
                continue;
            };
            if day > last_month_end {
                continue;
            }
            for period in [MeasurePeriod::month_of(day), MeasurePeriod::year_of(day)] {
                let e = sums.entry((m.code.clone(), district, period)).or_default();
                e.0 += n;
                e.1 += 1;
            }
        }
    }
    for ((measure, district, period), (count, cases)) in sums {
        let proportion = rules
            .iter()
            .any(|(m, r)| m.code == measure && r.is_proportion());
        out.counts.push(MeasureCount {
            measure,
            district,
            period,
            count,
            denominator: proportion.then_some(cases),
        });
    }
    out
}

fn not_computed_reason(programme: &Programme, m: &OutcomeMeasure) -> String {
    if programme.kind == ProgrammeKind::DistrictDirect && m.code == "bed_days_value" {
        "bed days times a fixed cost would give back bed-day counts the disclosure rule \
         withholds; publish bed days saved instead"
            .into()
    } else {
        format!(
            "no counting rule for {:?} in a {} programme",
            m.code,
            programme.kind.as_str()
        )
    }
}

/// The indicator code for a programme measure: `{programme}.{measure}` for months, with `.fy`
/// for financial years; `None` when it would be longer than an indicator code may be.
pub fn indicator_code(programme: &Programme, measure: &str, yearly: bool) -> Option<IndicatorCode> {
    let suffix = if yearly { ".fy" } else { "" };
    IndicatorCode::parse(&format!("{}.{measure}{suffix}", programme.id)).ok()
}

/// The indicator definition for a programme measure, monthly or by financial year. `as_of` is
/// the last day counted.
pub fn indicator_definition(
    programme: &Programme,
    measure: &OutcomeMeasure,
    yearly: bool,
    as_of: NaiveDate,
) -> Option<IndicatorDefinition> {
    let rule = Rule::of(programme.kind, &measure.code)?;
    let proportion = rule.is_proportion();
    Some(IndicatorDefinition {
        code: indicator_code(programme, &measure.code, yearly)?,
        version: 1,
        name: format!(
            "{}: {} ({})",
            programme.name,
            measure.label,
            if yearly { "financial year" } else { "month" }
        ),
        definition: rule.definition().to_owned(),
        source: format!(
            "goldthread programme {} ({}): case records",
            programme.name, programme.id
        ),
        unit: measure.unit.clone(),
        theme: THEME.into(),
        polarity: Polarity::HighIsGood,
        method: if proportion {
            ValueMethod::Proportion
        } else {
            ValueMethod::Count
        },
        multiplier: if proportion { 100.0 } else { 1.0 },
        benchmark: BenchmarkMethod::NoComparison,
        as_of: as_of.to_string(),
    })
}

/// The definitions and values to store for a programme's counted measures: every value
/// computed by its definition's method (Wilson limits for proportions), never given directly.
pub fn indicators(
    programme: &Programme,
    measures: &ProgrammeMeasures,
    district_name: impl Fn(&GssCode) -> String,
    today: NaiveDate,
) -> (Vec<IndicatorDefinition>, Vec<IndicatorValue>) {
    let last = counted_to(today);
    let mut defs: BTreeMap<IndicatorCode, IndicatorDefinition> = BTreeMap::new();
    let mut values = Vec::new();
    for c in &measures.counts {
        let Some(m) = programme
            .outcome_measures
            .iter()
            .find(|m| m.code == c.measure)
        else {
            continue;
        };
        let yearly = !c.period.is_month();
        let Some(def) = indicator_definition(programme, m, yearly, last) else {
            continue;
        };
        if c.denominator == Some(0) {
            continue;
        }
        let Ok(period) = Period::parse(&c.period.label()) else {
            continue;
        };
        let note = if yearly && c.period.last_day() > last {
            format!("Year to date, to {last}")
        } else {
            String::new()
        };
        let mut v = IndicatorValue {
            indicator: def.code.clone(),
            area: c.district,
            area_name: district_name(&c.district),
            period,
            sex: Sex::Persons,
            value: None,
            lower: None,
            upper: None,
            lower_998: None,
            upper_998: None,
            count: Some(c.count as f64),
            denominator: c.denominator.map(|d| d as f64),
            source_call: None,
            note,
        };
        if v.recompute(&def).is_ok() {
            values.push(v);
            defs.entry(def.code.clone()).or_insert(def);
        }
    }
    (defs.into_values().collect(), values)
}

#[cfg(test)]
mod tests;
