//! What keeps work exactly-once and within bounds across processes: dedupe keys and
//! claims, task and poll counters, leases, and holds and windows for apps that ask
//! to slow down.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::StoreError;
use crate::model::Usage;

type R<T> = Result<T, StoreError>;

/// Dedupe keys, counters, leases and holds.
///
/// # Errors
/// - `insert_dedupe` and `claim_key` MUST be atomic: of concurrent callers with one
///   key, one wins.
/// - `acquire_lease` MUST grant a lease to one holder at a time until it expires.
/// - `add_tasks`, `add_poll_requests` and `count_in_window` MUST add atomically.
pub trait BookkeepingStore: Send + Sync {
    /// True when the key was new (or its earlier use expired); false for a duplicate.
    fn insert_dedupe(
        &self,
        key: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> impl Future<Output = R<bool>> + Send;
    /// Claims `key` for `value` (a webhook delivery for the run id that handles it).
    /// `None` when this call claimed it (or the earlier claim expired); otherwise the
    /// value of the claim that stands, so a caller that crashed half-way can be finished.
    fn claim_key(
        &self,
        key: &str,
        value: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> impl Future<Output = R<Option<String>>> + Send;
    /// Adds tasks; returns the workspace's and the user's totals for the month.
    fn add_tasks(
        &self,
        ws: &str,
        user_id: &str,
        month: &str,
        tasks: u64,
    ) -> impl Future<Output = R<(u64, u64)>> + Send;
    fn usage(&self, ws: &str, month: &str) -> impl Future<Output = R<Usage>> + Send;
    /// Adds requests that polls made (metered apart from tasks); returns the
    /// workspace's poll requests for the month.
    fn add_poll_requests(
        &self,
        ws: &str,
        month: &str,
        requests: u64,
    ) -> impl Future<Output = R<u64>> + Send;
    fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> impl Future<Output = R<bool>> + Send;
    fn renew_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> impl Future<Output = R<bool>> + Send;
    fn release_lease(&self, name: &str, holder: &str) -> impl Future<Output = R<()>> + Send;
    /// Holds back calls for `name` (an account an app asked to slow down) until
    /// `until`, for every process; a later hold already set stands.
    fn hold(&self, name: &str, until: DateTime<Utc>) -> impl Future<Output = R<()>> + Send;
    /// Counts one call for `name` in `window` (a number that grows with time) and
    /// returns how many that window has now, this one included, across processes.
    /// A later window starts again from one; `expires_at` is when the count may go.
    fn count_in_window(
        &self,
        name: &str,
        window: i64,
        expires_at: DateTime<Utc>,
    ) -> impl Future<Output = R<u64>> + Send;
    /// When calls for `name` may go again, if that is after `now`.
    fn held_until(
        &self,
        name: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = R<Option<DateTime<Utc>>>> + Send;
}
