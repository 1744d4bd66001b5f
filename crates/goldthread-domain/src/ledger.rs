//! The budget ledger: double entry, in pence.
//!
//! Every budget has three accounts. Money arrives as an *allocation* (the budget account is
//! debited, the funding account credited) and leaves as a *payment* (the spend account is
//! debited, the budget account credited); a *refund* reverses part of a payment. Each
//! transaction's entries sum to zero, so the ledger as a whole always sums to zero, and a
//! budget's balance is the sum of the entries on its budget account, never a number kept on the
//! side. The store caches that balance on the budget row (so a payment can lock one row) and
//! [`reconcile`] proves the cache equals the entries.
//!
//! A payment that would take the balance below zero is refused unless it carries an
//! [`Override`] authorised by a named person with a reason.

use serde::{Deserialize, Serialize};

use crate::Money;

/// One of a budget's three accounts.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Account {
    /// The money available to spend; its balance is the budget's balance.
    Budget,
    /// What has been paid out.
    Spend,
    /// Where allocations come from (the ICB, the council, the Better Care Fund).
    Funding,
}

impl Account {
    /// Every account, in a fixed order.
    pub const ALL: [Account; 3] = [Account::Budget, Account::Spend, Account::Funding];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Account::Budget => "budget",
            Account::Spend => "spend",
            Account::Funding => "funding",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// One line of a transaction: a debit (positive) or credit (negative) to an account.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Entry {
    /// The account.
    pub account: Account,
    /// Debit when positive, credit when negative.
    pub amount: Money,
}

/// What a transaction does.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransactionKind {
    /// Money put into the budget.
    Allocation,
    /// Money paid out of the budget to a payee.
    Payment,
    /// Money returned to the budget by a payee.
    Refund,
}

impl TransactionKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            TransactionKind::Allocation => "allocation",
            TransactionKind::Payment => "payment",
            TransactionKind::Refund => "refund",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Allocation, Self::Payment, Self::Refund]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// Permission, given by a named person, to pay beyond the balance.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Override {
    /// Who authorised it (a budget holder).
    pub authorised_by: String,
    /// Why the overspend is justified.
    pub reason: String,
}

/// Why a ledger operation was refused.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum LedgerError {
    /// Amounts must be above zero; direction comes from the transaction kind.
    #[error("the amount must be more than £0.00 (got {0})")]
    NotPositive(Money),
    /// A required text field is empty.
    #[error("{0} must not be empty")]
    Missing(&'static str),
    /// The payment is more than the balance and no override was given.
    #[error(
        "paying {amount} would overspend the budget: only {balance} is left; a budget holder \
         must authorise an override"
    )]
    WouldOverspend {
        /// The payment.
        amount: Money,
        /// The balance before it.
        balance: Money,
    },
    /// The arithmetic would leave the range of pence an `i64` can hold.
    #[error("the amount is too large")]
    Overflow,
    /// A transaction's entries do not sum to zero.
    #[error("transaction {transaction} does not balance: its entries sum to {sum}")]
    Unbalanced {
        /// The transaction.
        transaction: String,
        /// The sum of its entries.
        sum: Money,
    },
    /// A budget's recorded balance differs from the sum of its entries.
    #[error("recorded balance {recorded} differs from the sum of entries {computed}")]
    Unreconciled {
        /// The cached balance.
        recorded: Money,
        /// The sum of the budget account's entries.
        computed: Money,
    },
}

fn positive(amount: Money) -> Result<(), LedgerError> {
    if amount.pence() > 0 {
        Ok(())
    } else {
        Err(LedgerError::NotPositive(amount))
    }
}

fn required(field: &'static str, value: &str) -> Result<(), LedgerError> {
    if value.trim().is_empty() {
        Err(LedgerError::Missing(field))
    } else {
        Ok(())
    }
}

/// The entries of an allocation of `amount` into a budget.
pub fn allocation(amount: Money) -> Result<[Entry; 2], LedgerError> {
    positive(amount)?;
    Ok([
        Entry {
            account: Account::Budget,
            amount,
        },
        Entry {
            account: Account::Funding,
            amount: -amount,
        },
    ])
}

