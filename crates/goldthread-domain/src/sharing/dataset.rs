//! The datasets partners upload, each against a declared schema, and the reader that validates
//! an upload row by row (errors by line, field and reason) and separates the direct identifiers
//! from the fields that may be shared.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::pseudonym::PseudonymKey;
use super::purpose::parse_one;
use crate::{NhsNumber, ParseIdError, Postcode};

/// The kinds of dataset partners share.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum DatasetKind {
    /// A trust's elective waiting list (health data).
    WaitingList,
    /// A council's housing register.
    HousingRegister,
    /// A council's benefits caseload (housing benefit, council tax reduction).
    BenefitsCaseload,
    /// Disabled Facilities Grant applications (adult social care data).
    DfgApplications,
}

/// What a column holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ColumnKind {
    /// A direct identifier: pseudonymised at the door, never shared.
    Identifier,
    /// Free text up to a length.
    Text(usize),
    /// A whole number in a range.
    Integer(i64, i64),
    /// One of a fixed list.
    Choice(&'static [&'static str]),
}

/// One column of a schema.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Column {
    /// The header name.
    pub name: &'static str,
    /// What it holds.
    pub kind: ColumnKind,
    /// Whether a row may leave it empty.
    pub optional: bool,
}

const fn id(name: &'static str, optional: bool) -> Column {
    Column {
        name,
        kind: ColumnKind::Identifier,
        optional,
    }
}
const fn col(name: &'static str, kind: ColumnKind) -> Column {
    Column {
        name,
        kind,
        optional: false,
    }
}

/// The direct identifiers every dataset carries (NHS number optional outside the NHS).
const IDENTITY: [Column; 5] = [
    id("nhs_number", true),
    id("given_name", false),
    id("family_name", false),
    id("date_of_birth", false),
    id("postcode", false),
];

/// Fields derived at the door from identifiers, coarse enough to share.
pub const DERIVED_FIELDS: [&str; 2] = ["age_band", "postcode_district"];

const WAITING_LIST: [Column; 3] = [
    col("specialty", ColumnKind::Text(80)),
    col("weeks_waiting", ColumnKind::Integer(0, 520)),
    col(
        "priority",
        ColumnKind::Choice(&["P1", "P2", "P3", "P4", "routine"]),
    ),
];
const HOUSING_REGISTER: [Column; 3] = [
    col("band", ColumnKind::Choice(&["A", "B", "C", "D"])),
    col("household_size", ColumnKind::Integer(1, 20)),
    col("reason", ColumnKind::Text(120)),
];
const BENEFITS_CASELOAD: [Column; 2] = [
    col(
        "benefit",
        ColumnKind::Choice(&[
            "housing_benefit",
            "council_tax_reduction",
            "discretionary_housing_payment",
        ]),
    ),
    col("weekly_award_pence", ColumnKind::Integer(0, 10_000_000)),
];
const DFG_APPLICATIONS: [Column; 3] = [
    col("adaptation", ColumnKind::Text(120)),
    col("cost_pence", ColumnKind::Integer(0, 10_000_000)),
    col(
        "stage",
        ColumnKind::Choice(&["enquiry", "assessed", "approved", "completed"]),
    ),
];

impl DatasetKind {
    /// Every kind.
    pub const ALL: [DatasetKind; 4] = [
        DatasetKind::WaitingList,
        DatasetKind::HousingRegister,
        DatasetKind::BenefitsCaseload,
        DatasetKind::DfgApplications,
    ];

