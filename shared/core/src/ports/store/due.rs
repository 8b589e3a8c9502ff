//! Due items: polls and schedule ticks waiting for their time, across shards.

use std::future::Future;

use chrono::{DateTime, Utc};

use super::StoreError;
use crate::model::DueItem;

type R<T> = Result<T, StoreError>;

/// Due polls and schedules.
///
/// # Errors
/// - `move_due` and `remove_due` MUST be atomic: of concurrent movers from one due
///   time, one wins.
/// - `add_due_if_absent` MUST create at most one item per key.
pub trait DueStore: Send + Sync {
    /// Creates or moves a due item.
    fn put_due(&self, item: &DueItem) -> impl Future<Output = R<()>> + Send;
    /// Items due at or before `now`, earliest first, across all shards.
    fn due_before(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> impl Future<Output = R<Vec<DueItem>>> + Send;
    /// Replaces the item with `item` (its new time and payload) if it is still due at
    /// `from`; false when someone moved or removed it meanwhile.
    fn move_due(&self, item: &DueItem, from: DateTime<Utc>)
        -> impl Future<Output = R<bool>> + Send;
    /// Creates the item unless one with its key exists (wherever it is due); false
    /// when it existed, which then stays as it was.
    fn add_due_if_absent(&self, item: &DueItem) -> impl Future<Output = R<bool>> + Send;
    /// The item with `key`, wherever it is due.
    fn get_due(&self, key: &str) -> impl Future<Output = R<Option<DueItem>>> + Send;
    /// Removes the item if it is still due at `due_at` (nobody moved it meanwhile).
    fn remove_due(&self, key: &str, due_at: DateTime<Utc>) -> impl Future<Output = R<bool>> + Send;
}
