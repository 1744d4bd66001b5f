//! What an organisations file would change, before anything is written: each row is matched to
//! a stored organisation and sorted into added, changed (field by field, old and new) or
//! unchanged, or refused with its line, field and reason. Officers keep provider lists in
//! spreadsheets; this is the preview they confirm, and the confirmation applies exactly it.
//!
//! A row is matched by its id when the file gives one; otherwise by the id derived from its
//! code, then its ODS code, then its GSS code, then (when exactly one stored organisation has
//! it) its name. A matched row takes the stored organisation's id, so re-uploading an exported
//! list, or one typed without ids, updates rather than duplicates.

use std::collections::{BTreeMap, HashMap};

use sha2::{Digest, Sha256};

use super::organisations_csv::{RowError, UploadRow};
use super::oruk::OrganisationProfile;
use crate::organisation::{Organisation, OrganisationId};

/// An organisation and its directory profile.
pub type Record = (Organisation, OrganisationProfile);

/// One field that a row changes.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FieldChange {
    /// The column, one of the organisations CSV header's.
    pub field: &'static str,
    /// The stored value ("" for none).
    pub old: String,
    /// The uploaded value ("" for none).
    pub new: String,
}

/// A row that adds an organisation.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Added {
    /// Its line in the file.
    pub line: u64,
    /// What will be stored.
    pub record: Record,
}

/// A row that changes a stored organisation.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Changed {
    /// Its line in the file.
    pub line: u64,
    /// What is stored now.
    pub before: Record,
    /// What will be stored (with the stored organisation's id).
    pub after: Record,
    /// The fields that differ, in the file's column order.
    pub fields: Vec<FieldChange>,
}

/// A row that matches a stored organisation exactly.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Unchanged {
    /// Its line in the file.
    pub line: u64,
    /// The stored organisation.
    pub record: Record,
}

/// What a file would do to the stored organisations.
#[derive(Clone, Default, PartialEq, Eq, Debug)]
pub struct OrganisationsDiff {
    /// New organisations, by line.
    pub added: Vec<Added>,
    /// Changed organisations, by line.
    pub changed: Vec<Changed>,
    /// Rows that change nothing, by line.
    pub unchanged: Vec<Unchanged>,
}

impl OrganisationsDiff {
    /// The records to write: the added ones, then the changed ones as they will be.
    pub fn writes(&self) -> Vec<Record> {
        self.added
            .iter()
            .map(|a| a.record.clone())
            .chain(self.changed.iter().map(|c| c.after.clone()))
            .collect()
    }

    /// Whether the file changes nothing.
    pub fn changes_nothing(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty()
    }

    /// One line saying how many rows add, change and leave organisations as they are.
    pub fn summary(&self) -> String {
        format!(
            "{} to add, {} to change, {} unchanged",
            self.added.len(),
            self.changed.len(),
            self.unchanged.len()
        )
    }
}

/// A record's fields as text, by column name, in the organisations CSV's order.
pub fn field_values(record: &Record) -> [(&'static str, String); 10] {
    let (o, p) = record;
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        ("name", o.name.clone()),
        ("kind", o.kind.as_str().to_owned()),
        (
            "ods_code",
            o.ods_code
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ),
        (
            "gss_code",
            o.gss_code
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ),
        ("description", p.description.clone()),
        ("website", s(&p.website)),
        ("email", s(&p.email)),
        ("phone", s(&p.phone)),
        ("companies_house", s(&p.companies_house)),
        ("charity_number", s(&p.charity_number)),
    ]
}

/// The fields in which `after` differs from `before`.
pub fn field_changes(before: &Record, after: &Record) -> Vec<FieldChange> {
    field_values(before)
        .into_iter()
        .zip(field_values(after))
        .filter(|((_, old), (_, new))| old != new)
        .map(|((field, old), (_, new))| FieldChange { field, old, new })
        .collect()
}

