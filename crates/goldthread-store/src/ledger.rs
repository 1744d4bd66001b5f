//! The budget ledger over rows: budgets, one transaction row per allocation, payment or
//! refund, and its balancing entries.
//!
//! A budget row caches its balance so that a payment locks exactly one row while it moves and
//! checks money: its transaction first updates the balance (`UPDATE ... RETURNING`, which takes
//! the row's lock on PostgreSQL and waits for any payment before it), checks the balance it
//! had, rolling back an overspend, and then writes its rows. (Writing the rows first would
//! hold the lock for less time, but their foreign keys take share locks on the same row,
//! which PostgreSQL 15 can fail on under heavy concurrency.) On SQLite the transaction's first
//! statement is a write, which takes the database's single writer lock before anything is read
//! (the effect of `BEGIN IMMEDIATE`). Concurrent payments therefore queue and each sees the
//! balance the previous one left. Allocations and refunds lock the row first. [`Store::verify_ledgers`] proves the cached
//! balances equal the entries.

use chrono::NaiveDate;
use goldthread_domain::ledger::{self, Account, Entry, LedgerError, Override, TransactionKind};
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::programme::case::CaseId;
use goldthread_domain::programme::ProgrammeId;
use goldthread_domain::{FinancialYear, Money};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::{now, Backend, Store, StoreError};

/// A budget and where it stands.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Budget {
    /// Its identifier.
    pub id: String,
    /// The programme it funds.
    pub programme: ProgrammeId,
    /// The organisation that spends it.
    pub organisation: OrganisationId,
    /// The financial year, e.g. `2025/26`.
    pub financial_year: String,
    /// Its name, e.g. "District Direct – Broadland 2025/26".
    pub name: String,
    /// The balance (cached; equal to the budget account's entries).
    pub balance: Money,
}

/// A payment as a district officer records it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PaymentRequest {
    /// How much.
    pub amount: Money,
    /// Who is paid.
    pub payee: String,
    /// What for, e.g. "key safe".
    pub purpose: String,
    /// The case it is for.
    pub case: Option<CaseId>,
    /// The day it is paid.
    pub paid_on: NaiveDate,
    /// Who recorded it.
    pub recorded_by: String,
    /// Permission to overspend, when given.
    pub authorised: Option<Override>,
}

/// A recorded ledger transaction.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct LedgerTransaction {
    /// Its identifier.
    pub id: String,
    /// Allocation, payment or refund.
    pub kind: TransactionKind,
    /// Amount (always positive).
    pub amount: Money,
    /// Payee, for payments and refunds.
    pub payee: Option<String>,
    /// Purpose.
    pub purpose: String,
    /// The case, when there is one.
    pub case: Option<String>,
    /// The day it was paid.
    pub paid_on: String,
    /// Who recorded it.
    pub recorded_by: String,
    /// Who authorised an overspend, if anyone.
    pub override_by: Option<String>,
}

/// What `goldthread ledger verify` found.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize)]
pub struct LedgerCheck {
    /// Budgets checked.
    pub budgets: usize,
    /// Transactions checked.
    pub transactions: usize,
    /// Every problem found, each naming the budget or transaction.
    pub problems: Vec<String>,
}

fn budget_from_row(r: &AnyRow) -> Result<Budget, StoreError> {
    let id: String = r.try_get("id")?;
    let bad = |e: goldthread_domain::ParseIdError| StoreError::corrupt("budgets", &id, e);
    Ok(Budget {
        programme: ProgrammeId::parse(&r.try_get::<String, _>("programme_id")?).map_err(bad)?,
        organisation: OrganisationId::parse(&r.try_get::<String, _>("organisation_id")?)
            .map_err(bad)?,
        financial_year: r.try_get("financial_year")?,
        name: r.try_get("name")?,
        balance: Money::from_pence(r.try_get("balance_pence")?),
        id,
    })
}

const BUDGET_COLUMNS: &str =
    "id, programme_id, organisation_id, financial_year, name, balance_pence";

