//! Memory between runs: values a flow's `storage` steps keep by key, in the
//! integration's, the user's or the workspace's scope. The engine reaches them through
//! [`RunStorage`], which knows whose integration is running; the service implements it
//! over the store, and [`MemoryStorage`] keeps them in this process (`junction run`,
//! engine tests).

mod echo;
mod increment;
mod memory;

use std::time::Duration;

use futures::future::BoxFuture;
use serde_json::Value;

pub use echo::{fingerprint, Written};
pub use increment::{increment, Incremented};
pub use memory::MemoryStorage;

pub use crate::definition::StorageScope;

/// The most JSON one stored value may take: storage is for ids, cursors and
/// counters, not documents, and every value must fit one store record with room.
pub const MAX_STORED_VALUE_BYTES: usize = 64 * 1024;

/// The longest a key may be, in bytes, once its template is rendered.
pub const MAX_STORAGE_KEY_BYTES: usize = 512;

/// A store key for an id of an app's object, which may be longer than a key may be:
/// the id itself, or its fingerprint when it is too long.
pub fn object_key(id: &str) -> String {
    if id.len() > MAX_STORAGE_KEY_BYTES {
        fingerprint(&Value::from(id))
    } else {
        id.to_string()
    }
}

/// The longest a stored value may be kept; without a time to live it stays until a
/// step or an admin deletes it.
pub const MAX_STORAGE_TTL: Duration = Duration::from_secs(400 * 24 * 3600);

/// Why a storage operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// What the step asked for cannot be done with what is stored (increment of a
    /// value that is not a whole number): trying again would not help.
    #[error("{0}")]
    Refused(String),
    /// The store could not be reached or answered an error: the step may be tried again.
    #[error("the store failed: {0}")]
    Unavailable(String),
}

/// Values kept between runs, as one run's `storage` steps see them: the scope is
/// resolved by whoever knows the run's integration and user.
///
/// # Errors
/// - `increment` MUST add exactly once per `op`: a step tried again after a crash
///   (same `op`) gets the value its first try made, and concurrent increments of one
///   key from any process all count.
/// - Expired values MUST read as absent, however late the backend deletes them.
pub trait RunStorage: Send + Sync {
    fn get(
        &self,
        scope: StorageScope,
        key: &str,
    ) -> BoxFuture<'_, Result<Option<Value>, StorageError>>;
    fn set(
        &self,
        scope: StorageScope,
        key: &str,
        value: Value,
        ttl: Option<Duration>,
    ) -> BoxFuture<'_, Result<(), StorageError>>;
    /// Whether there was a value to delete.
    fn delete(&self, scope: StorageScope, key: &str) -> BoxFuture<'_, Result<bool, StorageError>>;
    /// Adds `by` to the whole number at `key` (absent counts as 0) and returns the sum;
    /// `ttl`, when given, starts again from now. `op` names this execution of the step.
    fn increment(
        &self,
        scope: StorageScope,
        key: &str,
        by: i64,
        ttl: Option<Duration>,
        op: &str,
    ) -> BoxFuture<'_, Result<i64, StorageError>>;
    /// Remembers, for `window`, what this run wrote to object `object_id` of `app`
    /// through the integration's account (a later write replaces it).
    fn remember_write(
        &self,
        app: &str,
        object_id: &str,
        written: Written,
        window: Duration,
    ) -> BoxFuture<'_, Result<(), StorageError>>;
    /// The write to that object remembered within its window, if any.
    fn last_write(
        &self,
        app: &str,
        object_id: &str,
    ) -> BoxFuture<'_, Result<Option<Written>, StorageError>>;
}
