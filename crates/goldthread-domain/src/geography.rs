//! England's councils and integrated care boards, and how they nest.
//!
//! A two-tier area has a county council above several district councils; unitary, metropolitan
//! and London borough councils are both tiers at once. ICBs are NHS bodies whose boundaries follow
//! LSOAs, not councils, so a council can be split between ICBs: that split is kept, with its
//! shares, and never collapsed to a best fit.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::{GssCode, GssEntity, OdsCode, ParseIdError};

/// Which tier of local government an authority is.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// A county council: the upper tier over non-metropolitan districts.
    County,
    /// A non-metropolitan district council: the lower tier in a two-tier area.
    District,
    /// A unitary authority: both tiers in one council.
    Unitary,
    /// A metropolitan district (borough) council: both tiers in one council.
    Metropolitan,
    /// A London borough (or the City of London): both tiers in one council.
    LondonBorough,
}

impl Tier {
    /// Every tier, in the order goldthread lists them.
    pub const ALL: [Tier; 5] = [
        Tier::County,
        Tier::District,
        Tier::Unitary,
        Tier::Metropolitan,
        Tier::LondonBorough,
    ];

    /// The tier's name in snake case, as used in the API and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::County => "county",
            Tier::District => "district",
            Tier::Unitary => "unitary",
            Tier::Metropolitan => "metropolitan",
            Tier::LondonBorough => "london_borough",
        }
    }

    /// A label for people, e.g. "Non-metropolitan district".
    pub fn label(self) -> &'static str {
        match self {
            Tier::County => "County council",
            Tier::District => "District council",
            Tier::Unitary => "Unitary authority",
            Tier::Metropolitan => "Metropolitan borough",
            Tier::LondonBorough => "London borough",
        }
    }

    /// Parses the snake-case name.
    pub fn parse(s: &str) -> Result<Tier, ParseIdError> {
        Tier::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                ParseIdError::new(
                    "tier",
                    format!("{s:?} is not one of county, district, unitary, metropolitan, london_borough"),
                )
            })
    }

    /// Whether councils of this tier hold the upper-tier functions (social care, education, ...).
    pub fn holds_upper_tier_functions(self) -> bool {
        self != Tier::District
    }

    /// Whether councils of this tier hold the lower-tier functions (housing, planning, ...).
    pub fn holds_lower_tier_functions(self) -> bool {
        self != Tier::County
    }

    /// The GSS entity that codes for this tier carry.
    pub fn gss_entity(self) -> GssEntity {
        match self {
            Tier::County => GssEntity::County,
            Tier::District => GssEntity::NonMetropolitanDistrict,
            Tier::Unitary => GssEntity::UnitaryAuthority,
            Tier::Metropolitan => GssEntity::MetropolitanDistrict,
            Tier::LondonBorough => GssEntity::LondonBorough,
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An English region (E12).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Region {
    /// Its GSS code.
    pub code: GssCode,
    /// Its name, e.g. "East of England".
    pub name: String,
}

/// An English local authority of any tier.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Authority {
    /// Its GSS code.
    pub code: GssCode,
    /// Its name, e.g. "Norwich".
    pub name: String,
    /// Its tier.
    pub tier: Tier,
    /// The council holding its upper-tier functions: its county for a district, itself otherwise.
    pub upper_tier: GssCode,
    /// The region it lies in.
    pub region: Region,
    /// ONS mid-2020 population estimate, persons.
    pub population_mid2020: Option<u32>,
    /// Census 2021 population, persons.
    pub population_census2021: Option<u32>,
}

impl Authority {
    /// The population goldthread reports: the mid-year estimate, or the census where it is missing.
    pub fn population(&self) -> Option<u32> {
        self.population_mid2020.or(self.population_census2021)
    }
}

/// An integrated care board (E54).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Icb {
    /// Its GSS code (2023/2024 vintage).
    pub code: GssCode,
    /// Its ODS code, e.g. QMM.
    pub ods_code: OdsCode,
    /// Its name.
    pub name: String,
    /// Its July 2022 GSS code (differs for Surrey Heartlands and Sussex).
    pub code_2022: GssCode,
}

