//! The programmes that come ready: Waiting Well, District Direct, home adaptations and social
//! prescribing, as the Norfolk and Waveney and Leicestershire teams run them, and an example of
//! a council's own (a cost-of-living support navigator with eligibility rules).

use super::district_direct::{DischargeBarrier, Settings};
use super::{
    Action, CohortSource, EligibilityRule, Need, OutcomeMeasure, Programme, ProgrammeId,
    ProgrammeKind, ServiceLevels,
};
use crate::organisation::OrganisationId;
use crate::Money;

fn id(s: &str) -> ProgrammeId {
    ProgrammeId::parse(s).expect("catalogue ids are valid slugs")
}

fn needs(list: &[(&str, &str)]) -> Vec<Need> {
    list.iter()
        .map(|(c, l)| Need {
            code: (*c).into(),
            label: (*l).into(),
        })
        .collect()
}

fn actions(list: &[(&str, &str, Option<i64>)]) -> Vec<Action> {
    list.iter()
        .map(|(c, l, p)| Action {
            code: (*c).into(),
            label: (*l).into(),
            typical_cost: p.map(Money::from_pence),
        })
        .collect()
}

fn measures(list: &[(&str, &str, &str)]) -> Vec<OutcomeMeasure> {
    list.iter()
        .map(|(c, l, u)| OutcomeMeasure {
            code: (*c).into(),
            label: (*l).into(),
            unit: (*u).into(),
        })
        .collect()
}

/// Waiting Well: outreach to people on the trauma and orthopaedic waiting list.
pub fn waiting_well(host: OrganisationId) -> Programme {
    Programme {
        id: id("waiting-well"),
        name: "Waiting Well".into(),
        kind: ProgrammeKind::WaitingWell,
        summary: "District-hosted teams contact people waiting for orthopaedic surgery and meet \
                  the needs that would make their recovery harder."
            .into(),
        host,
        cohort: CohortSource::WaitingList {
            specialty: "Trauma and orthopaedics".into(),
            agreement: "waiting-list-outreach".into(),
        },
        eligibility: vec![],
        alternatives: vec!["NHS 111 and the GP practice".into()],
        needs: needs(&[
            ("home_alterations", "Home alterations"),
            ("social_isolation", "Social isolation"),
            ("welfare_rights", "Welfare rights and benefits"),
            ("housing", "Housing help"),
            ("fuel_poverty", "Fuel poverty"),
            ("physical_activity", "Physiotherapy and physical activity"),
        ]),
        actions: actions(&[
            ("refer_adaptations", "Refer for home alterations", None),
            (
                "refer_social_prescriber",
                "Refer to a social prescriber",
                None,
            ),
            ("benefits_check", "Welfare rights benefit check", None),
            ("housing_options", "Housing options advice", None),
            ("energy_support", "Energy and warm-home support", None),
            ("prehab", "Prehabilitation exercise referral", None),
        ]),
        destinations: vec![],
        budget_per_organisation: None,
        outcome_measures: measures(&[
            ("contacted", "People contacted", "people"),
            (
                "unmet_needs_share",
                "Share of people contacted with unmet needs",
                "%",
            ),
        ]),
        service_levels: ServiceLevels {
            first_contact_days: 10,
            max_contact_attempts: 3,
            follow_up_days: 14,
        },
        district_direct: None,
    }
}

/// District Direct: district officers on wards with a direct budget and same-day payments.
pub fn district_direct(host: OrganisationId) -> Programme {
    let barrier_actions: Vec<(String, String, Option<i64>)> = vec![
        ("key_safe".into(), "Fit a key safe".into(), Some(6_500)),
        (
            "community_alarm".into(),
            "Install a community alarm".into(),
            Some(3_000),
        ),
        (
            "deep_clean".into(),
            "Deep clean or declutter".into(),
            Some(45_000),
        ),
        (
            "minor_adaptation".into(),
            "Minor adaptation (rails, ramp)".into(),
            Some(25_000),
        ),
        (
            "heating_repair".into(),
            "Emergency heating repair".into(),
            Some(35_000),
        ),
        (
            "furniture".into(),
            "Bed or essential furniture".into(),
            Some(30_000),
        ),
        (
            "housing_solution".into(),
            "Emergency or alternative housing".into(),
            None,
        ),
    ];
    Programme {
        id: id("district-direct"),
        name: "District Direct".into(),
        kind: ProgrammeKind::DistrictDirect,
        summary: "District officers on hospital wards clear non-medical barriers to discharge, \
                  paying for what is needed the same day."
            .into(),
        host,
        cohort: CohortSource::WardReferrals,
        eligibility: vec![],
        alternatives: vec!["Hospital discharge team and adult social care".into()],
        needs: DischargeBarrier::ALL
            .iter()
            .map(|b| Need {
                code: b.as_str().into(),
                label: b.label().into(),
            })
            .collect(),
        actions: barrier_actions
            .into_iter()
            .map(|(code, label, p)| Action {
                code,
                label,
                typical_cost: p.map(Money::from_pence),
            })
            .collect(),
        destinations: vec![],
        budget_per_organisation: Some(Money::from_pounds(80_000)),
        outcome_measures: measures(&[
            ("patients_supported", "Patients supported home", "people"),
            ("bed_days_saved", "Bed days saved", "bed days"),
            ("bed_days_value", "Value of bed days saved", "£"),
        ]),
        service_levels: ServiceLevels {
            first_contact_days: 0,
            max_contact_attempts: 2,
            follow_up_days: 1,
        },
        district_direct: Some(Settings::default()),
    }
}