/// Copies the stored values of the columns a file does not have.
fn keep_absent(record: &mut Record, before: &Record, absent: &[String]) {
    let ((o, p), (bo, bp)) = (record, before);
    for column in absent {
        match column.as_str() {
            "ods_code" => o.ods_code = bo.ods_code.clone(),
            "gss_code" => o.gss_code = bo.gss_code,
            "description" => p.description = bp.description.clone(),
            "website" => p.website = bp.website.clone(),
            "email" => p.email = bp.email.clone(),
            "phone" => p.phone = bp.phone.clone(),
            "companies_house" => p.companies_house = bp.companies_house.clone(),
            "charity_number" => p.charity_number = bp.charity_number.clone(),
            _ => {}
        }
    }
}

fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Compares the rows of a file with the stored organisations. Returns what would change, or
/// every row that cannot be applied: two rows for one organisation, or an ODS or GSS code that
/// would then belong to two organisations.
pub fn diff(stored: &[Record], rows: &[UploadRow]) -> Result<OrganisationsDiff, Vec<RowError>> {
    let by_id: HashMap<OrganisationId, &Record> = stored.iter().map(|r| (r.0.id, r)).collect();
    let by_ods: HashMap<String, OrganisationId> = stored
        .iter()
        .filter_map(|r| r.0.ods_code.as_ref().map(|c| (c.to_string(), r.0.id)))
        .collect();
    let by_gss: HashMap<String, OrganisationId> = stored
        .iter()
        .filter_map(|r| r.0.gss_code.as_ref().map(|c| (c.to_string(), r.0.id)))
        .collect();
    let mut by_name: HashMap<String, Vec<OrganisationId>> = HashMap::new();
    for r in stored {
        by_name.entry(name_key(&r.0.name)).or_default().push(r.0.id);
    }

    let mut errors = Vec::new();
    let mut seen: HashMap<OrganisationId, u64> = HashMap::new();
    let mut out = OrganisationsDiff::default();
    // The organisations as they would be, to check codes stay unique: id -> (record, line).
    let mut after: BTreeMap<OrganisationId, (Record, Option<u64>)> =
        stored.iter().map(|r| (r.0.id, (r.clone(), None))).collect();
    for row in rows {
        let (o, _) = &row.record;
        let matched = if row.id_given || by_id.contains_key(&o.id) {
            by_id.get(&o.id).map(|r| r.0.id)
        } else {
            o.ods_code
                .as_ref()
                .and_then(|c| by_ods.get(&c.to_string()).copied())
                .or_else(|| {
                    o.gss_code
                        .as_ref()
                        .and_then(|c| by_gss.get(&c.to_string()).copied())
                })
                .or_else(
                    || match by_name.get(&name_key(&o.name)).map(Vec::as_slice) {
                        Some([only]) => Some(*only),
                        _ => None,
                    },
                )
        };
        let mut record = row.record.clone();
        if let Some(before) = matched.and_then(|id| by_id.get(&id)) {
            record.0.id = before.0.id;
            keep_absent(&mut record, before, &row.absent);
        }
        if let Some(first) = seen.insert(record.0.id, row.line) {
            errors.push(RowError {
                line: row.line,
                field: if row.id_given { "id" } else { "name" }.into(),
                reason: format!(
                    "is the same organisation as line {first}; give each organisation one row"
                ),
            });
            continue;
        }
        after.insert(record.0.id, (record.clone(), Some(row.line)));
        match matched.and_then(|id| by_id.get(&id)) {
            None => out.added.push(Added {
                line: row.line,
                record,
            }),
            Some(before) if **before == record => out.unchanged.push(Unchanged {
                line: row.line,
                record,
            }),
            Some(before) => out.changed.push(Changed {
                line: row.line,
                fields: field_changes(before, &record),
                before: (*before).clone(),
                after: record,
            }),
        }
    }
    type CodeOf = fn(&Record) -> Option<String>;
    let codes: [(&str, CodeOf); 2] = [
        ("ods_code", |r| {
            r.0.ods_code.as_ref().map(ToString::to_string)
        }),
        ("gss_code", |r| {
            r.0.gss_code.as_ref().map(ToString::to_string)
        }),
    ];
    for (field, code_of) in codes {
        let mut holders: BTreeMap<String, Vec<(&Record, Option<u64>)>> = BTreeMap::new();
        for (r, line) in after.values() {
            if let Some(code) = code_of(r) {
                holders.entry(code).or_default().push((r, *line));
            }
        }
        for (code, hs) in holders.iter().filter(|(_, hs)| hs.len() > 1) {
            for (r, line) in hs {
                let Some(line) = line else { continue };
                let others: Vec<String> = hs
                    .iter()
                    .filter(|(o, _)| o.0.id != r.0.id)
                    .map(|(o, l)| match l {
                        Some(l) => format!("line {l} ({})", o.0.name),
                        None => format!("the stored organisation {} ({})", o.0.name, o.0.id),
                    })
                    .collect();
                errors.push(RowError {
                    line: *line,
                    field: field.into(),
                    reason: format!(
                        "{code} is also the code of {}; a code belongs to one organisation",
                        others.join(" and ")
                    ),
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        errors.sort_by(|a, b| (a.line, &a.field).cmp(&(b.line, &b.field)));
        Err(errors)
    }
}

/// A fingerprint of the stored organisations (SHA-256 over every record in id order): a
/// preview computed against one fingerprint is applied only while the store still has it.
pub fn fingerprint(stored: &[Record]) -> String {
    let mut sorted: Vec<&Record> = stored.iter().collect();
    sorted.sort_by_key(|r| r.0.id);
    let mut hash = Sha256::new();
    for r in sorted {
        hash.update(serde_json::to_vec(r).unwrap_or_default());
        hash.update(b"\n");
    }
    hex::encode(hash.finalize())
}

#[cfg(test)]
mod tests {
    use super::super::organisations_csv::{parse_rows, write};
    use super::*;
    use crate::organisation::OrganisationKind;
    use crate::OdsCode;

    fn stored() -> Vec<Record> {
        parse_rows(
            "name,kind,ods_code,gss_code,email\n\
             NHS Norfolk and Waveney ICB,integrated_care_board,QMM,,\n\
             Norwich City Council,district_council,,E07000148,\n\
             Age UK Norfolk,vcse,,,hello@ageuk.example\n",
        )
        .unwrap()
        .into_iter()
        .map(|r| r.record)
        .collect()
    }

    #[test]
    fn rows_are_matched_by_code_or_name_and_sorted_into_added_changed_and_unchanged() {
        let stored = stored();
        let rows = parse_rows(
            "name,kind,ods_code,gss_code,email,website\n\
             NHS Norfolk and Waveney ICB,integrated_care_board,QMM,,,\n\
             Norwich City Council,district_council,,E07000148,,https://norwich.example\n\
             age uk  norfolk,vcse,,,info@ageuk.example,\n\
             Norwich Foodbank,vcse,,,,\n",
        )
        .unwrap();
        let d = diff(&stored, &rows).unwrap();
        assert_eq!(d.unchanged.len(), 1);
        assert_eq!(d.unchanged[0].line, 2);
        assert_eq!(d.changed.iter().map(|c| c.line).collect::<Vec<_>>(), [3, 4]);
        assert_eq!(
            d.changed[0].fields,
            [FieldChange {
                field: "website",
                old: String::new(),
                new: "https://norwich.example".into()
            }]
        );
        // Matched by name: it keeps the stored id and name's case is a change.
        assert_eq!(d.changed[1].after.0.id, stored[2].0.id);
        let fields: Vec<&str> = d.changed[1].fields.iter().map(|f| f.field).collect();
        assert_eq!(fields, ["name", "email"]);
        assert_eq!(d.changed[1].fields[1].old, "hello@ageuk.example");
        assert_eq!(d.added.len(), 1);
        assert_eq!(d.added[0].record.0.name, "Norwich Foodbank");
        assert_eq!(d.writes().len(), 3);
        assert_eq!(d.summary(), "1 to add, 2 to change, 1 unchanged");
    }

    #[test]
    fn columns_a_file_leaves_out_keep_their_stored_values_and_empty_cells_clear_them() {
        let stored = stored();
        let without_email = parse_rows("name,kind\nAge UK Norfolk,vcse\n").unwrap();
        assert_eq!(diff(&stored, &without_email).unwrap().unchanged.len(), 1);
        let empty_email = parse_rows("name,kind,email\nAge UK Norfolk,vcse,\n").unwrap();
        let d = diff(&stored, &empty_email).unwrap();
        assert_eq!(d.changed[0].fields[0].field, "email");
        assert_eq!(d.changed[0].fields[0].new, "");
    }

    #[test]
    fn an_exported_list_changes_nothing() {
        let stored = stored();
        let rows = parse_rows(&write(&stored)).unwrap();
        let d = diff(&stored, &rows).unwrap();
        assert!(d.changes_nothing());
        assert_eq!(d.unchanged.len(), stored.len());
    }

    #[test]
    fn a_code_held_by_another_organisation_and_a_repeated_row_are_named_by_line() {
        let stored = stored();
        let icb = stored[0].0.id;
        let text = format!(
            "id,name,kind,ods_code\n\
             {},Another ICB,integrated_care_board,QMM\n\
             ,Norwich Foodbank,vcse,\n\
             ,norwich foodbank,vcse,\n\
             {icb},NHS Norfolk and Waveney ICB,integrated_care_board,QMM\n",
            OrganisationId::for_code("another")
        );
        let errors = diff(&stored, &parse_rows(&text).unwrap()).unwrap_err();
        let at: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(
            at,
            [(2, "ods_code"), (4, "name"), (5, "ods_code")],
            "{errors:?}"
        );
        assert!(errors[0]
            .reason
            .contains("line 5 (NHS Norfolk and Waveney ICB)"));
        assert!(errors[1].reason.contains("line 3"));
    }

    #[test]
    fn a_new_organisation_may_not_take_a_stored_code_but_a_swap_within_the_file_is_fine() {
        let mut stored = stored();
        stored.push((
            Organisation {
                id: OrganisationId::for_code("RM1"),
                name: "Norfolk and Norwich University Hospitals".into(),
                kind: OrganisationKind::NhsTrust,
                ods_code: Some(OdsCode::parse("RM1").unwrap()),
                gss_code: None,
            },
            OrganisationProfile::default(),
        ));
        let (icb, nnuh) = (stored[0].0.id, stored[3].0.id);
        let taken = format!(
            "id,name,kind,ods_code\n{},A New Trust,nhs_trust,RM1\n",
            OrganisationId::for_code("new")
        );
        let errors = diff(&stored, &parse_rows(&taken).unwrap()).unwrap_err();
        assert_eq!((errors[0].line, errors[0].field.as_str()), (2, "ods_code"));
        assert!(errors[0]
            .reason
            .contains("the stored organisation Norfolk and Norwich"));
        let swap = format!(
            "id,name,kind,ods_code\n{icb},NHS Norfolk and Waveney ICB,integrated_care_board,RM1\n\
             {nnuh},Norfolk and Norwich University Hospitals,nhs_trust,QMM\n"
        );
        let d = diff(&stored, &parse_rows(&swap).unwrap()).unwrap();
        assert_eq!(d.changed.len(), 2);
    }

    #[test]
    fn the_fingerprint_moves_with_any_stored_field_and_not_with_order() {
        let stored = stored();
        let mut reversed = stored.clone();
        reversed.reverse();
        assert_eq!(fingerprint(&stored), fingerprint(&reversed));
        let mut moved = stored.clone();
        moved[2].1.phone = Some("01603 000000".into());
        assert_ne!(fingerprint(&stored), fingerprint(&moved));
    }
}
