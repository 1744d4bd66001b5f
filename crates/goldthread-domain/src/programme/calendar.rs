//! Working days in England: Monday to Friday, less the England and Wales bank holidays,
//! computed by rule for any year.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// Easter Sunday in the Gregorian calendar (the anonymous Gregorian computus, as in Meeus).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    ymd(year, month as u32, day as u32)
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// The first `weekday` on or after a date.
fn on_or_after(d: NaiveDate, weekday: Weekday) -> NaiveDate {
    let ahead = (7 + weekday.num_days_from_monday() - d.weekday().num_days_from_monday()) % 7;
    d + Duration::days(i64::from(ahead))
}

/// The last `weekday` of a month.
fn last_in_month(year: i32, month: u32, weekday: Weekday) -> NaiveDate {
    let next = if month == 12 {
        ymd(year + 1, 1, 1)
    } else {
        ymd(year, month + 1, 1)
    };
    on_or_after(next - Duration::days(7), weekday)
}

/// England and Wales bank holidays in a year, in date order: by the rules of the Banking and
/// Financial Dealings Act 1971 and the proclamations under it (New Year's Day, Good Friday,
/// Easter Monday, the early May, spring and summer bank holidays, Christmas Day and Boxing
/// Day, each falling on a weekend moved to the next weekday not already a holiday), with the
/// one-off moves and extra days proclaimed since 1995 (VE Day 1995 and 2020, jubilees in 2002,
/// 2012 and 2022, the royal wedding of 2011, the millennium, the state funeral of 2022 and the
/// coronation of 2023).
pub fn bank_holidays(year: i32) -> Vec<NaiveDate> {
    let easter = easter_sunday(year);
    let early_may = match year {
        1995 => ymd(1995, 5, 8),
        2020 => ymd(2020, 5, 8),
        _ => on_or_after(ymd(year, 5, 1), Weekday::Mon),
    };
    let spring = match year {
        2002 => ymd(2002, 6, 4),
        2012 => ymd(2012, 6, 4),
        2022 => ymd(2022, 6, 2),
        _ => last_in_month(year, 5, Weekday::Mon),
    };
    let mut days = vec![
        next_weekday(ymd(year, 1, 1), &[]),
        easter - Duration::days(2),
        easter + Duration::days(1),
        early_may,
        spring,
        last_in_month(year, 8, Weekday::Mon),
    ];
    let christmas = next_weekday(ymd(year, 12, 25), &[]);
    let boxing = next_weekday(ymd(year, 12, 26), &[christmas]);
    days.extend([christmas, boxing]);
    days.extend(match year {
        1999 => vec![ymd(1999, 12, 31)],
        2002 => vec![ymd(2002, 6, 3)],
        2011 => vec![ymd(2011, 4, 29)],
        2012 => vec![ymd(2012, 6, 5)],
        2022 => vec![ymd(2022, 6, 3), ymd(2022, 9, 19)],
        2023 => vec![ymd(2023, 5, 8)],
        _ => vec![],
    });
    days.sort();
    days
}

/// The day itself when it is a weekday not in `taken`, else the next such day.
fn next_weekday(mut d: NaiveDate, taken: &[NaiveDate]) -> NaiveDate {
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) || taken.contains(&d) {
        d += Duration::days(1);
    }
    d
}

/// Whether a date is an England and Wales bank holiday.
pub fn is_bank_holiday(d: NaiveDate) -> bool {
    bank_holidays(d.year()).contains(&d)
}

/// Whether a date is a working day in England.
pub fn is_working_day(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !is_bank_holiday(d)
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

    /// The bank holidays in England and Wales as published by the government, 2019 to 2027.
    const PUBLISHED: &[(i32, u32, u32)] = &[
        (2019, 1, 1),
        (2019, 4, 19),
        (2019, 4, 22),
        (2019, 5, 6),
        (2019, 5, 27),
        (2019, 8, 26),
        (2019, 12, 25),
        (2019, 12, 26),
        (2020, 1, 1),
        (2020, 4, 10),
        (2020, 4, 13),
        (2020, 5, 8),
        (2020, 5, 25),
        (2020, 8, 31),
        (2020, 12, 25),
        (2020, 12, 28),
        (2021, 1, 1),
        (2021, 4, 2),
        (2021, 4, 5),
        (2021, 5, 3),
        (2021, 5, 31),
        (2021, 8, 30),
        (2021, 12, 27),
        (2021, 12, 28),
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

    #[test]
    fn the_rules_give_exactly_the_published_bank_holidays_2019_to_2027() {
        for year in 2019..=2027 {
            let published: Vec<NaiveDate> = PUBLISHED
                .iter()
                .filter(|(y, _, _)| *y == year)
                .map(|(y, m, d)| date(*y, *m, *d))
                .collect();
            assert_eq!(bank_holidays(year), published, "{year}");
        }
    }

    #[test]
    fn easter_matches_known_dates_including_the_extremes() {
        assert_eq!(easter_sunday(2024), date(2024, 3, 31));
        assert_eq!(
            easter_sunday(2038),
            date(2038, 4, 25),
            "the latest possible"
        );
        assert_eq!(
            easter_sunday(2285),
            date(2285, 3, 22),
            "the earliest possible"
        );
    }

    #[test]
    fn every_year_has_eight_bank_holidays_on_weekdays_after_2027_too() {
        for year in 2028..=2100 {
            let days = bank_holidays(year);
            assert_eq!(days.len(), 8, "{year}");
            assert!(days
                .iter()
                .all(|d| d.year() == year && !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)));
            let mut unique = days.clone();
            unique.dedup();
            assert_eq!(unique.len(), 8, "{year}: no two holidays on one day");
        }
        // Christmas 2032 is a Saturday: Monday 27 and Tuesday 28 December.
        let y = bank_holidays(2032);
        assert_eq!(&y[6..], &[date(2032, 12, 27), date(2032, 12, 28)]);
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
