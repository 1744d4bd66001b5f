//! The NHS number: ten digits, the last a modulus 11 check digit.

use std::fmt;

use super::{parsed_string_type, ParseIdError};

const KIND: &str = "NHS number";

/// A valid NHS number.
///
/// `Debug` shows only the last four digits so that a stray `{:?}` in a log line does not leak a
/// patient identifier; `Display` shows the number in the usual 3-3-4 grouping.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NhsNumber([u8; 10]);

impl NhsNumber {
    /// Parses an NHS number, accepting the usual spaces or hyphens between groups.
    ///
    /// The check digit is computed by modulus 11 over the first nine digits with weights 10..2;
    /// a remainder that gives a check value of 10 means the number was never issued.
    pub fn parse(input: &str) -> Result<Self, ParseIdError> {
        let mut digits = [0u8; 10];
        let mut n = 0;
        for c in input.trim().chars() {
            match c {
                '0'..='9' => {
                    if n == 10 {
                        return Err(ParseIdError::new(KIND, "has more than 10 digits"));
                    }
                    digits[n] = c as u8 - b'0';
                    n += 1;
                }
                ' ' | '-' => {}
                other => {
                    return Err(ParseIdError::new(
                        KIND,
                        format!("contains {other:?}; only digits, spaces and hyphens are allowed"),
                    ))
                }
            }
        }
        if n != 10 {
            return Err(ParseIdError::new(
                KIND,
                format!("has {n} digits; an NHS number has 10"),
            ));
        }
        match check_digit(&digits[..9]) {
            None => Err(ParseIdError::new(
                KIND,
                "its first nine digits give a check value of 10, so it was never issued",
            )),
            Some(check) if check != digits[9] => Err(ParseIdError::new(
                KIND,
                format!(
                    "check digit is {} but the first nine digits require {check}",
                    digits[9]
                ),
            )),
            Some(_) => Ok(Self(digits)),
        }
    }

    /// The ten digits without separators, e.g. `9434765919`.
    pub fn digits(&self) -> String {
        self.0.iter().map(|d| char::from(b'0' + d)).collect()
    }
}

/// Modulus 11 check digit for nine digits, or `None` when the check value would be 10.
fn check_digit(nine: &[u8]) -> Option<u8> {
    let sum: u32 = nine
        .iter()
        .zip((2..=10).rev())
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        check => Some(check as u8),
    }
}

impl fmt::Display for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.digits();
        write!(f, "{} {} {}", &d[..3], &d[3..6], &d[6..])
    }
}

impl fmt::Debug for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.digits();
        write!(f, "NhsNumber(******{})", &d[6..])
    }
}

parsed_string_type!(NhsNumber);

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a number with a correct check digit from nine digits, independently of `parse`,
    /// by trying each possible last digit against the definition.
    fn with_valid_check(nine: &str) -> Option<String> {
        let sum: u32 = nine
            .bytes()
            .enumerate()
            .map(|(i, b)| u32::from(b - b'0') * (10 - i as u32))
            .sum();
        (0..=9u32)
            .find(|c| (sum + c).is_multiple_of(11))
            .map(|c| format!("{nine}{c}"))
    }

    #[test]
    fn a_published_example_number_parses() {
        // 943 476 5919 is the NHS's own documented example of a valid number.
        let n = NhsNumber::parse("943 476 5919").unwrap();
        assert_eq!(n.digits(), "9434765919");
        assert_eq!(n.to_string(), "943 476 5919");
        assert_eq!(NhsNumber::parse("943-476-5919").unwrap(), n);
    }

    #[test]
    fn every_nine_digit_prefix_agrees_with_the_definition() {
        for prefix in (100_000_000u32..100_000_000 + 5_000).map(|p| p.to_string()) {
            match with_valid_check(&prefix) {
                Some(full) => {
                    assert!(NhsNumber::parse(&full).is_ok(), "{full} should be valid");
                    let wrong = format!("{}{}", prefix, (full.as_bytes()[9] - b'0' + 1) % 10);
                    assert!(
                        NhsNumber::parse(&wrong).is_err(),
                        "{wrong} should be invalid"
                    );
                }
                None => {
                    for c in 0..=9 {
                        let s = format!("{prefix}{c}");
                        assert!(NhsNumber::parse(&s).is_err(), "{s}: check value 10");
                    }
                }
            }
        }
    }

    #[test]
    fn a_wrong_check_digit_is_rejected_with_the_right_digit_named() {
        let err = NhsNumber::parse("9434765918").unwrap_err();
        assert!(err.reason.contains("require 9"), "{err}");
    }

    #[test]
    fn a_check_value_of_ten_is_invalid() {
        // 1000000010: weights give sum 1*10 + 1*2 = 12, 12 % 11 = 1, check value 10.
        let err = NhsNumber::parse("1000000010").unwrap_err();
        assert!(err.reason.contains("never issued"), "{err}");
    }

    #[test]
    fn wrong_lengths_and_characters_are_rejected() {
        assert!(NhsNumber::parse("943476591").is_err());
        assert!(NhsNumber::parse("94347659190").is_err());
        assert!(NhsNumber::parse("943476591X").is_err());
        assert!(NhsNumber::parse("").is_err());
    }

    #[test]
    fn debug_does_not_show_the_whole_number() {
        let n = NhsNumber::parse("9434765919").unwrap();
        assert_eq!(format!("{n:?}"), "NhsNumber(******5919)");
    }

    #[test]
    fn serde_goes_through_the_parser() {
        let n: NhsNumber = serde_json::from_str("\"9434765919\"").unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"943 476 5919\"");
        assert!(serde_json::from_str::<NhsNumber>("\"9434765918\"").is_err());
    }
}
