//! Summaries of the reference geography as the API and the command line show them.

use serde::Serialize;

use super::{Authority, Icb, IcbShare, ReferenceGeography, Region, Tier};
use crate::ids::{GssCode, OdsCode};

/// Numbers of councils of each tier with any part in an ICB.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug, Serialize)]
pub struct CouncilCounts {
    /// County councils.
    pub county: u32,
    /// Non-metropolitan district councils.
    pub district: u32,
    /// Unitary authorities.
    pub unitary: u32,
    /// Metropolitan borough councils.
    pub metropolitan: u32,
    /// London borough councils.
    pub london_borough: u32,
}

impl CouncilCounts {
    fn add(&mut self, tier: Tier) {
        *match tier {
            Tier::County => &mut self.county,
            Tier::District => &mut self.district,
            Tier::Unitary => &mut self.unitary,
            Tier::Metropolitan => &mut self.metropolitan,
            Tier::LondonBorough => &mut self.london_borough,
        } += 1;
    }

    /// All councils together.
    pub fn total(&self) -> u32 {
        self.county + self.district + self.unitary + self.metropolitan + self.london_borough
    }
}

/// One ICB in the list of all ICBs.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct IcbSummary {
    /// GSS code.
    pub code: GssCode,
    /// ODS code.
    pub ods_code: OdsCode,
    /// Full name.
    pub name: String,
    /// Short name, e.g. "Norfolk and Waveney".
    pub short_name: String,
    /// Population (mid-2020), apportioning split authorities by their LSOA share.
    pub population: u64,
    /// Councils with any part in the ICB, by tier.
    pub councils: CouncilCounts,
    /// How many of its councils are split with another ICB.
    pub split_councils: u32,
}

/// A council's part in an ICB.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct CouncilInIcb {
    /// GSS code.
    pub code: GssCode,
    /// Name.
    pub name: String,
    /// Tier.
    pub tier: Tier,
    /// The upper-tier council (its county for a district, itself otherwise).
    pub upper_tier: GssCode,
    /// Share of the council in this ICB (by LSOA), 1 when whole.
    pub share: f64,
    /// Whether the council is split with other ICBs.
    pub split: bool,
    /// The council's whole population (mid-2020).
    pub population: Option<u32>,
    /// Link to the council's own record in the API.
    pub href: String,
}

/// An ICB with its councils grouped by tier.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct IcbDetail {
    /// The summary line.
    #[serde(flatten)]
    pub summary: IcbSummary,
    /// July 2022 GSS code.
    pub code_2022: GssCode,
    /// County councils over its districts (with the share of each county in the ICB).
    pub counties: Vec<CouncilInIcb>,
    /// District councils.
    pub districts: Vec<CouncilInIcb>,
    /// Unitary authorities.
    pub unitaries: Vec<CouncilInIcb>,
    /// Metropolitan borough councils.
    pub metropolitan: Vec<CouncilInIcb>,
    /// London borough councils.
    pub london_boroughs: Vec<CouncilInIcb>,
}

/// A link to a related area.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct AreaLink {
    /// GSS code.
    pub code: GssCode,
    /// Name.
    pub name: String,
    /// Tier, for councils.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    /// Share of this area in (or of) the related one, where partial.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// API link.
    pub href: String,
}

/// Any authority with its place in the geography.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct AreaDetail {
    /// GSS code.
    pub code: GssCode,
    /// Name.
    pub name: String,
    /// Tier.
    pub tier: Tier,
    /// A label for people.
    pub tier_label: &'static str,
    /// Population (mid-2020).
    pub population_mid2020: Option<u32>,
    /// Population (Census 2021).
    pub population_census2021: Option<u32>,
    /// Its region.
    pub region: Region,
    /// The council holding upper-tier functions, when that is another council (a district's county).
    pub upper_tier: Option<AreaLink>,
    /// The ICB(s) it lies in with the share in each, largest first.
    pub icbs: Vec<AreaLink>,
    /// Districts, for a county.
    pub children: Vec<AreaLink>,
}

fn api_href(code: &GssCode) -> String {
    match code.entity() {
        crate::GssEntity::IntegratedCareBoard => format!("/api/v1/icbs/{code}"),
        _ => format!("/api/v1/areas/{code}"),
    }
}

fn link(a: &Authority, share: Option<f64>) -> AreaLink {
    AreaLink {
        code: a.code,
        name: a.name.clone(),
        tier: Some(a.tier),
        share,
        href: api_href(&a.code),
    }
}

fn council_in_icb(geo: &ReferenceGeography, a: &Authority, s: &IcbShare) -> CouncilInIcb {
    CouncilInIcb {
        code: a.code,
        name: a.name.clone(),
        tier: a.tier,
        upper_tier: a.upper_tier,
        share: s.share(),
        split: geo.icb_shares_of(&a.code).len() > 1,
        population: a.population(),
        href: api_href(&a.code),
    }
}

impl ReferenceGeography {
    /// The summary line for one ICB.
    pub fn icb_summary(&self, icb: &Icb) -> IcbSummary {
        let mut councils = CouncilCounts::default();
        let mut population = 0.0;
        let mut split = 0;
        let mut counties: Vec<GssCode> = Vec::new();
        for (a, s) in self.authorities_in(&icb.code) {
            councils.add(a.tier);
            population += f64::from(a.population().unwrap_or(0)) * s.share();
            if !s.is_whole() {
                split += 1;
            }
            if a.tier == Tier::District && !counties.contains(&a.upper_tier) {
                counties.push(a.upper_tier);
                councils.add(Tier::County);
            }
        }
        IcbSummary {
            code: icb.code,
            ods_code: icb.ods_code.clone(),
            name: icb.name.clone(),
            short_name: icb.short_name().to_owned(),
            population: population.round() as u64,
            councils,
            split_councils: split,
        }
    }

