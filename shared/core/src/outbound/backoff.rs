//! Per-account backoff: when an app answers 429 (or 503 with `Retry-After`) for an
//! account, every call with that account waits until the app's time, not just the
//! call that got it. This is the per-process copy; the hold every process shares
//! lives in the store, and is read at most every [`SHARED_HOLD_CACHE`] per account.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long to hold back when a 429 names no time.
pub const DEFAULT_BACKOFF: Duration = Duration::from_secs(30);
/// How long a read of the shared hold is trusted before the store is asked again:
/// another process's hold reaches this one within it, and a busy account costs the
/// store one read per this interval, not one per call.
pub const SHARED_HOLD_CACHE: Duration = Duration::from_millis(250);
/// Accounts remembered at most; expired entries are dropped first.
const MAX_ACCOUNTS: usize = 100_000;

/// Accounts that must not be called before a time.
#[derive(Debug, Default)]
pub struct AccountBackoff {
    until: Mutex<HashMap<String, Instant>>,
    /// When each account's shared hold was last read.
    checked: Mutex<HashMap<String, Instant>>,
    /// Calls counted per rate-limit window, for holders that share no counter.
    windows: Mutex<HashMap<String, (i64, u64)>>,
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
        let now = Instant::now();
        let until = now + wait;
        let mut map = self.until.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_ACCOUNTS {
            map.retain(|_, t| *t > now);
        }
        let entry = map.entry(account.to_string()).or_insert(until);
        if *entry < until {
            *entry = until;
        }
    }

    /// Counts one call of `name` in `window` in this process; the window's count.
    pub fn count_local(&self, name: &str, window: i64) -> u64 {
        let mut map = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_ACCOUNTS {
            map.retain(|_, (w, _)| *w >= window);
        }
        let entry = map.entry(name.to_string()).or_insert((window, 0));
        if entry.0 < window {
            *entry = (window, 0);
        }
        entry.1 += 1;
        entry.1
    }

    /// Whether the shared hold of `account` should be read now; when it should, the
    /// read is counted as done (concurrent calls do not all read it).
    pub fn shared_check_due(&self, account: &str) -> bool {
        let now = Instant::now();
        let mut map = self.checked.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_ACCOUNTS {
            map.retain(|_, t| now.duration_since(*t) < SHARED_HOLD_CACHE);
        }
        match map.get_mut(account) {
            Some(at) if now.duration_since(*at) < SHARED_HOLD_CACHE => false,
            Some(at) => {
                *at = now;
                true
            }
            None => {
                map.insert(account.to_string(), now);
                true
            }
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

    #[test]
    fn the_shared_hold_is_read_once_per_interval_per_account() {
        let b = AccountBackoff::default();
        assert!(b.shared_check_due("a"));
        assert!(!b.shared_check_due("a"), "read a moment ago");
        assert!(b.shared_check_due("b"), "per account");
        std::thread::sleep(SHARED_HOLD_CACHE + Duration::from_millis(20));
        assert!(b.shared_check_due("a"));
    }
}
