//! When a service runs: weekly opening hours and recurring sessions, both as iCalendar
//! recurrence rules (RFC 5545 `RRULE`), which is how ORUK's schedule fields are defined.

use std::fmt;

use chrono::{NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

use super::RecordId;

/// How often a schedule repeats (the frequencies ORUK allows).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Frequency {
    /// Every `interval` weeks.
    Weekly,
    /// Every `interval` months.
    Monthly,
}

/// A day in a rule: `MO`, or with an ordinal in a monthly rule, `2TU` (second Tuesday), `-1FR`
/// (last Friday).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub struct ByDay {
    /// Which occurrence in the month, if any.
    pub ordinal: Option<i8>,
    /// The day of the week.
    pub weekday: Weekday,
}

const DAYS: [(Weekday, &str, &str); 7] = [
    (Weekday::Mon, "MO", "Monday"),
    (Weekday::Tue, "TU", "Tuesday"),
    (Weekday::Wed, "WE", "Wednesday"),
    (Weekday::Thu, "TH", "Thursday"),
    (Weekday::Fri, "FR", "Friday"),
    (Weekday::Sat, "SA", "Saturday"),
    (Weekday::Sun, "SU", "Sunday"),
];

impl fmt::Display for ByDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(n) = self.ordinal {
            write!(f, "{n}")?;
        }
        let code = DAYS
            .iter()
            .find(|d| d.0 == self.weekday)
            .map_or("", |d| d.1);
        f.write_str(code)
    }
}

/// A recurring schedule: opening hours or a regular session.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Schedule {
    /// Its identifier.
    pub id: RecordId,
    /// How often it repeats.
    pub freq: Frequency,
    /// Every how many weeks or months.
    pub interval: u32,
    /// On which days.
    pub byday: Vec<ByDay>,
    /// On which days of the month (monthly rules).
    pub bymonthday: Vec<i8>,
    /// First day it applies.
    pub dtstart: Option<NaiveDate>,
    /// Last day it applies.
    pub until: Option<NaiveDate>,
    /// Opening or start time.
    pub opens_at: Option<NaiveTime>,
    /// Closing or end time.
    pub closes_at: Option<NaiveTime>,
    /// In words, e.g. "Drop-in advice session".
    pub description: String,
}

/// Why a recurrence rule was refused.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[error("recurrence rule {rule:?}: {reason}")]
pub struct ScheduleError {
    /// The rule as given.
    pub rule: String,
    /// What is wrong with it.
    pub reason: String,
}

impl Schedule {
    /// The rule in RFC 5545 form, e.g. `FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TU`.
    pub fn rrule(&self) -> String {
        let freq = match self.freq {
            Frequency::Weekly => "WEEKLY",
            Frequency::Monthly => "MONTHLY",
        };
        let mut out = format!("FREQ={freq};INTERVAL={}", self.interval);
        if !self.byday.is_empty() {
            let days: Vec<String> = self.byday.iter().map(ToString::to_string).collect();
            out.push_str(&format!(";BYDAY={}", days.join(",")));
        }
        if !self.bymonthday.is_empty() {
            let days: Vec<String> = self.bymonthday.iter().map(ToString::to_string).collect();
            out.push_str(&format!(";BYMONTHDAY={}", days.join(",")));
        }
        if let Some(u) = self.until {
            out.push_str(&format!(";UNTIL={}", u.format("%Y%m%d")));
        }
        out
    }

