//! Field specification: which columns hold which kind of identifier, and
//! how to block. Written in TOML or inferred from column names.
use serde::{Deserialize, Serialize};

use crate::error::{LinkError, Result};

/// What a field holds; decides its cleaning, comparison levels and encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// Given name or forename; compared with nicknames and initials.
    GivenName,
    /// Surname or family name.
    Surname,
    /// Any other personal name.
    Name,
    /// Date of birth; tolerates transposed day and month and a year off by one.
    DateOfBirth,
    /// Sex or gender code.
    Sex,
    /// UK postcode, compared at unit, sector and district level.
    Postcode,
    /// An address line, normalised (St -> street).
    Address,
    /// Town, city, suburb or locality.
    Town,
    /// NHS number (ten digits).
    NhsNumber,
    /// Another personal identifier, compared exactly or with one typo.
    Identifier,
    /// Unique Property Reference Number: exact match only (inferred as a
    /// component of the composite address, and as a blocking key).
    Uprn,
    /// A low-cardinality code compared exactly (state, county).
    Category,
    /// Free text compared with Jaro-Winkler.
    Text,
}

impl FieldKind {
    /// True for kinds that describe where someone lives; their agreements are
    /// correlated, so training leaves them all out under a rule that blocks on one.
    pub fn is_location(self) -> bool {
        matches!(
            self,
            FieldKind::Postcode
                | FieldKind::Address
                | FieldKind::Town
                | FieldKind::Uprn
                | FieldKind::Category
        )
    }

    /// True for name kinds, where term-frequency adjustment is on by default.
    pub fn is_name(self) -> bool {
        matches!(
            self,
            FieldKind::GivenName | FieldKind::Surname | FieldKind::Name
        )
    }
}

/// One field to compare.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldSpec {
    /// Field name used in reports and blocking keys.
    pub name: String,
    /// What the field holds.
    pub kind: FieldKind,
    /// Input columns; several are joined with a space (address lines).
    pub columns: Vec<String>,
    /// Separator for multi-valued cells such as an address history ("|").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_value_separator: Option<String>,
    /// Adjust exact-match weights by how common the value is (default: on for names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term_frequency: Option<bool>,
    /// Set to false for a field used only in blocking keys, not scored
    /// (for instance a postcode already scored inside a composite address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<bool>,
}

impl FieldSpec {
    /// Whether term-frequency adjustment applies.
    pub fn uses_term_frequency(&self) -> bool {
        self.term_frequency.unwrap_or(self.kind.is_name())
    }

    /// Whether the field is scored (false: blocking only).
    pub fn is_compared(&self) -> bool {
        self.compare.unwrap_or(true)
    }

    /// A field with one column and default settings.
    pub fn new(name: &str, kind: FieldKind, columns: &[&str]) -> Self {
        FieldSpec {
            name: name.to_string(),
            kind,
            columns: columns.iter().map(|c| c.to_string()).collect(),
            multi_value_separator: None,
            term_frequency: None,
            compare: None,
        }
    }
}

/// How one part of a blocking key is derived from a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyTransform {
    /// The cleaned value.
    Exact,
    /// Soundex of the value.
    Soundex,
    /// First letter.
    Initial,
    /// Year of a date.
    Year,
    /// Postcode sector ("AB1 2").
    Sector,
    /// Postcode district ("AB1").
    District,
}

impl KeyTransform {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "" | "exact" => KeyTransform::Exact,
            "soundex" | "sound" => KeyTransform::Soundex,
            "initial" | "first_letter" => KeyTransform::Initial,
            "year" => KeyTransform::Year,
            "sector" => KeyTransform::Sector,
            "district" => KeyTransform::District,
            _ => return None,
        })
    }
}

/// A blocking rule: records are compared when all key parts are equal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockingRule {
    /// Name shown in the report.
    pub name: String,
    /// Key parts, each "field" or "field:transform" (soundex, initial, year,
    /// sector, district); "a|b:transform" takes two fields in either order.
    pub keys: Vec<String>,
    /// Parts added one at a time when the rule would make too many pairs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refine_with: Vec<String>,
}

/// A parsed key part: field index and transform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyPart {
    /// Index into the spec's fields.
    pub field: usize,
    /// A second field for "a|b" parts, whose two values are taken in either
    /// order (tolerates swapped given name and surname).
    pub other: Option<usize>,
    /// Transform applied to the field.
    pub transform: KeyTransform,
}

