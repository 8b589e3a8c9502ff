//! Per-account backoff: when an app answers 429 for an account, every call with that
//! account waits until the app's Retry-After time, not just the call that got it.
//! Kept per process (each executor learns from its own first 429).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long to hold back when a 429 names no time.
pub const DEFAULT_BACKOFF: Duration = Duration::from_secs(30);
/// Accounts remembered at most; expired entries are dropped first.
const MAX_ACCOUNTS: usize = 100_000;

/// Accounts that must not be called before a time.
#[derive(Debug, Default)]
pub struct AccountBackoff {
    until: Mutex<HashMap<String, Instant>>,
}

impl AccountBackoff {
    /// How long calls with `account` must still wait, if they must.
    pub fn remaining(&self, account: &str) -> Option<Duration> {
        let map = self.until.lock().unwrap_or_else(|p| p.into_inner());
        let until = *map.get(account)?;
        until
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
    }

    /// Holds calls with `account` back for `wait` (a later time already set stands).
    pub fn hold(&self, account: &str, wait: Duration) {
        let until = Instant::now() + wait;
        let mut map = self.until.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_ACCOUNTS {
            let now = Instant::now();
            map.retain(|_, t| *t > now);
        }
        let entry = map.entry(account.to_string()).or_insert(until);
        if *entry < until {
            *entry = until;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_until_the_latest_time_and_per_account() {
        let b = AccountBackoff::default();
        assert_eq!(b.remaining("a"), None);
        b.hold("a", Duration::from_secs(60));
        b.hold("a", Duration::from_secs(1));
        assert!(b.remaining("a").unwrap() > Duration::from_secs(50));
        assert_eq!(b.remaining("b"), None);
        b.hold("c", Duration::ZERO);
        assert_eq!(b.remaining("c"), None);
    }
}