    /// The stored and URL form.
    pub fn as_str(self) -> &'static str {
        match self {
            DatasetKind::WaitingList => "waiting_list",
            DatasetKind::HousingRegister => "housing_register",
            DatasetKind::BenefitsCaseload => "benefits_caseload",
            DatasetKind::DfgApplications => "dfg_applications",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Result<Self, ParseIdError> {
        parse_one("dataset kind", s, &Self::ALL, Self::as_str)
    }

    /// Whether it is health or adult social care data (to which the opt-outs apply).
    pub fn is_health_or_care(self) -> bool {
        matches!(
            self,
            DatasetKind::WaitingList | DatasetKind::DfgApplications
        )
    }

    /// The columns an upload must have, identifiers first.
    pub fn columns(self) -> Vec<Column> {
        let own: &[Column] = match self {
            DatasetKind::WaitingList => &WAITING_LIST,
            DatasetKind::HousingRegister => &HOUSING_REGISTER,
            DatasetKind::BenefitsCaseload => &BENEFITS_CASELOAD,
            DatasetKind::DfgApplications => &DFG_APPLICATIONS,
        };
        let mut cols = IDENTITY.to_vec();
        if self == DatasetKind::WaitingList {
            cols[0].optional = false; // a trust always has the NHS number
        }
        cols.extend_from_slice(own);
        cols
    }

    /// The fields an agreement may grant: the non-identifying columns and the derived ones.
    pub fn shareable_fields(self) -> Vec<&'static str> {
        let mut f: Vec<&'static str> = DERIVED_FIELDS.to_vec();
        f.extend(
            self.columns()
                .iter()
                .filter(|c| c.kind != ColumnKind::Identifier)
                .map(|c| c.name),
        );
        f
    }

    /// Whether `field` is one an agreement may grant.
    pub fn has_shareable_field(self, field: &str) -> bool {
        self.shareable_fields().contains(&field)
    }
}

/// The direct identifiers of one row, kept only in the uploading organisation's partition.
#[derive(Clone, PartialEq, Eq)]
pub struct Identity {
    /// NHS number, where the dataset has one.
    pub nhs_number: Option<NhsNumber>,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// Postcode.
    pub postcode: Postcode,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Identity(<redacted>)")
    }
}

impl Identity {
    /// The person's keyed pseudonym: from the NHS number where there is one, otherwise from
    /// family name, given name and date of birth, so a council record without an NHS number
    /// still links to itself across uploads. Probabilistic linkage across partners uses the
    /// privacy-preserving encodings of `goldthread-link` on top of this.
    pub fn pseudonym(&self, key: &PseudonymKey) -> String {
        match &self.nhs_number {
            Some(n) => key.pseudonym("nhs_number", &n.digits()),
            None => key.pseudonym(
                "name_dob",
                &format!(
                    "{}|{}|{}",
                    self.family_name.to_uppercase(),
                    self.given_name.to_uppercase(),
                    self.date_of_birth
                ),
            ),
        }
    }

    /// The ten-year age band on a day, e.g. `70-79`; 90 and over is one band.
    pub fn age_band(&self, on: NaiveDate) -> String {
        let mut age = on.year() - self.date_of_birth.year();
        if (on.month(), on.day()) < (self.date_of_birth.month(), self.date_of_birth.day()) {
            age -= 1;
        }
        match age.max(0) {
            a if a >= 90 => "90+".to_owned(),
            a => format!("{}-{}", a / 10 * 10, a / 10 * 10 + 9),
        }
    }
}

/// One valid row: its identity and the fields that may be shared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidRow {
    /// The 1-based line number in the file (the header is line 1).
    pub line: usize,
    /// The direct identifiers.
    pub identity: Identity,
    /// Shareable fields by name, derived ones included.
    pub fields: BTreeMap<String, String>,
}

/// What is wrong with one field of one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("line {line}, field {field}: {reason}")]
pub struct RowError {
    /// The 1-based line (header is 1).
    pub line: usize,
    /// The column.
    pub field: String,
    /// Why.
    pub reason: String,
}

/// Stop collecting after this many errors: the file needs fixing anyway.
pub const MAX_ERRORS: usize = 100;