/// The whole specification of a linkage job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkSpec {
    /// Column holding the record identifier (row numbers when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_column: Option<String>,
    /// Upper bound on candidate pairs per blocking rule before refining (default: 5 x records + 1,000,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_pairs_per_rule: Option<u64>,
    /// Extra alias groups (each a list of names meaning the same), added to the built-in nicknames.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<Vec<String>>,
    /// Fields to compare.
    #[serde(rename = "field")]
    pub fields: Vec<FieldSpec>,
    /// Blocking rules, OR'ed together.
    #[serde(rename = "blocking")]
    pub blocking: Vec<BlockingRule>,
}

impl LinkSpec {
    /// Parses a TOML specification and checks it.
    pub fn from_toml(text: &str) -> Result<Self> {
        let spec: LinkSpec = toml::from_str(text).map_err(|e| LinkError::Spec(e.to_string()))?;
        spec.validate()?;
        Ok(spec)
    }

    /// Writes the specification as TOML, for the user to save and edit.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// Checks field names are unique, fields have columns and rules name known fields.
    pub fn validate(&self) -> Result<()> {
        if self.fields.is_empty() {
            return Err(LinkError::Spec("no fields to compare".into()));
        }
        if self.fields.len() > 16 {
            return Err(LinkError::Spec("at most 16 fields can be compared".into()));
        }
        for (i, f) in self.fields.iter().enumerate() {
            if f.columns.is_empty() {
                return Err(LinkError::Spec(format!(
                    "field '{}' has no columns",
                    f.name
                )));
            }
            if self.fields[..i].iter().any(|g| g.name == f.name) {
                return Err(LinkError::Spec(format!("field '{}' appears twice", f.name)));
            }
        }
        if self.blocking.is_empty() {
            return Err(LinkError::Spec("no blocking rules".into()));
        }
        for r in &self.blocking {
            if r.keys.is_empty() {
                return Err(LinkError::Spec(format!(
                    "blocking rule '{}' has no keys",
                    r.name
                )));
            }
            for k in r.keys.iter().chain(&r.refine_with) {
                self.key_part(k)?;
            }
        }
        Ok(())
    }

    /// Parses "field", "field:transform" or "field|other:transform" into a [`KeyPart`].
    pub fn key_part(&self, key: &str) -> Result<KeyPart> {
        let (names, t) = key.split_once(':').unwrap_or((key, ""));
        let find = |name: &str| {
            self.fields
                .iter()
                .position(|f| f.name == name.trim())
                .ok_or_else(|| LinkError::Spec(format!("blocking key '{key}': no field '{name}'")))
        };
        let (field, other) = match names.split_once('|') {
            Some((a, b)) => (find(a)?, Some(find(b)?)),
            None => (find(names)?, None),
        };
        let transform = KeyTransform::parse(t.trim()).ok_or_else(|| {
            LinkError::Spec(format!(
                "blocking key '{key}': unknown transform '{t}' (use exact, soundex, initial, year, sector, district)"
            ))
        })?;
        Ok(KeyPart {
            field,
            other,
            transform,
        })
    }

    /// Infers a specification from column names; `id_column` overrides the id guess.
    pub fn infer(header: &[String], id_column: Option<&str>) -> Result<Self> {
        let id = match id_column {
            Some(c) => Some(c.to_string()),
            None => header.iter().find(|h| is_id_column(h)).cloned(),
        };
        let mut fields: Vec<FieldSpec> = Vec::new();
        let mut location: Vec<(String, FieldKind)> = Vec::new();
        for h in header {
            if Some(h) == id.as_ref() {
                continue;
            }
            let Some(kind) = infer_kind(h) else { continue };
            if kind.is_location() {
                location.push((h.clone(), kind));
                continue;
            }
            fields.push(FieldSpec::new(h.trim(), kind, &[h.as_str()]));
        }
        fields.extend(location_fields(&location));
        if fields.is_empty() {
            return Err(LinkError::Spec(format!(
                "could not infer any field from the columns {header:?}; write a spec"
            )));
        }
        let blocking = infer_blocking(&fields);
        if blocking.is_empty() {
            return Err(LinkError::Spec(
                "could not infer blocking rules (need names, date of birth, postcode or an identifier); write a spec".into(),
            ));
        }
        let spec = LinkSpec {
            id_column: id,
            max_pairs_per_rule: None,
            aliases: Vec::new(),
            fields,
            blocking,
        };
        spec.validate()?;
        Ok(spec)
    }
}

