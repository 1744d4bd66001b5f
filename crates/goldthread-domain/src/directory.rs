//! The service directory: what is on offer, by whom, where and when, in the shape of Open
//! Referral UK (HSDS 3.0 UK profile) so partners' directories can exchange records.
//!
//! Directories fail on upkeep rather than schema, so a service carries a "last verified" date
//! (ORUK `assured_date`) distinct from "last updated" (`last_modified`); organisations carry
//! external identifiers (ODS code, Companies House number, charity number) to find the same
//! provider across sources; service areas are both a name people search by and, where known, an
//! exact GSS geography.

pub mod organisations_csv;
pub mod organisations_diff;
pub mod oruk;
pub mod oruk_import;
mod schedule;

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{GssCode, Money, ParseIdError, Postcode};
use crate::organisation::OrganisationId;

pub use schedule::{ByDay, Frequency, Schedule, ScheduleError};

macro_rules! uuid_id {
    ($(#[$m:meta])* $name:ident, $what:literal) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            /// A stable identifier derived from a key, so re-imports keep the same id.
            pub fn for_key(key: &str) -> Self {
                const NAMESPACE: uuid::Uuid =
                    uuid::Uuid::from_u128(0x9c1f_3e0a_55d4_4b8e_93a7_0e6c_2d41_b8f3);
                Self(uuid::Uuid::new_v5(&NAMESPACE, format!("{}:{key}", $what).as_bytes()))
            }

            /// Parses a UUID.
            pub fn parse(s: &str) -> Result<Self, ParseIdError> {
                uuid::Uuid::parse_str(s.trim())
                    .map(Self)
                    .map_err(|e| ParseIdError::new($what, format!("{s:?} is not a UUID: {e}")))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

uuid_id!(
    /// A service's identifier.
    ServiceId,
    "service id"
);
uuid_id!(
    /// A taxonomy term's identifier.
    TermId,
    "taxonomy term id"
);
uuid_id!(
    /// The identifier of a location, contact, schedule, area or cost option within a service.
    RecordId,
    "record id"
);

/// Whether a service is running (ORUK's values).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub enum ServiceStatus {
    /// Running.
    #[serde(rename = "active")]
    Active,
    /// Not running, may return.
    #[serde(rename = "inactive")]
    Inactive,
    /// Closed for good.
    #[serde(rename = "defunct")]
    Defunct,
    /// Closed for now.
    #[serde(rename = "temporarily closed")]
    TemporarilyClosed,
}

impl ServiceStatus {
    /// ORUK's name for the status.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Inactive => "inactive",
            Self::Defunct => "defunct",
            Self::TemporarilyClosed => "temporarily closed",
        }
    }

    /// Parses ORUK's name.
    pub fn parse(s: &str) -> Result<Self, ParseIdError> {
        [
            Self::Active,
            Self::Inactive,
            Self::Defunct,
            Self::TemporarilyClosed,
        ]
        .into_iter()
        .find(|v| v.as_str() == s.trim())
        .ok_or_else(|| {
            ParseIdError::new(
                "service status",
                format!("{s:?} is not active, inactive, defunct or temporarily closed"),
            )
        })
    }
}

/// A term in the directory's taxonomy, e.g. "Disabled Facilities Grants".
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct TaxonomyTerm {
    /// Its identifier.
    pub id: TermId,
    /// Its short code, e.g. `dfg`.
    pub code: String,
    /// Its name.
    pub name: String,
    /// What it covers.
    pub description: String,
    /// The broader term it sits under.
    pub parent: Option<TermId>,
}

/// Where a service is offered: a name people search by, and the exact GSS area where known.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct ServiceArea {
    /// Its identifier.
    pub id: RecordId,
    /// The name people use, e.g. "Great Yarmouth" or "Gorleston".
    pub name: String,
    /// The council area it is, exactly, for eligibility.
    pub gss: Option<GssCode>,
}

/// A place a service is delivered from.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Location {
    /// Its identifier.
    pub id: RecordId,
    /// Its name, e.g. "Marina Centre".
    pub name: String,
    /// First line of the address.
    pub address_1: String,
    /// Town or city.
    pub city: String,
    /// County.
    pub county: String,
    /// Postcode.
    pub postcode: Option<Postcode>,
    /// Latitude (WGS84).
    pub latitude: Option<f64>,
    /// Longitude (WGS84).
    pub longitude: Option<f64>,
}

/// A named contact for a service.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Contact {
    /// Its identifier.
    pub id: RecordId,
    /// Name or team.
    pub name: String,
    /// Job title.
    pub title: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
    /// Email.
    pub email: Option<String>,
}

/// What a service costs.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct CostOption {
    /// Its identifier.
    pub id: RecordId,
    /// What the price is for, e.g. "Adult swim".
    pub option: String,
    /// The price, if there is one.
    pub amount: Option<Money>,
    /// More about it, e.g. "free for under 5s".
    pub amount_description: Option<String>,
}

