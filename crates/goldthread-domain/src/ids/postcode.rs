//! UK postcodes, normalised to the Royal Mail's `OUTWARD INWARD` form.

use std::fmt;

use super::{parsed_string_type, ParseIdError};

const KIND: &str = "postcode";

/// A UK postcode in normalised form (`NR1 3SR`): upper case, one space before the inward code.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Postcode {
    text: String,
    split: usize,
}

/// The shapes a UK outward code can take: A = letter, 9 = digit.
const OUTWARD_SHAPES: [&str; 6] = ["A9", "A99", "AA9", "AA99", "A9A", "AA9A"];

fn shape(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { 'A' })
        .collect()
}

impl Postcode {
    /// Parses a postcode written in any case, with or without the space (`nr13sr`, `NR1 3SR`).
    pub fn parse(input: &str) -> Result<Self, ParseIdError> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if let Some(c) = compact.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(ParseIdError::new(
                KIND,
                format!("{input:?} contains {c:?}; postcodes are letters and digits"),
            ));
        }
        if compact == "GIR0AA" {
            return Ok(Self {
                text: "GIR 0AA".into(),
                split: 3,
            });
        }
        if !(5..=7).contains(&compact.len()) {
            return Err(ParseIdError::new(
                KIND,
                format!("{input:?} is not 5 to 7 letters and digits (e.g. NR1 3SR)"),
            ));
        }
        let (outward, inward) = compact.split_at(compact.len() - 3);
        if shape(inward) != "9AA" {
            return Err(ParseIdError::new(
                KIND,
                format!("inward code {inward:?} must be a digit and two letters (e.g. 3SR)"),
            ));
        }
        if inward[1..].chars().any(|c| "CIKMOV".contains(c)) {
            return Err(ParseIdError::new(
                KIND,
                format!(
                    "inward code {inward:?} uses a letter (C, I, K, M, O or V) never used there"
                ),
            ));
        }
        if !OUTWARD_SHAPES.contains(&shape(outward).as_str()) {
            return Err(ParseIdError::new(
                KIND,
                format!("outward code {outward:?} is not a UK postcode area and district (e.g. NR1, SW1A)"),
            ));
        }
        if outward.starts_with(['Q', 'V', 'X']) {
            return Err(ParseIdError::new(
                KIND,
                format!("outward code {outward:?} starts with a letter no postcode area uses"),
            ));
        }
        Ok(Self {
            text: format!("{outward} {inward}"),
            split: outward.len(),
        })
    }

    /// The outward code (area and district), e.g. `NR1`.
    pub fn outward(&self) -> &str {
        &self.text[..self.split]
    }

    /// The inward code (sector digit and unit), e.g. `3SR`.
    pub fn inward(&self) -> &str {
        &self.text[self.split + 1..]
    }

    /// The postcode area: the leading letters, e.g. `NR`.
    pub fn area(&self) -> &str {
        let outward = self.outward();
        let n = outward
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(outward.len());
        &outward[..n]
    }

    /// The postcode sector: outward code and the inward digit, e.g. `NR1 3`.
    pub fn sector(&self) -> &str {
        &self.text[..self.split + 2]
    }

    /// The postcode as text, e.g. `NR1 3SR`.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

parsed_string_type!(Postcode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outward_shape_normalises() {
        let cases = [
            ("nr13sr", "NR1 3SR", "NR1", "NR", "NR1 3"),
            ("M1 1AE", "M1 1AE", "M1", "M", "M1 1"),
            ("b338th", "B33 8TH", "B33", "B", "B33 8"),
            ("CR2 6XH", "CR2 6XH", "CR2", "CR", "CR2 6"),
            ("DN55 1PT", "DN55 1PT", "DN55", "DN", "DN55 1"),
            ("W1A 1HQ", "W1A 1HQ", "W1A", "W", "W1A 1"),
            (" ec1a  1bb ", "EC1A 1BB", "EC1A", "EC", "EC1A 1"),
        ];
        for (input, text, outward, area, sector) in cases {
            let p = Postcode::parse(input).unwrap();
            assert_eq!(p.as_str(), text);
            assert_eq!(p.outward(), outward);
            assert_eq!(p.inward(), &text[text.len() - 3..]);
            assert_eq!(p.area(), area);
            assert_eq!(p.sector(), sector);
        }
    }

    #[test]
    fn malformed_postcodes_are_rejected_with_a_reason() {
        for bad in [
            "", "NR1", "NR1 3S", "NR1 33R", "1NR 3SR", "NR1 3CI", "NR1-3SR", "QR1 3SR", "NRRR 3SR",
        ] {
            assert!(Postcode::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn girobank_is_the_one_irregular_postcode() {
        assert_eq!(Postcode::parse("gir0aa").unwrap().as_str(), "GIR 0AA");
    }
}
