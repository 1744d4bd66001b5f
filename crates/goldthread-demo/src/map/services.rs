//! The demo directory: a taxonomy of the services districts, counties, the NHS and the VCSE
//! offer, and about 150 services across the eight districts and county-wide, some of which
//! duplicate each other on purpose so the duplication finder has something to find.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use goldthread_domain::directory::{
    Contact, CostOption, Eligibility, Location, RecordId, Schedule, Service, ServiceArea,
    ServiceId, ServiceStatus, TaxonomyTerm, TermId,
};
use goldthread_domain::{GssCode, Money, Postcode};

use super::org;

/// (code, name, description) of each taxonomy term.
const TERMS: [(&str, &str, &str); 14] = [
    (
        "leisure",
        "Leisure and physical activity",
        "Leisure centres, swimming, exercise referral and activity for health.",
    ),
    (
        "housing_options",
        "Housing options",
        "Advice on finding and keeping a home, and help with housing applications.",
    ),
    (
        "dfg",
        "Disabled Facilities Grants",
        "Grants for adaptations so disabled people can stay living at home.",
    ),
    (
        "warm_homes",
        "Warm homes",
        "Help with heating, insulation and energy bills.",
    ),
    (
        "debt_advice",
        "Debt and money advice",
        "Free advice on debt, budgeting and money worries.",
    ),
    (
        "social_prescribing",
        "Social prescribing",
        "Link workers connecting people with community activity and support.",
    ),
    (
        "homelessness_prevention",
        "Homelessness prevention",
        "Help for people who are homeless or at risk of losing their home.",
    ),
    (
        "benefits_advice",
        "Benefits advice",
        "Help to claim benefits and council tax support.",
    ),
    (
        "carers_support",
        "Carers support",
        "Information, breaks and support for unpaid carers.",
    ),
    (
        "falls_prevention",
        "Falls prevention",
        "Strength and balance classes and home safety checks.",
    ),
    (
        "healthy_weight",
        "Healthy weight",
        "Weight management and healthy eating programmes.",
    ),
    ("stop_smoking", "Stop smoking", "Support to stop smoking."),
    (
        "mental_wellbeing",
        "Mental wellbeing",
        "Peer support, talking groups and wellbeing activity.",
    ),
    (
        "community_safety",
        "Community safety",
        "Anti-social behaviour, safe and well visits and community safety advice.",
    ),
];

/// The taxonomy.
pub fn taxonomy() -> Vec<TaxonomyTerm> {
    TERMS
        .iter()
        .map(|(code, name, description)| TaxonomyTerm {
            id: TermId::for_key(code),
            code: (*code).into(),
            name: (*name).into(),
            description: (*description).into(),
            parent: None,
        })
        .collect()
}

/// Each district: GSS code, council name for text, main town, council office address, postcode,
/// latitude, longitude, leisure centre, a second town.
struct District {
    code: &'static str,
    town: &'static str,
    office: &'static str,
    postcode: &'static str,
    lat: f64,
    lon: f64,
    leisure: &'static str,
    second_town: &'static str,
    phone: &'static str,
}

const DISTRICTS: [District; 8] = [
    District {
        code: "E07000143",
        town: "Dereham",
        office: "Elizabeth House, Walpole Loke",
        postcode: "NR19 1EE",
        lat: 52.681,
        lon: 0.939,
        leisure: "Dereham Leisure Centre",
        second_town: "Thetford",
        phone: "01362 656870",
    },
    District {
        code: "E07000144",
        town: "Thorpe St Andrew",
        office: "The Horizon Centre, Peachman Way",
        postcode: "NR7 0DU",
        lat: 52.630,
        lon: 1.366,
        leisure: "Broadland leisure partnership",
        second_town: "Aylsham",
        phone: "01603 431133",
    },
    District {
        code: "E07000145",
        town: "Great Yarmouth",
        office: "Town Hall, Hall Plain",
        postcode: "NR30 2QF",
        lat: 52.606,
        lon: 1.727,
        leisure: "Marina Centre",
        second_town: "Gorleston",
        phone: "01493 856100",
    },
    District {
        code: "E07000146",
        town: "King's Lynn",
        office: "King's Court, Chapel Street",
        postcode: "PE30 1EX",
        lat: 52.755,
        lon: 0.398,
        leisure: "Lynnsport",
        second_town: "Downham Market",
        phone: "01553 616200",
    },
    District {
        code: "E07000147",
        town: "Cromer",
        office: "Council Offices, Holt Road",
        postcode: "NR27 9EN",
        lat: 52.926,
        lon: 1.293,
        leisure: "The Reef Leisure Centre",
        second_town: "North Walsham",
        phone: "01263 513811",
    },
    District {
        code: "E07000148",
        town: "Norwich",
        office: "City Hall, St Peters Street",
        postcode: "NR2 1NH",
        lat: 52.628,
        lon: 1.292,
        leisure: "Riverside Leisure Centre",
        second_town: "Mile Cross",
        phone: "0344 980 3333",
    },
    District {
        code: "E07000149",
        town: "Wymondham",
        office: "The Horizon Centre, Peachman Way",
        postcode: "NR7 0DU",
        lat: 52.570,
        lon: 1.116,
        leisure: "Wymondham Leisure Centre",
        second_town: "Diss",
        phone: "01508 533633",
    },
    District {
        code: "E07000244",
        town: "Lowestoft",
        office: "Riverside, 4 Canning Road",
        postcode: "NR33 0EQ",
        lat: 52.474,
        lon: 1.745,
        leisure: "Waterlane Leisure Centre",
        second_town: "Beccles",
        phone: "0333 016 2000",
    },
];

