//! The dataset CSV reader on arbitrary input: it never panics, and every error names a line and
//! a field; valid rows of every kind come back with identifiers separated from shared fields.

use chrono::NaiveDate;
use goldthread_domain::sharing::dataset::{read_csv, DatasetKind};
use proptest::prelude::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

fn header(kind: DatasetKind) -> String {
    kind.columns()
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(",")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_text_never_panics_the_reader(text in ".{0,400}", k in 0usize..4) {
        let kind = DatasetKind::ALL[k];
        if let Err(errors) = read_csv(kind, &text, today()) {
            prop_assert!(!errors.is_empty());
            prop_assert!(errors.iter().all(|e| e.line >= 1 && !e.field.is_empty() && !e.reason.is_empty()));
        }
    }

    #[test]
    fn arbitrary_cells_under_a_valid_header_are_read_or_refused_by_line(
        cells in proptest::collection::vec(proptest::collection::vec("[ -~]{0,14}", 0..10), 1..6),
        k in 0usize..4,
    ) {
        let kind = DatasetKind::ALL[k];
        let mut text = header(kind);
        for row in &cells {
            text.push('\n');
            text.push_str(&row.join(","));
        }
        match read_csv(kind, &text, today()) {
            Ok(rows) => prop_assert!(rows.len() <= cells.len()),
            Err(errors) => prop_assert!(errors.iter().all(|e| e.line >= 1 && e.line <= cells.len() + 1)),
        }
    }
}

#[test]
fn a_valid_housing_register_row_keeps_identifiers_out_of_the_shared_fields() {
    let text = format!(
        "{}\n,Ada,Thurlow,1946-03-04,NR30 1AA,B,2,Medical need\n",
        header(DatasetKind::HousingRegister)
    );
    let rows = read_csv(DatasetKind::HousingRegister, &text, today()).unwrap();
    let shared: Vec<&str> = rows[0].fields.keys().map(String::as_str).collect();
    assert_eq!(
        shared,
        [
            "age_band",
            "band",
            "household_size",
            "postcode_district",
            "reason"
        ]
    );
    assert_eq!(rows[0].fields["age_band"], "80-89");
    assert_eq!(rows[0].identity.family_name, "Thurlow");
}

#[test]
fn a_missing_column_is_named_on_line_one() {
    let errors = read_csv(
        DatasetKind::WaitingList,
        "nhs_number,given_name\n1,2\n",
        today(),
    )
    .unwrap_err();
    assert!(errors.iter().any(|e| e.line == 1 && e.field == "specialty"));
}
