//! The vault's last opened value of each secret, so that a run reading an account's
//! credentials does not decrypt the same sealed bytes again.
//!
//! Every read still reads the sealed row (another process may have changed it: the CLI
//! writes the same database), and a remembered plaintext is returned only for the very
//! sealed bytes it was opened from, under the same workspace and name. Opening them
//! (XChaCha20-Poly1305 over a few hundred bytes) was 1.6% of a busy server's CPU.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// Secrets remembered at most; past it the memory starts over empty.
const MOST_REMEMBERED: usize = 10_000;

/// Plaintexts by what they are bound to (workspace and name), with the sealed bytes
/// they were opened from.
#[derive(Clone, Default)]
pub(crate) struct OpenedSecrets {
    by_binding: Arc<Mutex<HashMap<Vec<u8>, Opened>>>,
}

struct Opened {
    sealed: Vec<u8>,
    plaintext: Vec<u8>,
}

impl OpenedSecrets {
    fn map(&self) -> MutexGuard<'_, HashMap<Vec<u8>, Opened>> {
        self.by_binding.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The plaintext of `sealed` if it is what was opened last for `binding`.
    pub(crate) fn get(&self, binding: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
        self.map()
            .get(binding)
            .filter(|o| o.sealed == sealed)
            .map(|o| o.plaintext.clone())
    }

    /// Remembers that `sealed`, bound to `binding`, opened to `plaintext`.
    pub(crate) fn remember(&self, binding: Vec<u8>, sealed: Vec<u8>, plaintext: &[u8]) {
        let mut map = self.map();
        if map.len() >= MOST_REMEMBERED && !map.contains_key(&binding) {
            map.clear();
        }
        let plaintext = plaintext.to_vec();
        map.insert(binding, Opened { sealed, plaintext });
    }

    /// Forgets the secret bound to `binding` (it was replaced or deleted).
    pub(crate) fn forget(&self, binding: &[u8]) {
        self.map().remove(binding);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plaintext_is_returned_only_for_the_sealed_bytes_and_binding_it_came_from() {
        let opened = OpenedSecrets::default();
        opened.remember(b"ws1\0a".to_vec(), b"sealed-1".to_vec(), b"token-1");
        assert_eq!(opened.get(b"ws1\0a", b"sealed-1").unwrap(), b"token-1");
        assert_eq!(opened.get(b"ws1\0a", b"sealed-2"), None);
        assert_eq!(opened.get(b"ws2\0a", b"sealed-1"), None);
        opened.forget(b"ws1\0a");
        assert_eq!(opened.get(b"ws1\0a", b"sealed-1"), None);
    }

    #[test]
    fn memory_is_bounded() {
        let opened = OpenedSecrets::default();
        for i in 0..MOST_REMEMBERED + 5 {
            opened.remember(format!("ws\0{i}").into_bytes(), vec![1], b"t");
        }
        assert!(opened.map().len() <= MOST_REMEMBERED);
        let last = format!("ws\0{}", MOST_REMEMBERED + 4).into_bytes();
        assert_eq!(opened.get(&last, &[1]).unwrap(), b"t");
    }
}