impl Store {
    /// Creates (or finds) the budget for a programme, organisation and financial year.
    pub async fn open_budget(
        &self,
        programme: &ProgrammeId,
        organisation: &OrganisationId,
        year: FinancialYear,
        name: &str,
    ) -> Result<Budget, StoreError> {
        let id = format!("{programme}:{organisation}:{}", year.start_year());
        sqlx::query(
            "INSERT INTO budgets (id, programme_id, organisation_id, financial_year, name, \
             balance_pence, created_at) VALUES ($1, $2, $3, $4, $5, 0, $6) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&id)
        .bind(programme.as_str())
        .bind(organisation.to_string())
        .bind(year.to_string())
        .bind(name)
        .bind(now())
        .execute(&self.pool)
        .await?;
        self.budget(&id)
            .await?
            .ok_or_else(|| StoreError::Conflict(format!("budget {id} was not created")))
    }

    /// One budget.
    pub async fn budget(&self, id: &str) -> Result<Option<Budget>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {BUDGET_COLUMNS} FROM budgets WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(budget_from_row).transpose()
    }

    /// A programme's budgets, by name.
    pub async fn budgets(&self, programme: &ProgrammeId) -> Result<Vec<Budget>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {BUDGET_COLUMNS} FROM budgets WHERE programme_id = $1 ORDER BY name"
        ))
        .bind(programme.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(budget_from_row).collect()
    }

    /// Puts money into a budget.
    pub async fn allocate(
        &self,
        budget: &str,
        amount: Money,
        purpose: &str,
        on: NaiveDate,
        recorded_by: &str,
    ) -> Result<Result<String, LedgerError>, StoreError> {
        let entries = match ledger::allocation(amount) {
            Ok(e) => e,
            Err(e) => return Ok(Err(e)),
        };
        let mut tx = self.lock_budget(budget).await?;
        let id = uuid_text();
        let row = TxRow {
            id: &id,
            budget,
            kind: TransactionKind::Allocation,
            amount,
            payee: None,
            purpose,
            case: None,
            paid_on: on,
            recorded_by,
            authorised: None,
        };
        post(&mut tx, &row, &entries).await?;
        tx.commit().await?;
        Ok(Ok(id))
    }

    /// Pays out of a budget in one transaction: moves the balance (which takes the budget row's
    /// lock and returns the new balance in the same statement) and checks the balance it had,
    /// refusing an overspend without an override by rolling back; then writes the transaction
    /// and its entries, one statement each. The lock is held for three statements and the
    /// commit, so payments from one budget queue briefly, and each sees the balance the
    /// previous one left. Returns the transaction id, or why the ledger refused it.
    pub async fn pay(
        &self,
        budget: &str,
        p: &PaymentRequest,
    ) -> Result<Result<String, LedgerError>, StoreError> {
        // A payment's entries do not depend on the balance: check the amount, payee, purpose
        // and override now (as if the balance were exactly the amount), the balance under the
        // lock below.
        let entries = match ledger::payment(
            p.amount,
            p.amount,
            &p.payee,
            &p.purpose,
            p.authorised.as_ref(),
        ) {
            Ok(e) => e,
            Err(e) => return Ok(Err(e)),
        };
        let id = uuid_text();
        let case = p.case.map(|c| c.to_string());
        let row = TxRow {
            id: &id,
            budget,
            kind: TransactionKind::Payment,
            amount: p.amount,
            payee: Some(&p.payee),
            purpose: &p.purpose,
            case: case.as_deref(),
            paid_on: p.paid_on,
            recorded_by: &p.recorded_by,
            authorised: p.authorised.as_ref(),
        };
        let mut tx = self.pool.begin().await?;
        let delta = ledger::account_balance(Account::Budget, &entries);
        let after = match move_balance(&mut tx, budget, delta).await {
            Ok(after) => after,
            Err(e) => {
                tx.rollback().await?;
                return Err(e);
            }
        };
        let before = after
            .checked_sub(delta)
            .ok_or(StoreError::Conflict(format!(
                "budget {budget}'s balance is out of range"
            )))?;
        if let Err(e) = ledger::payment(
            before,
            p.amount,
            &p.payee,
            &p.purpose,
            p.authorised.as_ref(),
        ) {
            tx.rollback().await?;
            return Ok(Err(e));
        }
        insert_rows(&mut tx, &row, &entries).await?;
        tx.commit().await?;
        Ok(Ok(id))
    }

    /// Begins a transaction holding the budget row's lock (see the module comment).
    async fn lock_budget(&self, budget: &str) -> Result<Transaction<'static, Any>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let found = match self.backend {
            Backend::Postgres => sqlx::query("SELECT id FROM budgets WHERE id = $1 FOR UPDATE")
                .bind(budget)
                .fetch_optional(&mut *tx)
                .await?
                .is_some(),
            Backend::Sqlite => {
                sqlx::query("UPDATE budgets SET balance_pence = balance_pence WHERE id = $1")
                    .bind(budget)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    == 1
            }
        };
        if !found {
            return Err(StoreError::Conflict(format!("there is no budget {budget}")));
        }
        Ok(tx)
    }

    /// A budget's transactions, newest first.
    pub async fn ledger_transactions(
        &self,
        budget: &str,
    ) -> Result<Vec<LedgerTransaction>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, kind, amount_pence, payee, purpose, case_id, paid_on, recorded_by, \
             override_by FROM ledger_transactions WHERE budget_id = $1 \
             ORDER BY paid_on DESC, created_at DESC",
        )
        .bind(budget)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(transaction_from_row).collect()
    }

    /// The payments made for one case.
    pub async fn case_payments(&self, case: &CaseId) -> Result<Vec<LedgerTransaction>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, kind, amount_pence, payee, purpose, case_id, paid_on, recorded_by, \
             override_by FROM ledger_transactions WHERE case_id = $1 ORDER BY created_at",
        )
        .bind(case.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(transaction_from_row).collect()
    }

    /// Checks every budget: each transaction's entries sum to zero, each payment's entries
    /// match its amount, and each budget's balance equals the sum of its budget entries.
    pub async fn verify_ledgers(&self) -> Result<LedgerCheck, StoreError> {
        let mut check = LedgerCheck::default();
        let unbalanced = sqlx::query(
            "SELECT t.id, t.amount_pence, CAST(COALESCE(SUM(e.amount_pence), 0) AS BIGINT) AS total, \
             CAST(COALESCE(SUM(CASE WHEN e.amount_pence > 0 THEN e.amount_pence ELSE 0 END), 0) AS BIGINT) AS debits \
             FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id \
             GROUP BY t.id, t.amount_pence",
        )
        .fetch_all(&self.pool)
        .await?;
        check.transactions = unbalanced.len();
        for r in &unbalanced {
            let id: String = r.try_get("id")?;
            let (total, debits, amount): (i64, i64, i64) = (
                r.try_get("total")?,
                r.try_get("debits")?,
                r.try_get("amount_pence")?,
            );
            if total != 0 {
                let e = LedgerError::Unbalanced {
                    transaction: id.clone(),
                    sum: Money::from_pence(total),
                };
                check.problems.push(e.to_string());
            }
            if debits != amount {
                check.problems.push(format!(
                    "transaction {id}: entries debit {} but the transaction is for {}",
                    Money::from_pence(debits),
                    Money::from_pence(amount)
                ));
            }
        }
        let budgets = sqlx::query(
            "SELECT b.id, b.balance_pence, CAST(COALESCE(SUM(e.amount_pence), 0) AS BIGINT) AS computed \
             FROM budgets b LEFT JOIN ledger_entries e ON e.budget_id = b.id AND e.account = 'budget' \
             GROUP BY b.id, b.balance_pence ORDER BY b.id",
        )
        .fetch_all(&self.pool)
        .await?;
        check.budgets = budgets.len();
        for r in &budgets {
            let id: String = r.try_get("id")?;
            let entry = Entry {
                account: Account::Budget,
                amount: Money::from_pence(r.try_get("computed")?),
            };
            if let Err(e) =
                ledger::reconcile(Money::from_pence(r.try_get("balance_pence")?), [&entry])
            {
                check.problems.push(format!("budget {id}: {e}"));
            }
        }
        Ok(check)
    }
}

