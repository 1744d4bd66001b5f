//! The Open Referral UK (HSDS 3.0 UK profile) wire shapes: services, organizations, taxonomy
//! terms and the paginated page object, built from the directory's domain values.
//!
//! Field names are ORUK's (`organization`, `assured_date`, ...); goldthread's own words stay in
//! the domain types.

use serde::{Deserialize, Serialize};

use super::{
    Contact, CostOption, IdentifierScheme, Location, Schedule, Service, ServiceArea, TaxonomyTerm,
};
use crate::organisation::Organisation;

/// The taxonomy goldthread's terms belong to.
pub const TAXONOMY: &str = "goldthread";

/// What a directory knows about an organisation beyond its name and codes.
#[derive(Clone, Default, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct OrganisationProfile {
    /// What it does.
    pub description: String,
    /// Web site.
    pub website: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
    /// Companies House number, checked.
    pub companies_house: Option<String>,
    /// Registered charity number, checked.
    pub charity_number: Option<String>,
}

/// ORUK's paginated answer.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Page<T> {
    /// Items matching, across all pages.
    pub total_items: u64,
    /// Pages.
    pub total_pages: u64,
    /// This page, from 1.
    pub page_number: u64,
    /// Items on this page.
    pub size: u64,
    /// Whether this is the first page.
    pub first_page: bool,
    /// Whether this is the last page.
    pub last_page: bool,
    /// Whether nothing matched.
    pub empty: bool,
    /// The items.
    pub contents: Vec<T>,
}

impl<T> Page<T> {
    /// A page of `contents`, page `page_number` (from 1) of `per_page` items out of `total_items`.
    pub fn new(contents: Vec<T>, total_items: u64, page_number: u64, per_page: u64) -> Self {
        let total_pages = total_items.div_ceil(per_page.max(1)).max(1);
        Self {
            total_items,
            total_pages,
            page_number,
            size: contents.len() as u64,
            first_page: page_number <= 1,
            last_page: page_number >= total_pages,
            empty: total_items == 0,
            contents,
        }
    }
}

/// An organisation identifier in another register.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct OrganizationIdentifier {
    /// Identifier of this record.
    pub id: uuid::Uuid,
    /// The organisation.
    pub organization_id: uuid::Uuid,
    /// The org-id scheme, e.g. `GB-CHC`.
    pub identifier_scheme: String,
    /// The register in words.
    pub identifier_type: String,
    /// The identifier.
    pub identifier: String,
}

/// An ORUK organization.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Organization {
    /// Its id.
    pub id: uuid::Uuid,
    /// Its name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// Email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Web site.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Its identifiers in other registers.
    pub organization_identifiers: Vec<OrganizationIdentifier>,
}

impl Organization {
    /// The ORUK organization for an organisation and its profile.
    pub fn new(org: &Organisation, profile: &OrganisationProfile) -> Self {
        let oid = uuid::Uuid::parse_str(&org.id.to_string()).unwrap_or_default();
        let mut ids = Vec::new();
        let mut push = |scheme: IdentifierScheme, value: String| {
            ids.push(OrganizationIdentifier {
                id: uuid::Uuid::new_v5(&oid, scheme.org_id_prefix().as_bytes()),
                organization_id: oid,
                identifier_scheme: scheme.org_id_prefix().into(),
                identifier_type: scheme.label().into(),
                identifier: value,
            })
        };
        if let Some(c) = &org.ods_code {
            push(IdentifierScheme::Ods, c.to_string());
        }
        if let Some(c) = &org.gss_code {
            push(IdentifierScheme::Gss, c.to_string());
        }
        if let Some(c) = &profile.companies_house {
            push(IdentifierScheme::CompaniesHouse, c.clone());
        }
        if let Some(c) = &profile.charity_number {
            push(IdentifierScheme::Charity, c.clone());
        }
        Self {
            id: oid,
            name: org.name.clone(),
            description: profile.description.clone(),
            email: profile.email.clone(),
            website: profile.website.clone(),
            organization_identifiers: ids,
        }
    }
}

/// An ORUK taxonomy term.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Term {
    /// Its id.
    pub id: uuid::Uuid,
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// What it covers.
    pub description: String,
    /// Its parent term.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<uuid::Uuid>,
    /// The taxonomy it belongs to.
    pub taxonomy: String,
}

impl From<&TaxonomyTerm> for Term {
    fn from(t: &TaxonomyTerm) -> Self {
        Self {
            id: t.id.0,
            code: t.code.clone(),
            name: t.name.clone(),
            description: t.description.clone(),
            parent_id: t.parent.map(|p| p.0),
            taxonomy: TAXONOMY.into(),
        }
    }
}