fn squash(h: &str) -> String {
    h.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

pub(crate) fn is_id_column(h: &str) -> bool {
    matches!(
        squash(h).as_str(),
        "id" | "recid"
            | "recordid"
            | "personid"
            | "patientid"
            | "rowid"
            | "uniqueid"
            | "localid"
            | "clientid"
            | "applicantid"
            | "claimantid"
    )
}

fn infer_kind(h: &str) -> Option<FieldKind> {
    let s = squash(h);
    let kind = match s.as_str() {
        "givenname" | "firstname" | "forename" | "forenames" | "fname" | "christianname"
        | "firstnames" | "givennames" => FieldKind::GivenName,
        "surname" | "lastname" | "familyname" | "lname" | "sname" => FieldKind::Surname,
        "name" | "fullname" | "middlename" | "othernames" => FieldKind::Name,
        "dob" | "dateofbirth" | "birthdate" | "datebirth" | "birthday" => FieldKind::DateOfBirth,
        "sex" | "gender" => FieldKind::Sex,
        "postcode" | "postalcode" | "zip" | "zipcode" | "pcode" | "postcodeunit" => {
            FieldKind::Postcode
        }
        "suburb" | "town" | "city" | "locality" | "posttown" | "village" => FieldKind::Town,
        "nhsnumber" | "nhsno" | "nhs" | "nhsnum" => FieldKind::NhsNumber,
        "uprn" | "propertyreference" | "propertyref" => FieldKind::Uprn,
        "socsecid"
        | "ssn"
        | "socialsecuritynumber"
        | "nino"
        | "nationalinsurancenumber"
        | "ninumber"
        | "chinumber" => FieldKind::Identifier,
        "state" | "county" | "region" => FieldKind::Category,
        _ if s.starts_with("address")
            || s.starts_with("addr")
            || s.starts_with("street")
            || s.starts_with("housenumber")
            || s.starts_with("house") =>
        {
            FieldKind::Address
        }
        _ => return None,
    };
    Some(kind)
}

/// Address lines, town, postcode and UPRN describe one place, so they are scored
/// together as one composite address (scoring them apart would count the
/// same evidence several times and pair up everyone in a household). The
/// postcode and first address line are kept as block-only fields.
fn location_fields(cols: &[(String, FieldKind)]) -> Vec<FieldSpec> {
    let mut out = Vec::new();
    if cols.is_empty() {
        return out;
    }
    let names: Vec<&str> = cols.iter().map(|(c, _)| c.as_str()).collect();
    if cols.len() == 1 {
        out.push(FieldSpec::new(names[0].trim(), cols[0].1, &names));
        return out;
    }
    out.push(FieldSpec::new("address", FieldKind::Address, &names));
    for kind in [FieldKind::Postcode, FieldKind::Address, FieldKind::Uprn] {
        if let Some((c, _)) = cols.iter().find(|(_, k)| *k == kind) {
            out.push(FieldSpec {
                compare: Some(false),
                ..FieldSpec::new(c.trim(), kind, &[c.as_str()])
            });
        }
    }
    out
}

fn infer_blocking(fields: &[FieldSpec]) -> Vec<BlockingRule> {
    let find = |kind: FieldKind| {
        // Prefer a single-column field (the block-only postcode or first address line).
        let mut matching = fields.iter().filter(|f| f.kind == kind);
        let first = matching.clone().next();
        matching
            .find(|f| f.columns.len() == 1)
            .or(first)
            .map(|f| f.name.clone())
    };
    let given = find(FieldKind::GivenName).or_else(|| find(FieldKind::Name));
    let surname = find(FieldKind::Surname);
    let dob = find(FieldKind::DateOfBirth);
    let postcode = find(FieldKind::Postcode);
    let address = find(FieldKind::Address);
    let mut refine = Vec::new();
    if let Some(d) = &dob {
        refine.push(format!("{d}:year"));
    }
    if let Some(s) = find(FieldKind::Sex) {
        refine.push(s);
    }
    let mut rules = Vec::new();
    let mut rule = |name: &str, keys: Vec<String>, refine_with: Vec<String>| {
        // Refining by a field the rule already uses would change nothing.
        let field_of = |k: &str| k.split(':').next().unwrap_or("").to_string();
        let used: Vec<String> = keys
            .iter()
            .flat_map(|k| {
                field_of(k)
                    .split('|')
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect();
        let refine_with = refine_with
            .into_iter()
            .filter(|r| !used.contains(&field_of(r)))
            .collect();
        rules.push(BlockingRule {
            name: name.to_string(),
            keys,
            refine_with,
        })
    };
    for kind in [FieldKind::NhsNumber, FieldKind::Identifier] {
        if let Some(f) = find(kind) {
            rule(&format!("{f} exact"), vec![f], refine.clone());
        }
    }
    // A property reference gathers whole households; the initial keeps it to the person.
    if let (Some(u), Some(g)) = (find(FieldKind::Uprn), &given) {
        rule(
            "UPRN + given name initial",
            vec![u, format!("{g}:initial")],
            refine.clone(),
        );
    }
    if let (Some(d), Some(s)) = (&dob, &surname) {
        rule(
            "date of birth + surname initial",
            vec![d.clone(), format!("{s}:initial")],
            refine.clone(),
        );
    }
    if let (Some(d), Some(g)) = (&dob, &given) {
        rule(
            "date of birth + given name initial",
            vec![d.clone(), format!("{g}:initial")],
            refine.clone(),
        );
    }
    if let (Some(s), Some(g)) = (&surname, &given) {
        rule(
            "surname sound + given name sound",
            vec![format!("{s}:soundex"), format!("{g}:soundex")],
            refine.clone(),
        );
    }
    if let (Some(d), Some(s), Some(g)) = (&dob, &surname, &given) {
        rule(
            "date of birth + name initials in either order",
            vec![d.clone(), format!("{g}|{s}:initial")],
            refine.clone(),
        );
    }
    if let (Some(d), Some(p)) = (&dob, &postcode) {
        rule(
            "date of birth + postcode district",
            vec![d.clone(), format!("{p}:district")],
            refine.clone(),
        );
    }
    if let (Some(s), Some(a)) = (&surname, &address) {
        rule(
            "surname sound + first address field",
            vec![format!("{s}:soundex"), a.clone()],
            refine.clone(),
        );
    }
    if let (Some(p), Some(a)) = (&postcode, &address) {
        rule(
            "postcode + first address field",
            vec![p.clone(), a.clone()],
            refine.clone(),
        );
    }
    if let (Some(p), Some(g)) = (&postcode, &given) {
        rule(
            "postcode + given name initial",
            vec![p.clone(), format!("{g}:initial")],
            refine.clone(),
        );
    }
    if let (Some(p), Some(s)) = (&postcode, &surname) {
        rule(
            "postcode + surname initial",
            vec![p.clone(), format!("{s}:initial")],
            refine.clone(),
        );
    }
    if rules.is_empty() {
        let mut rule = |name: &str, keys: Vec<String>, refine_with: Vec<String>| {
            rules.push(BlockingRule {
                name: name.to_string(),
                keys,
                refine_with,
            })
        };
        if let Some(d) = &dob {
            rule("date of birth", vec![d.clone()], refine.clone());
        } else if let Some(p) = &postcode {
            rule("postcode", vec![p.clone()], refine.clone());
        }
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(cols: &[&str]) -> Vec<String> {
        cols.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn infers_febrl_columns() {
        let h = header(&[
            "rec_id",
            "given_name",
            "surname",
            "street_number",
            "address_1",
            "address_2",
            "suburb",
            "postcode",
            "state",
            "date_of_birth",
            "soc_sec_id",
        ]);
        let spec = LinkSpec::infer(&h, None).unwrap();
        assert_eq!(spec.id_column.as_deref(), Some("rec_id"));
        let kinds: Vec<_> = spec.fields.iter().map(|f| f.kind).collect();
        assert!(kinds.contains(&FieldKind::GivenName));
        assert!(kinds.contains(&FieldKind::DateOfBirth));
        assert!(kinds.contains(&FieldKind::Identifier));
        let address = spec.fields.iter().find(|f| f.name == "address").unwrap();
        assert_eq!(address.columns.len(), 6, "{:?}", address.columns);
        let again = LinkSpec::from_toml(&spec.to_toml()).unwrap();
        assert_eq!(again, spec);
    }

    #[test]
    fn rejects_unknown_field_in_rule() {
        let text = r#"
[[field]]
name = "surname"
kind = "surname"
columns = ["surname"]
[[blocking]]
name = "x"
keys = ["forename:soundex"]
"#;
        let err = LinkSpec::from_toml(text).unwrap_err().to_string();
        assert!(err.contains("no field 'forename'"), "{err}");
    }
}
