//! Social prescribing, recorded to the PRSB Social Prescribing standard: a referral to a social
//! prescribing service, or the person declining it, coded in SNOMED CT, with a summary sent
//! back to the referrer.

use serde::{Deserialize, Serialize};

use super::case::stored_enum;

/// SNOMED CT: referral to social prescribing service.
pub const SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING: &str = "871731000000106";
/// SNOMED CT: social prescribing declined.
pub const SNOMED_SOCIAL_PRESCRIBING_DECLINED: &str = "871711000000103";

stored_enum!(
    /// The coded status of a social prescribing referral.
    SocialPrescribingStatus {
        /// Referred to a social prescribing service.
        Referred => "referred",
        /// The person declined.
        Declined => "declined",
    }
);

impl SocialPrescribingStatus {
    /// The SNOMED CT concept the standard records.
    pub fn snomed(self) -> (&'static str, &'static str) {
        match self {
            Self::Referred => (
                SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
                "Referral to social prescribing service",
            ),
            Self::Declined => (
                SNOMED_SOCIAL_PRESCRIBING_DECLINED,
                "Social prescribing declined",
            ),
        }
    }
}

stored_enum!(
    /// How someone took up an activity they were referred to.
    Attendance {
        /// Went and kept going.
        Attended => "attended",
        /// Went once or twice.
        AttendedSome => "attended_some",
        /// Did not go.
        DidNotAttend => "did_not_attend",
    }
);

/// The summary returned to the referrer when a social prescribing case closes.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct ReferrerSummary {
    /// SNOMED CT code of the status.
    pub code: String,
    /// Its display term.
    pub display: String,
    /// What the person was connected to, with attendance.
    pub activities: Vec<(String, Attendance)>,
    /// Free-text summary from the link worker.
    pub narrative: String,
}

/// Builds the summary back to the referrer.
pub fn summary(
    status: SocialPrescribingStatus,
    activities: Vec<(String, Attendance)>,
    narrative: &str,
) -> ReferrerSummary {
    let (code, display) = status.snomed();
    ReferrerSummary {
        code: code.into(),
        display: display.into(),
        activities,
        narrative: narrative.trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declined_referral_is_coded_as_declined_for_the_gp_record() {
        let s = summary(SocialPrescribingStatus::Declined, vec![], "prefers not to");
        assert_eq!(s.code, "871711000000103");
        let r = summary(
            SocialPrescribingStatus::Referred,
            vec![("Walking for Health, Thetford".into(), Attendance::Attended)],
            "",
        );
        assert_eq!(r.code, "871731000000106");
    }
}