/// A service in an ORUK list: the record without its child collections.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct ServiceSummary {
    /// Its id.
    pub id: uuid::Uuid,
    /// The organisation running it.
    pub organization_id: uuid::Uuid,
    /// Its name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// Web page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Status.
    pub status: String,
    /// Youngest age served.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum_age: Option<u8>,
    /// Oldest age served.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum_age: Option<u8>,
    /// Other eligibility conditions (an extension beside ORUK's ages).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eligibility_description: Option<String>,
    /// Last verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assured_date: Option<String>,
    /// Who verified it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assurer_email: Option<String>,
    /// Last updated.
    pub last_modified: String,
}

impl From<&Service> for ServiceSummary {
    fn from(s: &Service) -> Self {
        Self {
            id: s.id.0,
            organization_id: uuid::Uuid::parse_str(&s.organisation.to_string()).unwrap_or_default(),
            name: s.name.clone(),
            description: s.description.clone(),
            url: s.url.clone(),
            email: s.email.clone(),
            status: s.status.as_str().into(),
            minimum_age: s.eligibility.minimum_age,
            maximum_age: s.eligibility.maximum_age,
            eligibility_description: s.eligibility.description.clone(),
            assured_date: s.last_verified.map(|d| d.to_string()),
            assurer_email: s.verified_by.clone(),
            last_modified: s
                .last_updated
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }
}

/// A service in a list, with its organization (as ORUK's list shape has it).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct ServiceListItem {
    /// The record.
    #[serde(flatten)]
    pub service: ServiceSummary,
    /// The organisation running it.
    pub organization: Organization,
}

/// A service's full ORUK record (`GET /services/{id}`).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct FullService {
    /// The record.
    #[serde(flatten)]
    pub service: ServiceSummary,
    /// The organisation running it.
    pub organization: Organization,
    /// Schedules.
    pub schedules: Vec<serde_schedule::Value>,
    /// Service areas.
    pub service_areas: Vec<serde_schedule::Value>,
    /// Locations.
    pub service_at_locations: Vec<serde_schedule::Value>,
    /// Contacts.
    pub contacts: Vec<serde_schedule::Value>,
    /// Cost options.
    pub cost_options: Vec<serde_schedule::Value>,
    /// Taxonomy terms, as ORUK attributes.
    pub attributes: Vec<serde_schedule::Value>,
}

/// The child records, as small serialisable structs.
pub mod serde_schedule {
    use serde::{Deserialize, Serialize};

    /// One child record, kept as the ORUK object it is.
    pub type Value = std::collections::BTreeMap<String, Field>;

    /// A field of a child record.
    #[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
    #[serde(untagged)]
    pub enum Field {
        /// Text.
        Text(String),
        /// A number.
        Number(f64),
        /// A nested object.
        Object(Value),
        /// A list of objects.
        List(Vec<Value>),
    }
}

use serde_schedule::{Field, Value};

fn obj(fields: Vec<(&str, Option<Field>)>) -> Value {
    fields
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
        .collect()
}

fn text(s: impl ToString) -> Option<Field> {
    Some(Field::Text(s.to_string()))
}

fn schedule(sid: uuid::Uuid, s: &Schedule) -> Value {
    let freq = match s.freq {
        super::Frequency::Weekly => "WEEKLY",
        super::Frequency::Monthly => "MONTHLY",
    };
    let byday: Vec<String> = s.byday.iter().map(ToString::to_string).collect();
    let bymonthday: Vec<String> = s.bymonthday.iter().map(ToString::to_string).collect();
    obj(vec![
        ("id", text(s.id)),
        ("service_id", text(sid)),
        ("freq", text(freq)),
        ("interval", Some(Field::Number(f64::from(s.interval)))),
        (
            "byday",
            (!byday.is_empty()).then(|| Field::Text(byday.join(","))),
        ),
        (
            "bymonthday",
            (!bymonthday.is_empty()).then(|| Field::Text(bymonthday.join(","))),
        ),
        ("dtstart", s.dtstart.and_then(text)),
        ("valid_to", s.until.and_then(text)),
        ("opens_at", s.opens_at.and_then(|t| text(t.format("%H:%M")))),
        (
            "closes_at",
            s.closes_at.and_then(|t| text(t.format("%H:%M"))),
        ),
        ("description", text(s.summary())),
        (
            "notes",
            (!s.description.is_empty()).then(|| Field::Text(s.description.clone())),
        ),
        ("rrule", text(s.rrule())),
    ])
}

fn area(sid: uuid::Uuid, a: &ServiceArea) -> Value {
    obj(vec![
        ("id", text(a.id)),
        ("service_id", text(sid)),
        ("name", text(&a.name)),
        ("service_area", text(&a.name)),
        ("extent", a.gss.as_ref().and_then(text)),
        ("extent_type", a.gss.as_ref().and_then(|_| text("gss_code"))),
    ])
}

