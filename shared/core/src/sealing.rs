//! Secrets sealed at rest, the same way in every vault: XChaCha20-Poly1305 under a
//! 32-byte key, a random 24-byte nonce before the ciphertext, and the secret's
//! workspace and name as associated data, so that a sealed value moved to another
//! row or item does not open.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use crate::ports::SecretKey;

const NONCE_LEN: usize = 24;

/// Why a sealed value did not open.
#[derive(Debug, PartialEq, Eq)]
pub enum Unopened {
    /// Shorter than a nonce: not a sealed value at all.
    Truncated,
    /// Another key, other associated data, or tampered bytes.
    Refused,
}

/// A fresh random key.
pub fn new_key() -> [u8; 32] {
    XChaCha20Poly1305::generate_key(&mut OsRng).into()
}

/// What a secret's sealed value is bound to: its workspace and name.
pub fn bound_to(key: &SecretKey) -> Vec<u8> {
    format!("{}\u{0}{}", key.workspace_id, key.name).into_bytes()
}

/// `plaintext` sealed under `key`, bound to `aad`: nonce, then ciphertext.
pub fn seal(key: &[u8; 32], plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let sealed = XChaCha20Poly1305::new(key.into())
        .encrypt(
            &nonce,
            Payload {
                msg: plaintext,
                aad,
            },
        )
        // Encryption fails only past ~256 GB of plaintext.
        .expect("XChaCha20-Poly1305 seals any secret-sized value");
    let mut out = nonce.to_vec();
    out.extend(sealed);
    out
}

/// The plaintext of a value [`seal`] made with the same key and `aad`.
pub fn open(key: &[u8; 32], sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, Unopened> {
    if sealed.len() < NONCE_LEN {
        return Err(Unopened::Truncated);
    }
    let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
    XChaCha20Poly1305::new(key.into())
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .map_err(|_| Unopened::Refused)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_opens_only_with_its_key_and_what_it_is_bound_to() {
        let key = new_key();
        let a = bound_to(&SecretKey::account("ws_1", "acc_a"));
        let sealed = seal(&key, b"token", &a);
        assert!(!sealed.windows(5).any(|w| w == b"token"));
        assert_eq!(open(&key, &sealed, &a).unwrap(), b"token");
        let b = bound_to(&SecretKey::account("ws_2", "acc_a"));
        assert_eq!(open(&key, &sealed, &b), Err(Unopened::Refused));
        assert_eq!(open(&new_key(), &sealed, &a), Err(Unopened::Refused));
        assert_eq!(open(&key, &sealed[..10], &a), Err(Unopened::Truncated));
    }
}
