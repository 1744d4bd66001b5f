//! Accounts, their roles in organisations, sessions, API tokens and instance secrets.
//!
//! Sessions and tokens are stored by hash: a copy of the database does not let anyone sign in.

use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::sharing::{AccountId, Role, RoleGrant};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{now, Store, StoreError};

/// A person who can sign in, with their roles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// Identifier.
    pub id: AccountId,
    /// Email address (the sign-in name).
    pub email: String,
    /// Name shown on pages.
    pub display_name: String,
    /// A demo account with a published password.
    pub is_demo: bool,
    /// Roles, each in one organisation.
    pub roles: Vec<RoleGrant>,
}

/// What a password sign-in needs to know about an account.
#[derive(Clone, Debug)]
pub struct Credentials {
    /// The account.
    pub account: Account,
    /// The argon2id PHC string, if the account has a password.
    pub password_hash: Option<String>,
    /// Locked until this time (RFC 3339), if locked.
    pub locked_until: Option<String>,
}

/// A new account.
#[derive(Clone, Debug)]
pub struct NewAccount {
    /// Email address.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Argon2id PHC string, or none for an OpenID Connect-only account.
    pub password_hash: Option<String>,
    /// A demo account.
    pub is_demo: bool,
    /// Roles.
    pub roles: Vec<RoleGrant>,
}

const ACCOUNT_COLUMNS: &str = "a.id, a.email, a.display_name, a.is_demo";
/// An account's roles joined onto it (`LEFT JOIN account_roles r`): one row per role, nulls
/// for an account without any.
const ROLE_COLUMNS: &str = "r.organisation_id AS role_organisation, r.role AS role_name";

/// An account from the rows of a query joining its roles ([`ROLE_COLUMNS`]).
fn account_with_roles(rows: &[AnyRow]) -> Result<Account, StoreError> {
    let first = rows
        .first()
        .ok_or_else(|| StoreError::Conflict("no account rows".into()))?;
    let key: String = first.try_get("id")?;
    let bad = |e: goldthread_domain::ParseIdError| StoreError::corrupt("accounts", &key, e);
    let mut roles = Vec::with_capacity(rows.len());
    for row in rows {
        let (Some(org), Some(role)) = (
            row.try_get::<Option<String>, _>("role_organisation")?,
            row.try_get::<Option<String>, _>("role_name")?,
        ) else {
            continue;
        };
        roles.push(RoleGrant {
            organisation: OrganisationId::parse(&org).map_err(bad)?,
            role: Role::parse(&role).map_err(bad)?,
        });
    }
    Ok(Account {
        id: AccountId::parse(&key).map_err(bad)?,
        email: first.try_get("email")?,
        display_name: first.try_get("display_name")?,
        is_demo: first.try_get::<i64, _>("is_demo")? != 0,
        roles,
    })
}

