//! The four ready-made programmes in Norfolk and Waveney, their District Direct budgets, and
//! deterministic synthetic activity at the volumes the King's Fund case studies report: District
//! Direct about 270 patients a month at 3.9 bed days saved each and 1.6 interventions per
//! patient with £80,000 a year per district; Waiting Well about 30 people a month per officer
//! (ten officers); 55 to 75 completed DFGs a month averaging about £6,000; about 2,000 social
//! prescribing referrals a month.
//!
//! [`install`] loads the programmes and a representative month (the month before today), which
//! keeps the default demo fast; [`install_year`] loads the twelve months before today. The same
//! date always gives the same activity: every choice comes from a seeded generator. Both then
//! refresh the programme measures, so the outcomes dashboard shows them as local indicators.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::programme::case::{
    CaseEvent, CaseId, Channel, Consent, ContactResult, LegalBasis, Outcome,
};
use goldthread_domain::programme::district_direct::DischargeBarrier;
use goldthread_domain::programme::{catalogue, Programme};
use goldthread_domain::{FinancialYear, GssCode, Money};
use goldthread_store::{CaseHistory, NewCase, PaymentRequest, Store, StoreError};

/// The districts (and East Suffolk, for Waveney) whose officers work the programmes.
pub const DISTRICTS: [&str; 8] = [
    "E07000143",
    "E07000144",
    "E07000145",
    "E07000146",
    "E07000147",
    "E07000148",
    "E07000149",
    "E07000244",
];

/// The yearly District Direct budget for each district.
pub const DISTRICT_DIRECT_BUDGET: Money = Money::from_pounds(80_000);

/// Loads the programmes, budgets and a representative month of activity.
pub async fn install(store: &Store) -> Result<(), StoreError> {
    install_months(store, 1).await
}

/// Loads the programmes, budgets and a year of activity (`goldthread demo --full`).
pub async fn install_year(store: &Store) -> Result<(), StoreError> {
    install_months(store, 12).await
}

fn org(gss: &str) -> OrganisationId {
    OrganisationId::for_code(gss)
}

/// The ready-made programmes with their Norfolk hosts.
pub fn programmes() -> Vec<Programme> {
    vec![
        catalogue::waiting_well(org("E07000144")),
        catalogue::district_direct(org("E07000145")),
        catalogue::home_adaptations(org("E07000148")),
        catalogue::social_prescribing(org("E07000147")),
    ]
}

async fn install_months(store: &Store, months: u32) -> Result<(), StoreError> {
    for p in programmes() {
        store.put_programme(&p).await?;
    }
    let today = Utc::now().date_naive();
    let now = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    ensure_budgets(store, today).await?;
    let (mut cases, mut paid) = (0, 0);
    let mut years_ready = std::collections::BTreeSet::new();
    for back in (1..=months).rev() {
        let first = month_start(today, back);
        // Each month is generated from its own seed and loaded once, so a month already
        // installed (by the default demo) is not duplicated by `--full`.
        if store
            .case(&format!("WW-{}-00000", first.format("%Y%m")))
            .await?
            .is_some()
        {
            continue;
        }
        let (mut histories, mut payments) = month(first);
        keep_to(&mut histories, &mut payments, &now);
        store.import_case_histories(&histories).await?;
        for (team, p) in &payments {
            if years_ready.insert(budget_id(team, p.paid_on)) {
                ensure_budgets(store, p.paid_on).await?;
            }
            // A refusal would mean the generated spend outran the budget; the demo then
            // records fewer payments rather than overriding.
            if store.pay(&budget_id(team, p.paid_on), p).await?.is_ok() {
                paid += 1;
            }
        }
        cases += histories.len();
    }
    // The programmes' measures become local indicators on the outcomes dashboard.
    let measures = store
        .refresh_programme_measures(today, crate::outcomes::DEMO_AUTHOR)
        .await?;
    tracing::info!(
        cases,
        payments = paid,
        months,
        indicator_values = measures.values,
        "installed programme activity"
    );
    Ok(())
}

type Payments = Vec<(OrganisationId, PaymentRequest)>;

/// One month's generated activity, from the month's own seed.
fn month(first: NaiveDate) -> (Vec<CaseHistory>, Payments) {
    let mut rng = Rng(0x5eed_0000 ^ u64::from(first.num_days_from_ce() as u32));
    let (mut histories, mut payments) = (Vec::new(), Vec::new());
    let days = days_in(first);
    waiting_well(&mut rng, first, days, &mut histories);
    district_direct(&mut rng, first, days, &mut histories, &mut payments);
    adaptations(&mut rng, first, days, &mut histories);
    social_prescribing(&mut rng, first, days, &mut histories);
    (histories, payments)
}