struct TxRow<'a> {
    id: &'a str,
    budget: &'a str,
    kind: TransactionKind,
    amount: Money,
    payee: Option<&'a str>,
    purpose: &'a str,
    case: Option<&'a str>,
    paid_on: NaiveDate,
    recorded_by: &'a str,
    authorised: Option<&'a Override>,
}

/// Writes a transaction row, its entries and the new cached balance, inside `tx`.
async fn post(
    tx: &mut Transaction<'static, Any>,
    t: &TxRow<'_>,
    entries: &[Entry],
) -> Result<(), StoreError> {
    if !insert_rows(tx, t, entries).await? {
        return Err(StoreError::Conflict(format!(
            "there is no budget {}",
            t.budget
        )));
    }
    move_balance(
        tx,
        t.budget,
        ledger::account_balance(Account::Budget, entries),
    )
    .await?;
    Ok(())
}

/// Writes a transaction row and its entries (in one statement each) inside `tx`; false, with
/// nothing written, when the budget does not exist.
async fn insert_rows(
    tx: &mut Transaction<'static, Any>,
    t: &TxRow<'_>,
    entries: &[Entry],
) -> Result<bool, StoreError> {
    let written = sqlx::query(
        "INSERT INTO ledger_transactions (id, budget_id, kind, amount_pence, payee, purpose, \
         case_id, paid_on, recorded_by, override_by, override_reason, created_at) \
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 \
         WHERE EXISTS (SELECT 1 FROM budgets WHERE id = $2)",
    )
    .bind(t.id)
    .bind(t.budget)
    .bind(t.kind.as_str())
    .bind(t.amount.pence())
    .bind(t.payee)
    .bind(t.purpose)
    .bind(t.case)
    .bind(t.paid_on.to_string())
    .bind(t.recorded_by)
    .bind(t.authorised.map(|o| o.authorised_by.as_str()))
    .bind(t.authorised.map(|o| o.reason.as_str()))
    .bind(now())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if written == 0 {
        return Ok(false);
    }
    // $1 and $2 are the transaction and budget; each entry adds its line, account and amount.
    let values = (0..entries.len())
        .map(|i| format!("($1, ${}, $2, ${}, ${})", 3 * i + 3, 3 * i + 4, 3 * i + 5))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO ledger_entries (transaction_id, line, budget_id, account, amount_pence) \
         VALUES {values}"
    );
    let mut insert = sqlx::query(&sql).bind(t.id).bind(t.budget);
    for (line, e) in entries.iter().enumerate() {
        insert = insert
            .bind(line as i64)
            .bind(e.account.as_str())
            .bind(e.amount.pence());
    }
    insert.execute(&mut **tx).await?;
    Ok(true)
}

