use super::*;
use crate::programme::adaptations::DfgMilestones;
use crate::programme::case::{Channel, Consent, ContactResult, LegalBasis};
use crate::programme::catalogue;
use goldthread_stats::{proportion, ConfidenceLevel};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn gss(s: &str) -> GssCode {
    GssCode::parse(s).unwrap()
}

const YARMOUTH: &str = "E07000145";
const NORWICH: &str = "E07000148";

fn host() -> OrganisationId {
    OrganisationId::for_code(NORWICH)
}

fn case(district: &str, referred_on: NaiveDate, events: Vec<(NaiveDate, CaseEvent)>) -> CaseFacts {
    CaseFacts {
        team: host(),
        district: Some(gss(district)),
        referred_on,
        events,
        barrier: None,
        medically_fit_on: None,
        discharged_on: None,
        dfg: None,
        referrals_out: vec![],
    }
}

fn contact(result: ContactResult) -> CaseEvent {
    CaseEvent::Contact {
        channel: Channel::Phone,
        result,
    }
}

fn consent() -> CaseEvent {
    CaseEvent::Consent(Consent {
        given: true,
        basis: LegalBasis::Consent,
    })
}

fn needs(codes: &[&str]) -> CaseEvent {
    CaseEvent::NeedsAssessed {
        needs: codes.iter().map(|c| (*c).to_owned()).collect(),
    }
}

fn closed(outcome: Outcome) -> CaseEvent {
    CaseEvent::Closed {
        outcome,
        summary: "closed".into(),
    }
}

fn find<'a>(
    m: &'a ProgrammeMeasures,
    measure: &str,
    district: &str,
    period: MeasurePeriod,
) -> Option<&'a MeasureCount> {
    m.counts
        .iter()
        .find(|c| c.measure == measure && c.district == gss(district) && c.period == period)
}

/// Discharges across two months, three districts and every barrier, with delays of 0 to 6
/// days, plus cases that did not go home.
fn district_direct_cases() -> Vec<CaseFacts> {
    let mut out = Vec::new();
    for (i, barrier) in DischargeBarrier::ALL.iter().cycle().take(40).enumerate() {
        let district = [YARMOUTH, NORWICH, "E07000143"][i % 3];
        let fit = date(2025, 5, 20) + chrono::Duration::days((i % 17) as i64);
        let home = fit + chrono::Duration::days((i % 7) as i64);
        let outcome = if i % 9 == 4 {
            Outcome::Died
        } else {
            Outcome::DischargedHome
        };
        let mut c = case(
            district,
            fit,
            vec![
                (
                    fit,
                    CaseEvent::Contact {
                        channel: Channel::Ward,
                        result: ContactResult::Reached,
                    },
                ),
                (fit, consent()),
                (fit, needs(&[barrier.as_str()])),
                (home, closed(outcome)),
            ],
        );
        c.barrier = Some(*barrier);
        c.medically_fit_on = Some(fit);
        c.discharged_on = (outcome == Outcome::DischargedHome).then_some(home);
        out.push(c);
    }
    out
}

#[test]
fn bed_days_saved_are_the_programme_rule_summed_by_district_and_month_of_discharge() {
    let p = catalogue::district_direct(host());
    let cases = district_direct_cases();
    let today = date(2025, 7, 3);
    let m = count_measures(&p, &cases, today);
    let settings = p.district_direct.clone().unwrap();
    // The expectation, case by case, from the rule the case pages use.
    let mut expected: BTreeMap<(GssCode, MeasurePeriod), (u64, u64)> = BTreeMap::new();
    for c in &cases {
        let Some(home) = c.discharged_on else {
            continue;
        };
        let delay = (home - c.medically_fit_on.unwrap()).num_days() as u32;
        let saved = bed_days_saved(settings.expected_delay(c.barrier.unwrap()), delay);
        let e = expected
            .entry((c.district.unwrap(), MeasurePeriod::month_of(home)))
            .or_default();
        e.0 += u64::from(saved);
        e.1 += 1;
    }
    assert!(expected.len() >= 6, "three districts, two months");
    for ((district, period), (saved, patients)) in &expected {
        let got = find(&m, "bed_days_saved", district.as_str(), *period).unwrap();
        assert_eq!(got.count, *saved, "{district} {period:?}");
        assert_eq!(got.denominator, None, "a total, not a proportion");
        let got = find(&m, "patients_supported", district.as_str(), *period).unwrap();
        assert_eq!(got.count, *patients);
    }
    // The financial year is the sum of its months.
    let fy = MeasurePeriod::year_of(date(2025, 5, 1));
    for district in [YARMOUTH, NORWICH] {
        let months: u64 = expected
            .iter()
            .filter(|((d, _), _)| d == &gss(district))
            .map(|(_, (s, _))| s)
            .sum();
        assert_eq!(
            find(&m, "bed_days_saved", district, fy).unwrap().count,
            months
        );
    }
    // A patient who died is neither supported home nor saved bed days.
    let total_patients: u64 = expected.values().map(|(_, n)| n).sum();
    assert!(total_patients < cases.len() as u64);
    assert!(m
        .not_computed
        .iter()
        .any(|(code, why)| code == "bed_days_value" && why.contains("disclosure")));
}