/// Home adaptations: Disabled Facilities Grants and minor adaptations.
pub fn home_adaptations(host: OrganisationId) -> Programme {
    Programme {
        id: id("home-adaptations"),
        name: "Home adaptations".into(),
        kind: ProgrammeKind::HomeAdaptations,
        summary: "Disabled Facilities Grants and minor adaptations so people can live safely \
                  and independently at home."
            .into(),
        host,
        cohort: CohortSource::ProfessionalReferrals,
        eligibility: vec![],
        alternatives: vec![
            "Discretionary repair grant or loan".into(),
            "Handyperson service".into(),
        ],
        needs: needs(&[
            ("bathing", "Bathing and showering"),
            ("access", "Getting in and out of the home"),
            ("stairs", "Getting up and down stairs"),
            ("kitchen", "Preparing food"),
            ("heating", "Heating and controls"),
        ]),
        actions: actions(&[
            ("ot_assessment", "Occupational therapist assessment", None),
            (
                "dfg_application",
                "DFG application and test of resources",
                None,
            ),
            ("contractor_job", "Contractor job", None),
            ("minor_adaptation", "Minor adaptation", Some(25_000)),
        ]),
        destinations: vec![],
        budget_per_organisation: None,
        outcome_measures: measures(&[
            ("dfg_completed", "DFGs completed", "grants"),
            (
                "dfg_within_guidance",
                "DFGs completed within the guidance timescale",
                "%",
            ),
        ]),
        service_levels: ServiceLevels {
            first_contact_days: 10,
            max_contact_attempts: 3,
            follow_up_days: 20,
        },
        district_direct: None,
    }
}

/// Social prescribing: link workers connecting people to community, leisure and wellbeing.
pub fn social_prescribing(host: OrganisationId) -> Programme {
    Programme {
        id: id("social-prescribing"),
        name: "Social prescribing".into(),
        kind: ProgrammeKind::SocialPrescribing,
        summary: "Link workers connect people to leisure, community and wellbeing services, \
                  recorded to the PRSB Social Prescribing standard."
            .into(),
        host,
        cohort: CohortSource::ProfessionalReferrals,
        eligibility: vec![EligibilityRule::AgeAtLeast { years: 18 }],
        alternatives: vec!["Children and young people's wellbeing service".into()],
        needs: needs(&[
            ("loneliness", "Loneliness and isolation"),
            ("physical_activity", "Physical activity"),
            ("mental_wellbeing", "Mental wellbeing"),
            ("money_worries", "Money worries"),
        ]),
        actions: actions(&[
            ("leisure", "Leisure centre referral", None),
            ("community_group", "Community group", None),
            ("wellbeing_service", "Wellbeing service", None),
            ("advice", "Advice service", None),
        ]),
        destinations: vec![],
        budget_per_organisation: None,
        outcome_measures: measures(&[
            ("referrals", "Social prescribing referrals", "referrals"),
            ("attended", "Share attending their activity", "%"),
        ]),
        service_levels: ServiceLevels {
            first_contact_days: 5,
            max_contact_attempts: 3,
            follow_up_days: 28,
        },
        district_direct: None,
    }
}

/// The four programmes that come ready.
pub fn ready_made(host: OrganisationId) -> Vec<Programme> {
    vec![
        waiting_well(host),
        district_direct(host),
        home_adaptations(host),
        social_prescribing(host),
    ]
}
