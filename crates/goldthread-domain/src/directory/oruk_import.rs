//! Open Referral UK service records read back into the directory's domain values: a JSON array
//! of full service records (what `/services/{id}` answers and the export writes), or one of
//! ORUK's paginated page objects holding them in `contents`.
//!
//! Every record is checked whole and every fault is reported with the record's index (from 0,
//! as in the JSON array), the field's path within it and the reason, so a file is taken whole
//! or not at all.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde_json::{Map, Value};

use super::oruk::OrganisationProfile;
use super::{
    parse_charity_number, parse_companies_house, Contact, CostOption, Eligibility, Location,
    RecordId, Schedule, Service, ServiceArea, ServiceId, ServiceStatus, TaxonomyTerm, TermId,
};
use crate::ids::{GssCode, GssEntity, Money, OdsCode, Postcode};
use crate::organisation::{Organisation, OrganisationId, OrganisationKind};

/// One fault in an ORUK file.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ImportError {
    /// The record's index in the file's array (from 0); for a fault in the file as a whole, 0.
    pub record: usize,
    /// The field's path within the record, e.g. `schedules[0].opens_at`.
    pub field: String,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "record {}, {}: {}", self.record, self.field, self.reason)
    }
}

/// What an ORUK file holds, parsed: the organisations and taxonomy terms its services name, and
/// the services.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct DirectoryImport {
    /// The organisations running the services, each once.
    pub organisations: Vec<(Organisation, OrganisationProfile)>,
    /// The taxonomy terms the services carry, each once.
    pub terms: Vec<TaxonomyTerm>,
    /// The services.
    pub services: Vec<Service>,
}

/// The kind of a new organisation known only from ORUK, which has no kinds: from its GSS code's
/// entity or its ODS code's shape, else a voluntary or community body.
pub fn kind_from_codes(ods: Option<&OdsCode>, gss: Option<&GssCode>) -> OrganisationKind {
    if let Some(g) = gss {
        match g.entity() {
            GssEntity::UnitaryAuthority => return OrganisationKind::UnitaryCouncil,
            GssEntity::NonMetropolitanDistrict => return OrganisationKind::DistrictCouncil,
            GssEntity::MetropolitanDistrict => return OrganisationKind::MetropolitanCouncil,
            GssEntity::LondonBorough => return OrganisationKind::LondonBoroughCouncil,
            GssEntity::County => return OrganisationKind::CountyCouncil,
            GssEntity::IntegratedCareBoard => return OrganisationKind::IntegratedCareBoard,
            _ => {}
        }
    }
    match ods.map(OdsCode::as_str) {
        Some(c) if c.len() == 3 && c.starts_with('Q') => OrganisationKind::IntegratedCareBoard,
        Some(c) if c.len() == 3 && c.starts_with('R') => OrganisationKind::NhsTrust,
        Some(c) if c.len() == 6 && c.starts_with('U') => OrganisationKind::PrimaryCareNetwork,
        Some(c) if c.len() == 6 => OrganisationKind::GpPractice,
        _ => OrganisationKind::Vcse,
    }
}

/// Collects the faults of one record while reading its fields.
struct Reader<'a> {
    record: usize,
    errors: &'a mut Vec<ImportError>,
}

