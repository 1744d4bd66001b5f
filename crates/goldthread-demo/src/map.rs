//! The mapped demo system: Norfolk and Waveney's partner organisations beyond the councils and
//! trusts, its ICB and ICP with a plausible composition, its two health and wellbeing boards, its
//! eight district-based health and wellbeing partnerships, a few joint roles, and a directory of
//! about 150 services across the districts (with some deliberate duplicates for the finder).
//!
//! Places, councils and trusts are real, as are the kinds of service and most venues; people, and
//! the two advice charities with charity numbers, are fictional.

mod services;

use chrono::NaiveDate;
use goldthread_domain::board::{Board, BoardId, BoardKind, JointRole, Seat, SeatRole};
use goldthread_domain::directory::oruk::OrganisationProfile;
use goldthread_domain::organisation::{Organisation, OrganisationId, OrganisationKind};
use goldthread_domain::GssCode;
use goldthread_store::{Store, StoreError};

pub use services::{directory, taxonomy};

/// The seven Norfolk districts and East Suffolk (for Waveney), with each district's
/// partnership's name.
pub const DISTRICTS: [(&str, &str); 8] = [
    ("E07000143", "Breckland Health and Wellbeing Partnership"),
    ("E07000144", "Broadland Health and Wellbeing Partnership"),
    (
        "E07000145",
        "Great Yarmouth Health and Wellbeing Partnership",
    ),
    (
        "E07000146",
        "King's Lynn and West Norfolk Health and Wellbeing Partnership",
    ),
    (
        "E07000147",
        "North Norfolk Health and Wellbeing Partnership",
    ),
    ("E07000148", "Norwich Health and Wellbeing Partnership"),
    (
        "E07000149",
        "South Norfolk Health and Wellbeing Partnership",
    ),
    ("E07000244", "Waveney Health and Wellbeing Partnership"),
];

const NORFOLK: &str = "E10000020";
const SUFFOLK: &str = "E10000029";
const ICB_ODS: &str = "QMM";

/// Partners beyond the councils and trusts: (key, name, kind, description).
const PARTNERS: [(&str, &str, OrganisationKind, &str); 8] = [
    ("norfolk-public-health", "Norfolk Public Health", OrganisationKind::PublicHealth, "Norfolk County Council's public health team: the JSNA, health protection and commissioned public health services."),
    ("norfolk-constabulary", "Norfolk Constabulary", OrganisationKind::Police, "The police force for Norfolk."),
    ("norfolk-fire", "Norfolk Fire and Rescue Service", OrganisationKind::Fire, "Fire and rescue for Norfolk, including safe and well visits."),
    ("voluntary-norfolk", "Voluntary Norfolk", OrganisationKind::Vcse, "Infrastructure support for Norfolk's voluntary and community sector."),
    ("community-action-norfolk", "Community Action Norfolk", OrganisationKind::Vcse, "Support for community groups, village halls and rural communities."),
    ("advice-network", "Norfolk Community Advice Network", OrganisationKind::Vcse, "Free, independent advice on debt, benefits, housing and employment across Norfolk."),
    ("age-uk-norfolk", "Age UK Norfolk", OrganisationKind::Vcse, "Information, advice and support for older people in Norfolk."),
    ("waveney-wellbeing", "Waveney Wellbeing Trust", OrganisationKind::Vcse, "Mental wellbeing support and peer groups in Lowestoft and Waveney."),
];

fn partner_id(key: &str) -> OrganisationId {
    OrganisationId::for_code(&format!("demo:{key}"))
}

/// The organisation id of a council (GSS code), an NHS body (ODS code) or a partner (key).
pub fn org(key: &str) -> OrganisationId {
    // Official codes (GSS, ODS) are upper case; partners' keys are lower case.
    if key.chars().any(|c| c.is_ascii_lowercase()) {
        partner_id(key)
    } else {
        OrganisationId::for_code(key)
    }
}

