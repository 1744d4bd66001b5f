//! Facts about England's geography that anyone can check against the ONS.

use super::*;

fn geo() -> ReferenceGeography {
    ReferenceGeography::england_2024()
}

fn code(s: &str) -> GssCode {
    GssCode::parse(s).unwrap()
}

#[test]
fn england_has_42_icbs() {
    assert_eq!(geo().icbs().len(), 42);
}

#[test]
fn england_has_296_local_authority_districts_of_which_164_are_non_metropolitan() {
    let geo = geo();
    let lads: Vec<_> = geo
        .authorities()
        .iter()
        .filter(|a| a.tier != Tier::County)
        .collect();
    assert_eq!(lads.len(), 296);
    assert_eq!(
        lads.iter().filter(|a| a.tier == Tier::District).count(),
        164
    );
    assert_eq!(
        lads.iter().filter(|a| a.tier == Tier::Metropolitan).count(),
        36
    );
    assert_eq!(
        lads.iter()
            .filter(|a| a.tier == Tier::LondonBorough)
            .count(),
        33
    );
    assert_eq!(lads.iter().filter(|a| a.tier == Tier::Unitary).count(), 63);
    assert_eq!(
        geo.authorities()
            .iter()
            .filter(|a| a.tier == Tier::County)
            .count(),
        21
    );
}

#[test]
fn every_district_has_exactly_one_upper_tier_county() {
    let geo = geo();
    for d in geo
        .authorities()
        .iter()
        .filter(|a| a.tier == Tier::District)
    {
        let county = geo.authority(&d.upper_tier).expect("county exists");
        assert_eq!(county.tier, Tier::County, "{}", d.name);
        let claimed_by = geo
            .authorities()
            .iter()
            .filter(|c| {
                c.tier == Tier::County && geo.districts_of(&c.code).iter().any(|x| x.code == d.code)
            })
            .count();
        assert_eq!(claimed_by, 1, "{}", d.name);
    }
}

#[test]
fn norfolk_and_waveney_covers_norfolks_seven_districts_and_part_of_east_suffolk() {
    let geo = geo();
    let nw = code("E54000022");
    assert_eq!(geo.icb(&nw).unwrap().short_name(), "Norfolk and Waveney");
    let norfolk = geo.districts_of(&code("E10000020"));
    assert_eq!(norfolk.len(), 7);
    let members = geo.authorities_in(&nw);
    for d in &norfolk {
        let (_, share) = members
            .iter()
            .find(|(a, _)| a.code == d.code)
            .expect("member");
        assert!(share.is_whole(), "{} should be wholly in the ICB", d.name);
    }
    assert_eq!(members.len(), 8, "seven Norfolk districts and East Suffolk");
    let (east_suffolk, part) = members
        .iter()
        .find(|(a, _)| a.name == "East Suffolk")
        .unwrap();
    assert!(!part.is_whole());
    assert!(
        (0.45..0.55).contains(&part.share()),
        "about half: {}",
        part.share()
    );
    let both = geo.icb_shares_of(&east_suffolk.code);
    assert_eq!(
        both.len(),
        2,
        "split between two ICBs, never assigned to one"
    );
    let other = both.iter().find(|s| s.icb != nw).unwrap();
    assert_eq!(
        geo.icb(&other.icb).unwrap().short_name(),
        "Suffolk and North East Essex"
    );
    let total: f64 = both.iter().map(IcbShare::share).sum();
    assert!((total - 1.0).abs() < 1e-12);
}

#[test]
fn split_authorities_keep_every_part() {
    let geo = geo();
    let mut split = 0;
    for a in geo.authorities().iter().filter(|a| a.tier != Tier::County) {
        let shares = geo.icb_shares_of(&a.code);
        assert!(!shares.is_empty(), "{} has no ICB", a.name);
        let total: u32 = shares.iter().map(|s| s.lsoa_count).sum();
        assert_eq!(total, shares[0].authority_lsoa_count, "{}", a.name);
        if shares.len() > 1 {
            split += 1;
        }
    }
    assert_eq!(
        split, 13,
        "ONS's LSOA lookup splits 13 authorities between ICBs"
    );
}

#[test]
fn a_countys_icbs_come_from_its_districts() {
    let geo = geo();
    let norfolk = geo.icb_shares_of(&code("E10000020"));
    assert_eq!(norfolk.len(), 1);
    assert!(norfolk[0].is_whole());
    let suffolk = geo.icb_shares_of(&code("E10000029"));
    assert_eq!(
        suffolk.len(),
        2,
        "East Suffolk's Waveney part is in Norfolk and Waveney"
    );
}

#[test]
fn populations_are_present_and_a_county_is_the_sum_of_its_districts() {
    let geo = geo();
    for a in geo.authorities() {
        assert!(a.population().is_some_and(|p| p > 1_000), "{}", a.name);
    }
    let county = geo.authority(&code("E10000020")).unwrap();
    let sum: u32 = geo
        .districts_of(&county.code)
        .iter()
        .filter_map(|d| d.population_mid2020)
        .sum();
    assert_eq!(county.population_mid2020, Some(sum));
}

#[test]
fn a_bad_row_is_named_by_file_line_and_field() {
    let authorities = "code,name,tier,upper_tier_code,region_code,region_name,population_mid2020,population_census2021\n\
E10000020,Norfolk,county,E10000020,E12000006,East of England,10,10\n\
E07000148,Norwich,district,E10000020,E12000006,East of England,ten,10\n";
    let icbs = "code,ods_code,name,code_2022\nE54000022,QMM,NHS Norfolk and Waveney Integrated Care Board,E54000022\n";
    let shares = "authority_code,icb_code,lsoa_count,authority_lsoa_count,share\nE07000148,E54000022,1,1,1.0\n";
    let err = ReferenceGeography::from_csv("test", authorities, icbs, shares).unwrap_err();
    assert_eq!(
        (err.file.as_str(), err.line, err.field.as_str()),
        ("authorities", 3, "population_mid2020")
    );
    let fixed = authorities.replace("ten", "10");
    assert!(ReferenceGeography::from_csv("test", &fixed, icbs, shares).is_ok());
    let wrong_tier = fixed.replace("Norwich,district", "Norwich,unitary");
    let err = ReferenceGeography::from_csv("test", &wrong_tier, icbs, shares).unwrap_err();
    assert_eq!(err.field, "tier");
}
