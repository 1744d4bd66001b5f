//! Disclosure control: the preset rules, rounding and secondary suppression.

use goldthread_stats::{Disclosed, DisclosureRule};

#[test]
fn opensafely_withholds_seven_or_fewer_and_rounds_to_five() {
    let rule = DisclosureRule::default();
    assert_eq!(rule, DisclosureRule::OPENSAFELY);
    for small in 0..=7 {
        assert_eq!(rule.apply(small), Disclosed::Suppressed, "{small}");
    }
    assert_eq!(rule.apply(8), Disclosed::Published(10));
    assert_eq!(rule.apply(12), Disclosed::Published(10));
    assert_eq!(rule.apply(13), Disclosed::Published(15));
    assert_eq!(rule.apply(1_000_002), Disclosed::Published(1_000_000));
}

#[test]
fn nhs_digital_shows_a_true_zero() {
    let rule = DisclosureRule::NHS_DIGITAL;
    assert_eq!(rule.apply(0), Disclosed::Published(0));
    assert!((1..=7).all(|c| rule.apply(c).is_suppressed()));
    assert_eq!(rule.apply(8).value(), Some(10));
}

#[test]
fn custom_rules_round_halves_up_and_reject_base_zero() {
    let rule = DisclosureRule::custom(1, 2, 10).unwrap();
    assert_eq!(rule.apply(15), Disclosed::Published(20));
    assert_eq!(rule.apply(14), Disclosed::Published(10));
    assert_eq!(rule.apply(3), Disclosed::Published(0));
    assert_eq!(
        DisclosureRule::custom(0, 0, 1).unwrap().apply(9),
        Disclosed::Published(9)
    );
    let err = DisclosureRule::custom(0, 7, 0).unwrap_err();
    assert!(err.to_string().contains("rounding base"), "{err}");
    assert_eq!(DisclosureRule::NONE.apply(0), Disclosed::Published(0));
}

#[test]
fn one_withheld_cell_takes_the_smallest_other_with_it() {
    let table = DisclosureRule::OPENSAFELY.apply_to_table(&[3, 40, 20]);
    assert_eq!(
        table.cells,
        vec![
            Disclosed::Suppressed,
            Disclosed::Published(40),
            Disclosed::Suppressed
        ]
    );
    assert_eq!(table.total, Disclosed::Published(65));
}

#[test]
fn two_withheld_cells_need_no_more() {
    let table = DisclosureRule::OPENSAFELY.apply_to_table(&[3, 5, 40]);
    assert_eq!(
        table.cells,
        vec![
            Disclosed::Suppressed,
            Disclosed::Suppressed,
            Disclosed::Published(40)
        ]
    );
}

#[test]
fn a_withheld_total_protects_the_cell_by_itself() {
    let table = DisclosureRule::OPENSAFELY.apply_to_table(&[2, 3]);
    assert!(table.cells.iter().all(|c| c.is_suppressed()));
    assert!(table.total.is_suppressed());
}
