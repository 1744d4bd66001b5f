//! Referrals out of a case to directory services, with acceptance and outcome tracked.

use serde::{Deserialize, Serialize};

use super::case::stored_enum;

stored_enum!(
    /// Where a referral out stands.
    ReferralStatus {
        /// Sent; no answer yet.
        Sent => "sent",
        /// The service accepted it.
        Accepted => "accepted",
        /// The service declined it (with a reason).
        Declined => "declined",
        /// The service finished working with the person.
        Completed => "completed",
    }
);

impl ReferralStatus {
    /// Whether a referral may move from this status to `next`.
    pub fn can_become(self, next: ReferralStatus) -> bool {
        matches!(
            (self, next),
            (Self::Sent, Self::Accepted)
                | (Self::Sent, Self::Declined)
                | (Self::Accepted, Self::Completed)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_referral_is_accepted_before_it_is_completed() {
        assert!(ReferralStatus::Sent.can_become(ReferralStatus::Accepted));
        assert!(ReferralStatus::Accepted.can_become(ReferralStatus::Completed));
        assert!(!ReferralStatus::Sent.can_become(ReferralStatus::Completed));
        assert!(!ReferralStatus::Declined.can_become(ReferralStatus::Accepted));
    }
}
