//! Who does what: the council functions of the King's Fund table, which tier holds each, and
//! "who is responsible for `<function>` at `<place>`" for any English authority.
//!
//! In a two-tier area the district holds the lower-tier functions and the county the upper-tier
//! ones; unitary, metropolitan and London borough councils hold both.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::geography::{Authority, ReferenceGeography, Tier};
use crate::ids::{GssCode, ParseIdError};

/// Which tier of a two-tier area holds a function.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FunctionTier {
    /// Held by district councils in two-tier areas.
    Lower,
    /// Held by county councils in two-tier areas.
    Upper,
}

/// A council function (service area), from the King's Fund table of who does what.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Function {
    /// Planning applications and local plans.
    Planning,
    /// Housing, homelessness and housing options, Disabled Facilities Grants.
    Housing,
    /// Environmental health: food safety, pollution, private-sector housing standards.
    EnvironmentalHealth,
    /// Leisure centres, parks and green spaces.
    LeisureAndGreenSpaces,
    /// Housing benefit, council tax support and customer services.
    BenefitsAndCustomerServices,
    /// Economic development.
    EconomicDevelopment,
    /// Community safety partnerships.
    CommunitySafety,
    /// Adult social care.
    AdultSocialCare,
    /// Children's social care.
    ChildrensSocialCare,
    /// Education.
    Education,
    /// Strategic and emergency planning.
    StrategicAndEmergencyPlanning,
    /// Highways and transport.
    HighwaysAndTransport,
    /// Libraries.
    Libraries,
    /// Public health.
    PublicHealth,
}

impl Function {
    /// Every function, lower-tier ones first.
    pub const ALL: [Function; 14] = [
        Self::Planning,
        Self::Housing,
        Self::EnvironmentalHealth,
        Self::LeisureAndGreenSpaces,
        Self::BenefitsAndCustomerServices,
        Self::EconomicDevelopment,
        Self::CommunitySafety,
        Self::AdultSocialCare,
        Self::ChildrensSocialCare,
        Self::Education,
        Self::StrategicAndEmergencyPlanning,
        Self::HighwaysAndTransport,
        Self::Libraries,
        Self::PublicHealth,
    ];

    /// The snake-case identifier used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Planning => "planning",
            Self::Housing => "housing",
            Self::EnvironmentalHealth => "environmental_health",
            Self::LeisureAndGreenSpaces => "leisure_and_green_spaces",
            Self::BenefitsAndCustomerServices => "benefits_and_customer_services",
            Self::EconomicDevelopment => "economic_development",
            Self::CommunitySafety => "community_safety",
            Self::AdultSocialCare => "adult_social_care",
            Self::ChildrensSocialCare => "childrens_social_care",
            Self::Education => "education",
            Self::StrategicAndEmergencyPlanning => "strategic_and_emergency_planning",
            Self::HighwaysAndTransport => "highways_and_transport",
            Self::Libraries => "libraries",
            Self::PublicHealth => "public_health",
        }
    }

    /// A label for people, e.g. "Leisure and green spaces".
    pub fn label(self) -> &'static str {
        match self {
            Self::Planning => "Planning",
            Self::Housing => "Housing",
            Self::EnvironmentalHealth => "Environmental health",
            Self::LeisureAndGreenSpaces => "Leisure and green spaces",
            Self::BenefitsAndCustomerServices => "Benefits and customer services",
            Self::EconomicDevelopment => "Economic development",
            Self::CommunitySafety => "Community safety",
            Self::AdultSocialCare => "Adult social care",
            Self::ChildrensSocialCare => "Children's social care",
            Self::Education => "Education",
            Self::StrategicAndEmergencyPlanning => "Strategic and emergency planning",
            Self::HighwaysAndTransport => "Highways and transport",
            Self::Libraries => "Libraries",
            Self::PublicHealth => "Public health",
        }
    }

    /// Parses the snake-case identifier.
    pub fn parse(s: &str) -> Result<Self, ParseIdError> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == s.trim())
            .ok_or_else(|| {
                let known: Vec<&str> = Self::ALL.iter().map(|f| f.as_str()).collect();
                ParseIdError::new(
                    "function",
                    format!(
                        "{s:?} is not a known function; use one of {}",
                        known.join(", ")
                    ),
                )
            })
    }

    /// Which tier holds this function in a two-tier area.
    pub fn tier(self) -> FunctionTier {
        match self {
            Self::Planning
            | Self::Housing
            | Self::EnvironmentalHealth
            | Self::LeisureAndGreenSpaces
            | Self::BenefitsAndCustomerServices
            | Self::EconomicDevelopment
            | Self::CommunitySafety => FunctionTier::Lower,
            _ => FunctionTier::Upper,
        }
    }

    /// Whether councils of `tier` hold this function.
    pub fn held_by(self, tier: Tier) -> bool {
        match self.tier() {
            FunctionTier::Lower => tier.holds_lower_tier_functions(),
            FunctionTier::Upper => tier.holds_upper_tier_functions(),
        }
    }

    /// The functions councils of `tier` hold.
    pub fn held_by_tier(tier: Tier) -> Vec<Function> {
        Self::ALL.into_iter().filter(|f| f.held_by(tier)).collect()
    }
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a responsibility question has no answer.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum ResponsibleError {
    /// The area code is not an authority in the reference geography.
    #[error("no local authority has the code {0}")]
    UnknownArea(GssCode),
    /// The area's upper-tier council is missing from the reference geography (a data fault).
    #[error("the council above {0} is missing from the reference geography")]
    MissingUpperTier(GssCode),
}