/// Who a service is for.
#[derive(Clone, Default, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Eligibility {
    /// Youngest age served.
    pub minimum_age: Option<u8>,
    /// Oldest age served.
    pub maximum_age: Option<u8>,
    /// Any other condition, in words.
    pub description: Option<String>,
}

/// A service in the directory.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Service {
    /// Its identifier.
    pub id: ServiceId,
    /// The organisation running it.
    pub organisation: OrganisationId,
    /// Its name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// Web page.
    pub url: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Whether it is running.
    pub status: ServiceStatus,
    /// Who it is for.
    pub eligibility: Eligibility,
    /// When someone last checked the record is true (ORUK `assured_date`).
    pub last_verified: Option<NaiveDate>,
    /// Who checked it.
    pub verified_by: Option<String>,
    /// When the record last changed (ORUK `last_modified`).
    pub last_updated: DateTime<Utc>,
    /// Its taxonomy terms.
    pub terms: Vec<TermId>,
    /// Where it is offered.
    pub areas: Vec<ServiceArea>,
    /// Where it is delivered from.
    pub locations: Vec<Location>,
    /// Who to contact.
    pub contacts: Vec<Contact>,
    /// When it runs.
    pub schedules: Vec<Schedule>,
    /// What it costs.
    pub cost_options: Vec<CostOption>,
}

impl Service {
    /// Whether the record is due for review: never verified, or last verified more than three
    /// months before `today`.
    pub fn needs_review(&self, today: NaiveDate) -> bool {
        match self.last_verified {
            None => true,
            Some(d) => {
                today
                    .checked_sub_months(chrono::Months::new(3))
                    .unwrap_or(today)
                    > d
            }
        }
    }
}

/// How one organisation is known in another register.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierScheme {
    /// NHS Organisation Data Service code.
    Ods,
    /// Companies House company number.
    CompaniesHouse,
    /// Charity Commission for England and Wales registered charity number.
    Charity,
    /// ONS GSS code (councils).
    Gss,
}

impl IdentifierScheme {
    /// ORUK's `identifier_type` label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Ods => "ODS code",
            Self::CompaniesHouse => "Companies House number",
            Self::Charity => "Registered charity number",
            Self::Gss => "GSS code",
        }
    }

    /// The org-id.guide scheme prefix ORUK uses in `identifier_scheme`.
    pub fn org_id_prefix(self) -> &'static str {
        match self {
            Self::Ods => "GB-NHS",
            Self::CompaniesHouse => "GB-COH",
            Self::Charity => "GB-CHC",
            Self::Gss => "GB-GOR",
        }
    }
}

/// Checks a Companies House number: eight characters, digits or a two-letter prefix and six
/// digits (e.g. `01234567`, `SC123456`, `CE000123`).
pub fn parse_companies_house(s: &str) -> Result<String, ParseIdError> {
    let t = s.trim().to_ascii_uppercase();
    let ok = t.len() == 8
        && t.chars().skip(2).all(|c| c.is_ascii_digit())
        && t.chars().take(2).all(|c| c.is_ascii_alphanumeric());
    ok.then_some(t).ok_or_else(|| {
        ParseIdError::new(
            "Companies House number",
            format!("{s:?} is not 8 characters: digits, or two letters then six digits"),
        )
    })
}

/// Checks a registered charity number (England and Wales): 6 to 8 digits, optionally `-N`.
pub fn parse_charity_number(s: &str) -> Result<String, ParseIdError> {
    let t = s.trim();
    let (main, sub) = t.split_once('-').unwrap_or((t, "0"));
    let ok = (6..=8).contains(&main.len())
        && main.chars().all(|c| c.is_ascii_digit())
        && !sub.is_empty()
        && sub.chars().all(|c| c.is_ascii_digit());
    ok.then(|| t.to_owned()).ok_or_else(|| {
        ParseIdError::new(
            "charity number",
            format!("{s:?} is not a registered charity number (6 to 8 digits)"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_not_verified_in_three_months_needs_review() {
        let mut s: Service = oruk::tests::sample_service();
        let today = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
        s.last_verified = NaiveDate::from_ymd_opt(2026, 3, 16);
        assert!(!s.needs_review(today));
        s.last_verified = NaiveDate::from_ymd_opt(2026, 3, 14);
        assert!(s.needs_review(today));
        s.last_verified = None;
        assert!(s.needs_review(today));
    }

    #[test]
    fn external_identifiers_are_checked() {
        assert_eq!(parse_companies_house("sc123456").unwrap(), "SC123456");
        assert!(parse_companies_house("123").is_err());
        assert!(parse_charity_number("1084316").is_ok());
        assert!(parse_charity_number("1084316-2").is_ok());
        assert!(parse_charity_number("12AB").is_err());
    }
}