#[test]
fn a_month_still_running_is_not_counted_and_the_year_is_to_date() {
    let p = catalogue::district_direct(host());
    let cases = district_direct_cases();
    // On 10 June, May has ended and June has not.
    let m = count_measures(&p, &cases, date(2025, 6, 10));
    assert!(m
        .counts
        .iter()
        .all(|c| c.period != MeasurePeriod::Month(2025, 6)));
    assert!(m
        .counts
        .iter()
        .any(|c| c.period == MeasurePeriod::Month(2025, 5)));
    let (defs, values) = indicators(&p, &m, |g| g.to_string(), date(2025, 6, 10));
    let fy = values.iter().find(|v| v.period.label == "2025/26").unwrap();
    assert_eq!(fy.note, "Year to date, to 2025-05-31");
    assert!(defs.iter().all(|d| d.as_of == "2025-05-31"));
    let codes: Vec<&str> = defs.iter().map(|d| d.code.as_str()).collect();
    assert!(codes.contains(&"district-direct.bed_days_saved"));
    assert!(codes.contains(&"district-direct.bed_days_saved.fy"));
    let bed_days = defs
        .iter()
        .find(|d| d.code.as_str() == "district-direct.bed_days_saved")
        .unwrap();
    assert_eq!(bed_days.method, ValueMethod::Count);
    assert!(bed_days.source.contains("District Direct"));
}

#[test]
fn the_unmet_needs_share_counts_people_in_the_month_they_were_first_reached() {
    let p = catalogue::waiting_well(host());
    let no_answer = || contact(ContactResult::NoAnswer);
    let reached = || contact(ContactResult::Reached);
    let cases = vec![
        // Reached in January with needs found.
        case(
            YARMOUTH,
            date(2025, 1, 6),
            vec![
                (date(2025, 1, 7), reached()),
                (date(2025, 1, 7), consent()),
                (date(2025, 1, 8), needs(&["fuel_poverty", "housing"])),
            ],
        ),
        // Referred in January, reached on the third try in February, no needs.
        case(
            YARMOUTH,
            date(2025, 1, 20),
            vec![
                (date(2025, 1, 21), no_answer()),
                (date(2025, 1, 28), no_answer()),
                (date(2025, 2, 3), reached()),
                (date(2025, 2, 3), consent()),
                (date(2025, 2, 3), needs(&[])),
            ],
        ),
        // Never reached: in no count.
        case(
            YARMOUTH,
            date(2025, 1, 9),
            vec![
                (date(2025, 1, 10), no_answer()),
                (date(2025, 1, 13), no_answer()),
                (date(2025, 1, 14), no_answer()),
            ],
        ),
        // Not reached after three tries, then a late answer in February with needs.
        case(
            YARMOUTH,
            date(2025, 1, 2),
            vec![
                (date(2025, 1, 3), no_answer()),
                (date(2025, 1, 6), no_answer()),
                (date(2025, 1, 7), no_answer()),
                (date(2025, 2, 11), reached()),
                (date(2025, 2, 11), consent()),
                (date(2025, 2, 12), needs(&["social_isolation"])),
            ],
        ),
        // Reached, declined help: reached, no needs recorded.
        case(
            NORWICH,
            date(2025, 2, 3),
            vec![
                (date(2025, 2, 4), contact(ContactResult::Declined)),
                (date(2025, 2, 4), closed(Outcome::Declined)),
            ],
        ),
    ];
    // Each case's expectation from the case rules themselves.
    let mut expected: BTreeMap<(GssCode, MeasurePeriod), (u64, u64)> = BTreeMap::new();
    for c in &cases {
        let mut s = CaseStatus::referred(c.team);
        let mut reached_on = None;
        for (d, e) in &c.events {
            s.apply(e, &p).unwrap();
            if reached_on.is_none() && s.state == CaseState::Contacted {
                reached_on = Some(*d);
            }
        }
        if let Some(d) = reached_on {
            let e = expected
                .entry((c.district.unwrap(), MeasurePeriod::month_of(d)))
                .or_default();
            e.0 += u64::from(!s.needs.is_empty());
            e.1 += 1;
        }
    }
    let m = count_measures(&p, &cases, date(2025, 3, 1));
    for ((district, period), (with_needs, reached)) in &expected {
        let share = find(&m, "unmet_needs_share", district.as_str(), *period).unwrap();
        assert_eq!(
            (share.count, share.denominator),
            (*with_needs, Some(*reached))
        );
        let contacted = find(&m, "contacted", district.as_str(), *period).unwrap();
        assert_eq!((contacted.count, contacted.denominator), (*reached, None));
    }
    assert_eq!(
        find(&m, "contacted", YARMOUTH, MeasurePeriod::Month(2025, 2))
            .unwrap()
            .count,
        2,
        "the late answer and the third try both count in February"
    );
    // The value is the outcomes framework's own Wilson proportion of these counts.
    let (_, values) = indicators(&p, &m, |_| "Great Yarmouth".into(), date(2025, 3, 1));
    let feb = values
        .iter()
        .find(|v| {
            v.indicator.as_str() == "waiting-well.unmet_needs_share"
                && v.area == gss(YARMOUTH)
                && v.period.label == "2025-02"
        })
        .unwrap();
    let (n, d) = expected[&(gss(YARMOUTH), MeasurePeriod::Month(2025, 2))];
    let want = proportion(n as f64, d as f64, ConfidenceLevel::NINETY_FIVE, 100.0).unwrap();
    assert_eq!(feb.value, Some(want.value));
    assert_eq!((feb.lower, feb.upper), (want.lower, want.upper));
}