/// Cuts generated activity at `now` (RFC 3339, UTC, milliseconds): a follow-up that would
/// fall after it has not happened yet, so its case stays open where it had got to, and a
/// patient not yet home has no discharge. Events are in time order, so what is kept is a
/// prefix the case rules already allowed.
fn keep_to(histories: &mut [CaseHistory], payments: &mut Payments, now: &str) {
    let today = now.get(..10).unwrap_or(now);
    for h in histories.iter_mut() {
        h.events.retain(|(at, _, _)| at.as_str() <= now);
        let closed_home = h.events.last().is_some_and(|(_, _, e)| {
            matches!(
                e,
                CaseEvent::Closed {
                    outcome: Outcome::DischargedHome,
                    ..
                }
            )
        });
        if !closed_home
            || h.discharged_on
                .is_some_and(|d| d.to_string().as_str() > today)
        {
            h.discharged_on = None;
        }
    }
    payments.retain(|(_, p)| p.paid_on.to_string().as_str() <= today);
}

fn month_start(today: NaiveDate, months_back: u32) -> NaiveDate {
    let total = today.year() * 12 + today.month0() as i32 - months_back as i32;
    NaiveDate::from_ymd_opt(total.div_euclid(12), total.rem_euclid(12) as u32 + 1, 1)
        .unwrap_or(today)
}

fn days_in(first: NaiveDate) -> u32 {
    let next = month_start(first, 0) + Duration::days(32);
    (NaiveDate::from_ymd_opt(next.year(), next.month(), 1).unwrap_or(next) - first).num_days()
        as u32
}

fn budget_id(team: &OrganisationId, on: NaiveDate) -> String {
    let year = FinancialYear::containing(on.year() as u16, on.month() as u8);
    format!("district-direct:{team}:{}", year.start_year())
}

async fn ensure_budgets(store: &Store, on: NaiveDate) -> Result<(), StoreError> {
    let dd = &programmes()[1];
    let year = FinancialYear::containing(on.year() as u16, on.month() as u8);
    for d in DISTRICTS {
        let team = org(d);
        let b = store
            .open_budget(
                &dd.id,
                &team,
                year,
                &format!("District Direct – {d} {year}"),
            )
            .await?;
        if b.balance == Money::ZERO && store.ledger_transactions(&b.id).await?.is_empty() {
            let start = NaiveDate::from_ymd_opt(i32::from(year.start_year()), 4, 1).unwrap_or(on);
            store
                .allocate(
                    &b.id,
                    DISTRICT_DIRECT_BUDGET,
                    "Better Care Fund allocation",
                    start,
                    "demo",
                )
                .await?
                .map_err(|e| StoreError::Conflict(e.to_string()))?;
        }
    }
    Ok(())
}

/// SplitMix64: small, fast, and the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

fn at(day: NaiveDate, hour: u32) -> String {
    format!("{day}T{hour:02}:00:00.000Z")
}

fn base_case(
    rng: &mut Rng,
    prefix: &str,
    programme: &Programme,
    day: NaiveDate,
    n: usize,
    district: &str,
) -> NewCase {
    let id = CaseId::from_seed(&format!("{prefix}-{day}-{n}"));
    NewCase {
        id,
        reference: format!("{prefix}-{}-{n:05}", day.format("%Y%m")),
        programme: programme.id.clone(),
        team: org(district),
        priority: 20 + rng.below(70) as u32,
        due_on: day + Duration::days(i64::from(programme.service_levels.first_contact_days)),
        subject_name: format!("Demo person {prefix}{n:05}"),
        nhs_number: None,
        pseudonym: Some(format!("{:016x}", rng.next())),
        district: GssCode::parse(district).ok(),
        source: "demo".into(),
        referrer: None,
        ward: None,
        barrier: None,
        medically_fit_on: None,
        created_at: Some(at(day, 9)),
    }
}

fn consent() -> CaseEvent {
    CaseEvent::Consent(Consent {
        given: true,
        basis: LegalBasis::Consent,
    })
}

fn contact(channel: Channel, result: ContactResult) -> CaseEvent {
    CaseEvent::Contact { channel, result }
}

