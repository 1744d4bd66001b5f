//! Organisation Data Service (ODS) codes: the NHS's identifiers for organisations and sites.

use std::fmt;

use serde::Serialize;

use super::{parsed_string_type, ParseIdError};

const KIND: &str = "ODS code";

/// A well-formed ODS code, stored upper-case: `QMM` (an ICB), `RGN` (a trust), `D82001`
/// (a GP practice), `U12345` (a primary care network), `26A` (a sub-ICB location).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct OdsCode(String);

/// What an ODS code's shape says it identifies. ODS formats overlap, so this is a reading of the
/// code's pattern, not an authoritative lookup.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OdsKind {
    /// `Q` and two characters: an integrated care board or NHS England region.
    IntegratedCareBoard,
    /// `R` or `T` and two characters: an NHS trust.
    NhsTrust,
    /// `R`/`T` and two characters then a site suffix: a trust site.
    NhsTrustSite,
    /// Two digits and a letter: a sub-ICB location (formerly a CCG).
    SubIcbLocation,
    /// `U` and five digits: a primary care network.
    PrimaryCareNetwork,
    /// A letter and five digits: a GP practice.
    GpPractice,
    /// Any other well-formed code (local authorities, independent providers, ...).
    Other,
}

impl OdsCode {
    /// Parses an ODS code: 3 to 10 letters and digits, case-insensitive, surrounding space ignored.
    pub fn parse(input: &str) -> Result<Self, ParseIdError> {
        let s = input.trim().to_ascii_uppercase();
        if !(3..=10).contains(&s.len()) {
            return Err(ParseIdError::new(
                KIND,
                format!(
                    "{input:?} has {} characters; ODS codes have 3 to 10",
                    s.len()
                ),
            ));
        }
        if let Some(c) = s.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(ParseIdError::new(
                KIND,
                format!("{input:?} contains {c:?}; ODS codes are letters and digits only"),
            ));
        }
        Ok(Self(s))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the code's shape says it identifies.
    pub fn kind(&self) -> OdsKind {
        let b = self.0.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        match (b.len(), b[0]) {
            (3, b'Q') => OdsKind::IntegratedCareBoard,
            (3, b'R' | b'T') => OdsKind::NhsTrust,
            (5, b'R' | b'T') => OdsKind::NhsTrustSite,
            (3, _) if digits(0..2) && b[2].is_ascii_alphabetic() => OdsKind::SubIcbLocation,
            (6, b'U') if digits(1..6) => OdsKind::PrimaryCareNetwork,
            (6, c) if c.is_ascii_alphabetic() && digits(1..6) => OdsKind::GpPractice,
            _ => OdsKind::Other,
        }
    }
}

impl fmt::Display for OdsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

parsed_string_type!(OdsCode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_codes_parse_and_are_classified() {
        let cases = [
            ("QMM", OdsKind::IntegratedCareBoard),
            ("rgn", OdsKind::NhsTrust),
            ("RM102", OdsKind::NhsTrustSite),
            ("26A", OdsKind::SubIcbLocation),
            ("U12345", OdsKind::PrimaryCareNetwork),
            ("D82001", OdsKind::GpPractice),
            ("A81002", OdsKind::GpPractice),
            ("NQA", OdsKind::Other),
        ];
        for (code, kind) in cases {
            let c = OdsCode::parse(code).unwrap();
            assert_eq!(c.as_str(), code.to_ascii_uppercase());
            assert_eq!(c.kind(), kind, "{code}");
        }
    }

    #[test]
    fn malformed_codes_are_rejected() {
        for bad in ["", "Q1", "QM-M", "D82 001", "ABCDEFGHIJK", "Ä81002"] {
            assert!(OdsCode::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
