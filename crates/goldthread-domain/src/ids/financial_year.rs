//! UK financial years, April to March, written `2022/23`.

use std::fmt;

use super::{parsed_string_type, ParseIdError};

const KIND: &str = "financial year";

/// A UK public-sector financial year, 1 April to 31 March, identified by the year it starts.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct FinancialYear(u16);

impl FinancialYear {
    /// Parses `2022/23` (also `2022-23` and `2022/2023`); the second year must follow the first.
    pub fn parse(input: &str) -> Result<Self, ParseIdError> {
        let s = input.trim();
        let (start, end) = s.split_once(['/', '-']).ok_or_else(|| {
            ParseIdError::new(KIND, format!("{input:?} is not written like 2022/23"))
        })?;
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if start.len() != 4 || !digits(start) || !(end.len() == 2 || end.len() == 4) || !digits(end)
        {
            return Err(ParseIdError::new(
                KIND,
                format!("{input:?} is not written like 2022/23"),
            ));
        }
        let start: u16 = start
            .parse()
            .map_err(|_| ParseIdError::new(KIND, "bad year"))?;
        let end: u16 = end
            .parse()
            .map_err(|_| ParseIdError::new(KIND, "bad year"))?;
        if !(1900..=2999).contains(&start) {
            return Err(ParseIdError::new(KIND, format!("{start} is out of range")));
        }
        let expected = if s.len() > 7 {
            start + 1
        } else {
            (start + 1) % 100
        };
        if end != expected {
            return Err(ParseIdError::new(
                KIND,
                format!(
                    "{input:?}: a year starting in April {start} ends in March {}",
                    start + 1
                ),
            ));
        }
        Ok(Self(start))
    }

    /// The financial year that starts in April of `year`.
    pub fn starting(year: u16) -> Self {
        Self(year)
    }

    /// The calendar year in which it starts.
    pub fn start_year(self) -> u16 {
        self.0
    }

    /// The following financial year.
    pub fn next(self) -> Self {
        Self(self.0 + 1)
    }

    /// The financial year containing a calendar date (month 1 to 12).
    pub fn containing(year: u16, month: u8) -> Self {
        if month >= 4 {
            Self(year)
        } else {
            Self(year - 1)
        }
    }
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:02}", self.0, (self.0 + 1) % 100)
    }
}

parsed_string_type!(FinancialYear);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_forms_parse_to_the_starting_year() {
        for (input, start) in [
            ("2022/23", 2022),
            ("2022-23", 2022),
            ("2022/2023", 2022),
            ("1999/00", 1999),
        ] {
            let fy = FinancialYear::parse(input).unwrap();
            assert_eq!(fy.start_year(), start, "{input}");
        }
        assert_eq!(
            FinancialYear::parse("1999/00").unwrap().to_string(),
            "1999/00"
        );
        assert_eq!(
            FinancialYear::parse("2022-2023").unwrap().to_string(),
            "2022/23"
        );
    }

    #[test]
    fn years_that_do_not_follow_are_rejected() {
        for bad in [
            "2022/24",
            "2022",
            "22/23",
            "2022/2024",
            "abcd/ef",
            "2022/2",
            "",
        ] {
            assert!(
                FinancialYear::parse(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn dates_fall_in_the_year_from_april() {
        assert_eq!(FinancialYear::containing(2023, 3).to_string(), "2022/23");
        assert_eq!(FinancialYear::containing(2023, 4).to_string(), "2023/24");
        assert_eq!(FinancialYear::starting(2022).next().to_string(), "2023/24");
    }
}
