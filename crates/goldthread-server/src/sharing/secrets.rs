//! The per-instance pseudonymisation key and linkage secret, and retention enforcement.

use goldthread_domain::audit::AuditRecord;
use goldthread_domain::sharing::PseudonymKey;
use goldthread_linkage::LinkageSecret;
use goldthread_store::{Store, StoreError};
use rand::RngCore;

/// The name the pseudonymisation key is stored under (hex-encoded).
pub const PSEUDONYM_KEY: &str = "pseudonym_key";

/// This instance's pseudonymisation key: generated at random on first use (so no two instances
/// share one), or the published demo key where the demo installed it.
pub async fn pseudonym_key(store: &Store) -> Result<PseudonymKey, StoreError> {
    let (value, _) = store
        .secret_or_insert(PSEUDONYM_KEY, || {
            let mut bytes = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            (hex::encode(bytes), false)
        })
        .await?;
    let corrupt = |reason: &str| StoreError::Corrupt {
        table: "instance_secrets",
        key: PSEUDONYM_KEY.into(),
        reason: reason.into(),
    };
    let bytes = hex::decode(value.as_bytes()).map_err(|_| corrupt("not hexadecimal"))?;
    PseudonymKey::new(&bytes).ok_or_else(|| corrupt("key too short"))
}

/// The name the linkage secret is stored under (hex-encoded).
pub const LINKAGE_SECRET: &str = "linkage_secret";

/// This instance's linkage secret, which keys the Bloom-filter encodings made at upload:
/// generated at random on first use, or the published demo one where the demo installed it.
/// Held by the server only; never logged (its `Debug` is redacted).
pub async fn linkage_secret(store: &Store) -> Result<LinkageSecret, StoreError> {
    let (value, _) = store
        .secret_or_insert(LINKAGE_SECRET, || {
            let mut bytes = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            (hex::encode(bytes), false)
        })
        .await?;
    let corrupt = |reason: &str| StoreError::Corrupt {
        table: "instance_secrets",
        key: LINKAGE_SECRET.into(),
        reason: reason.into(),
    };
    let bytes = hex::decode(value.as_bytes()).map_err(|_| corrupt("not hexadecimal"))?;
    LinkageSecret::new(&bytes).map_err(|_| corrupt("secret too short"))
}

/// Deletes every dataset past its retention date and records each deletion in the audit trail.
/// Returns how many were deleted.
pub async fn enforce_retention(store: &Store) -> Result<usize, StoreError> {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let gone = store.delete_expired_datasets(&now).await?;
    for d in &gone {
        store
            .append_audit(AuditRecord {
                actor: "system".into(),
                organisation: Some(d.organisation.to_string()),
                action: "dataset.retention_delete".into(),
                outcome: "done".into(),
                agreement: Some(d.agreement.to_string()),
                subject: format!("dataset/{}", d.id),
                detail: format!(
                    "{} rows of a {} dataset deleted; retention ended {}",
                    d.row_count,
                    d.kind.as_str(),
                    d.delete_after
                ),
                ..AuditRecord::default()
            })
            .await?;
    }
    Ok(gone.len())
}

/// What stops this database being run in production: demo accounts with the published password,
/// or published demo secrets. Empty when it is fit to run.
pub async fn production_problems(store: &Store) -> Result<Vec<String>, StoreError> {
    let mut problems = Vec::new();
    let demo_accounts = store.demo_account_count().await?;
    if demo_accounts > 0 {
        problems.push(format!(
            "{demo_accounts} demo accounts with the published demo password exist"
        ));
    }
    for name in store.demo_secrets().await? {
        problems.push(format!(
            "the instance secret {name} is the published demo value"
        ));
    }
    Ok(problems)
}

/// Runs retention enforcement now and then every `every`, for ever (spawned by `serve`).
pub async fn retention_schedule(store: Store, every: std::time::Duration) {
    loop {
        match enforce_retention(&store).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(datasets = n, "retention: deleted datasets past their date"),
            Err(e) => tracing::error!(error = %e, "retention enforcement failed"),
        }
        tokio::time::sleep(every).await;
    }
}