/// The entries of a payment of `amount` from a budget whose balance is `balance`.
///
/// Refused when it would take the balance below zero, unless `authorised` is given (and names
/// who authorised it and why).
pub fn payment(
    balance: Money,
    amount: Money,
    payee: &str,
    purpose: &str,
    authorised: Option<&Override>,
) -> Result<[Entry; 2], LedgerError> {
    positive(amount)?;
    required("payee", payee)?;
    required("purpose", purpose)?;
    let after = balance.checked_sub(amount).ok_or(LedgerError::Overflow)?;
    match authorised {
        Some(o) => {
            required("override authorised by", &o.authorised_by)?;
            required("override reason", &o.reason)?;
        }
        None if after.is_negative() => return Err(LedgerError::WouldOverspend { amount, balance }),
        None => {}
    }
    Ok([
        Entry {
            account: Account::Spend,
            amount,
        },
        Entry {
            account: Account::Budget,
            amount: -amount,
        },
    ])
}

/// The entries of a refund of `amount` into a budget (a payee returning money).
pub fn refund(amount: Money, payee: &str) -> Result<[Entry; 2], LedgerError> {
    positive(amount)?;
    required("payee", payee)?;
    Ok([
        Entry {
            account: Account::Budget,
            amount,
        },
        Entry {
            account: Account::Spend,
            amount: -amount,
        },
    ])
}

/// The sum of a transaction's entries, which must be zero.
pub fn check_balanced(transaction: &str, entries: &[Entry]) -> Result<(), LedgerError> {
    let sum: Money = entries.iter().map(|e| e.amount).sum();
    if sum == Money::ZERO {
        Ok(())
    } else {
        Err(LedgerError::Unbalanced {
            transaction: transaction.to_owned(),
            sum,
        })
    }
}

/// The balance of one account over some entries.
pub fn account_balance<'a>(
    account: Account,
    entries: impl IntoIterator<Item = &'a Entry>,
) -> Money {
    entries
        .into_iter()
        .filter(|e| e.account == account)
        .map(|e| e.amount)
        .sum()
}

/// Checks a budget's recorded balance against its budget account's entries, returning it.
pub fn reconcile<'a>(
    recorded: Money,
    entries: impl IntoIterator<Item = &'a Entry>,
) -> Result<Money, LedgerError> {
    let computed = account_balance(Account::Budget, entries);
    if computed == recorded {
        Ok(recorded)
    } else {
        Err(LedgerError::Unreconciled { recorded, computed })
    }
}

/// Where a budget stands: what was allocated, spent and is left.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct BudgetPosition {
    /// Total allocations.
    pub allocated: Money,
    /// Payments less refunds.
    pub spent: Money,
    /// Allocated less spent.
    pub balance: Money,
}

impl BudgetPosition {
    /// The position the entries describe.
    pub fn of<'a>(entries: impl IntoIterator<Item = &'a Entry> + Clone) -> Self {
        Self {
            allocated: -account_balance(Account::Funding, entries.clone()),
            spent: account_balance(Account::Spend, entries.clone()),
            balance: account_balance(Account::Budget, entries),
        }
    }
}

/// An in-memory ledger for one budget: the rules above applied in order. The store keeps the
/// same rules over rows; this is what planning tools and the property tests use.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    entries: Vec<Entry>,
    balance: Money,
    overrides: usize,
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    /// Allocates money into the budget.
    pub fn allocate(&mut self, amount: Money) -> Result<(), LedgerError> {
        let e = allocation(amount)?;
        self.post(&e)
    }

    /// Pays out of the budget.
    pub fn pay(
        &mut self,
        amount: Money,
        payee: &str,
        purpose: &str,
        authorised: Option<&Override>,
    ) -> Result<(), LedgerError> {
        let e = payment(self.balance, amount, payee, purpose, authorised)?;
        if authorised.is_some() {
            self.overrides += 1;
        }
        self.post(&e)
    }

    /// Takes a refund into the budget.
    pub fn refund(&mut self, amount: Money, payee: &str) -> Result<(), LedgerError> {
        let e = refund(amount, payee)?;
        self.post(&e)
    }

    fn post(&mut self, entries: &[Entry]) -> Result<(), LedgerError> {
        check_balanced("new", entries)?;
        let delta = account_balance(Account::Budget, entries);
        self.balance = self
            .balance
            .checked_add(delta)
            .ok_or(LedgerError::Overflow)?;
        self.entries.extend_from_slice(entries);
        Ok(())
    }

    /// The running balance.
    pub fn balance(&self) -> Money {
        self.balance
    }

    /// Every entry posted.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// How many payments went through on an override.
    pub fn overrides(&self) -> usize {
        self.overrides
    }
}

#[cfg(test)]
mod tests;