fn district_direct(
    rng: &mut Rng,
    first: NaiveDate,
    days: u32,
    out: &mut Vec<CaseHistory>,
    pay: &mut Vec<(OrganisationId, PaymentRequest)>,
) {
    let p = &programmes()[1];
    let wards = [
        "Cley ward",
        "Gately ward",
        "Denton ward",
        "Ward 12",
        "Windsor ward",
    ];
    let trusts = ["RM1", "RGP", "RCX"];
    for n in 0..(255 + rng.below(31)) as usize {
        let day = first + Duration::days(rng.below(u64::from(days)) as i64);
        let district = *rng.pick(&DISTRICTS);
        let barrier = *rng.pick(DischargeBarrier::ALL);
        let mut c = base_case(rng, "DD", p, day, n, district);
        c.pseudonym = None;
        c.ward = Some((*rng.pick(&wards)).to_owned());
        c.referrer = goldthread_domain::OdsCode::parse(rng.pick::<&str>(&trusts)).ok();
        c.barrier = Some(barrier);
        c.medically_fit_on = Some(day);
        // Most go home within a day or two of being fit; the expected delay less this is saved.
        let delay = match rng.below(10) {
            0..=5 => 0,
            6..=7 => 1,
            8 => 2,
            _ => 4,
        };
        let home = day + Duration::days(delay);
        let action = p.actions[rng.below(p.actions.len() as u64) as usize].clone();
        let mut events = vec![
            (
                at(day, 10),
                "district officer".to_owned(),
                contact(Channel::Ward, ContactResult::Reached),
            ),
            (at(day, 10), "district officer".to_owned(), consent()),
            (
                at(day, 11),
                "district officer".to_owned(),
                CaseEvent::NeedsAssessed {
                    needs: vec![barrier.as_str().to_owned()],
                },
            ),
            (
                at(day, 11),
                "district officer".to_owned(),
                CaseEvent::ActionStarted {
                    action: action.code.clone(),
                    detail: action.label.clone(),
                },
            ),
        ];
        if rng.chance(60) {
            let second = p.actions[rng.below(p.actions.len() as u64) as usize].clone();
            events.push((
                at(day, 12),
                "district officer".to_owned(),
                CaseEvent::ActionStarted {
                    action: second.code.clone(),
                    detail: second.label,
                },
            ));
        }
        events.push((
            at(home, 15),
            "district officer".to_owned(),
            CaseEvent::Closed {
                outcome: Outcome::DischargedHome,
                summary: "home with the barrier cleared".into(),
            },
        ));
        if let Some(cost) = action.typical_cost {
            // Costs vary around the usual price; only paid interventions touch the ledger.
            let pence = cost.pence() * (70 + rng.below(40) as i64) / 100;
            pay.push((
                c.team,
                PaymentRequest {
                    amount: Money::from_pence(pence),
                    payee: format!("{} supplier", action.label),
                    purpose: action.label.clone(),
                    case: Some(c.id),
                    paid_on: day,
                    recorded_by: "district officer".into(),
                    authorised: None,
                },
            ));
        }
        out.push(CaseHistory {
            case: c,
            events,
            discharged_on: Some(home),
        });
    }
}

fn waiting_well(rng: &mut Rng, first: NaiveDate, days: u32, out: &mut Vec<CaseHistory>) {
    let p = &programmes()[0];
    let officer = "Waiting Well officer".to_owned();
    for n in 0..(290 + rng.below(21)) as usize {
        let day = first + Duration::days(rng.below(u64::from(days)) as i64);
        let district = *rng.pick(&DISTRICTS);
        let mut c = base_case(rng, "WW", p, day, n, district);
        c.source = "waiting_list".into();
        let mut events = Vec::new();
        let reached = rng.chance(75);
        let attempts = if reached { 1 + rng.below(2) } else { 3 };
        for a in 0..attempts {
            let result = if reached && a + 1 == attempts {
                ContactResult::Reached
            } else {
                ContactResult::NoAnswer
            };
            events.push((
                at(day + Duration::days(a as i64 * 2), 10),
                officer.clone(),
                contact(Channel::Phone, result),
            ));
        }
        let last = day + Duration::days(attempts as i64 * 2);
        if reached {
            events.push((at(last, 11), officer.clone(), consent()));
            // 17% of people contacted had unmet needs (Norfolk and Waveney evaluation).
            if rng.chance(17) {
                let need = rng.pick(&p.needs).code.clone();
                let action = rng.pick(&p.actions).clone();
                events.push((
                    at(last, 11),
                    officer.clone(),
                    CaseEvent::NeedsAssessed { needs: vec![need] },
                ));
                events.push((
                    at(last, 12),
                    officer.clone(),
                    CaseEvent::ActionStarted {
                        action: action.code,
                        detail: action.label,
                    },
                ));
                events.push((
                    at(last + Duration::days(14), 12),
                    officer.clone(),
                    CaseEvent::Closed {
                        outcome: Outcome::NeedsMet,
                        summary: "needs met before surgery".into(),
                    },
                ));
            } else {
                events.push((
                    at(last, 11),
                    officer.clone(),
                    CaseEvent::NeedsAssessed { needs: vec![] },
                ));
                events.push((
                    at(last, 12),
                    officer.clone(),
                    CaseEvent::Closed {
                        outcome: Outcome::NoNeedsFound,
                        summary: "no unmet needs".into(),
                    },
                ));
            }
        } else {
            events.push((
                at(last, 12),
                officer.clone(),
                CaseEvent::Closed {
                    outcome: Outcome::NotReached,
                    summary: "letter sent with the team's number".into(),
                },
            ));
        }
        out.push(CaseHistory {
            case: c,
            events,
            discharged_on: None,
        });
    }
}

