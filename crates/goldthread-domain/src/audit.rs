//! The audit trail's hash chain: each event carries the hash of the one before, so editing or
//! deleting any event breaks every hash after it, and [`verify`] names the first event at fault.
//!
//! Pure: the store appends and reads events; this module computes and checks hashes.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The previous-hash of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an event records, before it is chained.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, Default)]
pub struct AuditRecord {
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who: an account id, or `system` for scheduled work such as retention.
    pub actor: String,
    /// The organisation they acted for, if any.
    pub organisation: Option<String>,
    /// What happened, e.g. `read.dataset_rows`, `read.denied`, `agreement.approve`.
    pub action: String,
    /// Whether it was allowed (a denied read is recorded too).
    pub outcome: String,
    /// The agreement it was done under, if any.
    pub agreement: Option<String>,
    /// The purpose stated, if any.
    pub purpose: Option<String>,
    /// What was touched, e.g. `dataset/UUID`.
    pub subject: String,
    /// Further detail without personal data (fields read, rows returned, opt-outs applied).
    pub detail: String,
}

/// A stored event: its place in the chain, the record, and the hashes.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// The record.
    pub record: AuditRecord,
    /// The previous event's hash ([`GENESIS`] for the first).
    pub prev_hash: String,
    /// This event's hash.
    pub hash: String,
}

/// The hash of a record at a position after `prev_hash`: SHA-256 over length-prefixed fields,
/// so no two different events can be written as the same byte string.
pub fn hash(seq: i64, record: &AuditRecord, prev_hash: &str) -> String {
    let mut h = Sha256::new();
    let none = "\u{0}none";
    let parts: [&str; 11] = [
        &seq.to_string(),
        prev_hash,
        &record.at,
        &record.actor,
        record.organisation.as_deref().unwrap_or(none),
        &record.action,
        &record.outcome,
        record.agreement.as_deref().unwrap_or(none),
        record.purpose.as_deref().unwrap_or(none),
        &record.subject,
        &record.detail,
    ];
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Chains a record after the last event (or at the start).
pub fn chain(last: Option<(i64, &str)>, record: AuditRecord) -> AuditEvent {
    let (seq, prev_hash) = match last {
        Some((seq, h)) => (seq + 1, h.to_owned()),
        None => (1, GENESIS.to_owned()),
    };
    let hash = hash(seq, &record, &prev_hash);
    AuditEvent {
        seq,
        record,
        prev_hash,
        hash,
    }
}

/// Where the chain breaks.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[error("audit event {seq} is not as written: {reason}")]
pub struct ChainBreak {
    /// The first event at fault.
    pub seq: i64,
    /// What is wrong.
    pub reason: String,
}

/// Checks a run of events in order, starting after `before` (the previous event's seq and hash,
/// or none from the start). Returns the last seq and hash, to continue with the next batch.
pub fn verify<'a>(
    before: Option<(i64, String)>,
    events: impl IntoIterator<Item = &'a AuditEvent>,
) -> Result<Option<(i64, String)>, ChainBreak> {
    let mut last = before;
    for e in events {
        let (want_seq, want_prev) = match &last {
            Some((s, h)) => (s + 1, h.as_str()),
            None => (1, GENESIS),
        };
        let fail = |reason: String| ChainBreak { seq: e.seq, reason };
        if e.seq != want_seq {
            return Err(ChainBreak {
                seq: want_seq,
                reason: format!("missing: the next event found is {}", e.seq),
            });
        }
        if e.prev_hash != want_prev {
            return Err(fail(
                "its previous-hash does not match the event before it".into(),
            ));
        }
        if hash(e.seq, &e.record, &e.prev_hash) != e.hash {
            return Err(fail("its contents do not match its hash".into()));
        }
        last = Some((e.seq, e.hash.clone()));
    }
    Ok(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(n: usize) -> AuditRecord {
        AuditRecord {
            at: format!("2026-01-0{n}T00:00:00Z"),
            actor: "a".into(),
            action: "read.dataset_rows".into(),
            outcome: "allowed".into(),
            subject: format!("dataset/{n}"),
            ..Default::default()
        }
    }

    fn chain_of(n: usize) -> Vec<AuditEvent> {
        let mut out: Vec<AuditEvent> = Vec::new();
        for i in 1..=n {
            let last = out.last().map(|e| (e.seq, e.hash.as_str()));
            let e = chain(last, record(i));
            out.push(e);
        }
        out
    }

    #[test]
    fn a_whole_chain_verifies() {
        assert_eq!(verify(None, &chain_of(4)).unwrap().unwrap().0, 4);
    }

    #[test]
    fn editing_an_event_names_it() {
        let mut c = chain_of(4);
        c[2].record.subject.push('x');
        assert_eq!(verify(None, &c).unwrap_err().seq, 3);
    }

    #[test]
    fn deleting_an_event_names_the_missing_one() {
        let mut c = chain_of(4);
        c.remove(1);
        assert_eq!(verify(None, &c).unwrap_err().seq, 2);
    }

    #[test]
    fn rehashing_an_edited_event_still_breaks_the_next() {
        let mut c = chain_of(4);
        c[1].record.detail = "forged".into();
        c[1].hash = hash(c[1].seq, &c[1].record, &c[1].prev_hash);
        assert_eq!(verify(None, &c).unwrap_err().seq, 3);
    }
}