/// The partner organisations, with profiles (the councils and trusts come from the base demo).
pub fn partners() -> Vec<(Organisation, OrganisationProfile)> {
    PARTNERS
        .iter()
        .enumerate()
        .map(|(i, (key, name, kind, description))| {
            // Only the fictional partners get (fictional) charity numbers.
            let charity = matches!(*key, "advice-network" | "waveney-wellbeing")
                .then(|| format!("{}", 1_190_000 + i * 137));
            (
                Organisation {
                    id: partner_id(key),
                    name: (*name).into(),
                    kind: *kind,
                    ods_code: None,
                    gss_code: None,
                },
                OrganisationProfile {
                    description: (*description).into(),
                    email: Some(format!("hello@{key}.example")),
                    charity_number: charity,
                    ..Default::default()
                },
            )
        })
        .collect()
}

fn code(s: &str) -> GssCode {
    GssCode::parse(s).expect("demo GSS code")
}

fn board(
    icb: &GssCode,
    key: &str,
    kind: BoardKind,
    name: &str,
    footprint: &[&str],
    host: &str,
) -> Board {
    Board {
        id: BoardId::for_key(&format!("{icb}/{key}")),
        icb: *icb,
        kind,
        name: name.into(),
        footprint: footprint.iter().map(|c| code(c)).collect(),
        host: Some(org(host)),
    }
}

fn seat(
    b: &Board,
    person: &str,
    org_key: &str,
    role: SeatRole,
    voting: bool,
    since: (i32, u32),
) -> Seat {
    Seat {
        board: b.id,
        person: person.into(),
        organisation: org(org_key),
        role,
        voting,
        since: NaiveDate::from_ymd_opt(since.0, since.1, 1),
    }
}

