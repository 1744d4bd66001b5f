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

/// An organisation's identifier in goldthread (a UUID, as Open Referral UK uses).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrganisationId(uuid::Uuid);

impl OrganisationId {
    /// A fresh random identifier.
    pub fn new_random() -> Self {
        Self(uuid::Uuid::new_v4())
    }

    /// The stable identifier of an organisation known by an official code (GSS or ODS), so that
    /// the same council gets the same identifier in every goldthread instance.
    pub fn for_code(code: &str) -> Self {
        const NAMESPACE: uuid::Uuid =
            uuid::Uuid::from_u128(0x6f1d_5c2a_9b0e_4a57_8c33_2d1e_0f4b_7a19);
        Self(uuid::Uuid::new_v5(&NAMESPACE, code.as_bytes()))
    }

    /// Parses a UUID.
    pub fn parse(s: &str) -> Result<Self, ParseIdError> {
        uuid::Uuid::parse_str(s.trim())
            .map(Self)
            .map_err(|e| ParseIdError::new("organisation id", format!("{s:?} is not a UUID: {e}")))
    }
}

impl fmt::Display for OrganisationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An organisation taking part in an integrated care system.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Organisation {
    /// goldthread's identifier.
    pub id: OrganisationId,
    /// Its name, e.g. "Norwich City Council".
    pub name: String,
    /// What kind of organisation it is.
    pub kind: OrganisationKind,
    /// Its ODS code, for NHS bodies (and councils that have one).
    pub ods_code: Option<crate::OdsCode>,
    /// Its GSS code, for councils.
    pub gss_code: Option<crate::GssCode>,
}

/// An integrated care system, identified by its ICB's GSS code.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct IntegratedCareSystem {
    /// The ICB's GSS code.
    pub icb: crate::GssCode,
    /// The system's usual name, e.g. "Norfolk and Waveney".
    pub name: String,
    /// The organisations taking part.
    pub members: Vec<OrganisationId>,
}
