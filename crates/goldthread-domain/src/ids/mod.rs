//! Typed identifiers: each is parsed once at the edge and passed around as its type.

mod financial_year;
mod gss_code;
mod money;
mod nhs_number;
mod ods_code;
mod postcode;

pub use financial_year::FinancialYear;
pub use gss_code::{GssCode, GssEntity};
pub use money::{group_thousands, Money};
pub use nhs_number::NhsNumber;
pub use ods_code::{OdsCode, OdsKind};
pub use postcode::Postcode;

/// Why a string is not a valid identifier of some kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {reason}")]
pub struct ParseIdError {
    /// What was being parsed, e.g. "NHS number".
    pub kind: &'static str,
    /// What was wrong with it, in words a user can act on.
    pub reason: String,
}

impl ParseIdError {
    pub(crate) fn new(kind: &'static str, reason: impl Into<String>) -> Self {
        Self {
            kind,
            reason: reason.into(),
        }
    }
}

/// Implements `FromStr`, `TryFrom<String>`, `Into<String>` and serde for a type with a
/// `parse(&str) -> Result<Self, ParseIdError>` constructor and a `Display` impl, so it
/// deserialises only through its parser.
macro_rules! parsed_string_type {
    ($ty:ty) => {
        impl std::str::FromStr for $ty {
            type Err = $crate::ids::ParseIdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$ty>::parse(s)
            }
        }
        impl TryFrom<String> for $ty {
            type Error = $crate::ids::ParseIdError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                <$ty>::parse(&s)
            }
        }
        impl From<$ty> for String {
            fn from(v: $ty) -> String {
                v.to_string()
            }
        }
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                <$ty>::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use parsed_string_type;