/// The boards, seats and joint roles of the demo system.
pub fn boards(icb: &GssCode) -> (Vec<Board>, Vec<Seat>, Vec<JointRole>) {
    use SeatRole::*;
    let icb_board = board(
        icb,
        "icb",
        BoardKind::IntegratedCareBoard,
        "NHS Norfolk and Waveney Integrated Care Board",
        &[],
        ICB_ODS,
    );
    let icp = board(
        icb,
        "icp",
        BoardKind::IntegratedCarePartnership,
        "Norfolk and Waveney Integrated Care Partnership",
        &[],
        NORFOLK,
    );
    let norfolk_hwb = board(
        icb,
        "hwb-norfolk",
        BoardKind::HealthAndWellbeingBoard,
        "Norfolk Health and Wellbeing Board",
        &[NORFOLK],
        NORFOLK,
    );
    let suffolk_hwb = board(
        icb,
        "hwb-suffolk",
        BoardKind::HealthAndWellbeingBoard,
        "Suffolk Health and Wellbeing Board",
        &[SUFFOLK],
        SUFFOLK,
    );
    let mut seats = vec![
        seat(
            &icb_board,
            "Patricia Hale (Chair)",
            ICB_ODS,
            NonExecutive,
            true,
            (2022, 7),
        ),
        seat(
            &icb_board,
            "Daniel Okafor (Chief Executive)",
            ICB_ODS,
            NhsExecutive,
            true,
            (2023, 1),
        ),
        seat(
            &icb_board,
            "Fiona Marsh (Director of Finance)",
            ICB_ODS,
            NhsExecutive,
            true,
            (2022, 7),
        ),
        seat(
            &icb_board,
            "Dr Ravi Menon (Medical Director)",
            ICB_ODS,
            NhsExecutive,
            true,
            (2022, 7),
        ),
        seat(
            &icb_board,
            "Helen Dunn (Director of Nursing)",
            ICB_ODS,
            NhsExecutive,
            true,
            (2024, 4),
        ),
        seat(
            &icb_board,
            "Graham Price (Non-executive, audit)",
            ICB_ODS,
            NonExecutive,
            true,
            (2022, 7),
        ),
        seat(
            &icb_board,
            "Alison Webb (Non-executive, quality)",
            ICB_ODS,
            NonExecutive,
            true,
            (2023, 9),
        ),
        seat(
            &icb_board,
            "Mark Ellis (Partner member, trusts)",
            "RM1",
            NhsExecutive,
            true,
            (2022, 7),
        ),
        seat(
            &icb_board,
            "Sue Carter (Partner member, mental health)",
            "RMY",
            NhsExecutive,
            true,
            (2022, 7),
        ),
        seat(
            &icb_board,
            "Dr Aisha Rahman (Partner member, primary care)",
            ICB_ODS,
            NhsExecutive,
            true,
            (2024, 4),
        ),
        seat(
            &icb_board,
            "James Holt (Director of Adult Social Services)",
            NORFOLK,
            CouncilOfficer,
            true,
            (2022, 7),
        ),
        seat(
            &icb_board,
            "Cllr Karen Blake (Partner member, local authorities)",
            "E07000149",
            ElectedCouncillor,
            true,
            (2023, 6),
        ),
        seat(
            &icb_board,
            "Tom Fielding (VCSE Assembly)",
            "voluntary-norfolk",
            Vcse,
            false,
            (2022, 7),
        ),
        seat(
            &icb_board,
            "Director of Public Health",
            "norfolk-public-health",
            CouncilOfficer,
            false,
            (2022, 7),
        ),
    ];
    let icp_members: [(&str, &str); 7] = [
        ("Cllr Martin Greene (Chair, Leader)", NORFOLK),
        ("Cllr Ruth Adams", SUFFOLK),
        ("Cllr Peter Doyle", "E07000143"),
        ("Cllr Janet Moore", "E07000145"),
        ("Cllr Sam Lister", "E07000146"),
        ("Cllr Mike Stone", "E07000148"),
        ("Cllr Jo Barnes", "E07000149"),
    ];
    for (p, o) in icp_members {
        seats.push(seat(&icp, p, o, ElectedCouncillor, true, (2023, 5)));
    }
    seats.push(seat(
        &icp,
        "Patricia Hale",
        ICB_ODS,
        NonExecutive,
        true,
        (2022, 7),
    ));
    seats.push(seat(
        &icp,
        "Daniel Okafor",
        ICB_ODS,
        NhsExecutive,
        true,
        (2023, 1),
    ));
    seats.push(seat(
        &icp,
        "Tom Fielding",
        "voluntary-norfolk",
        Vcse,
        true,
        (2022, 7),
    ));
    seats.push(seat(
        &icp,
        "Chief Constable's representative",
        "norfolk-constabulary",
        Other,
        false,
        (2023, 1),
    ));
    for (hwb, county, leader) in [
        (&norfolk_hwb, NORFOLK, "Cllr Martin Greene"),
        (&suffolk_hwb, SUFFOLK, "Cllr Ruth Adams"),
    ] {
        seats.push(seat(
            hwb,
            &format!("{leader} (Chair)"),
            county,
            ElectedCouncillor,
            true,
            (2023, 5),
        ));
        seats.push(seat(
            hwb,
            "Director of Public Health",
            county,
            CouncilOfficer,
            true,
            (2022, 7),
        ));
        seats.push(seat(
            hwb,
            "Director of Children's Services",
            county,
            CouncilOfficer,
            true,
            (2022, 7),
        ));
        seats.push(seat(
            hwb,
            "Daniel Okafor",
            ICB_ODS,
            NhsExecutive,
            true,
            (2023, 1),
        ));
        seats.push(seat(
            hwb,
            "Healthwatch representative",
            "voluntary-norfolk",
            Vcse,
            true,
            (2022, 7),
        ));
    }
    for (d, _) in DISTRICTS
        .iter()
        .filter(|(d, _)| d.starts_with("E07") && *d != "E07000244")
    {
        seats.push(seat(
            &norfolk_hwb,
            "District council member",
            d,
            ElectedCouncillor,
            true,
            (2023, 5),
        ));
    }
    seats.push(seat(
        &suffolk_hwb,
        "East Suffolk member",
        "E07000244",
        ElectedCouncillor,
        true,
        (2023, 5),
    ));
    let mut all = vec![icb_board, icp, norfolk_hwb, suffolk_hwb];
    for (i, (d, name)) in DISTRICTS.iter().enumerate() {
        let hwp = board(
            icb,
            &format!("hwp-{d}"),
            BoardKind::LocalPartnership,
            name,
            &[d],
            d,
        );
        seats.push(seat(
            &hwp,
            &format!(
                "Cllr {} (Chair)",
                [
                    "Ann Cole",
                    "Brian Ward",
                    "Carol Fox",
                    "David Lamb",
                    "Eve North",
                    "Frank Hill",
                    "Gill Shaw",
                    "Harry Moss"
                ][i]
            ),
            d,
            ElectedCouncillor,
            true,
            (2023, 5),
        ));
        seats.push(seat(
            &hwp,
            "Place lead",
            ICB_ODS,
            NhsExecutive,
            true,
            (2022, 7),
        ));
        seats.push(seat(
            &hwp,
            "Locality manager, adult social care",
            if *d == "E07000244" { SUFFOLK } else { NORFOLK },
            CouncilOfficer,
            true,
            (2022, 7),
        ));
        seats.push(seat(
            &hwp,
            "Head of communities",
            d,
            CouncilOfficer,
            true,
            (2022, 7),
        ));
        seats.push(seat(
            &hwp,
            "Community representative",
            if i % 2 == 0 {
                "community-action-norfolk"
            } else {
                "age-uk-norfolk"
            },
            Vcse,
            true,
            (2023, 1),
        ));
        if i % 3 == 0 {
            seats.push(seat(
                &hwp,
                "Neighbourhood inspector",
                "norfolk-constabulary",
                Other,
                false,
                (2024, 1),
            ));
        }
        all.push(hwp);
    }
    let joint = vec![
        JointRole::new(
            "Dr Louise Grant",
            "Director of Public Health (Norfolk) and ICB Director of Population Health",
            vec![(org("norfolk-public-health"), 60), (org(ICB_ODS), 40)],
        ),
        JointRole::new(
            "Paul Reeve",
            "Place Director, Norwich",
            vec![(org(ICB_ODS), 50), (org("E07000148"), 50)],
        ),
        JointRole::new(
            "Nadia Ellis",
            "Joint Head of Housing and Health, Great Yarmouth",
            vec![(org("E07000145"), 70), (org(ICB_ODS), 30)],
        ),
        JointRole::new(
            "Owen Pike",
            "Integrated Commissioning Lead, Mental Health",
            vec![(org(NORFOLK), 50), (org(ICB_ODS), 50)],
        ),
    ]
    .into_iter()
    .map(|j| j.expect("demo joint roles add up to 100%"))
    .collect();
    (all, seats, joint)
}

/// Loads the partners, boards and directory of the demo system into a store.
pub async fn install(store: &Store, icb: &GssCode) -> Result<(), StoreError> {
    store.import_organisations(&partners(), Some(icb)).await?;
    let (boards, seats, joint) = boards(icb);
    store.put_boards(icb, &boards, &seats, &joint).await?;
    store.put_taxonomy(&taxonomy()).await?;
    let today = chrono::Utc::now().date_naive();
    let services = directory(today);
    store.put_services(&services).await?;
    tracing::info!(
        boards = boards.len(),
        services = services.len(),
        "installed the demo boards and directory"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_has_eight_district_partnerships_and_one_councillor_on_the_icb() {
        let icb = code("E54000022");
        let (boards, seats, joint) = boards(&icb);
        let local = boards
            .iter()
            .filter(|b| b.kind == BoardKind::LocalPartnership)
            .count();
        assert_eq!(local, 8);
        let icb_board = &boards[0];
        let councillors = seats
            .iter()
            .filter(|s| s.board == icb_board.id && s.role == SeatRole::ElectedCouncillor)
            .count();
        assert_eq!(councillors, 1);
        assert_eq!(joint.len(), 4);
    }
}
