//! The national data opt-out and the GP type-1 opt-out, applied per purpose.
//!
//! Opt-outs bite on secondary use (planning, evaluation, research) of health and adult social
//! care data, never on direct care, and not where an exemption applies.

use serde::{Deserialize, Serialize};

use super::purpose::{parse_one, Purpose};
use crate::ParseIdError;

/// Which opt-out a person registered.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptOutKind {
    /// The national data opt-out (NHS England).
    National,
    /// A type-1 opt-out registered with the GP practice.
    GpType1,
}

impl OptOutKind {
    const ALL: [OptOutKind; 2] = [OptOutKind::National, OptOutKind::GpType1];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            OptOutKind::National => "national",
            OptOutKind::GpType1 => "gp_type1",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Result<Self, ParseIdError> {
        parse_one("opt-out kind", s, &Self::ALL, Self::as_str)
    }
}

/// Grounds on which the opt-out does not apply to a secondary use.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exemption {
    /// The person consented to this use.
    Consent,
    /// The law requires the disclosure.
    LegalRequirement,
    /// An overriding public interest (e.g. a Chief Medical Officer's direction).
    OverridingPublicInterest,
    /// The data is anonymised to the ICO's standard.
    AnonymisedToIcoStandard,
}

impl Exemption {
    const ALL: [Exemption; 4] = [
        Exemption::Consent,
        Exemption::LegalRequirement,
        Exemption::OverridingPublicInterest,
        Exemption::AnonymisedToIcoStandard,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Exemption::Consent => "consent",
            Exemption::LegalRequirement => "legal_requirement",
            Exemption::OverridingPublicInterest => "overriding_public_interest",
            Exemption::AnonymisedToIcoStandard => "anonymised",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Result<Self, ParseIdError> {
        parse_one("opt-out exemption", s, &Self::ALL, Self::as_str)
    }
}

/// Whether opted-out people must be removed from a read: a secondary use of health or adult
/// social care data with no exemption.
pub fn opt_outs_apply(
    purpose: Purpose,
    health_or_care_data: bool,
    exemption: Option<Exemption>,
) -> bool {
    purpose.is_secondary_use() && health_or_care_data && exemption.is_none()
}
