//! Organisations that make up an integrated care system.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::geography::Tier;
use crate::ids::ParseIdError;

/// The kinds of organisation in an ICS.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    /// An integrated care board.
    IntegratedCareBoard,
    /// An NHS trust or foundation trust.
    NhsTrust,
    /// A primary care network.
    PrimaryCareNetwork,
    /// A GP practice.
    GpPractice,
    /// A county council.
    CountyCouncil,
    /// A non-metropolitan district council.
    DistrictCouncil,
    /// A unitary authority.
    UnitaryCouncil,
    /// A metropolitan borough council.
    MetropolitanCouncil,
    /// A London borough council.
    LondonBoroughCouncil,
    /// A public health team.
    PublicHealth,
    /// A voluntary, community or social enterprise body.
    Vcse,
    /// A police force.
    Police,
    /// A fire and rescue service.
    Fire,
}

impl OrganisationKind {
    /// Every kind.
    pub const ALL: [OrganisationKind; 13] = [
        Self::IntegratedCareBoard,
        Self::NhsTrust,
        Self::PrimaryCareNetwork,
        Self::GpPractice,
        Self::CountyCouncil,
        Self::DistrictCouncil,
        Self::UnitaryCouncil,
        Self::MetropolitanCouncil,
        Self::LondonBoroughCouncil,
        Self::PublicHealth,
        Self::Vcse,
        Self::Police,
        Self::Fire,
    ];

    /// The snake-case name used in the API, CSV files and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::IntegratedCareBoard => "integrated_care_board",
            Self::NhsTrust => "nhs_trust",
            Self::PrimaryCareNetwork => "primary_care_network",
            Self::GpPractice => "gp_practice",
            Self::CountyCouncil => "county_council",
            Self::DistrictCouncil => "district_council",
            Self::UnitaryCouncil => "unitary_council",
            Self::MetropolitanCouncil => "metropolitan_council",
            Self::LondonBoroughCouncil => "london_borough_council",
            Self::PublicHealth => "public_health",
            Self::Vcse => "vcse",
            Self::Police => "police",
            Self::Fire => "fire",
        }
    }

    /// Parses the snake-case name.
    pub fn parse(s: &str) -> Result<Self, ParseIdError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                ParseIdError::new("organisation kind", format!("{s:?} is not a known kind"))
            })
    }

    /// The council kind for an authority of a given tier.
    pub fn council(tier: Tier) -> Self {
        match tier {
            Tier::County => Self::CountyCouncil,
            Tier::District => Self::DistrictCouncil,
            Tier::Unitary => Self::UnitaryCouncil,
            Tier::Metropolitan => Self::MetropolitanCouncil,
            Tier::LondonBorough => Self::LondonBoroughCouncil,
        }
    }

    /// Whether organisations of this kind are councils, identified by a GSS code.
    pub fn is_council(self) -> bool {
        matches!(
            self,
            Self::CountyCouncil
                | Self::DistrictCouncil
                | Self::UnitaryCouncil
                | Self::MetropolitanCouncil
                | Self::LondonBoroughCouncil
        )
    }
}

impl fmt::Display for OrganisationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_names() {
        for k in OrganisationKind::ALL {
            assert_eq!(OrganisationKind::parse(k.as_str()).unwrap(), k);
        }
        assert!(OrganisationKind::parse("council").is_err());
    }

    #[test]
    fn each_tier_has_its_council_kind() {
        for t in Tier::ALL {
            assert!(OrganisationKind::council(t).is_council());
        }
    }
}
