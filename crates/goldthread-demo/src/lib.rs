//! The demo integrated care system: Norfolk and Waveney, with its real councils, codes and
//! populations taken from the reference geography, and its NHS bodies by their ODS codes.
//!
//! [`norfolk_and_waveney`] builds the domain values; [`install`] writes the whole demo to a
//! store (each part through the store's own transactional writes). Deciding when to install it
//! is the binary's job.
#![forbid(unsafe_code)]

pub mod map;
pub mod outcomes;
pub mod programmes;

pub mod sharing;

use goldthread_domain::geography::{ReferenceGeography, Tier};
use goldthread_domain::organisation::{
    IntegratedCareSystem, Organisation, OrganisationId, OrganisationKind,
};
use goldthread_domain::{GssCode, OdsCode};
use goldthread_store::{Store, StoreError};

/// Loads the reference geography and the whole demo ICS into a store, replacing earlier copies.
pub async fn install(store: &Store) -> Result<(), StoreError> {
    let geo = ReferenceGeography::england_2024();
    store.replace_reference_geography(&geo).await?;
    let (system, organisations) = norfolk_and_waveney(&geo);
    store.put_system(&system, &organisations).await?;
    sharing::install(store).await?;
    map::install(store, &system.icb).await?;
    outcomes::install(store, &system.icb).await?;
    programmes::install(store).await?;
    tracing::info!(
        icb = %system.icb,
        organisations = organisations.len(),
        "installed the {} demo ICS and the {} reference geography",
        system.name,
        geo.vintage
    );
    Ok(())
}

/// The GSS code of NHS Norfolk and Waveney ICB.
pub const NORFOLK_AND_WAVENEY: &str = "E54000022";

/// Councils' own names, where they differ from "<area> Council".
const COUNCIL_NAMES: [(&str, &str); 10] = [
    ("E10000020", "Norfolk County Council"),
    ("E10000029", "Suffolk County Council"),
    ("E07000143", "Breckland Council"),
    ("E07000144", "Broadland District Council"),
    ("E07000145", "Great Yarmouth Borough Council"),
    (
        "E07000146",
        "Borough Council of King's Lynn and West Norfolk",
    ),
    ("E07000147", "North Norfolk District Council"),
    ("E07000148", "Norwich City Council"),
    ("E07000149", "South Norfolk Council"),
    ("E07000244", "East Suffolk Council"),
];

/// NHS trusts serving Norfolk and Waveney, by ODS code.
const NHS_TRUSTS: [(&str, &str); 6] = [
    (
        "RM1",
        "Norfolk and Norwich University Hospitals NHS Foundation Trust",
    ),
    (
        "RGP",
        "James Paget University Hospitals NHS Foundation Trust",
    ),
    (
        "RCX",
        "The Queen Elizabeth Hospital King's Lynn NHS Foundation Trust",
    ),
    ("RY3", "Norfolk Community Health and Care NHS Trust"),
    ("RMY", "Norfolk and Suffolk NHS Foundation Trust"),
    ("RYC", "East of England Ambulance Service NHS Trust"),
];

/// The council's usual name.
pub fn council_name(code: &GssCode, area_name: &str) -> String {
    COUNCIL_NAMES
        .iter()
        .find(|(c, _)| *c == code.as_str())
        .map(|(_, n)| (*n).to_owned())
        .unwrap_or_else(|| format!("{area_name} Council"))
}

/// Norfolk and Waveney: its ICB, every council with any part in its footprint (the seven Norfolk
/// districts, East Suffolk, and the two county councils above them), and its NHS trusts.
pub fn norfolk_and_waveney(geo: &ReferenceGeography) -> (IntegratedCareSystem, Vec<Organisation>) {
    let icb_code = GssCode::parse(NORFOLK_AND_WAVENEY).expect("valid code");
    let icb = geo
        .icb(&icb_code)
        .expect("Norfolk and Waveney ICB is in the reference geography");
    let mut orgs = vec![Organisation {
        id: OrganisationId::for_code(icb.ods_code.as_str()),
        name: icb.name.clone(),
        kind: OrganisationKind::IntegratedCareBoard,
        ods_code: Some(icb.ods_code.clone()),
        gss_code: None,
    }];
    let mut councils: Vec<GssCode> = Vec::new();
    for (a, _) in geo.authorities_in(&icb_code) {
        councils.push(a.code);
        if a.tier == Tier::District && !councils.contains(&a.upper_tier) {
            councils.push(a.upper_tier);
        }
    }
    councils.sort();
    for code in councils {
        let a = geo
            .authority(&code)
            .expect("council in reference geography");
        orgs.push(Organisation {
            id: OrganisationId::for_code(code.as_str()),
            name: council_name(&code, &a.name),
            kind: OrganisationKind::council(a.tier),
            ods_code: None,
            gss_code: Some(code),
        });
    }
    for (ods, name) in NHS_TRUSTS {
        orgs.push(Organisation {
            id: OrganisationId::for_code(ods),
            name: name.to_owned(),
            kind: OrganisationKind::NhsTrust,
            ods_code: Some(OdsCode::parse(ods).expect("valid ODS code")),
            gss_code: None,
        });
    }
    let system = IntegratedCareSystem {
        icb: icb_code,
        name: icb.short_name().to_owned(),
        members: orgs.iter().map(|o| o.id).collect(),
    };
    (system, orgs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_has_the_icb_ten_councils_and_the_trusts() {
        let geo = ReferenceGeography::england_2024();
        let (system, orgs) = norfolk_and_waveney(&geo);
        assert_eq!(system.name, "Norfolk and Waveney");
        assert_eq!(system.members.len(), orgs.len());
        let count = |k| orgs.iter().filter(|o| o.kind == k).count();
        assert_eq!(count(OrganisationKind::IntegratedCareBoard), 1);
        assert_eq!(count(OrganisationKind::DistrictCouncil), 8);
        assert_eq!(count(OrganisationKind::CountyCouncil), 2);
        assert_eq!(count(OrganisationKind::NhsTrust), NHS_TRUSTS.len());
        for o in orgs.iter().filter(|o| o.kind.is_council()) {
            let a = geo.authority(o.gss_code.as_ref().unwrap()).unwrap();
            assert!(
                o.name.contains(a.name.split(' ').next().unwrap()),
                "{} / {}",
                o.name,
                a.name
            );
        }
        let mut ids: Vec<_> = orgs.iter().map(|o| o.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), orgs.len(), "identifiers are unique");
    }
}