fn adaptations(rng: &mut Rng, first: NaiveDate, days: u32, out: &mut Vec<CaseHistory>) {
    let p = &programmes()[2];
    let officer = "DFG officer".to_owned();
    for n in 0..(55 + rng.below(21)) as usize {
        let day = first + Duration::days(rng.below(u64::from(days)) as i64);
        let district = *rng.pick(&DISTRICTS);
        let mut c = base_case(rng, "HA", p, day, n, district);
        c.source = "professional".into();
        let need = rng.pick(&p.needs).code.clone();
        let grant = Money::from_pence((400_000 + rng.below(400_000)) as i64);
        let events = vec![
            (
                at(day, 10),
                officer.clone(),
                contact(Channel::Visit, ContactResult::Reached),
            ),
            (at(day, 10), officer.clone(), consent()),
            (
                at(day, 11),
                officer.clone(),
                CaseEvent::NeedsAssessed { needs: vec![need] },
            ),
            (
                at(day, 11),
                officer.clone(),
                CaseEvent::ActionStarted {
                    action: "dfg_application".into(),
                    detail: format!("DFG approved: {grant}"),
                },
            ),
            (
                at(day, 12),
                officer.clone(),
                CaseEvent::Closed {
                    outcome: Outcome::NeedsMet,
                    summary: format!("works complete; grant {grant}"),
                },
            ),
        ];
        out.push(CaseHistory {
            case: c,
            events,
            discharged_on: None,
        });
    }
}

fn social_prescribing(rng: &mut Rng, first: NaiveDate, days: u32, out: &mut Vec<CaseHistory>) {
    let p = &programmes()[3];
    let worker = "link worker".to_owned();
    for n in 0..(1_950 + rng.below(101)) as usize {
        let day = first + Duration::days(rng.below(u64::from(days)) as i64);
        let district = *rng.pick(&DISTRICTS);
        let mut c = base_case(rng, "SP", p, day, n, district);
        c.source = "gp".into();
        let mut events = vec![(
            at(day, 10),
            worker.clone(),
            contact(Channel::Phone, ContactResult::Reached),
        )];
        if rng.chance(12) {
            events.push((
                at(day, 10),
                worker.clone(),
                CaseEvent::Closed {
                    outcome: Outcome::Declined,
                    summary: "SNOMED CT 871711000000103 social prescribing declined".into(),
                },
            ));
        } else {
            let need = rng.pick(&p.needs).code.clone();
            let action = rng.pick(&p.actions).clone();
            events.push((at(day, 10), worker.clone(), consent()));
            events.push((
                at(day, 11),
                worker.clone(),
                CaseEvent::NeedsAssessed { needs: vec![need] },
            ));
            events.push((
                at(day, 11),
                worker.clone(),
                CaseEvent::ActionStarted {
                    action: action.code,
                    detail: action.label,
                },
            ));
        }
        out.push(CaseHistory {
            case: c,
            events,
            discharged_on: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_never_records_activity_after_now() {
        // The first morning of a month: the month before has follow-ups that would spill over.
        let now = "2026-03-01T08:30:00.000Z";
        let (mut histories, mut payments) = month(NaiveDate::from_ymd_opt(2026, 2, 1).unwrap());
        let later = |h: &CaseHistory| h.events.iter().any(|(at, _, _)| at.as_str() > now);
        assert!(
            histories.iter().any(later),
            "the generator does run past the month"
        );
        keep_to(&mut histories, &mut payments, now);
        assert!(!histories.iter().any(later));
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert!(histories
            .iter()
            .all(|h| h.discharged_on.is_none_or(|d| d <= today)));
        assert!(payments.iter().all(|(_, p)| p.paid_on <= today));
        assert!(
            histories.iter().any(|h| h
                .events
                .last()
                .is_some_and(|(_, _, e)| !matches!(e, CaseEvent::Closed { .. }))),
            "cut-off cases stay open"
        );
    }
}
