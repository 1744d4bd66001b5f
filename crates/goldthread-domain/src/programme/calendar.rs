//! Working days in England: Monday to Friday, less the bank holidays.

use chrono::{Datelike, NaiveDate, Weekday};

/// England and Wales bank holidays, 2022 to 2027, as published by the government.
const BANK_HOLIDAYS: &[(i32, u32, u32)] = &[
    (2022, 1, 3),
    (2022, 4, 15),
    (2022, 4, 18),
    (2022, 5, 2),
    (2022, 6, 2),
    (2022, 6, 3),
    (2022, 8, 29),
    (2022, 9, 19),
    (2022, 12, 26),
    (2022, 12, 27),
    (2023, 1, 2),
    (2023, 4, 7),
    (2023, 4, 10),
    (2023, 5, 1),
    (2023, 5, 8),
    (2023, 5, 29),
    (2023, 8, 28),
    (2023, 12, 25),
    (2023, 12, 26),
    (2024, 1, 1),
    (2024, 3, 29),
    (2024, 4, 1),
    (2024, 5, 6),
    (2024, 5, 27),
    (2024, 8, 26),
    (2024, 12, 25),
    (2024, 12, 26),
    (2025, 1, 1),
    (2025, 4, 18),
    (2025, 4, 21),
    (2025, 5, 5),
    (2025, 5, 26),
    (2025, 8, 25),
    (2025, 12, 25),
    (2025, 12, 26),
    (2026, 1, 1),
    (2026, 4, 3),
    (2026, 4, 6),
    (2026, 5, 4),
    (2026, 5, 25),
    (2026, 8, 31),
    (2026, 12, 25),
    (2026, 12, 28),
    (2027, 1, 1),
    (2027, 3, 26),
    (2027, 3, 29),
    (2027, 5, 3),
    (2027, 5, 31),
    (2027, 8, 30),
    (2027, 12, 27),
    (2027, 12, 28),
];

/// Whether a date is a working day in England.
pub fn is_working_day(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
        && !BANK_HOLIDAYS.contains(&(d.year(), d.month(), d.day()))
}

/// Working days after `from` up to and including `to` (0 when `to` is not after `from`).
pub fn working_days_between(from: NaiveDate, to: NaiveDate) -> u32 {
    from.iter_days()
        .skip(1)
        .take_while(|d| *d <= to)
        .filter(|d| is_working_day(*d))
        .count() as u32
}

/// The date `n` working days after `from`.
pub fn add_working_days(from: NaiveDate, n: u32) -> NaiveDate {
    let mut d = from;
    let mut left = n;
    while left > 0 {
        d = d.succ_opt().unwrap_or(d);
        if is_working_day(d) {
            left -= 1;
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_week_over_easter_2025_has_three_working_days() {
        // Thu 17 Apr to Thu 24 Apr 2025: Good Friday and Easter Monday are bank holidays.
        assert_eq!(
            working_days_between(date(2025, 4, 17), date(2025, 4, 24)),
            3
        );
    }

    #[test]
    fn adding_working_days_skips_the_weekend() {
        assert_eq!(add_working_days(date(2025, 6, 6), 1), date(2025, 6, 9));
        assert_eq!(
            working_days_between(date(2025, 6, 6), add_working_days(date(2025, 6, 6), 55)),
            55
        );
    }
}