/// Moves a budget's cached balance by `delta` inside `tx` (taking the row's lock until the
/// transaction ends) and returns the new balance.
async fn move_balance(
    tx: &mut Transaction<'static, Any>,
    budget: &str,
    delta: Money,
) -> Result<Money, StoreError> {
    let row = sqlx::query(
        "UPDATE budgets SET balance_pence = balance_pence + $1 WHERE id = $2 \
         RETURNING balance_pence",
    )
    .bind(delta.pence())
    .bind(budget)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| StoreError::Conflict(format!("there is no budget {budget}")))?;
    Ok(Money::from_pence(row.try_get("balance_pence")?))
}

fn transaction_from_row(r: &AnyRow) -> Result<LedgerTransaction, StoreError> {
    let id: String = r.try_get("id")?;
    let kind: String = r.try_get("kind")?;
    Ok(LedgerTransaction {
        kind: TransactionKind::parse(&kind).ok_or_else(|| {
            StoreError::corrupt("ledger_transactions", &id, format!("kind {kind}"))
        })?,
        amount: Money::from_pence(r.try_get("amount_pence")?),
        payee: r.try_get("payee")?,
        purpose: r.try_get("purpose")?,
        case: r.try_get("case_id")?,
        paid_on: r.try_get("paid_on")?,
        recorded_by: r.try_get("recorded_by")?,
        override_by: r.try_get("override_by")?,
        id,
    })
}

fn uuid_text() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests;
