//! Reminders: when an open case next needs someone to act, by its programme's service levels,
//! counted in working days (England and Wales bank holidays excluded).
//!
//! - A referred case nobody has reached yet is due for first contact `first_contact_days`
//!   working days after the referral (0: the same day).
//! - Any other open case is due for a follow-up `follow_up_days` working days after the last
//!   thing recorded on it (for a case not reached, the follow-up decides whether to try again
//!   or close it).

use chrono::NaiveDate;
use serde::Serialize;

use super::calendar::add_working_days;
use super::case::CaseState;
use super::ServiceLevels;

/// What a reminder is for.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// Nobody has reached the person yet.
    FirstContact,
    /// Work is under way and is due to be followed up.
    FollowUp,
}

impl ReminderKind {
    /// How it reads to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::FirstContact => "First contact",
            Self::FollowUp => "Follow-up",
        }
    }
}

/// When a case next needs someone to act.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub struct Reminder {
    /// What for.
    pub kind: ReminderKind,
    /// The working day it is due.
    pub due_on: NaiveDate,
}

impl Reminder {
    /// Working days overdue on `today` (0 when due today or later).
    pub fn overdue_on(&self, today: NaiveDate) -> u32 {
        super::calendar::working_days_between(self.due_on, today)
    }
}

/// The reminder for a case in `state`, referred on `referred_on` and last acted on
/// `last_activity_on`; `None` once it is closed.
pub fn reminder(
    state: CaseState,
    referred_on: NaiveDate,
    last_activity_on: NaiveDate,
    levels: &ServiceLevels,
) -> Option<Reminder> {
    match state {
        CaseState::Closed => None,
        CaseState::Referred => Some(Reminder {
            kind: ReminderKind::FirstContact,
            due_on: add_working_days(referred_on, levels.first_contact_days),
        }),
        CaseState::NotReached
        | CaseState::Contacted
        | CaseState::NeedsAssessed
        | CaseState::ActionsInProgress => Some(Reminder {
            kind: ReminderKind::FollowUp,
            due_on: add_working_days(last_activity_on, levels.follow_up_days),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::organisation::OrganisationId;
    use crate::programme::calendar::{is_working_day, working_days_between};
    use crate::programme::catalogue;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn first_contact_is_due_the_programmes_working_days_after_referral_skipping_easter() {
        let p = catalogue::waiting_well(OrganisationId::for_code("E07000145"));
        // Referred on Thursday 17 April 2025, before Good Friday and Easter Monday.
        let referred = date(2025, 4, 17);
        let r = reminder(CaseState::Referred, referred, referred, &p.service_levels).unwrap();
        assert_eq!(r.kind, ReminderKind::FirstContact);
        assert_eq!(
            working_days_between(referred, r.due_on),
            p.service_levels.first_contact_days
        );
        assert!(is_working_day(r.due_on));
        // Ten working days past Good Friday, Easter Monday and the early May bank holiday:
        // Tuesday 6 May.
        assert_eq!(r.due_on, date(2025, 5, 6));
    }

    #[test]
    fn district_direct_first_contact_is_due_the_same_day() {
        let p = catalogue::district_direct(OrganisationId::for_code("E07000145"));
        let day = date(2025, 6, 4);
        let r = reminder(CaseState::Referred, day, day, &p.service_levels).unwrap();
        assert_eq!(r.due_on, day);
    }

    #[test]
    fn follow_ups_run_from_the_last_activity_and_closed_cases_need_none() {
        let p = catalogue::social_prescribing(OrganisationId::for_code("E07000147"));
        let referred = date(2025, 11, 3);
        let last = date(2025, 12, 1);
        for state in [
            CaseState::NotReached,
            CaseState::Contacted,
            CaseState::NeedsAssessed,
            CaseState::ActionsInProgress,
        ] {
            let r = reminder(state, referred, last, &p.service_levels).unwrap();
            assert_eq!(r.kind, ReminderKind::FollowUp);
            assert_eq!(
                working_days_between(last, r.due_on),
                p.service_levels.follow_up_days,
                "{state:?}"
            );
        }
        assert_eq!(
            reminder(CaseState::Closed, referred, last, &p.service_levels),
            None
        );
        let r = reminder(CaseState::Contacted, referred, last, &p.service_levels).unwrap();
        assert_eq!(r.overdue_on(r.due_on), 0);
        assert_eq!(r.overdue_on(add_working_days(r.due_on, 3)), 3);
    }
}