impl Store {
    /// Creates an account with its roles, in one transaction. Emails are unique (case-folded).
    pub async fn create_account(&self, new: &NewAccount) -> Result<AccountId, StoreError> {
        let id = AccountId::new_random();
        let mut tx = self.pool.begin().await?;
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE email = $1")
            .bind(new.email.to_lowercase())
            .fetch_one(&mut *tx)
            .await?;
        if exists > 0 {
            return Err(StoreError::Conflict(format!(
                "an account with email {} already exists",
                new.email
            )));
        }
        sqlx::query(
            "INSERT INTO accounts (id, email, display_name, password_hash, is_demo, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.to_string())
        .bind(new.email.to_lowercase())
        .bind(&new.display_name)
        .bind(new.password_hash.as_deref())
        .bind(i64::from(new.is_demo))
        .bind(now())
        .execute(&mut *tx)
        .await?;
        for g in &new.roles {
            sqlx::query(
                "INSERT INTO account_roles (account_id, organisation_id, role) VALUES ($1, $2, $3)",
            )
            .bind(id.to_string())
            .bind(g.organisation.to_string())
            .bind(g.role.as_str())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Grants a role in an organisation (no change if already held).
    pub async fn grant_role(&self, account: AccountId, grant: RoleGrant) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO account_roles (account_id, organisation_id, role) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(account.to_string())
        .bind(grant.organisation.to_string())
        .bind(grant.role.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Replaces an account's password hash and clears any lockout.
    pub async fn set_password(&self, account: AccountId, hash: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE accounts SET password_hash = $1, failed_attempts = 0, locked_until = NULL \
             WHERE id = $2",
        )
        .bind(hash)
        .bind(account.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// An account by id.
    pub async fn account(&self, id: AccountId) -> Result<Option<Account>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = $1");
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(r) => Ok(Some(self.account_from_row(&r).await?)),
            None => Ok(None),
        }
    }

    /// Every account, by email.
    pub async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts a ORDER BY a.email");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(self.account_from_row(r).await?);
        }
        Ok(out)
    }

    /// What a password sign-in checks, by email.
    pub async fn credentials(&self, email: &str) -> Result<Option<Credentials>, StoreError> {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS}, a.password_hash, a.locked_until FROM accounts a \
             WHERE a.email = $1"
        );
        let row = sqlx::query(&sql)
            .bind(email.trim().to_lowercase())
            .fetch_optional(&self.pool)
            .await?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(Credentials {
            account: self.account_from_row(&r).await?,
            password_hash: r.try_get("password_hash")?,
            locked_until: r.try_get("locked_until")?,
        }))
    }

    /// Counts a failed sign-in; at `max_attempts` the account is locked until `lock_until` and
    /// the count starts again. Returns whether it is now locked.
    pub async fn record_failed_sign_in(
        &self,
        account: AccountId,
        max_attempts: i64,
        lock_until: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let failed: i64 = sqlx::query_scalar(
            "UPDATE accounts SET failed_attempts = failed_attempts + 1 WHERE id = $1 \
             RETURNING failed_attempts",
        )
        .bind(account.to_string())
        .fetch_one(&mut *tx)
        .await?;
        let locked = failed >= max_attempts;
        if locked {
            sqlx::query("UPDATE accounts SET failed_attempts = 0, locked_until = $1 WHERE id = $2")
                .bind(lock_until)
                .bind(account.to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(locked)
    }

    /// Clears failed attempts after a successful sign-in.
    pub async fn record_sign_in(&self, account: AccountId) -> Result<(), StoreError> {
        sqlx::query("UPDATE accounts SET failed_attempts = 0, locked_until = NULL WHERE id = $1")
            .bind(account.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The account linked to an OpenID Connect identity.
    pub async fn account_by_oidc(
        &self,
        issuer: &str,
        subject: &str,
    ) -> Result<Option<Account>, StoreError> {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.oidc_issuer = $1 AND a.oidc_subject = $2"
        );
        let row = sqlx::query(&sql)
            .bind(issuer)
            .bind(subject)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(r) => Ok(Some(self.account_from_row(&r).await?)),
            None => Ok(None),
        }
    }

    /// Links an account (found by email) to an OpenID Connect identity on first sign-in.
    pub async fn link_oidc(
        &self,
        account: AccountId,
        issuer: &str,
        subject: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE accounts SET oidc_issuer = $1, oidc_subject = $2 WHERE id = $3")
            .bind(issuer)
            .bind(subject)
            .bind(account.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// How many demo accounts (with published passwords) the database holds.
    pub async fn demo_account_count(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE is_demo = 1")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Starts a session stored under the hash of its token.
    pub async fn create_session(
        &self,
        token_hash: &str,
        account: AccountId,
        csrf_token: &str,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(account.to_string())
        .bind(csrf_token)
        .bind(now())
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The account and CSRF token of an unexpired session. One query: the account's roles
    /// come in the same round trip, since every signed-in request asks this.
    pub async fn session(&self, token_hash: &str) -> Result<Option<(Account, String)>, StoreError> {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS}, s.csrf_token, {ROLE_COLUMNS} FROM sessions s \
             JOIN accounts a ON a.id = s.account_id \
             LEFT JOIN account_roles r ON r.account_id = a.id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 ORDER BY r.organisation_id, r.role"
        );
        let rows = sqlx::query(&sql)
            .bind(token_hash)
            .bind(now())
            .fetch_all(&self.pool)
            .await?;
        match rows.first() {
            Some(r) => Ok(Some((account_with_roles(&rows)?, r.try_get("csrf_token")?))),
            None => Ok(None),
        }
    }

    /// Ends a session, and any that have expired.
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1 OR expires_at <= $2")
            .bind(token_hash)
            .bind(now())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Stores an API token (by hash) for an account.
    pub async fn create_api_token(
        &self,
        token_hash: &str,
        account: AccountId,
        label: &str,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO api_tokens (token_hash, account_id, label, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(account.to_string())
        .bind(label)
        .bind(now())
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The account an unexpired API token belongs to, with its roles, in one query.
    pub async fn api_token_account(&self, token_hash: &str) -> Result<Option<Account>, StoreError> {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS}, {ROLE_COLUMNS} FROM api_tokens t \
             JOIN accounts a ON a.id = t.account_id \
             LEFT JOIN account_roles r ON r.account_id = a.id \
             WHERE t.token_hash = $1 AND t.expires_at > $2 ORDER BY r.organisation_id, r.role"
        );
        let rows = sqlx::query(&sql)
            .bind(token_hash)
            .bind(now())
            .fetch_all(&self.pool)
            .await?;
        if rows.is_empty() {
            return Ok(None);
        }
        account_with_roles(&rows).map(Some)
    }

    /// An instance secret and whether it is a published demo one; if none is stored yet,
    /// stores `generate()` first (so every instance gets its own on first use).
    pub async fn secret_or_insert(
        &self,
        name: &str,
        generate: impl FnOnce() -> (String, bool),
    ) -> Result<(String, bool), StoreError> {
        if let Some(s) = self.secret(name).await? {
            return Ok(s);
        }
        let (value, is_demo) = generate();
        sqlx::query(
            "INSERT INTO instance_secrets (name, value, is_demo, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(&value)
        .bind(i64::from(is_demo))
        .bind(now())
        .execute(&self.pool)
        .await?;
        // Another process may have won the race: the stored value is the one to use.
        self.secret(name)
            .await?
            .ok_or_else(|| StoreError::Conflict(format!("secret {name} could not be stored")))
    }

    /// Replaces an instance secret.
    pub async fn put_secret(
        &self,
        name: &str,
        value: &str,
        is_demo: bool,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO instance_secrets (name, value, is_demo, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value, is_demo = excluded.is_demo",
        )
        .bind(name)
        .bind(value)
        .bind(i64::from(is_demo))
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// An instance secret and whether it is a published demo one.
    pub async fn secret(&self, name: &str) -> Result<Option<(String, bool)>, StoreError> {
        let row = sqlx::query("SELECT value, is_demo FROM instance_secrets WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(r) => Ok(Some((
                r.try_get("value")?,
                r.try_get::<i64, _>("is_demo")? != 0,
            ))),
            None => Ok(None),
        }
    }

    /// Names of instance secrets that are published demo values.
    pub async fn demo_secrets(&self) -> Result<Vec<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT name FROM instance_secrets WHERE is_demo = 1 ORDER BY name")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    async fn account_from_row(&self, r: &AnyRow) -> Result<Account, StoreError> {
        let key: String = r.try_get("id")?;
        let bad = |e: goldthread_domain::ParseIdError| StoreError::corrupt("accounts", &key, e);
        let id = AccountId::parse(&key).map_err(bad)?;
        let rows = sqlx::query(
            "SELECT organisation_id, role FROM account_roles WHERE account_id = $1 \
             ORDER BY organisation_id, role",
        )
        .bind(&key)
        .fetch_all(&self.pool)
        .await?;
        let mut roles = Vec::with_capacity(rows.len());
        for row in rows {
            roles.push(RoleGrant {
                organisation: OrganisationId::parse(&row.try_get::<String, _>("organisation_id")?)
                    .map_err(bad)?,
                role: Role::parse(&row.try_get::<String, _>("role")?).map_err(bad)?,
            });
        }
        Ok(Account {
            id,
            email: r.try_get("email")?,
            display_name: r.try_get("display_name")?,
            is_demo: r.try_get::<i64, _>("is_demo")? != 0,
            roles,
        })
    }
}
