//! Organisations as CSV, for bulk import and export: every row is parsed into domain types and
//! every fault is reported with its line, field and reason, so a file is taken whole or not at
//! all.
//!
//! Columns: `id` (optional UUID; derived from the ODS or GSS code when empty), `name`, `kind`,
//! `ods_code`, `gss_code`, `description`, `website`, `email`, `phone`, `companies_house`,
//! `charity_number`.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::oruk::OrganisationProfile;
use super::{parse_charity_number, parse_companies_house};
use crate::organisation::{Organisation, OrganisationId, OrganisationKind};
use crate::{GssCode, OdsCode};

/// The header of an organisations CSV file.
pub const HEADER: [&str; 11] = [
    "id",
    "name",
    "kind",
    "ods_code",
    "gss_code",
    "description",
    "website",
    "email",
    "phone",
    "companies_house",
    "charity_number",
];

/// One fault in a CSV file.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RowError {
    /// Line number in the file (the header is line 1).
    pub line: u64,
    /// The column at fault.
    pub field: String,
    /// What is wrong and what to do.
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, {}: {}", self.line, self.field, self.reason)
    }
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// One parsed row of an organisations file.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct UploadRow {
    /// Line (CSV) or row (spreadsheet) number; the header is 1.
    pub line: u64,
    /// Whether the file gave the id; when it did not, the id was derived from the ODS or GSS
    /// code, or the name, and a comparison may match the row to a stored organisation instead.
    pub id_given: bool,
    /// The organisation and its profile.
    pub record: (Organisation, OrganisationProfile),
    /// Columns the file does not have: a row matched to a stored organisation keeps its
    /// stored values there (an empty cell in a column the file has clears the value).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absent: Vec<String>,
}

/// Parses an organisations CSV. Returns every row, or every fault found.
pub fn parse(text: &str) -> Result<Vec<(Organisation, OrganisationProfile)>, Vec<RowError>> {
    parse_rows(text).map(|rows| rows.into_iter().map(|r| r.record).collect())
}

/// Parses an organisations CSV into rows with their line numbers, or every fault found.
pub fn parse_rows(text: &str) -> Result<Vec<UploadRow>, Vec<RowError>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(e) => {
            return Err(vec![RowError {
                line: 1,
                field: "header".into(),
                reason: e.to_string(),
            }])
        }
    };
    let records = reader.records().map(|r| {
        r.map(|r| r.iter().map(str::to_owned).collect::<Vec<_>>())
            .map_err(|e| e.to_string())
    });
    parse_cells(&header, records)
}

