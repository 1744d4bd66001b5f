//! Government Statistical Service (GSS) codes: the ONS's nine-character area identifiers.

use std::fmt;

use serde::Serialize;

use super::{parsed_string_type, ParseIdError};

const KIND: &str = "GSS code";

/// A nine-character GSS code whose entity (the first three characters) is one goldthread knows.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GssCode([u8; 9]);

/// The kind of area a GSS code's entity prefix names.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GssEntity {
    /// E01: lower layer super output area.
    Lsoa,
    /// E02: middle layer super output area.
    Msoa,
    /// E05: electoral ward or division.
    Ward,
    /// E06: unitary authority.
    UnitaryAuthority,
    /// E07: non-metropolitan district.
    NonMetropolitanDistrict,
    /// E08: metropolitan district.
    MetropolitanDistrict,
    /// E09: London borough.
    LondonBorough,
    /// E10: county.
    County,
    /// E11: metropolitan county (no council of its own).
    MetropolitanCounty,
    /// E12: region.
    Region,
    /// E38: sub-ICB location.
    SubIcbLocation,
    /// E40: NHS England region.
    NhsRegion,
    /// E47: combined authority.
    CombinedAuthority,
    /// E54: integrated care board.
    IntegratedCareBoard,
    /// E92: England.
    Country,
}

impl GssEntity {
    fn from_prefix(prefix: &[u8]) -> Option<Self> {
        Some(match prefix {
            b"E01" => Self::Lsoa,
            b"E02" => Self::Msoa,
            b"E05" => Self::Ward,
            b"E06" => Self::UnitaryAuthority,
            b"E07" => Self::NonMetropolitanDistrict,
            b"E08" => Self::MetropolitanDistrict,
            b"E09" => Self::LondonBorough,
            b"E10" => Self::County,
            b"E11" => Self::MetropolitanCounty,
            b"E12" => Self::Region,
            b"E38" => Self::SubIcbLocation,
            b"E40" => Self::NhsRegion,
            b"E47" => Self::CombinedAuthority,
            b"E54" => Self::IntegratedCareBoard,
            b"E92" => Self::Country,
            _ => return None,
        })
    }

    /// Whether areas of this entity are local authorities (any tier).
    pub fn is_local_authority(self) -> bool {
        matches!(
            self,
            Self::UnitaryAuthority
                | Self::NonMetropolitanDistrict
                | Self::MetropolitanDistrict
                | Self::LondonBorough
                | Self::County
        )
    }
}

impl GssCode {
    /// Parses a GSS code such as `E07000148`: a known entity prefix and six digits.
    pub fn parse(input: &str) -> Result<Self, ParseIdError> {
        let s = input.trim().to_ascii_uppercase();
        let b = s.as_bytes();
        if b.len() != 9 {
            return Err(ParseIdError::new(
                KIND,
                format!(
                    "{:?} has {} characters; a GSS code has 9 (e.g. E07000148)",
                    input,
                    s.chars().count()
                ),
            ));
        }
        if !b[1..].iter().all(u8::is_ascii_digit) || !b[0].is_ascii_alphabetic() {
            return Err(ParseIdError::new(
                KIND,
                format!("{input:?} is not a letter followed by eight digits"),
            ));
        }
        if GssEntity::from_prefix(&b[..3]).is_none() {
            return Err(ParseIdError::new(
                KIND,
                format!(
                    "{input:?} has entity prefix {}, which goldthread does not know",
                    &s[..3]
                ),
            ));
        }
        let mut code = [0u8; 9];
        code.copy_from_slice(b);
        Ok(Self(code))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters and digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The kind of area the code's prefix names.
    pub fn entity(&self) -> GssEntity {
        GssEntity::from_prefix(&self.0[..3]).unwrap_or(GssEntity::Country)
    }
}

impl fmt::Display for GssCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for GssCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GssCode({})", self.as_str())
    }
}

parsed_string_type!(GssCode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_known_prefix_is_recognised() {
        let cases = [
            ("E06000010", GssEntity::UnitaryAuthority),
            ("E07000148", GssEntity::NonMetropolitanDistrict),
            ("E08000001", GssEntity::MetropolitanDistrict),
            ("E09000001", GssEntity::LondonBorough),
            ("E10000020", GssEntity::County),
            ("E54000022", GssEntity::IntegratedCareBoard),
            ("E38000255", GssEntity::SubIcbLocation),
            ("E12000006", GssEntity::Region),
            ("E92000001", GssEntity::Country),
            ("e01000001", GssEntity::Lsoa),
        ];
        for (code, entity) in cases {
            let c = GssCode::parse(code).unwrap();
            assert_eq!(c.entity(), entity, "{code}");
            assert_eq!(c.as_str(), code.to_ascii_uppercase());
        }
    }

    #[test]
    fn malformed_and_unknown_codes_are_rejected() {
        for bad in [
            "",
            "NOTACODE",
            "E0700014",
            "E070001488",
            "E07O00148",
            "E99000001",
            "E07-00148",
        ] {
            assert!(GssCode::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        let err = GssCode::parse("E99000001").unwrap_err();
        assert!(err.reason.contains("E99"), "{err}");
    }

    #[test]
    fn local_authority_entities_are_the_five_council_tiers() {
        let la = |c: &str| GssCode::parse(c).unwrap().entity().is_local_authority();
        assert!(la("E07000148") && la("E10000020") && la("E06000010"));
        assert!(!la("E54000022") && !la("E12000006") && !la("E11000001"));
    }
}
