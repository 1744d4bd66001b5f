//! What sign-in keeps besides accounts and sessions: OpenID Connect flows in progress (single
//! use, expiring) and failed sign-ins by client address (for the rate limit).

use goldthread_domain::sharing::AccountId;
use sqlx::Row;

use crate::{now, Store, StoreError};

/// An OpenID Connect authorisation request in progress, stored under the hash of its state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OidcFlow {
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier sent with the code exchange.
    pub pkce_verifier: String,
    /// The local path to go to after sign-in.
    pub next_path: String,
    /// When the flow stops being accepted (RFC 3339).
    pub expires_at: String,
}

impl Store {
    /// Records a flow about to be sent to the provider. Flows that expired before `now` are
    /// deleted at the same time, so abandoned ones do not pile up.
    pub async fn create_oidc_flow(
        &self,
        state_hash: &str,
        flow: &OidcFlow,
    ) -> Result<(), StoreError> {
        let created = now();
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM oidc_flows WHERE expires_at < $1")
            .bind(&created)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO oidc_flows (state_hash, nonce, pkce_verifier, next_path, created_at, \
             expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(state_hash)
        .bind(&flow.nonce)
        .bind(&flow.pkce_verifier)
        .bind(&flow.next_path)
        .bind(&created)
        .bind(&flow.expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes a flow by the hash of its state: it is deleted as it is read, so a second callback
    /// with the same state finds nothing. The caller checks `expires_at`.
    pub async fn take_oidc_flow(&self, state_hash: &str) -> Result<Option<OidcFlow>, StoreError> {
        let row = sqlx::query(
            "DELETE FROM oidc_flows WHERE state_hash = $1 \
             RETURNING nonce, pkce_verifier, next_path, expires_at",
        )
        .bind(state_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(OidcFlow {
            nonce: r.try_get("nonce")?,
            pkce_verifier: r.try_get("pkce_verifier")?,
            next_path: r.try_get("next_path")?,
            expires_at: r.try_get("expires_at")?,
        }))
    }

    /// The OpenID Connect identity (issuer, subject) an account is linked to, if any.
    pub async fn oidc_identity(
        &self,
        account: AccountId,
    ) -> Result<Option<(String, String)>, StoreError> {
        let row = sqlx::query("SELECT oidc_issuer, oidc_subject FROM accounts WHERE id = $1")
            .bind(account.to_string())
            .fetch_optional(&self.pool)
            .await?;
        let Some(r) = row else { return Ok(None) };
        let issuer: Option<String> = r.try_get("oidc_issuer")?;
        let subject: Option<String> = r.try_get("oidc_subject")?;
        Ok(issuer.zip(subject))
    }

    /// Counts one failed sign-in from a client address at `at`, and forgets that client's
    /// failures from before `forget_before` (both RFC 3339).
    pub async fn record_sign_in_failure(
        &self,
        client: &str,
        at: &str,
        forget_before: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM sign_in_failures WHERE client = $1 AND at < $2")
            .bind(client)
            .bind(forget_before)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO sign_in_failures (client, at) VALUES ($1, $2)")
            .bind(client)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// How many sign-ins from a client address failed at or after `since` (RFC 3339).
    pub async fn sign_in_failures_since(
        &self,
        client: &str,
        since: &str,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM sign_in_failures WHERE client = $1 AND at >= $2",
        )
        .bind(client)
        .bind(since)
        .fetch_one(&self.pool)
        .await?)
    }
}
