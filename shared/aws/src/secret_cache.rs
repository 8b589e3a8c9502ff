//! The short in-memory cache both AWS vaults keep, so that a warm function does not
//! fetch the same secret for every run.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long a fetched secret is served from memory. Values written by this process
/// update the cache at once; another process's write shows after this, or at once
/// to `get_fresh`, which token refreshes use.
const CACHE_TTL: Duration = Duration::from_secs(60);

/// Secret name → when it was fetched, and its value.
type Entries = HashMap<String, (Instant, Vec<u8>)>;

#[derive(Clone, Default)]
pub struct SecretCache(Arc<Mutex<Entries>>);

impl SecretCache {
    fn map(&self) -> MutexGuard<'_, Entries> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The value, if it was fetched or written less than the cache's lifetime ago.
    pub fn get(&self, name: &str) -> Option<Vec<u8>> {
        self.map()
            .get(name)
            .filter(|(at, _)| at.elapsed() < CACHE_TTL)
            .map(|(_, value)| value.clone())
    }

    pub fn insert(&self, name: String, value: Vec<u8>) {
        self.map().insert(name, (Instant::now(), value));
    }

    pub fn remove(&self, name: &str) {
        self.map().remove(name);
    }
}