/// What each district council offers: (key, name pattern, term, description).
const DISTRICT_SERVICES: [(&str, &str, &str, &str); 9] = [
    ("leisure", "{leisure}", "leisure", "Swimming, gym, classes and exercise on referral from your GP."),
    ("housing", "Housing options, {town}", "housing_options", "Advice if you need somewhere to live, want to move, or are struggling to stay in your home."),
    ("dfg", "Disabled Facilities Grants", "dfg", "Grants of up to £30,000 for adaptations such as stairlifts, level-access showers and ramps, after an occupational therapy assessment."),
    ("homeless", "Homelessness prevention and housing advice", "homelessness_prevention", "Act early: tell us if you have been given notice. Out of hours emergency line for people sleeping rough."),
    ("benefits", "Housing benefit and council tax support", "benefits_advice", "Apply for housing benefit, council tax support and discretionary housing payments."),
    ("warm", "Warm homes grants", "warm_homes", "Grants for insulation, heat pumps and heating repairs for households on low incomes."),
    ("safety", "Community safety and anti-social behaviour", "community_safety", "Report anti-social behaviour; community safety partnership projects."),
    ("activity", "Active ageing classes, {second_town}", "falls_prevention", "Strength and balance classes for older people, run with the leisure centre."),
    ("money", "Money advice, {town}", "debt_advice", "Help with budgeting and council tax arrears from the council's financial inclusion team."),
];

/// What partners offer in every district: (key, organisation key, name pattern, term, description).
const PARTNER_SERVICES: [(&str, &str, &str, &str, &str); 7] = [
    (
        "sp",
        "QMM",
        "Social prescribing, {town} primary care network",
        "social_prescribing",
        "Link workers in GP practices who help with loneliness, money, housing and getting active.",
    ),
    (
        "debt",
        "advice-network",
        "Debt advice, {town}",
        "debt_advice",
        "Free, confidential debt advice and help dealing with creditors.",
    ),
    (
        "carers",
        "age-uk-norfolk",
        "Carers support, {town}",
        "carers_support",
        "Support groups and breaks for unpaid carers.",
    ),
    (
        "wellbeing",
        "community-action-norfolk",
        "{second_town} community wellbeing group",
        "mental_wellbeing",
        "A weekly friendly group for anyone feeling low or isolated.",
    ),
    (
        "falls",
        "norfolk-fire",
        "Safe and well visits, {town}",
        "community_safety",
        "Free home visits to check smoke alarms, falls risks and home safety.",
    ),
    (
        "homeless-advice",
        "advice-network",
        "Housing and homelessness advice, {town}",
        "homelessness_prevention",
        "Independent advice if you are facing eviction or sofa-surfing.",
    ),
    (
        "warm-well",
        "age-uk-norfolk",
        "Warm and well, {town}",
        "warm_homes",
        "Help for older people to keep warm: benefits checks, energy advice and small repairs.",
    ),
];