/// Reads a CSV upload of `kind`: every row valid, or every error found (up to [`MAX_ERRORS`]).
pub fn read_csv(
    kind: DatasetKind,
    text: &str,
    today: NaiveDate,
) -> Result<Vec<ValidRow>, Vec<RowError>> {
    let columns = kind.columns();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(vec![err(
                1,
                "header",
                format!("the header cannot be read: {e}"),
            )])
        }
    };
    let mut index = Vec::with_capacity(columns.len());
    let mut errors = Vec::new();
    for c in &columns {
        match headers.iter().position(|h| h.trim() == c.name) {
            Some(i) => index.push(i),
            None => errors.push(err(
                1,
                c.name,
                "this column is missing from the header".into(),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        match record {
            Ok(record) if record.len() != headers.len() => errors.push(err(
                line,
                "row",
                format!(
                    "expected {} values as in the header, found {}",
                    headers.len(),
                    record.len()
                ),
            )),
            Ok(record) => {
                let values: Vec<&str> = index
                    .iter()
                    .map(|&i| record.get(i).unwrap_or("").trim())
                    .collect();
                match read_row(&columns, &values, line, today) {
                    Ok(row) => rows.push(row),
                    Err(mut e) => errors.append(&mut e),
                }
            }
            Err(e) => errors.push(err(line, "row", format!("the row cannot be read: {e}"))),
        }
        if errors.len() >= MAX_ERRORS {
            break;
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(err(1, "file", "the file has a header but no rows".into()));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

fn err(line: usize, field: &str, reason: String) -> RowError {
    RowError {
        line,
        field: field.to_owned(),
        reason,
    }
}

fn read_row(
    columns: &[Column],
    values: &[&str],
    line: usize,
    today: NaiveDate,
) -> Result<ValidRow, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut fields = BTreeMap::new();
    for (c, v) in columns.iter().zip(values) {
        if v.is_empty() {
            if !c.optional {
                errors.push(err(line, c.name, "a value is required".into()));
            }
            continue;
        }
        if let Err(reason) = check(c.kind, v) {
            errors.push(err(line, c.name, reason));
        } else if c.kind != ColumnKind::Identifier {
            fields.insert(c.name.to_owned(), (*v).to_owned());
        }
    }
    let get = |name: &str| {
        columns
            .iter()
            .position(|c| c.name == name)
            .map(|i| values[i])
            .unwrap_or("")
    };
    let nhs_number = match get("nhs_number") {
        "" => None,
        v => NhsNumber::parse(v)
            .map_err(|e| errors.push(err(line, "nhs_number", e.reason)))
            .ok(),
    };
    let date_of_birth = NaiveDate::parse_from_str(get("date_of_birth"), "%Y-%m-%d")
        .ok()
        .filter(|d| *d <= today);
    if date_of_birth.is_none() && !get("date_of_birth").is_empty() {
        errors.push(err(
            line,
            "date_of_birth",
            "expected a past date as YYYY-MM-DD".into(),
        ));
    }
    let postcode = Postcode::parse(get("postcode"));
    if let (Err(e), false) = (&postcode, get("postcode").is_empty()) {
        errors.push(err(line, "postcode", e.reason.clone()));
    }
    match (date_of_birth, postcode, errors.is_empty()) {
        (Some(date_of_birth), Ok(postcode), true) => {
            let identity = Identity {
                nhs_number,
                given_name: get("given_name").to_owned(),
                family_name: get("family_name").to_owned(),
                date_of_birth,
                postcode,
            };
            fields.insert("age_band".into(), identity.age_band(today));
            fields.insert(
                "postcode_district".into(),
                identity.postcode.outward().to_owned(),
            );
            Ok(ValidRow {
                line,
                identity,
                fields,
            })
        }
        _ => Err(errors),
    }
}

fn check(kind: ColumnKind, v: &str) -> Result<(), String> {
    match kind {
        ColumnKind::Identifier => {
            if v.chars().count() > 100 || v.chars().any(char::is_control) {
                return Err("expected at most 100 printable characters".into());
            }
        }
        ColumnKind::Text(max) => {
            if v.chars().count() > max || v.chars().any(char::is_control) {
                return Err(format!("expected at most {max} printable characters"));
            }
        }
        ColumnKind::Integer(lo, hi) => match v.parse::<i64>() {
            Ok(n) if (lo..=hi).contains(&n) => {}
            _ => return Err(format!("expected a whole number from {lo} to {hi}")),
        },
        ColumnKind::Choice(options) => {
            if !options.contains(&v) {
                return Err(format!("expected one of {}", options.join(", ")));
            }
        }
    }
    Ok(())
}
