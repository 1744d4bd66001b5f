//! Keyed pseudonyms: HMAC-SHA256 of a normalised identifier under a per-instance secret, so the
//! same person gets the same pseudonym in every dataset of one instance (and can be linked),
//! while nobody without the key can recompute or reverse it.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The per-instance pseudonymisation secret. Its `Debug` never prints the key.
#[derive(Clone)]
pub struct PseudonymKey(Vec<u8>);

/// The key a demo instance uses; a production start refuses it.
pub const DEMO_KEY: &[u8] = b"goldthread demo pseudonymisation key - not for production";

/// The shortest secret accepted, in bytes.
pub const MIN_KEY_BYTES: usize = 32;

impl PseudonymKey {
    /// A key from secret bytes, at least [`MIN_KEY_BYTES`] long.
    pub fn new(bytes: &[u8]) -> Option<Self> {
        (bytes.len() >= MIN_KEY_BYTES).then(|| Self(bytes.to_vec()))
    }

    /// Whether this is the published demo key.
    pub fn is_demo(&self) -> bool {
        self.0 == DEMO_KEY
    }

    /// The pseudonym of `value` in the namespace `kind` (e.g. `nhs_number`), as 32 hex digits.
    pub fn pseudonym(&self, kind: &str, value: &str) -> String {
        let mut mac = <Hmac<Sha256>>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(kind.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        let digest = mac.finalize().into_bytes();
        hex::encode(&digest[..16])
    }
}

impl std::fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PseudonymKey(<secret>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_person_gets_the_same_pseudonym_and_another_key_gives_another() {
        let a = PseudonymKey::new(&[7u8; 32]).unwrap();
        let b = PseudonymKey::new(&[8u8; 32]).unwrap();
        assert_eq!(
            a.pseudonym("nhs_number", "9434765919"),
            a.pseudonym("nhs_number", "9434765919")
        );
        assert_ne!(
            a.pseudonym("nhs_number", "9434765919"),
            b.pseudonym("nhs_number", "9434765919")
        );
        assert_ne!(
            a.pseudonym("nhs_number", "9434765919"),
            a.pseudonym("nhs_number", "9434765870")
        );
        assert!(!a
            .pseudonym("nhs_number", "9434765919")
            .contains("9434765919"));
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(PseudonymKey::new(b"short").is_none());
        assert!(PseudonymKey::new(DEMO_KEY).unwrap().is_demo());
    }
}