/// County-wide services: (key, organisation key, county, name, term, description).
const COUNTY_SERVICES: [(&str, &str, &str, &str, &str, &str); 10] = [
    (
        "stop-smoking",
        "norfolk-public-health",
        "E10000020",
        "Smokefree Norfolk",
        "stop_smoking",
        "Free support and nicotine replacement to help you stop smoking.",
    ),
    (
        "healthy-weight",
        "norfolk-public-health",
        "E10000020",
        "Norfolk healthy weight service",
        "healthy_weight",
        "A 12-week programme with a coach for adults living with obesity.",
    ),
    (
        "warm-norfolk",
        "E10000020",
        "E10000020",
        "Norfolk Warm Homes",
        "warm_homes",
        "County-wide energy efficiency grants and advice, delivered with the districts.",
    ),
    (
        "adaptations",
        "E10000020",
        "E10000020",
        "Integrated housing adaptations",
        "dfg",
        "Occupational therapy assessment and equipment to make homes safer.",
    ),
    (
        "carers-norfolk",
        "E10000020",
        "E10000020",
        "Carers Matter Norfolk",
        "carers_support",
        "Information, carer's assessments and emergency planning for carers.",
    ),
    (
        "debt-line",
        "advice-network",
        "E10000020",
        "Norfolk money advice line",
        "debt_advice",
        "A county-wide phone line for debt and money advice.",
    ),
    (
        "suffolk-smoking",
        "E10000029",
        "E10000029",
        "Stop smoking in Suffolk",
        "stop_smoking",
        "Free stop smoking support in Suffolk.",
    ),
    (
        "suffolk-warm",
        "E10000029",
        "E10000029",
        "Warm Homes Suffolk",
        "warm_homes",
        "Help with heating and insulation for Suffolk residents.",
    ),
    (
        "waveney-wellbeing",
        "waveney-wellbeing",
        "E07000244",
        "Waveney wellbeing hub",
        "mental_wellbeing",
        "Drop-in mental wellbeing support in Lowestoft.",
    ),
    (
        "sp-waveney",
        "waveney-wellbeing",
        "E07000244",
        "Community connectors, Waveney",
        "social_prescribing",
        "Volunteers helping people find local groups and support.",
    ),
];

fn fill(pattern: &str, d: &District) -> String {
    pattern
        .replace("{town}", d.town)
        .replace("{second_town}", d.second_town)
        .replace("{leisure}", d.leisure)
}

fn weekdays(key: &str) -> Schedule {
    Schedule::from_rrule(
        RecordId::for_key(&format!("{key}/hours")),
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        NaiveTime::from_hms_opt(9, 0, 0),
        NaiveTime::from_hms_opt(17, 0, 0),
        "Opening hours",
    )
    .expect("demo rule")
}

fn monthly_drop_in(key: &str, day: &str) -> Schedule {
    Schedule::from_rrule(
        RecordId::for_key(&format!("{key}/drop-in")),
        &format!("FREQ=MONTHLY;BYDAY={day}"),
        NaiveTime::from_hms_opt(10, 0, 0),
        NaiveTime::from_hms_opt(12, 30, 0),
        "Drop-in session",
    )
    .expect("demo rule")
}

struct Builder {
    n: usize,
    today: NaiveDate,
    now: DateTime<Utc>,
}