impl Icb {
    /// The name without the "NHS" prefix and "Integrated Care Board" suffix, e.g. "Norfolk and Waveney".
    pub fn short_name(&self) -> &str {
        let n = self.name.strip_prefix("NHS ").unwrap_or(&self.name);
        n.strip_suffix(" Integrated Care Board").unwrap_or(n)
    }
}

/// The part of a district or unitary authority that lies in one ICB.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct IcbShare {
    /// The authority.
    pub authority: GssCode,
    /// The ICB.
    pub icb: GssCode,
    /// LSOAs of the authority in this ICB.
    pub lsoa_count: u32,
    /// LSOAs in the whole authority.
    pub authority_lsoa_count: u32,
}

impl IcbShare {
    /// The share of the authority in this ICB, between 0 and 1, measured in LSOAs.
    pub fn share(&self) -> f64 {
        f64::from(self.lsoa_count) / f64::from(self.authority_lsoa_count)
    }

    /// Whether the whole authority is in this ICB.
    pub fn is_whole(&self) -> bool {
        self.lsoa_count == self.authority_lsoa_count
    }
}

/// A row of reference data that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}, line {line}, field {field}: {reason}")]
pub struct ReferenceError {
    /// The file (or table) being read.
    pub file: String,
    /// The line number, counting the header as line 1.
    pub line: u64,
    /// The field at fault.
    pub field: String,
    /// What was wrong.
    pub reason: String,
}

/// The full reference geography: every authority, every ICB and how they overlap.
#[derive(Clone, Debug)]
pub struct ReferenceGeography {
    /// The vintage, e.g. "April 2024".
    pub vintage: String,
    authorities: Vec<Authority>,
    icbs: Vec<Icb>,
    shares: Vec<IcbShare>,
    by_code: HashMap<GssCode, usize>,
}

/// The shipped reference files, compiled into the binary so goldthread runs without them on disk.
mod shipped {
    pub const AUTHORITIES: &str = include_str!("../../../data/reference/authorities_2024.csv");
    pub const ICBS: &str = include_str!("../../../data/reference/icbs_2024.csv");
    pub const SHARES: &str = include_str!("../../../data/reference/authority_icb_2024.csv");
}

/// The attribution the Open Government Licence asks for.
pub const ONS_ATTRIBUTION: &str = "Source: Office for National Statistics licensed under the Open \
Government Licence v3.0. Contains OS data © Crown copyright and database right.";

impl ReferenceGeography {
    /// England's councils and ICBs as at April 2024, from the files shipped in the project.
    pub fn england_2024() -> Self {
        Self::from_csv(
            "April 2024",
            shipped::AUTHORITIES,
            shipped::ICBS,
            shipped::SHARES,
        )
        .unwrap_or_else(|e| panic!("the shipped reference geography is invalid: {e}"))
    }

    /// Reads a reference geography from the three CSV tables and checks it is consistent.
    pub fn from_csv(
        vintage: &str,
        authorities: &str,
        icbs: &str,
        shares: &str,
    ) -> Result<Self, ReferenceError> {
        Self::from_parts(
            vintage,
            read_authorities(authorities)?,
            read_icbs(icbs)?,
            read_shares(shares)?,
        )
    }

    /// Builds a reference geography from its tables (as read back from the store) and checks it.
    pub fn from_parts(
        vintage: &str,
        mut authorities: Vec<Authority>,
        mut icbs: Vec<Icb>,
        shares: Vec<IcbShare>,
    ) -> Result<Self, ReferenceError> {
        authorities.sort_by_key(|a| a.code);
        icbs.sort_by_key(|i| i.code);
        let by_code = authorities
            .iter()
            .enumerate()
            .map(|(i, a)| (a.code, i))
            .collect();
        let geo = Self {
            vintage: vintage.to_owned(),
            authorities,
            icbs,
            shares,
            by_code,
        };
        geo.check()?;
        Ok(geo)
    }

