use std::sync::Arc;

use chrono::NaiveDate;
use goldthread_domain::ledger::{LedgerError, Override};
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::programme::catalogue;
use goldthread_domain::{FinancialYear, Money};

use super::PaymentRequest;
use crate::testing::TestDatabase;
use crate::{test_on_both_backends, Backend, Store};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 12).unwrap()
}

async fn broadland_budget(store: &Store, pounds: i64) -> String {
    let broadland = OrganisationId::for_code("E07000144");
    let p = catalogue::district_direct(broadland);
    store.put_programme(&p).await.unwrap();
    let b = store
        .open_budget(
            &p.id,
            &broadland,
            FinancialYear::starting(2025),
            "District Direct – Broadland",
        )
        .await
        .unwrap();
    if pounds > 0 {
        store
            .allocate(
                &b.id,
                Money::from_pounds(pounds),
                "ICB allocation",
                today(),
                "finance",
            )
            .await
            .unwrap()
            .unwrap();
    }
    b.id
}

fn key_safe(pence: i64) -> PaymentRequest {
    PaymentRequest {
        amount: Money::from_pence(pence),
        payee: "Norfolk Key Safes Ltd".into(),
        purpose: "key safe".into(),
        case: None,
        paid_on: today(),
        recorded_by: "district officer".into(),
        authorised: None,
    }
}

async fn a_key_safe_paid_the_same_day_leaves_the_budget_reconciled(store: Store) {
    let b = broadland_budget(&store, 80_000).await;
    store.pay(&b, &key_safe(6_500)).await.unwrap().unwrap();
    let budget = store.budget(&b).await.unwrap().unwrap();
    assert_eq!(budget.balance, Money::from_pence(8_000_000 - 6_500));
    let txs = store.ledger_transactions(&b).await.unwrap();
    assert_eq!(txs.len(), 2);
    assert_eq!(txs.iter().filter(|t| t.payee.is_some()).count(), 1);
    let check = store.verify_ledgers().await.unwrap();
    assert_eq!((check.budgets, check.transactions), (1, 2));
    assert!(check.problems.is_empty(), "{:?}", check.problems);
}

async fn an_overspend_is_refused_without_an_override_and_nothing_is_written(store: Store) {
    let b = broadland_budget(&store, 100).await;
    let err = store.pay(&b, &key_safe(10_001)).await.unwrap().unwrap_err();
    assert!(matches!(err, LedgerError::WouldOverspend { .. }));
    assert_eq!(
        store.budget(&b).await.unwrap().unwrap().balance,
        Money::from_pounds(100)
    );
    assert_eq!(store.ledger_transactions(&b).await.unwrap().len(), 1);
    let mut authorised = key_safe(10_001);
    authorised.authorised = Some(Override {
        authorised_by: "Assistant Director, Housing".into(),
        reason: "patient ready to go home today".into(),
    });
    store.pay(&b, &authorised).await.unwrap().unwrap();
    assert_eq!(
        store.budget(&b).await.unwrap().unwrap().balance,
        Money::from_pence(-1)
    );
    assert!(store.verify_ledgers().await.unwrap().problems.is_empty());
}

async fn a_tampered_balance_is_found_by_verify(store: Store) {
    let b = broadland_budget(&store, 500).await;
    store.pay(&b, &key_safe(6_500)).await.unwrap().unwrap();
    sqlx::query("UPDATE budgets SET balance_pence = balance_pence + 1")
        .execute(&store.pool)
        .await
        .unwrap();
    let check = store.verify_ledgers().await.unwrap();
    assert_eq!(check.problems.len(), 1, "{:?}", check.problems);
    assert!(check.problems[0].contains(&b));
}

async fn paying_from_a_budget_that_does_not_exist_is_an_error(store: Store) {
    assert!(store.pay("no-such-budget", &key_safe(1)).await.is_err());
}

test_on_both_backends!(
    a_key_safe_paid_the_same_day_leaves_the_budget_reconciled,
    an_overspend_is_refused_without_an_override_and_nothing_is_written,
    a_tampered_balance_is_found_by_verify,
    paying_from_a_budget_that_does_not_exist_is_an_error
);

/// Many officers pay from one budget at the same moment. The budget holds exactly enough for
/// 100 payments; 200 are attempted; exactly 100 succeed and the balance ends at zero.
async fn concurrent_payments_never_overdraw(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store.clone();
    let b = Arc::new(broadland_budget(&store, 100 * 65).await);
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let store = store.clone();
        let b = b.clone();
        tasks.push(tokio::spawn(async move {
            store.pay(&b, &key_safe(6_500)).await
        }));
    }
    let mut paid = 0;
    let mut refused = 0;
    for t in tasks {
        match t.await.unwrap().unwrap() {
            Ok(_) => paid += 1,
            Err(LedgerError::WouldOverspend { .. }) => refused += 1,
            Err(e) => panic!("unexpected refusal: {e}"),
        }
    }
    assert_eq!((paid, refused), (100, 100));
    assert_eq!(
        store.budget(&b).await.unwrap().unwrap().balance,
        Money::ZERO
    );
    let check = store.verify_ledgers().await.unwrap();
    assert!(check.problems.is_empty(), "{:?}", check.problems);
    assert_eq!(check.transactions, 101);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn concurrent_payments_on_postgres_never_overdraw() {
    concurrent_payments_never_overdraw(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_payments_on_sqlite_never_overdraw() {
    concurrent_payments_never_overdraw(Backend::Sqlite).await;
}