impl Reader<'_> {
    fn fault(&mut self, field: &str, reason: impl Into<String>) {
        self.errors.push(ImportError {
            record: self.record,
            field: field.into(),
            reason: reason.into(),
        });
    }

    /// An optional text field; a non-text value is a fault.
    fn text(&mut self, o: &Map<String, Value>, path: &str, key: &str) -> Option<String> {
        match o.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            Some(v) => {
                self.fault(&join(path, key), format!("{v} is not text"));
                None
            }
        }
    }

    /// A required text field.
    fn required(&mut self, o: &Map<String, Value>, path: &str, key: &str) -> Option<String> {
        let v = self.text(o, path, key);
        if v.is_none() && !matches!(o.get(key), Some(v) if !v.is_string() && !v.is_null()) {
            self.fault(&join(path, key), "is missing or empty");
        }
        v
    }

    /// A field parsed by `parse`, which names what is wrong.
    fn parsed<T, E: fmt::Display>(
        &mut self,
        o: &Map<String, Value>,
        path: &str,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let raw = self.text(o, path, key)?;
        parse(&raw)
            .map_err(|e| self.fault(&join(path, key), e.to_string()))
            .ok()
    }

    fn uuid(&mut self, o: &Map<String, Value>, path: &str, key: &str) -> Option<uuid::Uuid> {
        let v = self.required(o, path, key)?;
        uuid::Uuid::parse_str(&v)
            .map_err(|_| self.fault(&join(path, key), format!("{v:?} is not a UUID")))
            .ok()
    }

    fn number(&mut self, o: &Map<String, Value>, path: &str, key: &str) -> Option<f64> {
        match o.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => n.as_f64(),
            Some(v) => {
                self.fault(&join(path, key), format!("{v} is not a number"));
                None
            }
        }
    }

    fn age(&mut self, o: &Map<String, Value>, key: &str) -> Option<u8> {
        let n = self.number(o, "", key)?;
        if n.fract() == 0.0 && (0.0..=130.0).contains(&n) {
            Some(n as u8)
        } else {
            self.fault(
                key,
                format!("{n} is not an age in whole years from 0 to 130"),
            );
            None
        }
    }

    /// The objects of an array field (missing is empty).
    fn objects<'v>(
        &mut self,
        o: &'v Map<String, Value>,
        key: &str,
    ) -> Vec<(String, &'v Map<String, Value>)> {
        match o.get(key) {
            None | Some(Value::Null) => vec![],
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let path = format!("{key}[{i}]");
                    match v.as_object() {
                        Some(m) => Some((path, m)),
                        None => {
                            self.fault(&path, "is not an object");
                            None
                        }
                    }
                })
                .collect(),
            Some(_) => {
                self.fault(key, "is not an array");
                vec![]
            }
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn time(s: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(s, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M:%S"))
        .map_err(|_| format!("{s:?} is not a time of day (HH:MM)"))
}

fn date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date (YYYY-MM-DD)"))
}

fn email(s: &str) -> Result<String, String> {
    if s.contains('@') {
        Ok(s.to_owned())
    } else {
        Err(format!("{s:?} is not an email address"))
    }
}