/// The answer to "who is responsible for `<function>` at `<area>`".
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct Responsibility<'a> {
    /// The function asked about.
    pub function: Function,
    /// The area asked about.
    pub area: &'a Authority,
    /// The councils responsible: one, except for a lower-tier function asked of a whole county,
    /// where each district is responsible for its own part.
    pub responsible: Vec<&'a Authority>,
}

/// Who is responsible for `function` at `area`, resolving two-tier areas: a district's
/// upper-tier functions go to its county, and a county's lower-tier functions to its districts.
pub fn responsible<'a>(
    geo: &'a ReferenceGeography,
    function: Function,
    area: &GssCode,
) -> Result<Responsibility<'a>, ResponsibleError> {
    let authority = geo
        .authority(area)
        .ok_or(ResponsibleError::UnknownArea(*area))?;
    let responsible = if function.held_by(authority.tier) {
        vec![authority]
    } else if authority.tier == Tier::District {
        let county = geo
            .authority(&authority.upper_tier)
            .ok_or(ResponsibleError::MissingUpperTier(*area))?;
        vec![county]
    } else {
        geo.districts_of(&authority.code)
    };
    Ok(Responsibility {
        function,
        area: authority,
        responsible,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> GssCode {
        GssCode::parse(s).unwrap()
    }

    #[test]
    fn identifiers_round_trip_and_unknown_ones_name_the_choices() {
        for f in Function::ALL {
            assert_eq!(Function::parse(f.as_str()).unwrap(), f);
        }
        let err = Function::parse("bins").unwrap_err().to_string();
        assert!(
            err.contains("planning") && err.contains("public_health"),
            "{err}"
        );
    }

    #[test]
    fn a_district_plans_but_its_county_runs_adult_social_care() {
        let geo = ReferenceGeography::england_2024();
        let norwich = code("E07000148");
        let r = responsible(&geo, Function::Planning, &norwich).unwrap();
        assert_eq!(r.responsible.len(), 1);
        assert_eq!(r.responsible[0].code, norwich);
        let r = responsible(&geo, Function::AdultSocialCare, &norwich).unwrap();
        assert_eq!(r.responsible[0].tier, Tier::County);
        assert_eq!(r.responsible[0].name, "Norfolk");
    }

    #[test]
    fn a_county_asked_about_housing_names_each_of_its_districts() {
        let geo = ReferenceGeography::england_2024();
        let r = responsible(&geo, Function::Housing, &code("E10000020")).unwrap();
        assert_eq!(r.responsible.len(), 7);
        assert!(r.responsible.iter().all(|a| a.tier == Tier::District));
    }

    #[test]
    fn a_unitary_council_holds_every_function_itself() {
        let geo = ReferenceGeography::england_2024();
        let unitary = geo
            .authorities()
            .iter()
            .find(|a| a.tier == Tier::Unitary)
            .unwrap();
        for f in Function::ALL {
            let r = responsible(&geo, f, &unitary.code).unwrap();
            assert_eq!(r.responsible, vec![unitary]);
        }
    }

    #[test]
    fn every_function_is_held_by_exactly_one_tier_of_a_two_tier_area() {
        for f in Function::ALL {
            assert!(f.held_by(Tier::County) != f.held_by(Tier::District), "{f}");
        }
        assert_eq!(Function::held_by_tier(Tier::District).len(), 7);
    }
}
