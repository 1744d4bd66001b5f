use proptest::prelude::*;

use super::*;

/// One thing a district officer or budget holder might do to a budget.
#[derive(Clone, Debug)]
enum Op {
    Allocate(i64),
    Pay(i64),
    PayWithOverride(i64),
    Refund(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1i64..10_000_000).prop_map(Op::Allocate),
        (1i64..2_000_000).prop_map(Op::Pay),
        (1i64..2_000_000).prop_map(Op::PayWithOverride),
        (1i64..500_000).prop_map(Op::Refund),
    ]
}

fn authorised() -> Override {
    Override {
        authorised_by: "Head of Housing".into(),
        reason: "patient medically fit; no other funding".into(),
    }
}

proptest! {
    #[test]
    fn the_balance_never_goes_negative_without_an_override(ops in prop::collection::vec(op(), 0..200)) {
        let mut ledger = Ledger::new();
        let mut overridden = false;
        for op in ops {
            let before = ledger.balance();
            let result = match op {
                Op::Allocate(p) => ledger.allocate(Money::from_pence(p)),
                Op::Pay(p) => ledger.pay(Money::from_pence(p), "Key Safes Ltd", "key safe", None),
                Op::PayWithOverride(p) => {
                    overridden = true;
                    ledger.pay(Money::from_pence(p), "Clear Homes", "deep clean", Some(&authorised()))
                }
                Op::Refund(p) => ledger.refund(Money::from_pence(p), "Key Safes Ltd"),
            };
            if result.is_err() {
                prop_assert_eq!(ledger.balance(), before, "a refused operation changes nothing");
            }
            if !overridden {
                prop_assert!(!ledger.balance().is_negative());
            }
        }
    }

    #[test]
    fn the_balance_always_reconciles_and_the_ledger_sums_to_zero(ops in prop::collection::vec(op(), 0..200)) {
        let mut ledger = Ledger::new();
        for op in ops {
            let _ = match op {
                Op::Allocate(p) => ledger.allocate(Money::from_pence(p)),
                Op::Pay(p) => ledger.pay(Money::from_pence(p), "Key Safes Ltd", "key safe", None),
                Op::PayWithOverride(p) => ledger.pay(Money::from_pence(p), "Clear Homes", "clean", Some(&authorised())),
                Op::Refund(p) => ledger.refund(Money::from_pence(p), "Key Safes Ltd"),
            };
            prop_assert_eq!(reconcile(ledger.balance(), ledger.entries()), Ok(ledger.balance()));
            let total: Money = ledger.entries().iter().map(|e| e.amount).sum();
            prop_assert_eq!(total, Money::ZERO);
            let pos = BudgetPosition::of(ledger.entries());
            prop_assert_eq!(pos.allocated.checked_sub(pos.spent), Some(pos.balance));
        }
    }
}

#[test]
fn a_payment_beyond_the_balance_is_refused_and_says_how_much_is_left() {
    let mut ledger = Ledger::new();
    ledger.allocate(Money::from_pounds(100)).unwrap();
    let err = ledger
        .pay(Money::from_pounds(150), "Key Safes Ltd", "key safe", None)
        .unwrap_err();
    assert_eq!(
        err,
        LedgerError::WouldOverspend {
            amount: Money::from_pounds(150),
            balance: Money::from_pounds(100)
        }
    );
    assert!(err.to_string().contains("£100.00"));
}

#[test]
fn an_authorised_override_allows_an_overspend() {
    let mut ledger = Ledger::new();
    ledger.allocate(Money::from_pounds(100)).unwrap();
    ledger
        .pay(
            Money::from_pounds(150),
            "Clear Homes",
            "deep clean",
            Some(&authorised()),
        )
        .unwrap();
    assert_eq!(ledger.balance(), Money::from_pounds(-50));
    assert_eq!(ledger.overrides(), 1);
}

#[test]
fn an_override_without_a_reason_is_no_override() {
    let blank = Override {
        authorised_by: "Head of Housing".into(),
        reason: "  ".into(),
    };
    assert_eq!(
        payment(Money::ZERO, Money::from_pounds(1), "A", "B", Some(&blank)),
        Err(LedgerError::Missing("override reason"))
    );
}

#[test]
fn payments_need_a_payee_a_purpose_and_a_positive_amount() {
    let b = Money::from_pounds(10);
    assert_eq!(
        payment(b, Money::ZERO, "A", "B", None),
        Err(LedgerError::NotPositive(Money::ZERO))
    );
    assert_eq!(
        payment(b, Money::from_pence(1), "", "B", None),
        Err(LedgerError::Missing("payee"))
    );
    assert_eq!(
        payment(b, Money::from_pence(1), "A", " ", None),
        Err(LedgerError::Missing("purpose"))
    );
}

#[test]
fn a_tampered_balance_does_not_reconcile() {
    let mut ledger = Ledger::new();
    ledger.allocate(Money::from_pounds(80_000)).unwrap();
    ledger
        .pay(Money::from_pence(4_500), "Key Safes Ltd", "key safe", None)
        .unwrap();
    assert!(reconcile(Money::from_pounds(80_000), ledger.entries()).is_err());
}

#[test]
fn an_unbalanced_transaction_is_caught() {
    let e = [Entry {
        account: Account::Spend,
        amount: Money::from_pence(5),
    }];
    assert!(check_balanced("t1", &e).is_err());
}
