//! Money in integer pence: budgets, payments and grants never touch floating point.

use std::fmt;
use std::iter::Sum;

use serde::{Deserialize, Serialize};

use super::ParseIdError;

const KIND: &str = "amount of money";

/// An amount of money in pence (negative for credits and refunds).
///
/// Serialises as an integer number of pence so that JSON and the store keep it exact.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(i64);

impl Money {
    /// Zero pounds.
    pub const ZERO: Money = Money(0);

    /// An amount from a whole number of pence.
    pub const fn from_pence(pence: i64) -> Self {
        Self(pence)
    }

    /// An amount from whole pounds.
    pub const fn from_pounds(pounds: i64) -> Self {
        Self(pounds * 100)
    }

    /// The amount in pence.
    pub const fn pence(self) -> i64 {
        self.0
    }

    /// Parses `£1,234.56`, `1234.5`, `-12`, `£0.07`: at most two decimal places, commas allowed
    /// between thousands.
    pub fn parse(input: &str) -> Result<Self, ParseIdError> {
        let s = input.trim();
        let (negative, s) = match s.strip_prefix('-') {
            Some(rest) => (true, rest.trim_start()),
            None => (false, s),
        };
        let s = s.strip_prefix('£').unwrap_or(s);
        let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
        if whole.is_empty() && frac.is_empty() {
            return Err(ParseIdError::new(KIND, format!("{input:?} has no digits")));
        }
        if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseIdError::new(
                KIND,
                format!("{input:?}: pence must be at most two digits after the point"),
            ));
        }
        let whole_digits: String = whole.chars().filter(|&c| c != ',').collect();
        if !whole_digits.bytes().all(|b| b.is_ascii_digit()) || whole.starts_with(',') {
            return Err(ParseIdError::new(
                KIND,
                format!("{input:?} is not an amount like £1,234.56"),
            ));
        }
        let overflow = || ParseIdError::new(KIND, format!("{input:?} is too large"));
        let pounds: i128 = if whole_digits.is_empty() {
            0
        } else {
            whole_digits.parse().map_err(|_| overflow())?
        };
        let pence: i128 = format!("{frac:0<2}").parse().unwrap_or(0);
        let total = pounds
            .checked_mul(100)
            .and_then(|p| p.checked_add(pence))
            .ok_or_else(overflow)?;
        // Via i128 so that the most negative amount, whose magnitude has no positive i64, parses.
        let signed = if negative { -total } else { total };
        i64::try_from(signed).map(Self).map_err(|_| overflow())
    }

    /// Adds two amounts, or `None` on overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// Subtracts an amount, or `None` on overflow.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    /// Whether the amount is below zero.
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }
}

impl std::ops::Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

/// A whole number with commas between thousands, as people write it: `1,038,362`.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

impl fmt::Display for Money {
    /// Formats as `£1,234.56` (or `-£12.00`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}£{}.{:02}", group_thousands(abs / 100), abs % 100)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({self})")
    }
}

impl std::str::FromStr for Money {
    type Err = ParseIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_to_exact_pence() {
        let cases = [
            ("£1,234.56", 123_456),
            ("1234.5", 123_450),
            ("-12", -1_200),
            ("£0.07", 7),
            (".5", 50),
            ("8,500,000", 850_000_000),
            ("- £3.10", -310),
        ];
        for (input, pence) in cases {
            assert_eq!(Money::parse(input).unwrap().pence(), pence, "{input}");
        }
    }

    #[test]
    fn malformed_amounts_are_rejected() {
        for bad in [
            "",
            "£",
            "1.234",
            "12.3.4",
            "abc",
            "£1,2x4",
            ",100",
            "99999999999999999999",
        ] {
            assert!(Money::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn display_round_trips_through_parse() {
        for pence in [
            0,
            7,
            99,
            100,
            123_456,
            -1_200,
            850_000_000,
            1_000_000_000_001,
        ] {
            let m = Money::from_pence(pence);
            assert_eq!(Money::parse(&m.to_string()).unwrap(), m, "{m}");
        }
        assert_eq!(Money::from_pence(123_456_789).to_string(), "£1,234,567.89");
        assert_eq!(Money::from_pence(-5).to_string(), "-£0.05");
    }

    #[test]
    fn arithmetic_is_checked() {
        let max = Money::from_pence(i64::MAX);
        assert_eq!(max.checked_add(Money::from_pence(1)), None);
        assert_eq!(
            Money::from_pounds(80_000).checked_sub(Money::from_pence(4_999)),
            Some(Money::from_pence(7_995_001))
        );
        let total: Money = [Money::from_pounds(1), Money::from_pence(50)]
            .into_iter()
            .sum();
        assert_eq!(total.pence(), 150);
    }
}