    fn check(&self) -> Result<(), ReferenceError> {
        let err = |file: &str, line: usize, field: &str, reason: String| ReferenceError {
            file: file.into(),
            line: line as u64 + 2,
            field: field.into(),
            reason,
        };
        for (i, a) in self.authorities.iter().enumerate() {
            let upper = self.authority(&a.upper_tier);
            let ok = match a.tier {
                Tier::District => upper.is_some_and(|u| u.tier == Tier::County),
                _ => a.upper_tier == a.code,
            };
            if !ok {
                return Err(err(
                    "authorities",
                    i,
                    "upper_tier_code",
                    format!(
                        "{} ({}) must have a county as its upper tier if a district, else itself",
                        a.name, a.code
                    ),
                ));
            }
        }
        let mut totals: HashMap<GssCode, u32> = HashMap::new();
        for (i, s) in self.shares.iter().enumerate() {
            match self.authority(&s.authority) {
                Some(a) if a.tier != Tier::County => {}
                _ => {
                    return Err(err(
                        "authority_icb",
                        i,
                        "authority_code",
                        format!(
                            "{} is not a district or unitary authority in the authorities table",
                            s.authority
                        ),
                    ))
                }
            }
            if self.icb(&s.icb).is_none() {
                return Err(err(
                    "authority_icb",
                    i,
                    "icb_code",
                    format!("{} is not a known ICB", s.icb),
                ));
            }
            *totals.entry(s.authority).or_default() += s.lsoa_count;
        }
        for a in self.authorities.iter().filter(|a| a.tier != Tier::County) {
            let lsoas = self
                .shares
                .iter()
                .find(|s| s.authority == a.code)
                .map(|s| s.authority_lsoa_count);
            if lsoas.is_none() || totals.get(&a.code).copied() != lsoas {
                return Err(err(
                    "authority_icb",
                    0,
                    "lsoa_count",
                    format!(
                        "the ICB shares of {} ({}) do not add up to the whole authority",
                        a.name, a.code
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Every authority, counties included, in code order.
    pub fn authorities(&self) -> &[Authority] {
        &self.authorities
    }

    /// Every ICB, in code order.
    pub fn icbs(&self) -> &[Icb] {
        &self.icbs
    }

    /// Every authority-to-ICB share.
    pub fn shares(&self) -> &[IcbShare] {
        &self.shares
    }

    /// An authority by code.
    pub fn authority(&self, code: &GssCode) -> Option<&Authority> {
        self.by_code.get(code).map(|&i| &self.authorities[i])
    }

    /// An ICB by code.
    pub fn icb(&self, code: &GssCode) -> Option<&Icb> {
        self.icbs.iter().find(|i| &i.code == code)
    }

    /// The districts of a county.
    pub fn districts_of(&self, county: &GssCode) -> Vec<&Authority> {
        self.authorities
            .iter()
            .filter(|a| a.tier == Tier::District && &a.upper_tier == county)
            .collect()
    }

    /// The ICBs an authority lies in, largest share first. A county's are its districts', by LSOA.
    pub fn icb_shares_of(&self, code: &GssCode) -> Vec<IcbShare> {
        let Some(a) = self.authority(code) else {
            return Vec::new();
        };
        if a.tier != Tier::County {
            return self
                .shares
                .iter()
                .filter(|s| &s.authority == code)
                .cloned()
                .collect();
        }
        let districts: Vec<GssCode> = self.districts_of(code).iter().map(|d| d.code).collect();
        let mut by_icb: BTreeMap<GssCode, u32> = BTreeMap::new();
        let mut total = 0;
        for s in self
            .shares
            .iter()
            .filter(|s| districts.contains(&s.authority))
        {
            *by_icb.entry(s.icb).or_default() += s.lsoa_count;
            total += s.lsoa_count;
        }
        let mut out: Vec<IcbShare> = by_icb
            .into_iter()
            .map(|(icb, n)| IcbShare {
                authority: *code,
                icb,
                lsoa_count: n,
                authority_lsoa_count: total,
            })
            .collect();
        out.sort_by_key(|s| std::cmp::Reverse(s.lsoa_count));
        out
    }

    /// The district and unitary authorities with any part in an ICB, with that part's share.
    pub fn authorities_in(&self, icb: &GssCode) -> Vec<(&Authority, &IcbShare)> {
        self.shares
            .iter()
            .filter(|s| &s.icb == icb)
            .filter_map(|s| self.authority(&s.authority).map(|a| (a, s)))
            .collect()
    }
}

fn parse_field<T>(
    file: &str,
    line: u64,
    field: &str,
    value: &str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, ReferenceError> {
    parse(value).map_err(|reason| ReferenceError {
        file: file.into(),
        line,
        field: field.into(),
        reason,
    })
}

/// Reads a CSV table into header-keyed rows, calling `row` with the line number and a field getter.
fn read_table<T>(
    file: &str,
    text: &str,
    mut row: impl FnMut(
        u64,
        &dyn Fn(&str) -> Result<String, ReferenceError>,
    ) -> Result<T, ReferenceError>,
) -> Result<Vec<T>, ReferenceError> {
    let mut rdr = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| ReferenceError {
            file: file.into(),
            line: 1,
            field: "header".into(),
            reason: e.to_string(),
        })?
        .clone();
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|e| ReferenceError {
            file: file.into(),
            line,
            field: "row".into(),
            reason: e.to_string(),
        })?;
        let get = |name: &str| -> Result<String, ReferenceError> {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|p| rec.get(p))
                .map(str::to_owned)
                .ok_or_else(|| ReferenceError {
                    file: file.into(),
                    line,
                    field: name.into(),
                    reason: "missing".into(),
                })
        };
        out.push(row(line, &get)?);
    }
    Ok(out)
}

fn gss(file: &str, line: u64, field: &str, v: &str) -> Result<GssCode, ReferenceError> {
    parse_field(file, line, field, v, |s| {
        GssCode::parse(s).map_err(|e| e.reason)
    })
}

fn optional_count(
    file: &str,
    line: u64,
    field: &str,
    v: &str,
) -> Result<Option<u32>, ReferenceError> {
    if v.is_empty() {
        return Ok(None);
    }
    parse_field(file, line, field, v, |s| {
        s.parse()
            .map(Some)
            .map_err(|_| format!("{s:?} is not a whole number"))
    })
}

fn read_authorities(text: &str) -> Result<Vec<Authority>, ReferenceError> {
    const F: &str = "authorities";
    read_table(F, text, |line, get| {
        let code = gss(F, line, "code", &get("code")?)?;
        let tier = parse_field(F, line, "tier", &get("tier")?, |s| {
            Tier::parse(s).map_err(|e| e.reason)
        })?;
        if code.entity() != tier.gss_entity() {
            return Err(ReferenceError {
                file: F.into(),
                line,
                field: "tier".into(),
                reason: format!(
                    "{code} is not the code of a {}",
                    tier.label().to_lowercase()
                ),
            });
        }
        Ok(Authority {
            code,
            name: get("name")?,
            tier,
            upper_tier: gss(F, line, "upper_tier_code", &get("upper_tier_code")?)?,
            region: Region {
                code: gss(F, line, "region_code", &get("region_code")?)?,
                name: get("region_name")?,
            },
            population_mid2020: optional_count(
                F,
                line,
                "population_mid2020",
                &get("population_mid2020")?,
            )?,
            population_census2021: optional_count(
                F,
                line,
                "population_census2021",
                &get("population_census2021")?,
            )?,
        })
    })
}

fn read_icbs(text: &str) -> Result<Vec<Icb>, ReferenceError> {
    const F: &str = "icbs";
    read_table(F, text, |line, get| {
        Ok(Icb {
            code: gss(F, line, "code", &get("code")?)?,
            ods_code: parse_field(F, line, "ods_code", &get("ods_code")?, |s| {
                OdsCode::parse(s).map_err(|e| e.reason)
            })?,
            name: get("name")?,
            code_2022: gss(F, line, "code_2022", &get("code_2022")?)?,
        })
    })
}

fn read_shares(text: &str) -> Result<Vec<IcbShare>, ReferenceError> {
    const F: &str = "authority_icb";
    read_table(F, text, |line, get| {
        let count = |field: &str| -> Result<u32, ReferenceError> {
            optional_count(F, line, field, &get(field)?)?.ok_or_else(|| ReferenceError {
                file: F.into(),
                line,
                field: field.into(),
                reason: "is empty".into(),
            })
        };
        Ok(IcbShare {
            authority: gss(F, line, "authority_code", &get("authority_code")?)?,
            icb: gss(F, line, "icb_code", &get("icb_code")?)?,
            lsoa_count: count("lsoa_count")?,
            authority_lsoa_count: count("authority_lsoa_count")?,
        })
    })
}

pub mod views;

#[cfg(test)]
mod tests;