#[test]
fn dfgs_count_in_the_month_of_completion_against_the_working_day_guidance() {
    let p = catalogue::home_adaptations(host());
    let mut cases = Vec::new();
    for (i, days) in [40i64, 70, 80, 160, 200, 210, 120].into_iter().enumerate() {
        let enquiry = date(2024, 9, 2) + chrono::Duration::days(i as i64);
        let mut c = case(NORWICH, enquiry, vec![]);
        c.dfg = Some(DfgMilestones {
            enquiry,
            assessed: None,
            approved: None,
            completed: Some(enquiry + chrono::Duration::days(days)),
            urgent: i % 2 == 0,
        });
        cases.push(c);
    }
    let mut open = case(NORWICH, date(2024, 10, 1), vec![]);
    open.dfg = Some(DfgMilestones {
        enquiry: date(2024, 10, 1),
        assessed: None,
        approved: None,
        completed: None,
        urgent: false,
    });
    cases.push(open);
    let m = count_measures(&p, &cases, date(2025, 6, 1));
    let mut expected: BTreeMap<MeasurePeriod, (u64, u64)> = BTreeMap::new();
    for c in &cases {
        let dfg = c.dfg.as_ref().unwrap();
        let Some(done) = dfg.completed else { continue };
        let e = expected.entry(MeasurePeriod::month_of(done)).or_default();
        e.0 += u64::from(dfg.timeliness(done).within);
        e.1 += 1;
    }
    for (period, (within, completed)) in &expected {
        let share = find(&m, "dfg_within_guidance", NORWICH, *period).unwrap();
        assert_eq!(
            (share.count, share.denominator),
            (*within, Some(*completed))
        );
        assert_eq!(
            find(&m, "dfg_completed", NORWICH, *period).unwrap().count,
            *completed
        );
    }
    let year: u64 = m
        .counts
        .iter()
        .filter(|c| c.measure == "dfg_completed" && !c.period.is_month())
        .map(|c| c.count)
        .sum();
    assert_eq!(year, 7, "the open DFG is not completed");
}

#[test]
fn attendance_is_the_share_of_people_referred_on_whose_activity_reported_completion() {
    let p = catalogue::social_prescribing(host());
    let mut cases = Vec::new();
    for (i, statuses) in [
        vec![ReferralStatus::Completed],
        vec![ReferralStatus::Accepted],
        vec![ReferralStatus::Declined, ReferralStatus::Completed],
        vec![],
    ]
    .into_iter()
    .enumerate()
    {
        let mut c = case(YARMOUTH, date(2025, 4, 1 + i as u32), vec![]);
        c.referrals_out = statuses;
        cases.push(c);
    }
    let m = count_measures(&p, &cases, date(2025, 5, 1));
    let april = MeasurePeriod::Month(2025, 4);
    assert_eq!(find(&m, "referrals", YARMOUTH, april).unwrap().count, 4);
    let attended = find(&m, "attended", YARMOUTH, april).unwrap();
    let referred_on = cases.iter().filter(|c| !c.referrals_out.is_empty()).count() as u64;
    let completed = cases
        .iter()
        .filter(|c| c.referrals_out.contains(&ReferralStatus::Completed))
        .count() as u64;
    assert_eq!(
        (attended.count, attended.denominator),
        (completed, Some(referred_on))
    );
}

#[test]
fn a_councils_own_programme_has_its_measures_listed_as_not_computed() {
    let mut p = catalogue::waiting_well(host());
    p.kind = ProgrammeKind::Local;
    let c = case(
        YARMOUTH,
        date(2025, 1, 6),
        vec![(date(2025, 1, 7), contact(ContactResult::Reached))],
    );
    let mut no_district = c.clone();
    no_district.district = None;
    let m = count_measures(&p, &[c, no_district], date(2025, 3, 1));
    assert!(m.counts.is_empty());
    assert_eq!(m.not_computed.len(), p.outcome_measures.len());
    assert_eq!(m.without_district, 1);
}