    /// An ICB with its councils grouped by tier, or `None` if the code is not an ICB.
    pub fn icb_detail(&self, code: &GssCode) -> Option<IcbDetail> {
        let icb = self.icb(code)?;
        let mut detail = IcbDetail {
            summary: self.icb_summary(icb),
            code_2022: icb.code_2022,
            counties: Vec::new(),
            districts: Vec::new(),
            unitaries: Vec::new(),
            metropolitan: Vec::new(),
            london_boroughs: Vec::new(),
        };
        for (a, s) in self.authorities_in(code) {
            let c = council_in_icb(self, a, s);
            match a.tier {
                Tier::District => detail.districts.push(c),
                Tier::Unitary => detail.unitaries.push(c),
                Tier::Metropolitan => detail.metropolitan.push(c),
                Tier::LondonBorough => detail.london_boroughs.push(c),
                Tier::County => {}
            }
        }
        let mut counties: Vec<GssCode> = detail.districts.iter().map(|d| d.upper_tier).collect();
        counties.sort();
        counties.dedup();
        for county in counties.iter().filter_map(|c| self.authority(c)) {
            if let Some(s) = self
                .icb_shares_of(&county.code)
                .into_iter()
                .find(|s| &s.icb == code)
            {
                detail.counties.push(council_in_icb(self, county, &s));
            }
        }
        Some(detail)
    }

    /// Any authority with its tier, parents and children, or `None` if it is not an authority.
    pub fn area_detail(&self, code: &GssCode) -> Option<AreaDetail> {
        let a = self.authority(code)?;
        let upper_tier = (a.upper_tier != a.code)
            .then(|| self.authority(&a.upper_tier).map(|u| link(u, None)))
            .flatten();
        let icbs = self
            .icb_shares_of(code)
            .iter()
            .filter_map(|s| {
                self.icb(&s.icb).map(|i| AreaLink {
                    code: i.code,
                    name: i.name.clone(),
                    tier: None,
                    share: Some(s.share()),
                    href: api_href(&i.code),
                })
            })
            .collect();
        let children = self
            .districts_of(code)
            .into_iter()
            .map(|d| link(d, None))
            .collect();
        Some(AreaDetail {
            code: a.code,
            name: a.name.clone(),
            tier: a.tier,
            tier_label: a.tier.label(),
            population_mid2020: a.population_mid2020,
            population_census2021: a.population_census2021,
            region: a.region.clone(),
            upper_tier,
            icbs,
            children,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norfolk_and_waveney_lists_its_councils_by_tier() {
        let geo = ReferenceGeography::england_2024();
        let d = geo
            .icb_detail(&GssCode::parse("E54000022").unwrap())
            .unwrap();
        assert_eq!(d.districts.len(), 8);
        assert_eq!(
            d.counties.len(),
            2,
            "Norfolk, and Suffolk through East Suffolk"
        );
        assert_eq!(d.summary.councils.district, 8);
        assert_eq!(d.summary.councils.county, 2);
        assert_eq!(d.summary.split_councils, 1);
        let norfolk_pop: u32 = d
            .districts
            .iter()
            .filter(|c| !c.split)
            .filter_map(|c| c.population)
            .sum();
        let es = d.districts.iter().find(|c| c.split).unwrap();
        let expected = f64::from(norfolk_pop) + f64::from(es.population.unwrap()) * es.share;
        assert_eq!(d.summary.population, expected.round() as u64);
        assert!((1_000_000..1_200_000).contains(&d.summary.population));
    }

    #[test]
    fn a_district_names_its_county_and_a_county_its_districts() {
        let geo = ReferenceGeography::england_2024();
        let norwich = geo
            .area_detail(&GssCode::parse("E07000148").unwrap())
            .unwrap();
        assert_eq!(norwich.upper_tier.unwrap().name, "Norfolk");
        assert_eq!(norwich.icbs.len(), 1);
        let norfolk = geo
            .area_detail(&GssCode::parse("E10000020").unwrap())
            .unwrap();
        assert_eq!(norfolk.children.len(), 7);
        assert!(norfolk.upper_tier.is_none());
        let leeds = geo
            .area_detail(&GssCode::parse("E08000035").unwrap())
            .unwrap();
        assert!(leeds.upper_tier.is_none() && leeds.children.is_empty());
    }

    #[test]
    fn populations_of_all_icbs_add_up_to_england() {
        let geo = ReferenceGeography::england_2024();
        let icbs: u64 = geo
            .icbs()
            .iter()
            .map(|i| geo.icb_summary(i).population)
            .sum();
        let lads: u64 = geo
            .authorities()
            .iter()
            .filter(|a| a.tier != Tier::County)
            .filter_map(|a| a.population())
            .map(u64::from)
            .sum();
        // Apportioning by share and rounding per ICB loses at most half a person per ICB.
        assert!(icbs.abs_diff(lads) <= 42, "{icbs} vs {lads}");
    }
}
