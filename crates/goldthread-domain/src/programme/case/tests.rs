use super::*;
use crate::programme::catalogue;

fn waiting_well() -> Programme {
    catalogue::waiting_well(OrganisationId::for_code("E07000148"))
}

fn reached() -> CaseEvent {
    CaseEvent::Contact {
        channel: Channel::Phone,
        result: ContactResult::Reached,
    }
}

fn consent() -> CaseEvent {
    CaseEvent::Consent(Consent {
        given: true,
        basis: LegalBasis::Consent,
    })
}

#[test]
fn a_person_not_answering_after_the_allowed_attempts_is_not_reached() {
    let p = waiting_well();
    let mut c = CaseStatus::referred(p.host);
    for i in 1..=p.service_levels.max_contact_attempts {
        assert_eq!(
            c.state,
            CaseState::Referred,
            "still referred before attempt {i}"
        );
        c.apply(
            &CaseEvent::Contact {
                channel: Channel::Phone,
                result: ContactResult::NoAnswer,
            },
            &p,
        )
        .unwrap();
    }
    assert_eq!(c.state, CaseState::NotReached);
    assert_eq!(c.attempts, p.service_levels.max_contact_attempts);
    c.apply(&reached(), &p).unwrap();
    assert_eq!(
        c.state,
        CaseState::Contacted,
        "a late answer reopens contact"
    );
}

#[test]
fn needs_cannot_be_assessed_before_consent_is_recorded() {
    let p = waiting_well();
    let mut c = CaseStatus::referred(p.host);
    c.apply(&reached(), &p).unwrap();
    let needs = CaseEvent::NeedsAssessed {
        needs: vec!["fuel_poverty".into()],
    };
    assert_eq!(c.apply(&needs, &p), Err(CaseError::NoConsent));
    c.apply(&consent(), &p).unwrap();
    c.apply(&needs, &p).unwrap();
    assert_eq!(c.state, CaseState::NeedsAssessed);
}

#[test]
fn consent_cannot_be_recorded_before_anyone_is_reached() {
    let p = waiting_well();
    let mut c = CaseStatus::referred(p.host);
    assert!(matches!(
        c.apply(&consent(), &p),
        Err(CaseError::WrongState { .. })
    ));
}

#[test]
fn a_need_outside_the_taxonomy_is_refused() {
    let p = waiting_well();
    let mut c = CaseStatus::referred(p.host);
    c.apply(&reached(), &p).unwrap();
    c.apply(&consent(), &p).unwrap();
    let err = c
        .apply(
            &CaseEvent::NeedsAssessed {
                needs: vec!["spaceship".into()],
            },
            &p,
        )
        .unwrap_err();
    assert!(err.to_string().contains("spaceship"));
}

#[test]
fn ineligibility_needs_a_reason_and_alternatives() {
    let p = waiting_well();
    let mut c = CaseStatus::referred(p.host);
    let bare = CaseEvent::Ineligible(Ineligibility {
        reason: "lives outside Norfolk".into(),
        alternatives: vec![],
    });
    assert_eq!(
        c.apply(&bare, &p),
        Err(CaseError::Missing("the alternatives offered"))
    );
    let full = CaseEvent::Ineligible(Ineligibility {
        reason: "lives outside Norfolk".into(),
        alternatives: vec!["Suffolk Lifelink".into()],
    });
    c.apply(&full, &p).unwrap();
    assert_eq!(c.outcome, Some(Outcome::Ineligible));
}

#[test]
fn a_closed_case_takes_notes_but_nothing_else() {
    let p = waiting_well();
    let mut c = CaseStatus::referred(p.host);
    c.apply(
        &CaseEvent::Closed {
            outcome: Outcome::Declined,
            summary: "did not want help".into(),
        },
        &p,
    )
    .unwrap();
    assert_eq!(c.apply(&reached(), &p), Err(CaseError::Closed));
    c.apply(
        &CaseEvent::Note {
            text: "rang back to say thanks".into(),
        },
        &p,
    )
    .unwrap();
}

#[test]
fn a_handover_moves_the_case_to_the_new_team_only_with_consent() {
    let p = waiting_well();
    let county = OrganisationId::for_code("E10000020");
    let mut c = CaseStatus::referred(p.host);
    c.apply(&reached(), &p).unwrap();
    let handover = CaseEvent::Handover {
        to: county,
        reason: "needs a care act assessment".into(),
    };
    assert_eq!(c.apply(&handover, &p), Err(CaseError::NoConsent));
    c.apply(&consent(), &p).unwrap();
    c.apply(&handover, &p).unwrap();
    assert_eq!(c.team, county);
}
