//! Boards and partnerships, their seats, joint roles, and the representation report that says
//! who has a voice where.
//!
//! An ICS has an integrated care board (ICB), an integrated care partnership (ICP), health and
//! wellbeing boards (HWBs), place partnerships and local health and wellbeing partnerships on
//! district footprints. Each seat is held by a person for an organisation in a role.

mod representation;

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{GssCode, ParseIdError};
use crate::organisation::OrganisationId;

pub use representation::{BoardComposition, DistrictRef, RepresentationReport, SeatCount};

/// A board's identifier (a UUID).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BoardId(uuid::Uuid);

impl BoardId {
    /// The stable identifier of a board known by a short key within its ICS, e.g.
    /// `E54000022/icp`, so the demo and imports give the same board the same id.
    pub fn for_key(key: &str) -> Self {
        const NAMESPACE: uuid::Uuid =
            uuid::Uuid::from_u128(0x2b7e_1516_28ae_4d2a_a6ab_f715_8809_cf4f);
        Self(uuid::Uuid::new_v5(&NAMESPACE, key.as_bytes()))
    }

    /// Parses a UUID.
    pub fn parse(s: &str) -> Result<Self, ParseIdError> {
        uuid::Uuid::parse_str(s.trim())
            .map(Self)
            .map_err(|e| ParseIdError::new("board id", format!("{s:?} is not a UUID: {e}")))
    }
}

impl fmt::Display for BoardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

macro_rules! snake_enum {
    ($(#[$m:meta])* $name:ident, $what:literal { $($(#[$vm:meta])* $v:ident => $s:literal, $label:literal;)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v,)* }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$v,)*];

            /// The snake-case identifier used in the API, CSV files and the store.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s,)* }
            }

            /// A label for people.
            pub fn label(self) -> &'static str {
                match self { $($name::$v => $label,)* }
            }

            /// Parses the snake-case identifier.
            pub fn parse(s: &str) -> Result<Self, ParseIdError> {
                Self::ALL.iter().copied().find(|k| k.as_str() == s.trim()).ok_or_else(|| {
                    let known: Vec<&str> = Self::ALL.iter().map(|k| k.as_str()).collect();
                    ParseIdError::new($what, format!("{s:?} is not one of {}", known.join(", ")))
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

snake_enum!(
    /// The kinds of board and partnership in an ICS.
    BoardKind, "board kind" {
        /// The integrated care board: the statutory NHS body's board.
        IntegratedCareBoard => "integrated_care_board", "Integrated care board";
        /// The integrated care partnership: the NHS and councils' joint committee.
        IntegratedCarePartnership => "integrated_care_partnership", "Integrated care partnership";
        /// A health and wellbeing board of an upper-tier council.
        HealthAndWellbeingBoard => "health_and_wellbeing_board", "Health and wellbeing board";
        /// A place partnership (place-based board).
        PlacePartnership => "place_partnership", "Place partnership";
        /// A local delivery or health and wellbeing partnership on a district footprint.
        LocalPartnership => "local_partnership", "Local health and wellbeing partnership";
    }
);

snake_enum!(
    /// The role in which a person holds a seat.
    SeatRole, "seat role" {
        /// An elected councillor.
        ElectedCouncillor => "elected_councillor", "Elected councillor";
        /// A council officer.
        CouncilOfficer => "council_officer", "Council officer";
        /// An NHS executive.
        NhsExecutive => "nhs_executive", "NHS executive";
        /// A non-executive member.
        NonExecutive => "non_executive", "Non-executive";
        /// A voluntary, community or social enterprise representative.
        Vcse => "vcse", "VCSE";
        /// Any other role.
        Other => "other", "Other";
    }
);

/// A board or partnership.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Board {
    /// Its identifier.
    pub id: BoardId,
    /// The ICS it belongs to, by ICB GSS code.
    pub icb: GssCode,
    /// What kind of board it is.
    pub kind: BoardKind,
    /// Its name, e.g. "Norwich Health and Wellbeing Partnership".
    pub name: String,
    /// The councils' areas it covers (a district for a local partnership; empty for the whole ICS).
    pub footprint: Vec<GssCode>,
    /// The organisation that hosts it, if any.
    pub host: Option<OrganisationId>,
}

/// One seat on a board.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Seat {
    /// The board.
    pub board: BoardId,
    /// The person holding it (a name, or a post title where the person is not published).
    pub person: String,
    /// The organisation they sit for.
    pub organisation: OrganisationId,
    /// The role they sit in.
    pub role: SeatRole,
    /// Whether the seat votes.
    pub voting: bool,
    /// Since when they have held it.
    pub since: Option<NaiveDate>,
}

/// A person employed across organisations, with the split of their time.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct JointRole {
    /// The person.
    pub person: String,
    /// Their post, e.g. "Director of Public Health and ICB Director of Population Health".
    pub title: String,
    /// Each organisation and its share of their time, in percent, adding up to 100.
    pub split: Vec<(OrganisationId, u8)>,
}

/// Why a joint role is not valid.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum JointRoleError {
    /// Fewer than two organisations: not a joint role.
    #[error("a joint role spans at least two organisations; {0} has {1}")]
    TooFewOrganisations(String, usize),
    /// The shares do not add up to 100%.
    #[error("the time split of {0} adds up to {1}%, not 100%")]
    SplitNot100(String, u32),
}

impl JointRole {
    /// Builds a joint role, checking it spans two or more organisations and the split is 100%.
    pub fn new(
        person: &str,
        title: &str,
        split: Vec<(OrganisationId, u8)>,
    ) -> Result<Self, JointRoleError> {
        if split.len() < 2 {
            return Err(JointRoleError::TooFewOrganisations(
                person.into(),
                split.len(),
            ));
        }
        let total: u32 = split.iter().map(|(_, p)| u32::from(*p)).sum();
        if total != 100 {
            return Err(JointRoleError::SplitNot100(person.into(), total));
        }
        Ok(Self {
            person: person.into(),
            title: title.into(),
            split,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_joint_role_must_split_time_to_100_percent() {
        let (a, b) = (OrganisationId::for_code("A"), OrganisationId::for_code("B"));
        assert!(JointRole::new("Sam", "Director", vec![(a, 50), (b, 50)]).is_ok());
        let err = JointRole::new("Sam", "Director", vec![(a, 60), (b, 50)]).unwrap_err();
        assert_eq!(err, JointRoleError::SplitNot100("Sam".into(), 110));
        assert!(JointRole::new("Sam", "Director", vec![(a, 100)]).is_err());
    }

    #[test]
    fn kinds_and_roles_round_trip() {
        for k in BoardKind::ALL {
            assert_eq!(BoardKind::parse(k.as_str()).unwrap(), *k);
        }
        for r in SeatRole::ALL {
            assert_eq!(SeatRole::parse(r.as_str()).unwrap(), *r);
        }
        assert!(SeatRole::parse("mayor").is_err());
    }
}