/// Parses an organisations table already split into cells (a CSV file, or a spreadsheet's
/// first sheet): the header's names, then each row's cells or why the row could not be read.
/// Row `i` (from 0) is reported as line `i + 2`.
pub fn parse_cells(
    header: &[String],
    rows: impl IntoIterator<Item = Result<Vec<String>, String>>,
) -> Result<Vec<UploadRow>, Vec<RowError>> {
    let header: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
    let missing: Vec<RowError> = ["name", "kind"]
        .iter()
        .filter(|c| !header.iter().any(|h| h == *c))
        .map(|c| RowError {
            line: 1,
            field: (*c).into(),
            reason: format!("the header has no {c} column"),
        })
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let col = |name: &str| header.iter().position(|h| h == name);
    let absent: Vec<String> = HEADER
        .iter()
        .filter(|c| col(c).is_none())
        .map(|c| (*c).to_owned())
        .collect();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, record) in rows.into_iter().enumerate() {
        let line = i as u64 + 2;
        let record = match record {
            Ok(r) => r,
            Err(reason) => {
                errors.push(RowError {
                    line,
                    field: "row".into(),
                    reason,
                });
                continue;
            }
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.iter().any(|c| c.contains('\0')) {
            errors.push(RowError {
                line,
                field: "row".into(),
                reason: "contains a NUL character, which no field accepts".into(),
            });
            continue;
        }
        match parse_fields(|name: &str| {
            col(name)
                .and_then(|c| record.get(c))
                .map_or("", |v| v.trim())
        }) {
            Ok((id_given, record)) => out.push(UploadRow {
                line,
                id_given,
                record,
                absent: absent.clone(),
            }),
            Err(faults) => errors.extend(faults.into_iter().map(|f| RowError {
                line,
                field: f.field.into(),
                reason: f.reason,
            })),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// One bad field of one organisation.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FieldError {
    /// The column (or form field) at fault, one of [`HEADER`].
    pub field: &'static str,
    /// What is wrong and what to do.
    pub reason: String,
}

/// Parses one organisation from its fields by column name (trimmed; "" when absent), as a
/// file row or an edit form gives them. Returns whether the id was given, and the record; or
/// every bad field.
pub fn parse_fields<'a>(
    get: impl Fn(&str) -> &'a str,
) -> Result<(bool, (Organisation, OrganisationProfile)), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut err = |field: &'static str, reason: String| errors.push(FieldError { field, reason });
    let name = get("name").to_owned();
    if name.is_empty() {
        err("name", "is empty; every organisation needs a name".into());
    }
    let kind = if get("kind").is_empty() {
        err(
            "kind",
            "is empty; choose what kind of organisation it is".into(),
        );
        None
    } else {
        OrganisationKind::parse(get("kind"))
            .map_err(|e| err("kind", e.to_string()))
            .ok()
    };
    let ods = opt(get("ods_code"))
        .map(|s| OdsCode::parse(&s).map_err(|e| err("ods_code", e.to_string())));
    let gss = opt(get("gss_code"))
        .map(|s| GssCode::parse(&s).map_err(|e| err("gss_code", e.to_string())));
    let ch = opt(get("companies_house"))
        .map(|s| parse_companies_house(&s).map_err(|e| err("companies_house", e.to_string())));
    let charity = opt(get("charity_number"))
        .map(|s| parse_charity_number(&s).map_err(|e| err("charity_number", e.to_string())));
    let email = opt(get("email"));
    if email.as_deref().is_some_and(|e| !e.contains('@')) {
        err(
            "email",
            format!("{:?} is not an email address", get("email")),
        );
    }
    let (ods, gss, ch, charity) = (
        ods.and_then(Result::ok),
        gss.and_then(Result::ok),
        ch.and_then(Result::ok),
        charity.and_then(Result::ok),
    );
    if kind.is_some_and(OrganisationKind::is_council) && gss.is_none() && get("gss_code").is_empty()
    {
        err("gss_code", "is empty; a council needs its GSS code".into());
    }
    let id_given = opt(get("id")).is_some();
    let id = match opt(get("id")) {
        Some(s) => OrganisationId::parse(&s)
            .map_err(|e| err("id", e.to_string()))
            .ok(),
        None => Some(match (&ods, &gss) {
            (Some(o), _) => OrganisationId::for_code(o.as_str()),
            (None, Some(g)) => OrganisationId::for_code(g.as_str()),
            (None, None) => OrganisationId::for_code(&format!("name:{}", name.to_lowercase())),
        }),
    };
    match (id, kind) {
        (Some(id), Some(kind)) if errors.is_empty() => Ok((
            id_given,
            (
                Organisation {
                    id,
                    name,
                    kind,
                    ods_code: ods,
                    gss_code: gss,
                },
                OrganisationProfile {
                    description: get("description").to_owned(),
                    website: opt(get("website")),
                    email,
                    phone: opt(get("phone")),
                    companies_house: ch,
                    charity_number: charity,
                },
            ),
        )),
        _ => Err(errors),
    }
}

/// Writes organisations as CSV with [`HEADER`].
pub fn write(records: &[(Organisation, OrganisationProfile)]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(HEADER);
    for (o, p) in records {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        let _ = w.write_record([
            o.id.to_string(),
            o.name.clone(),
            o.kind.as_str().to_owned(),
            o.ods_code
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            o.gss_code
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            p.description.clone(),
            s(&p.website),
            s(&p.email),
            s(&p.phone),
            s(&p.companies_house),
            s(&p.charity_number),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_round_trips_through_export_and_import() {
        let text = "name,kind,gss_code,charity_number,email\n\
                    Norwich City Council,district_council,E07000148,,\n\
                    Norwich Foodbank,vcse,,1123456,hello@foodbank.example\n";
        let rows = parse(text).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0.id, OrganisationId::for_code("E07000148"));
        assert_eq!(parse(&write(&rows)).unwrap(), rows);
    }

    #[test]
    fn every_bad_field_is_named_by_line_field_and_reason() {
        let text = "name,kind,gss_code,ods_code,companies_house,email\n\
                    ,vcse,,,,\n\
                    Somewhere,county_council,X123,,,\n\
                    A Trust,nhs_trust,,??,12,nobody\n";
        let errors = parse(text).unwrap_err();
        let at: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert!(at.contains(&(2, "name")), "{errors:?}");
        assert!(at.contains(&(3, "gss_code")), "{errors:?}");
        assert!(
            at.contains(&(4, "ods_code"))
                && at.contains(&(4, "companies_house"))
                && at.contains(&(4, "email")),
            "{errors:?}"
        );
        assert!(errors[0].to_string().starts_with("line 2, name:"));
    }
}