/// Parses an ORUK file: an array of full service records, or a page object of them. A record
/// without `last_modified` is taken as updated at `received`.
pub fn parse(json: &str, received: DateTime<Utc>) -> Result<DirectoryImport, Vec<ImportError>> {
    let whole = |reason: String| {
        vec![ImportError {
            record: 0,
            field: "file".into(),
            reason,
        }]
    };
    let value: Value =
        serde_json::from_str(json).map_err(|e| whole(format!("is not JSON: {e}")))?;
    let records = match &value {
        Value::Array(items) => items,
        Value::Object(o) => match o.get("contents") {
            Some(Value::Array(items)) => items,
            _ => {
                return Err(whole(
                    "is an object without a contents array; expected an array of service \
                     records or an ORUK page object"
                        .into(),
                ))
            }
        },
        _ => return Err(whole("expected an array of service records".into())),
    };
    let mut errors = Vec::new();
    let mut out = DirectoryImport::default();
    let mut orgs = BTreeMap::new();
    let mut terms = BTreeMap::new();
    let mut seen = BTreeMap::new();
    for (i, record) in records.iter().enumerate() {
        let mut r = Reader {
            record: i,
            errors: &mut errors,
        };
        let Some(o) = record.as_object() else {
            r.fault("record", "is not an object");
            continue;
        };
        if let Some(s) = service(&mut r, o, &mut orgs, &mut terms, received) {
            if let Some(first) = seen.insert(s.id, i) {
                r.fault("id", format!("{} is also record {first}'s id", s.id));
            }
            out.services.push(s);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    out.organisations = orgs.into_values().collect();
    out.terms = terms.into_values().collect();
    Ok(out)
}

type Orgs = BTreeMap<OrganisationId, (Organisation, OrganisationProfile)>;

fn service(
    r: &mut Reader<'_>,
    o: &Map<String, Value>,
    orgs: &mut Orgs,
    terms: &mut BTreeMap<TermId, TaxonomyTerm>,
    received: DateTime<Utc>,
) -> Option<Service> {
    let before = r.errors.len();
    let id = r.uuid(o, "", "id").map(ServiceId);
    let name = r.required(o, "", "name");
    let description = r.text(o, "", "description").unwrap_or_default();
    let url = r.text(o, "", "url");
    let email_ = r.parsed(o, "", "email", email);
    let status = match r.text(o, "", "status") {
        None => Some(ServiceStatus::Active),
        Some(s) => ServiceStatus::parse(&s)
            .map_err(|e| r.fault("status", e.to_string()))
            .ok(),
    };
    let eligibility = Eligibility {
        minimum_age: r.age(o, "minimum_age"),
        maximum_age: r.age(o, "maximum_age"),
        description: r.text(o, "", "eligibility_description"),
    };
    let last_verified = r.parsed(o, "", "assured_date", date);
    let verified_by = r.text(o, "", "assurer_email");
    let last_updated = match r.text(o, "", "last_modified") {
        None => Some(received),
        Some(s) => DateTime::parse_from_rfc3339(&s)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|_| r.fault("last_modified", format!("{s:?} is not an RFC 3339 time")))
            .ok(),
    };
    let organisation = organisation(r, o, orgs);
    let service_terms = attributes(r, o, terms);
    let mut areas = Vec::new();
    for (p, x) in r.objects(o, "service_areas") {
        areas.extend(area(r, &p, x));
    }
    let mut locations = Vec::new();
    for (p, x) in r.objects(o, "service_at_locations") {
        locations.extend(location(r, &p, x));
    }
    let mut contacts = Vec::new();
    for (p, x) in r.objects(o, "contacts") {
        contacts.extend(contact(r, &p, x));
    }
    let mut schedules = Vec::new();
    for (p, x) in r.objects(o, "schedules") {
        schedules.extend(schedule(r, &p, x));
    }
    let mut cost_options = Vec::new();
    for (p, x) in r.objects(o, "cost_options") {
        cost_options.extend(cost(r, &p, x));
    }
    if r.errors.len() > before {
        return None;
    }
    Some(Service {
        id: id?,
        organisation: organisation?,
        name: name?,
        description,
        url,
        email: email_,
        status: status?,
        eligibility,
        last_verified,
        verified_by,
        last_updated: last_updated?,
        terms: service_terms,
        areas,
        locations,
        contacts,
        schedules,
        cost_options,
    })
}

fn organisation(
    r: &mut Reader<'_>,
    o: &Map<String, Value>,
    orgs: &mut Orgs,
) -> Option<OrganisationId> {
    let Some(org) = o.get("organization").and_then(Value::as_object) else {
        r.fault(
            "organization",
            "is missing: every service names the organisation running it",
        );
        return None;
    };
    let id = OrganisationId::parse(&r.uuid(org, "organization", "id")?.to_string()).ok()?;
    if let Some(sid) = r.text(o, "", "organization_id") {
        if OrganisationId::parse(&sid).ok() != Some(id) {
            r.fault(
                "organization_id",
                format!("{sid:?} is not organization.id {id}"),
            );
        }
    }
    let name = r.required(org, "organization", "name")?;
    let mut profile = OrganisationProfile {
        description: r
            .text(org, "organization", "description")
            .unwrap_or_default(),
        website: r.text(org, "organization", "website"),
        email: r.parsed(org, "organization", "email", email),
        ..Default::default()
    };
    let (mut ods, mut gss) = (None, None);
    for (p, ident) in r.objects(org, "organization_identifiers") {
        let path = format!("organization.{p}");
        let scheme = r.required(ident, &path, "identifier_scheme");
        let Some(value) = r.required(ident, &path, "identifier") else {
            continue;
        };
        let field = join(&path, "identifier");
        match scheme.as_deref() {
            Some("GB-NHS") => {
                ods = OdsCode::parse(&value)
                    .map_err(|e| r.fault(&field, e.to_string()))
                    .ok()
            }
            Some("GB-GOR") => {
                gss = GssCode::parse(&value)
                    .map_err(|e| r.fault(&field, e.to_string()))
                    .ok()
            }
            Some("GB-COH") => {
                profile.companies_house = parse_companies_house(&value)
                    .map_err(|e| r.fault(&field, e.to_string()))
                    .ok()
            }
            Some("GB-CHC") => {
                profile.charity_number = parse_charity_number(&value)
                    .map_err(|e| r.fault(&field, e.to_string()))
                    .ok()
            }
            // Identifiers in registers goldthread does not keep are left aside.
            _ => {}
        }
    }
    let kind = kind_from_codes(ods.as_ref(), gss.as_ref());
    let record = (
        Organisation {
            id,
            name,
            kind,
            ods_code: ods,
            gss_code: gss,
        },
        profile,
    );
    match orgs.get(&id) {
        Some(known) if *known != record => {
            r.fault(
                "organization",
                format!("organisation {id} differs from an earlier record's"),
            );
        }
        _ => {
            orgs.insert(id, record);
        }
    }
    Some(id)
}

fn attributes(
    r: &mut Reader<'_>,
    o: &Map<String, Value>,
    terms: &mut BTreeMap<TermId, TaxonomyTerm>,
) -> Vec<TermId> {
    let mut out = Vec::new();
    for (p, a) in r.objects(o, "attributes") {
        let Some(term) = a.get("taxonomy_term").and_then(Value::as_object) else {
            r.fault(&join(&p, "taxonomy_term"), "is missing");
            continue;
        };
        let path = join(&p, "taxonomy_term");
        let id = r.uuid(term, &path, "id").map(TermId);
        let parent = r.parsed(term, &path, "parent_id", TermId::parse);
        let (Some(id), Some(name)) = (id, r.required(term, &path, "name")) else {
            continue;
        };
        let t = TaxonomyTerm {
            id,
            code: r
                .text(term, &path, "term")
                .unwrap_or_else(|| id.to_string()),
            name,
            description: r.text(term, &path, "description").unwrap_or_default(),
            parent,
        };
        match terms.get(&id) {
            Some(known) if *known != t => {
                r.fault(&path, format!("term {id} differs from an earlier record's"))
            }
            _ => {
                terms.insert(id, t);
            }
        }
        out.push(id);
    }
    out
}

fn area(r: &mut Reader<'_>, p: &str, a: &Map<String, Value>) -> Option<ServiceArea> {
    let id = r.uuid(a, p, "id");
    let name = r
        .text(a, p, "name")
        .or_else(|| r.text(a, p, "service_area"));
    if name.is_none() {
        r.fault(&join(p, "name"), "is missing or empty");
    }
    let gss = match r.text(a, p, "extent_type").as_deref() {
        Some("gss_code") => r.parsed(a, p, "extent", GssCode::parse),
        _ => None,
    };
    Some(ServiceArea {
        id: RecordId(id?),
        name: name?,
        gss,
    })
}

fn location(r: &mut Reader<'_>, p: &str, sal: &Map<String, Value>) -> Option<Location> {
    let Some(l) = sal.get("location").and_then(Value::as_object) else {
        r.fault(&join(p, "location"), "is missing");
        return None;
    };
    let lp = join(p, "location");
    let id = r.uuid(l, &lp, "id");
    let name = r.text(l, &lp, "name").unwrap_or_default();
    let latitude = r.number(l, &lp, "latitude");
    let longitude = r.number(l, &lp, "longitude");
    if latitude.is_some_and(|v| !(-90.0..=90.0).contains(&v)) {
        r.fault(&join(&lp, "latitude"), "is not between -90 and 90");
    }
    if longitude.is_some_and(|v| !(-180.0..=180.0).contains(&v)) {
        r.fault(&join(&lp, "longitude"), "is not between -180 and 180");
    }
    let addresses = r.objects(l, "addresses");
    let (mut address_1, mut city, mut county, mut postcode) =
        (String::new(), String::new(), String::new(), None);
    if let Some((ap, a)) = addresses.first() {
        let ap = join(&lp, ap);
        address_1 = r.text(a, &ap, "address_1").unwrap_or_default();
        city = r.text(a, &ap, "city").unwrap_or_default();
        county = r.text(a, &ap, "state_province").unwrap_or_default();
        postcode = r.parsed(a, &ap, "postal_code", Postcode::parse);
    }
    Some(Location {
        id: RecordId(id?),
        name,
        address_1,
        city,
        county,
        postcode,
        latitude,
        longitude,
    })
}

fn contact(r: &mut Reader<'_>, p: &str, c: &Map<String, Value>) -> Option<Contact> {
    let id = r.uuid(c, p, "id");
    let name = r.text(c, p, "name").unwrap_or_default();
    Some(Contact {
        id: RecordId(id?),
        name,
        title: r.text(c, p, "title"),
        phone: r.text(c, p, "phone"),
        email: r.parsed(c, p, "email", email),
    })
}

fn schedule(r: &mut Reader<'_>, p: &str, s: &Map<String, Value>) -> Option<Schedule> {
    let id = r.uuid(s, p, "id");
    let opens = r.parsed(s, p, "opens_at", time);
    let closes = r.parsed(s, p, "closes_at", time);
    let dtstart = r.parsed(s, p, "dtstart", date);
    let notes = r.text(s, p, "notes").unwrap_or_default();
    let rule = match r.text(s, p, "rrule") {
        Some(rule) => rule,
        None => {
            // Without a rule, ORUK's separate fields make one.
            let freq = r.required(s, p, "freq")?;
            let mut rule = format!("FREQ={}", freq.to_ascii_uppercase());
            if let Some(n) = r.number(s, p, "interval") {
                rule.push_str(&format!(";INTERVAL={n}"));
            }
            for key in ["byday", "bymonthday"] {
                if let Some(v) = r.text(s, p, key) {
                    rule.push_str(&format!(";{}={v}", key.to_ascii_uppercase()));
                }
            }
            rule
        }
    };
    let mut schedule = Schedule::from_rrule(RecordId(id?), &rule, opens, closes, &notes)
        .map_err(|e| r.fault(&join(p, "rrule"), e.to_string()))
        .ok()?;
    schedule.dtstart = dtstart;
    if let Some(until) = r.parsed(s, p, "valid_to", date) {
        schedule.until = Some(until);
    }
    Some(schedule)
}

fn cost(r: &mut Reader<'_>, p: &str, c: &Map<String, Value>) -> Option<CostOption> {
    let id = r.uuid(c, p, "id");
    let option = r.text(c, p, "option").unwrap_or_default();
    let amount = match r.number(c, p, "amount") {
        None => None,
        Some(pounds) => {
            let pence = (pounds * 100.0).round();
            if pounds < 0.0 || (pounds * 100.0 - pence).abs() > 1e-6 || pence > 1e12 {
                r.fault(
                    &join(p, "amount"),
                    format!("{pounds} is not an amount in pounds and whole pence"),
                );
                None
            } else {
                Some(Money::from_pence(pence as i64))
            }
        }
    };
    if let Some(cur) = r.text(c, p, "currency") {
        if cur != "GBP" {
            r.fault(&join(p, "currency"), format!("{cur:?}: prices are in GBP"));
        }
    }
    Some(CostOption {
        id: RecordId(id?),
        option,
        amount,
        amount_description: r.text(c, p, "amount_description"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::oruk::{tests::sample_service, FullService};

    fn org() -> (Organisation, OrganisationProfile) {
        (
            Organisation {
                id: OrganisationId::for_code("E07000148"),
                name: "Norwich City Council".into(),
                kind: OrganisationKind::DistrictCouncil,
                ods_code: None,
                gss_code: Some(GssCode::parse("E07000148").unwrap()),
            },
            OrganisationProfile {
                description: "The city council".into(),
                charity_number: None,
                ..Default::default()
            },
        )
    }

    #[test]
    fn a_full_record_reads_back_as_the_service_it_was_written_from() {
        let mut s = sample_service();
        s.last_updated = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        s.schedules = vec![Schedule::from_rrule(
            RecordId::for_key("s"),
            "FREQ=MONTHLY;INTERVAL=1;BYDAY=2TU",
            NaiveTime::from_hms_opt(10, 0, 0),
            NaiveTime::from_hms_opt(12, 30, 0),
            "Drop-in",
        )
        .unwrap()];
        let (o, p) = org();
        let json = serde_json::to_string(&vec![FullService::new(&s, &o, &p, &[])]).unwrap();
        let read = parse(&json, DateTime::UNIX_EPOCH).unwrap();
        assert_eq!(read.services, vec![s]);
        assert_eq!(read.organisations, vec![(o, p)]);
        // A page object holding the same records reads the same.
        let page = format!("{{\"total_items\":1,\"contents\":{json}}}");
        assert_eq!(parse(&page, DateTime::UNIX_EPOCH).unwrap(), read);
    }

    #[test]
    fn every_fault_names_its_record_field_and_reason() {
        let s = sample_service();
        let (o, p) = org();
        let good = serde_json::to_value(FullService::new(&s, &o, &p, &[])).unwrap();
        let mut bad = good.clone();
        bad["id"] = "not-a-uuid".into();
        bad["cost_options"][0]["amount"] = 4.555.into();
        let mut worse = good.clone();
        worse["name"] = "".into();
        worse["status"] = "open".into();
        let errors = parse(
            &serde_json::to_string(&vec![good, bad, worse]).unwrap(),
            DateTime::UNIX_EPOCH,
        )
        .unwrap_err();
        let at: Vec<(usize, &str)> = errors
            .iter()
            .map(|e| (e.record, e.field.as_str()))
            .collect();
        assert_eq!(
            at,
            [
                (1, "id"),
                (1, "cost_options[0].amount"),
                (2, "name"),
                (2, "status")
            ],
            "{errors:?}"
        );
        assert!(errors[0].to_string().starts_with("record 1, id: "));
        assert_eq!(
            parse("{\"x\":1}", DateTime::UNIX_EPOCH).unwrap_err()[0].field,
            "file"
        );
    }
}
