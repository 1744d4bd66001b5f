//! Why data is shared, and the legal footing for it (UK GDPR Articles 6 and 9).

use serde::{Deserialize, Serialize};

use crate::ParseIdError;

/// The purpose an agreement allows and a read is made for. Direct care is kept separate from
/// secondary use of the same programme's data (Waiting Well outreach vs its evaluation).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Individual care of the person (outreach, case work).
    DirectCare,
    /// Planning services (secondary use).
    Planning,
    /// Evaluating a programme (secondary use).
    Evaluation,
    /// Research (secondary use).
    Research,
}

impl Purpose {
    /// Every purpose.
    pub const ALL: [Purpose; 4] = [
        Purpose::DirectCare,
        Purpose::Planning,
        Purpose::Evaluation,
        Purpose::Research,
    ];

    /// The stored and URL form.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::DirectCare => "direct_care",
            Purpose::Planning => "planning",
            Purpose::Evaluation => "evaluation",
            Purpose::Research => "research",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Purpose::DirectCare => "Direct care",
            Purpose::Planning => "Planning (secondary use)",
            Purpose::Evaluation => "Evaluation (secondary use)",
            Purpose::Research => "Research (secondary use)",
        }
    }

    /// Whether this is a secondary use, to which the national data opt-out applies.
    pub fn is_secondary_use(self) -> bool {
        self != Purpose::DirectCare
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Result<Self, ParseIdError> {
        parse_one("purpose", s, &Self::ALL, Self::as_str)
    }
}

/// The UK GDPR Article 6(1) lawful basis for processing.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LawfulBasis {
    /// 6(1)(a) consent.
    Consent,
    /// 6(1)(b) contract.
    Contract,
    /// 6(1)(c) legal obligation.
    LegalObligation,
    /// 6(1)(d) vital interests.
    VitalInterests,
    /// 6(1)(e) public task.
    PublicTask,
    /// 6(1)(f) legitimate interests (not available to public authorities for their tasks).
    LegitimateInterests,
}

impl LawfulBasis {
    /// Every basis.
    pub const ALL: [LawfulBasis; 6] = [
        LawfulBasis::Consent,
        LawfulBasis::Contract,
        LawfulBasis::LegalObligation,
        LawfulBasis::VitalInterests,
        LawfulBasis::PublicTask,
        LawfulBasis::LegitimateInterests,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            LawfulBasis::Consent => "consent",
            LawfulBasis::Contract => "contract",
            LawfulBasis::LegalObligation => "legal_obligation",
            LawfulBasis::VitalInterests => "vital_interests",
            LawfulBasis::PublicTask => "public_task",
            LawfulBasis::LegitimateInterests => "legitimate_interests",
        }
    }

    /// The article reference people read.
    pub fn label(self) -> &'static str {
        match self {
            LawfulBasis::Consent => "Article 6(1)(a) consent",
            LawfulBasis::Contract => "Article 6(1)(b) contract",
            LawfulBasis::LegalObligation => "Article 6(1)(c) legal obligation",
            LawfulBasis::VitalInterests => "Article 6(1)(d) vital interests",
            LawfulBasis::PublicTask => "Article 6(1)(e) public task",
            LawfulBasis::LegitimateInterests => "Article 6(1)(f) legitimate interests",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Result<Self, ParseIdError> {
        parse_one("lawful basis", s, &Self::ALL, Self::as_str)
    }
}

/// The UK GDPR Article 9(2) condition for processing health (special category) data.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Article9Condition {
    /// 9(2)(a) explicit consent.
    ExplicitConsent,
    /// 9(2)(b) employment and social security and social protection law.
    SocialProtection,
    /// 9(2)(g) substantial public interest.
    SubstantialPublicInterest,
    /// 9(2)(h) health or social care.
    HealthOrSocialCare,
    /// 9(2)(i) public health.
    PublicHealth,
    /// 9(2)(j) archiving, research and statistics.
    ResearchAndStatistics,
}

impl Article9Condition {
    /// Every condition.
    pub const ALL: [Article9Condition; 6] = [
        Article9Condition::ExplicitConsent,
        Article9Condition::SocialProtection,
        Article9Condition::SubstantialPublicInterest,
        Article9Condition::HealthOrSocialCare,
        Article9Condition::PublicHealth,
        Article9Condition::ResearchAndStatistics,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Article9Condition::ExplicitConsent => "explicit_consent",
            Article9Condition::SocialProtection => "social_protection",
            Article9Condition::SubstantialPublicInterest => "substantial_public_interest",
            Article9Condition::HealthOrSocialCare => "health_or_social_care",
            Article9Condition::PublicHealth => "public_health",
            Article9Condition::ResearchAndStatistics => "research_and_statistics",
        }
    }

    /// The article reference people read.
    pub fn label(self) -> &'static str {
        match self {
            Article9Condition::ExplicitConsent => "Article 9(2)(a) explicit consent",
            Article9Condition::SocialProtection => "Article 9(2)(b) social protection",
            Article9Condition::SubstantialPublicInterest => {
                "Article 9(2)(g) substantial public interest"
            }
            Article9Condition::HealthOrSocialCare => "Article 9(2)(h) health or social care",
            Article9Condition::PublicHealth => "Article 9(2)(i) public health",
            Article9Condition::ResearchAndStatistics => {
                "Article 9(2)(j) archiving, research and statistics"
            }
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Result<Self, ParseIdError> {
        parse_one("Article 9 condition", s, &Self::ALL, Self::as_str)
    }
}

/// Finds the value whose stored form is `s`, or says which forms are accepted.
pub(crate) fn parse_one<T: Copy>(
    kind: &'static str,
    s: &str,
    all: &[T],
    as_str: fn(T) -> &'static str,
) -> Result<T, ParseIdError> {
    let s = s.trim();
    all.iter()
        .copied()
        .find(|v| as_str(*v) == s)
        .ok_or_else(|| {
            let forms: Vec<&str> = all.iter().map(|v| as_str(*v)).collect();
            ParseIdError::new(
                kind,
                format!(
                    "{s:?} is not a {kind}: expected one of {}",
                    forms.join(", ")
                ),
            )
        })
}