    /// A schedule from an RFC 5545 rule (the WEEKLY and MONTHLY rules ORUK allows).
    pub fn from_rrule(
        id: RecordId,
        rule: &str,
        opens_at: Option<NaiveTime>,
        closes_at: Option<NaiveTime>,
        description: &str,
    ) -> Result<Self, ScheduleError> {
        let err = |reason: String| ScheduleError {
            rule: rule.into(),
            reason,
        };
        let mut s = Schedule {
            id,
            freq: Frequency::Weekly,
            interval: 1,
            byday: vec![],
            bymonthday: vec![],
            dtstart: None,
            until: None,
            opens_at,
            closes_at,
            description: description.into(),
        };
        let mut saw_freq = false;
        for part in rule.trim().trim_start_matches("RRULE:").split(';') {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| err(format!("{part:?} is not KEY=VALUE")))?;
            match key.to_ascii_uppercase().as_str() {
                "FREQ" => {
                    saw_freq = true;
                    s.freq = match value {
                        "WEEKLY" => Frequency::Weekly,
                        "MONTHLY" => Frequency::Monthly,
                        v => return Err(err(format!("FREQ {v:?} is not WEEKLY or MONTHLY"))),
                    }
                }
                "INTERVAL" => {
                    s.interval = value.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                        err(format!("INTERVAL {value:?} is not a positive number"))
                    })?
                }
                "BYDAY" => {
                    s.byday = value
                        .split(',')
                        .map(|d| {
                            parse_byday(d).ok_or_else(|| err(format!("BYDAY {d:?} is not a day")))
                        })
                        .collect::<Result<_, _>>()?
                }
                "BYMONTHDAY" => {
                    s.bymonthday = value
                        .split(',')
                        .map(|d| {
                            d.parse::<i8>()
                                .ok()
                                .filter(|n| *n != 0 && (-31..=31).contains(n))
                                .ok_or_else(|| {
                                    err(format!("BYMONTHDAY {d:?} is not a day of the month"))
                                })
                        })
                        .collect::<Result<_, _>>()?
                }
                "UNTIL" => {
                    let date = value.get(..8).unwrap_or(value);
                    s.until = Some(
                        NaiveDate::parse_from_str(date, "%Y%m%d")
                            .map_err(|_| err(format!("UNTIL {value:?} is not a date")))?,
                    )
                }
                k => return Err(err(format!("{k} is not supported"))),
            }
        }
        if !saw_freq {
            return Err(err("FREQ is missing".into()));
        }
        if s.freq == Frequency::Weekly && s.byday.iter().any(|d| d.ordinal.is_some()) {
            return Err(err(
                "a weekly rule cannot name the nth day of a month".into()
            ));
        }
        Ok(s)
    }

    /// The schedule in words, e.g. "Monday, Tuesday 09:00 to 17:00".
    pub fn summary(&self) -> String {
        let days: Vec<String> = self.byday.iter().map(day_words).collect();
        let mut out = match (self.freq, self.interval) {
            (Frequency::Weekly, 1) => days.join(", "),
            (Frequency::Weekly, n) => format!("Every {n} weeks on {}", days.join(", ")),
            (Frequency::Monthly, n) => {
                let every = if n == 1 {
                    "Every month".to_owned()
                } else {
                    format!("Every {n} months")
                };
                if days.is_empty() {
                    let md: Vec<String> = self.bymonthday.iter().map(ToString::to_string).collect();
                    format!("{every} on day {}", md.join(", "))
                } else {
                    format!("{every} on the {}", days.join(", "))
                }
            }
        };
        if let (Some(o), Some(c)) = (self.opens_at, self.closes_at) {
            out.push_str(&format!(" {} to {}", o.format("%H:%M"), c.format("%H:%M")));
        }
        out
    }
}

fn parse_byday(s: &str) -> Option<ByDay> {
    let s = s.trim();
    let split = s.len().checked_sub(2)?;
    let (ord, code) = s.split_at(split);
    let weekday = DAYS.iter().find(|d| d.1 == code)?.0;
    let ordinal = if ord.is_empty() {
        None
    } else {
        Some(
            ord.trim_start_matches('+')
                .parse::<i8>()
                .ok()
                .filter(|n| *n != 0 && (-5..=5).contains(n))?,
        )
    };
    Some(ByDay { ordinal, weekday })
}

fn day_words(d: &ByDay) -> String {
    let name = DAYS.iter().find(|x| x.0 == d.weekday).map_or("", |x| x.2);
    match d.ordinal {
        None => name.to_owned(),
        Some(-1) => format!("last {name}"),
        Some(n) => {
            let suffix = match n {
                1 => "st",
                2 => "nd",
                3 => "rd",
                _ => "th",
            };
            format!("{n}{suffix} {name}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> RecordId {
        RecordId::for_key("s")
    }

    #[test]
    fn weekday_opening_hours_round_trip_through_rrule() {
        let open = NaiveTime::from_hms_opt(9, 0, 0);
        let close = NaiveTime::from_hms_opt(17, 0, 0);
        let s = Schedule::from_rrule(id(), "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", open, close, "")
            .unwrap();
        assert_eq!(s.rrule(), "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR");
        assert!(s.summary().starts_with("Monday, Tuesday"));
        assert!(s.summary().ends_with("09:00 to 17:00"));
    }

    #[test]
    fn a_monthly_drop_in_on_the_second_tuesday_is_understood() {
        let s = Schedule::from_rrule(
            id(),
            "RRULE:FREQ=MONTHLY;BYDAY=2TU;UNTIL=20271231",
            None,
            None,
            "",
        )
        .unwrap();
        assert_eq!(s.byday[0].ordinal, Some(2));
        assert_eq!(
            s.rrule(),
            "FREQ=MONTHLY;INTERVAL=1;BYDAY=2TU;UNTIL=20271231"
        );
        assert_eq!(s.summary(), "Every month on the 2nd Tuesday");
    }

    #[test]
    fn unsupported_rules_are_refused_with_the_reason() {
        let e = Schedule::from_rrule(id(), "FREQ=DAILY", None, None, "").unwrap_err();
        assert!(e.reason.contains("DAILY"), "{e}");
        assert!(Schedule::from_rrule(id(), "BYDAY=MO", None, None, "").is_err());
        assert!(Schedule::from_rrule(id(), "FREQ=WEEKLY;BYDAY=2XX", None, None, "").is_err());
        assert!(Schedule::from_rrule(id(), "FREQ=WEEKLY;BYDAY=2TU", None, None, "").is_err());
    }
}
