//! The built-in ESP 2013 tables equal the shared reference files.

mod common;

use common::*;
use goldthread_stats::esp::{
    esp2013_for_start_ages, start_age_from_label, StandardPopulationBand, ESP2013_19_BANDS,
    ESP2013_20_BANDS, ESP2013_21_BANDS,
};

fn assert_table_matches(file: &str, table: &[StandardPopulationBand]) {
    let rows = read_csv(shared_dir().join("data/methods").join(file));
    assert_eq!(rows.len(), table.len(), "{file}");
    for (row, band) in rows.iter().zip(table) {
        assert_eq!(
            f64::from(band.start_age),
            req(row, "start_age"),
            "{file} {row:?}"
        );
        assert_eq!(
            f64::from(band.population),
            req(row, "esp2013"),
            "{file} {row:?}"
        );
        assert_eq!(
            start_age_from_label(&row["ageband"]),
            Some(band.start_age),
            "{file} label"
        );
    }
    assert_eq!(
        table.iter().map(|b| b.population).sum::<u32>(),
        100_000,
        "{file} sums to 100,000"
    );
}

#[test]
fn the_three_layouts_equal_the_shared_files() {
    assert_table_matches("esp2013_19band.csv", &ESP2013_19_BANDS);
    assert_table_matches("esp2013_20band.csv", &ESP2013_20_BANDS);
    assert_table_matches("esp2013_21band.csv", &ESP2013_21_BANDS);
}

#[test]
fn band_ends_meet_the_next_start() {
    for table in [
        &ESP2013_19_BANDS[..],
        &ESP2013_20_BANDS[..],
        &ESP2013_21_BANDS[..],
    ] {
        for pair in table.windows(2) {
            assert_eq!(pair[0].end_age.map(|e| e + 1), Some(pair[1].start_age));
        }
        assert_eq!(table.last().unwrap().end_age, None, "top band is open");
    }
}

#[test]
fn weights_follow_start_ages_in_any_order_and_gaps_are_errors() {
    assert_eq!(
        esp2013_for_start_ages(&[
            90, 0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85
        ])
        .unwrap()[..3],
        [1000, 1000, 4000]
    );
    let err = esp2013_for_start_ages(&[0, 5, 10]).unwrap_err();
    assert!(
        err.to_string().contains("not one of the ESP 2013 layouts"),
        "{err}"
    );
}

#[test]
fn labels_give_their_first_number() {
    assert_eq!(start_age_from_label("05-09"), Some(5));
    assert_eq!(start_age_from_label("90+"), Some(90));
    assert_eq!(start_age_from_label("Aged 85 to 89"), Some(85));
    assert_eq!(start_age_from_label("all ages"), None);
}
