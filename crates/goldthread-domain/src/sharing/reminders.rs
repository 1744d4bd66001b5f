//! Review reminders: which agreements' review or expiry dates fall within a window from today,
//! or are already past, so IG leads review them before they lapse.

use chrono::NaiveDate;

use super::agreement::{Agreement, Status};

/// Which date of an agreement is due.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DueKind {
    /// The review date.
    Review,
    /// The expiry date (the last day in force).
    Expiry,
}

impl DueKind {
    /// The words pages and the command line use.
    pub fn label(self) -> &'static str {
        match self {
            DueKind::Review => "review",
            DueKind::Expiry => "expiry",
        }
    }
}

/// One date that is due.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct DueDate {
    /// Review or expiry.
    pub kind: DueKind,
    /// The date.
    pub date: NaiveDate,
    /// Days from today to the date; negative when it is past.
    pub days: i64,
}

impl DueDate {
    /// "in 12 days", "today", "3 days ago".
    pub fn when(&self) -> String {
        match self.days {
            0 => "today".to_owned(),
            1 => "tomorrow".to_owned(),
            -1 => "yesterday".to_owned(),
            d if d > 0 => format!("in {d} days"),
            d => format!("{} days ago", -d),
        }
    }
}

/// The dates of `agreement` due within `within_days` of `today` (or past), earliest first.
/// Revoked agreements need no reminder; once an agreement has expired its review is moot, but
/// its expiry stays listed so a lapsed agreement is noticed.
pub fn due_dates(agreement: &Agreement, today: NaiveDate, within_days: u32) -> Vec<DueDate> {
    if agreement.status == Status::Revoked {
        return Vec::new();
    }
    let horizon = today + chrono::Duration::days(i64::from(within_days));
    let expired = agreement.status_on(today) == Status::Expired;
    let mut out = Vec::new();
    let mut consider = |kind, date: NaiveDate| {
        if date <= horizon {
            out.push(DueDate {
                kind,
                date,
                days: (date - today).num_days(),
            });
        }
    };
    if !expired {
        consider(DueKind::Review, agreement.review);
    }
    consider(DueKind::Expiry, agreement.expiry);
    out.sort_by_key(|d| d.date);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn agreement(review: &str, expiry: &str, status: Status) -> Agreement {
        Agreement {
            id: super::super::AgreementId::for_reference("DSA-T"),
            reference: "DSA-T".into(),
            title: "t".into(),
            purpose: super::super::Purpose::DirectCare,
            description: String::new(),
            lawful_basis: super::super::LawfulBasis::PublicTask,
            article9: super::super::Article9Condition::HealthOrSocialCare,
            tier: super::super::DataTier::Pseudonymised,
            retain_identifiers: false,
            opt_out_exemption: None,
            retention_days: 30,
            security: String::new(),
            dpia: String::new(),
            start: day("2026-01-01"),
            review: day(review),
            expiry: day(expiry),
            status,
            parties: Vec::new(),
            fields: Vec::new(),
        }
    }

    #[test]
    fn dates_inside_the_window_or_past_are_due_and_later_ones_are_not() {
        let today = day("2026-06-01");
        let a = agreement("2026-06-20", "2027-01-01", Status::Approved);
        assert!(due_dates(&a, today, 18).is_empty());
        let d = due_dates(&a, today, 19);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].kind, d[0].days), (DueKind::Review, 19));
        assert_eq!(d[0].when(), "in 19 days");
        let d = due_dates(&a, today, 400);
        assert_eq!(
            d.iter().map(|d| d.kind).collect::<Vec<_>>(),
            [DueKind::Review, DueKind::Expiry]
        );
        // A review date already past is due whatever the window.
        let a = agreement("2026-05-29", "2027-01-01", Status::Approved);
        let d = due_dates(&a, today, 0);
        assert_eq!((d[0].days, d[0].when()), (-3, "3 days ago".to_owned()));
    }

    #[test]
    fn an_expired_agreement_lists_its_expiry_only_and_a_revoked_one_nothing() {
        let today = day("2026-06-01");
        let a = agreement("2026-03-01", "2026-04-30", Status::Approved);
        let d = due_dates(&a, today, 0);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].kind, d[0].days), (DueKind::Expiry, -32));
        let a = agreement("2026-03-01", "2026-04-30", Status::Revoked);
        assert!(due_dates(&a, today, 1000).is_empty());
    }
}