fn location(sid: uuid::Uuid, l: &Location) -> Value {
    let address = obj(vec![
        ("id", text(uuid::Uuid::new_v5(&l.id.0, b"address"))),
        ("location_id", text(l.id)),
        ("address_1", text(&l.address_1)),
        ("city", text(&l.city)),
        ("state_province", text(&l.county)),
        (
            "postal_code",
            text(
                l.postcode
                    .as_ref()
                    .map_or(String::new(), ToString::to_string),
            ),
        ),
        ("country", text("GB")),
        ("address_type", text("physical")),
    ]);
    let loc = obj(vec![
        ("id", text(l.id)),
        ("location_type", text("physical")),
        ("name", text(&l.name)),
        ("latitude", l.latitude.map(Field::Number)),
        ("longitude", l.longitude.map(Field::Number)),
        ("addresses", Some(Field::List(vec![address]))),
    ]);
    obj(vec![
        ("id", text(uuid::Uuid::new_v5(&l.id.0, sid.as_bytes()))),
        ("service_id", text(sid)),
        ("location_id", text(l.id)),
        ("location", Some(Field::Object(loc))),
    ])
}

fn contact(sid: uuid::Uuid, c: &Contact) -> Value {
    obj(vec![
        ("id", text(c.id)),
        ("service_id", text(sid)),
        ("name", text(&c.name)),
        ("title", c.title.as_ref().and_then(text)),
        ("phone", c.phone.as_ref().and_then(text)),
        ("email", c.email.as_ref().and_then(text)),
    ])
}

fn cost(sid: uuid::Uuid, c: &CostOption) -> Value {
    obj(vec![
        ("id", text(c.id)),
        ("service_id", text(sid)),
        ("option", text(&c.option)),
        // ORUK prices are in pounds; goldthread keeps pence and converts only here.
        (
            "amount",
            c.amount.map(|m| Field::Number(m.pence() as f64 / 100.0)),
        ),
        ("currency", c.amount.and_then(|_| text("GBP"))),
        (
            "amount_description",
            c.amount_description.as_ref().and_then(text),
        ),
    ])
}

fn attribute(sid: uuid::Uuid, t: &TaxonomyTerm) -> Value {
    let term = obj(vec![
        ("id", text(t.id)),
        ("name", text(&t.name)),
        ("description", text(&t.description)),
        ("parent_id", t.parent.and_then(text)),
        ("taxonomy", text(TAXONOMY)),
        ("term", text(&t.code)),
    ]);
    obj(vec![
        ("id", text(uuid::Uuid::new_v5(&t.id.0, sid.as_bytes()))),
        ("link_id", text(sid)),
        ("link_type", text("service")),
        ("taxonomy_term_id", text(t.id)),
        ("taxonomy_term", Some(Field::Object(term))),
    ])
}

impl FullService {
    /// The full record of a service run by `org`, with its `terms` resolved.
    pub fn new(
        s: &Service,
        org: &Organisation,
        profile: &OrganisationProfile,
        terms: &[TaxonomyTerm],
    ) -> Self {
        let sid = s.id.0;
        Self {
            service: ServiceSummary::from(s),
            organization: Organization::new(org, profile),
            schedules: s.schedules.iter().map(|x| schedule(sid, x)).collect(),
            service_areas: s.areas.iter().map(|x| area(sid, x)).collect(),
            service_at_locations: s.locations.iter().map(|x| location(sid, x)).collect(),
            contacts: s.contacts.iter().map(|x| contact(sid, x)).collect(),
            cost_options: s.cost_options.iter().map(|x| cost(sid, x)).collect(),
            attributes: terms
                .iter()
                .filter(|t| s.terms.contains(&t.id))
                .map(|t| attribute(sid, t))
                .collect(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::*;
    use super::*;

    pub(crate) fn sample_service() -> Service {
        Service {
            id: ServiceId::for_key("x"),
            organisation: crate::organisation::OrganisationId::for_code("E07000148"),
            name: "Housing options".into(),
            description: "Advice if you are homeless or about to be.".into(),
            url: None,
            email: None,
            status: ServiceStatus::Active,
            eligibility: Eligibility::default(),
            last_verified: None,
            verified_by: None,
            last_updated: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            terms: vec![],
            areas: vec![],
            locations: vec![],
            contacts: vec![],
            schedules: vec![],
            cost_options: vec![CostOption {
                id: RecordId::for_key("c"),
                option: "Adult swim".into(),
                amount: Some(crate::Money::from_pence(450)),
                amount_description: None,
            }],
        }
    }

    #[test]
    fn a_page_knows_whether_it_is_first_last_or_empty() {
        let p = Page::new(vec![1, 2], 5, 2, 2);
        assert_eq!(
            (p.total_pages, p.first_page, p.last_page, p.empty),
            (3, false, false, false)
        );
        let p: Page<u8> = Page::new(vec![], 0, 1, 10);
        assert_eq!(
            (p.total_pages, p.first_page, p.last_page, p.empty),
            (1, true, true, true)
        );
    }

    #[test]
    fn prices_leave_as_pounds() {
        let s = sample_service();
        let c = cost(s.id.0, &s.cost_options[0]);
        assert_eq!(c["amount"], Field::Number(4.5));
    }
}
