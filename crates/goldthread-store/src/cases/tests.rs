use chrono::NaiveDate;
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::programme::case::{
    CaseError, CaseEvent, CaseId, CaseState, Channel, Consent, ContactResult, LegalBasis,
};
use goldthread_domain::programme::catalogue;
use goldthread_domain::programme::district_direct::DischargeBarrier;
use goldthread_domain::programme::referral::ReferralStatus;
use goldthread_domain::{GssCode, OdsCode};

use super::NewCase;
use crate::{test_on_both_backends, Store};

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn broadland() -> OrganisationId {
    OrganisationId::for_code("E07000144")
}

fn ward_referral(n: u32, barrier: DischargeBarrier, priority: u32, due: &str) -> NewCase {
    NewCase {
        id: CaseId::new_random(),
        reference: format!("DD-{n:05}"),
        programme: catalogue::district_direct(broadland()).id,
        team: broadland(),
        priority,
        due_on: date(due),
        subject_name: format!("Patient {n}"),
        nhs_number: None,
        pseudonym: None,
        district: Some(GssCode::parse("E07000144").unwrap()),
        source: "fhir".into(),
        referrer: Some(OdsCode::parse("RM1").unwrap()),
        ward: Some("Cley ward".into()),
        barrier: Some(barrier),
        medically_fit_on: Some(date("2025-06-10")),
        created_at: None,
    }
}

async fn setup(store: &Store) {
    store
        .put_programme(&catalogue::district_direct(broadland()))
        .await
        .unwrap();
}

async fn the_worklist_is_sorted_by_priority_then_due_date(store: Store) {
    setup(&store).await;
    let cases = [
        ward_referral(1, DischargeBarrier::KeySafe, 50, "2025-06-12"),
        ward_referral(2, DischargeBarrier::ClutteredHome, 80, "2025-06-14"),
        ward_referral(3, DischargeBarrier::NoHeating, 50, "2025-06-11"),
    ];
    store.open_cases(&cases).await.unwrap();
    let list = store.worklist(&broadland(), None, 50).await.unwrap();
    let refs: Vec<&str> = list.iter().map(|c| c.reference.as_str()).collect();
    assert_eq!(refs, ["DD-00002", "DD-00003", "DD-00001"]);
    let other_team = OrganisationId::for_code("E07000148");
    assert!(store
        .worklist(&other_team, None, 50)
        .await
        .unwrap()
        .is_empty());
}

async fn a_ward_referral_is_worked_to_discharge_and_bed_days_are_saved(store: Store) {
    setup(&store).await;
    let c = ward_referral(7, DischargeBarrier::KeySafe, 60, "2025-06-10");
    store.open_case(&c).await.unwrap();
    let steps = [
        CaseEvent::Contact {
            channel: Channel::Ward,
            result: ContactResult::Reached,
        },
        CaseEvent::Consent(Consent {
            given: true,
            basis: LegalBasis::Consent,
        }),
        CaseEvent::NeedsAssessed {
            needs: vec!["key_safe".into()],
        },
        CaseEvent::ActionStarted {
            action: "key_safe".into(),
            detail: "fitted by handyperson".into(),
        },
    ];
    for s in &steps {
        store
            .record_case_event(&c.id, s, "officer")
            .await
            .unwrap()
            .unwrap();
    }
    let status = store
        .record_discharge(&c.id, date("2025-06-10"), "home with key safe", "officer")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.state, CaseState::Closed);
    let rec = store.case("DD-00007").await.unwrap().unwrap();
    let expected = DischargeBarrier::KeySafe.default_expected_delay_days();
    assert_eq!(rec.summary.bed_days_saved, Some(i64::from(expected)));
    assert_eq!(rec.events.len(), 1 + steps.len() + 1);
    assert!(store
        .worklist(&broadland(), None, 50)
        .await
        .unwrap()
        .is_empty());
    let dash = store.programme_dashboard(&c.programme).await.unwrap();
    assert_eq!(
        dash.iter().map(|r| r.bed_days_saved).sum::<i64>(),
        i64::from(expected)
    );
    assert_eq!(dash.iter().map(|r| r.with_needs).sum::<i64>(), 1);
}

async fn a_refused_event_leaves_the_case_as_it_was(store: Store) {
    setup(&store).await;
    let c = ward_referral(8, DischargeBarrier::KeySafe, 60, "2025-06-10");
    store.open_case(&c).await.unwrap();
    let early = CaseEvent::NeedsAssessed {
        needs: vec!["key_safe".into()],
    };
    let refused = store
        .record_case_event(&c.id, &early, "officer")
        .await
        .unwrap();
    assert!(matches!(refused, Err(CaseError::WrongState { .. })));
    let rec = store.case(&c.id.to_string()).await.unwrap().unwrap();
    assert_eq!(rec.events.len(), 1);
    assert_eq!(rec.summary.state, CaseState::Referred);
}

async fn a_referral_out_is_accepted_then_completed_with_its_outcome(store: Store) {
    setup(&store).await;
    let c = ward_referral(9, DischargeBarrier::Housing, 90, "2025-06-10");
    store.open_case(&c).await.unwrap();
    let r = store
        .refer_out(&c.id, "Broadland housing options")
        .await
        .unwrap();
    assert!(store
        .update_referral(&r, ReferralStatus::Completed, None)
        .await
        .unwrap()
        .is_err());
    store
        .update_referral(&r, ReferralStatus::Accepted, None)
        .await
        .unwrap()
        .unwrap();
    store
        .update_referral(&r, ReferralStatus::Completed, Some("rehoused"))
        .await
        .unwrap()
        .unwrap();
    let rec = store.case("DD-00009").await.unwrap().unwrap();
    assert_eq!(rec.referrals[0].status, ReferralStatus::Completed);
    assert_eq!(rec.referrals[0].outcome.as_deref(), Some("rehoused"));
}

async fn a_duplicate_reference_rolls_back_the_whole_import(store: Store) {
    setup(&store).await;
    let mut second = ward_referral(1, DischargeBarrier::KeySafe, 10, "2025-06-10");
    second.id = CaseId::new_random();
    let batch = [
        ward_referral(1, DischargeBarrier::KeySafe, 10, "2025-06-10"),
        second,
    ];
    assert!(store.open_cases(&batch).await.is_err());
    assert!(store
        .worklist(&broadland(), None, 50)
        .await
        .unwrap()
        .is_empty());
}

test_on_both_backends!(
    the_worklist_is_sorted_by_priority_then_due_date,
    a_ward_referral_is_worked_to_discharge_and_bed_days_are_saved,
    a_refused_event_leaves_the_case_as_it_was,
    a_referral_out_is_accepted_then_completed_with_its_outcome,
    a_duplicate_reference_rolls_back_the_whole_import
);
