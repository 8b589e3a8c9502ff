//! Generated secrets and the checks on them: random tokens, SHA-256 digests compared
//! in constant time, and the end-user identity signature (HMAC-SHA256).

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A random token: `prefix_` then 32 random bytes in hex.
pub fn random_token(prefix: &str) -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness from the OS: {e}"))?;
    Ok(format!("{prefix}_{}", hex::encode(bytes)))
}

pub fn sha256_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// Does `given` hash to `expected_hex`? Constant time in the digest comparison.
pub fn matches_hash(given: &str, expected_hex: &str) -> bool {
    let digest = sha256_hex(given);
    digest.as_bytes().ct_eq(expected_hex.as_bytes()).into()
}

/// The identity signature a SaaS backend computes for a user:
/// lowercase hex of HMAC-SHA256(key = app secret, message = user id).
pub fn user_hash(app_secret: &str, user_id: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(app_secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(user_id.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Checks a user's identity signature in constant time.
pub fn verify_user_hash(app_secret: &str, user_id: &str, given_hex: &str) -> bool {
    let Ok(given) = hex::decode(given_hex.trim()) else {
        return false;
    };
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(app_secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(user_id.as_bytes());
    mac.verify_slice(&given).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_hash_matches_the_published_scheme() {
        // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), RFC-style vector.
        assert_eq!(
            user_hash("key", "The quick brown fox jumps over the lazy dog"),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
        assert!(verify_user_hash(
            "key",
            "The quick brown fox jumps over the lazy dog",
            "F7BC83F430538424B13298E6AA6FB143EF4D59A14946175997479DBC2D1A3CD8"
        ));
        assert!(!verify_user_hash(
            "key",
            "someone else",
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        ));
        assert!(!verify_user_hash("key", "x", "not hex"));
    }

    #[test]
    fn tokens_are_random_and_hashes_compare() {
        let a = random_token("jsk").unwrap();
        assert_ne!(a, random_token("jsk").unwrap());
        assert!(a.starts_with("jsk_") && a.len() == 4 + 64);
        assert!(matches_hash(&a, &sha256_hex(&a)));
        assert!(!matches_hash("other", &sha256_hex(&a)));
    }
}