impl Builder {
    #[allow(clippy::too_many_arguments)]
    fn service(
        &mut self,
        key: &str,
        org_key: &str,
        name: String,
        term: &str,
        description: &str,
        area: (&str, String),
        d: Option<&District>,
    ) -> Service {
        self.n += 1;
        let n = self.n;
        // A spread of verification dates: most recent, some overdue, a few never checked.
        let last_verified = match n % 7 {
            0 => None,
            k => self
                .today
                .checked_sub_days(chrono::Days::new((k as u64) * 23 + (n as u64 % 11))),
        };
        let mut schedules = vec![weekdays(key)];
        if n.is_multiple_of(4) {
            schedules.push(monthly_drop_in(key, ["1MO", "2TU", "3WE", "-1FR"][n % 4]));
        }
        let locations = d
            .map(|d| Location {
                id: RecordId::for_key(&format!("{}/office/{org_key}", d.code)),
                name: if org_key == d.code {
                    "Council offices".into()
                } else {
                    format!("{} community hub", d.town)
                },
                address_1: d.office.into(),
                city: d.town.into(),
                county: if d.code == "E07000244" {
                    "Suffolk".into()
                } else {
                    "Norfolk".into()
                },
                postcode: Postcode::parse(d.postcode).ok(),
                latitude: Some(d.lat),
                longitude: Some(d.lon),
            })
            .into_iter()
            .collect();
        let cost_options = if term == "leisure" {
            vec![CostOption {
                id: RecordId::for_key(&format!("{key}/swim")),
                option: "Adult swim".into(),
                amount: Some(Money::from_pence(520)),
                amount_description: Some("Concessions £3.10; free for under 5s".into()),
            }]
        } else {
            vec![]
        };
        Service {
            id: ServiceId::for_key(key),
            organisation: org(org_key),
            name,
            description: description.into(),
            url: Some(format!("https://services.example/{key}")),
            email: Some(format!("{}@services.example", term.replace('_', "-"))),
            status: if n.is_multiple_of(37) { ServiceStatus::TemporarilyClosed } else { ServiceStatus::Active },
            eligibility: Eligibility {
                minimum_age: (term == "falls_prevention").then_some(60).or(Some(18).filter(|_| term == "debt_advice")),
                maximum_age: None,
                description: (term == "dfg").then(|| "Owner-occupiers and tenants with a disability; means tested except for children.".into()),
            },
            last_verified,
            verified_by: last_verified.map(|_| "directory.team@services.example".into()),
            last_updated: self.now,
            terms: vec![TermId::for_key(term)],
            areas: vec![ServiceArea { id: RecordId::for_key(&format!("{key}/area")), name: area.1, gss: GssCode::parse(area.0).ok() }],
            locations,
            contacts: vec![Contact {
                id: RecordId::for_key(&format!("{key}/contact")),
                name: "Duty team".into(),
                title: None,
                phone: d.map(|d| d.phone.to_owned()),
                email: None,
            }],
            schedules,
            cost_options,
        }
    }
}

/// The demo directory, verification dates spread back from `today`.
pub fn directory(today: NaiveDate) -> Vec<Service> {
    let mut b = Builder {
        n: 0,
        today,
        now: Utc::now(),
    };
    let mut out = Vec::new();
    for d in &DISTRICTS {
        let area_name = goldthread_domain::geography::ReferenceGeography::england_2024()
            .authority(&GssCode::parse(d.code).expect("code"))
            .map_or(d.town.to_owned(), |a| a.name.clone());
        for (key, pattern, term, description) in DISTRICT_SERVICES {
            let k = format!("{}/{key}", d.code);
            out.push(b.service(
                &k,
                d.code,
                fill(pattern, d),
                term,
                description,
                (d.code, area_name.clone()),
                Some(d),
            ));
        }
        for (key, org_key, pattern, term, description) in PARTNER_SERVICES {
            let k = format!("{}/{key}", d.code);
            out.push(b.service(
                &k,
                org_key,
                fill(pattern, d),
                term,
                description,
                (d.code, area_name.clone()),
                Some(d),
            ));
        }
        // The second town's own services, searched for by the town's name.
        let k = format!("{}/town-housing", d.code);
        out.push(b.service(
            &k,
            d.code,
            format!("{} housing surgery", d.second_town),
            "housing_options",
            "A monthly housing advice surgery in the town library.",
            (d.code, d.second_town.to_owned()),
            Some(d),
        ));
        let k = format!("{}/town-leisure", d.code);
        out.push(b.service(
            &k,
            d.code,
            format!("{} walking for health", d.second_town),
            "leisure",
            "Free led health walks of 30 to 60 minutes, every week.",
            (d.code, d.second_town.to_owned()),
            Some(d),
        ));
    }
    for (key, org_key, area, name, term, description) in COUNTY_SERVICES {
        let area_name = if area == "E10000029" {
            "Suffolk"
        } else if area == "E07000244" {
            "Waveney"
        } else {
            "Norfolk"
        };
        out.push(b.service(
            key,
            org_key,
            name.into(),
            term,
            description,
            (area, area_name.into()),
            None,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_150_services_with_unique_ids_and_known_terms() {
        let services = directory(NaiveDate::from_ymd_opt(2026, 6, 1).unwrap());
        assert!((140..=170).contains(&services.len()), "{}", services.len());
        let mut ids: Vec<_> = services.iter().map(|s| s.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), services.len());
        let terms: Vec<TermId> = taxonomy().iter().map(|t| t.id).collect();
        assert!(services
            .iter()
            .all(|s| s.terms.iter().all(|t| terms.contains(t))));
    }
}
