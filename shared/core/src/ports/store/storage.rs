//! Values flows keep between runs (`storage` steps), by workspace, scope and key.

use std::future::Future;

use chrono::{DateTime, Utc};

use super::StoreError;
use crate::model::{StoredValue, Version};

type R<T> = Result<T, StoreError>;

/// What a write of a stored value requires of the value there now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Whatever is there is replaced.
    Any,
    /// Nothing is there, or only an expired value.
    Absent,
    /// The value is still at this version.
    Version(Version),
}

/// Stored values of a workspace.
///
/// # Errors
/// - `put_stored` MUST fail with [`StoreError::Conflict`] when `expect` does not hold,
///   atomically: of concurrent writers expecting one version, one wins.
/// - A value whose `expires_at` is not after `now` MUST read, list and delete as absent,
///   however late the backend removes it.
/// - `list_stored` MUST list one scope in key order, from after `after`, without a scan.
pub trait StorageStore: Send + Sync {
    fn get_stored(
        &self,
        ws: &str,
        scope: &str,
        key: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = R<Option<StoredValue>>> + Send;
    /// Writes `value` (its scope and key say where); returns its new version.
    fn put_stored(
        &self,
        ws: &str,
        value: &StoredValue,
        expect: Expect,
        now: DateTime<Utc>,
    ) -> impl Future<Output = R<Version>> + Send;
    /// Whether a live value was there to delete.
    fn delete_stored(
        &self,
        ws: &str,
        scope: &str,
        key: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = R<bool>> + Send;
    fn list_stored(
        &self,
        ws: &str,
        scope: &str,
        after: Option<&str>,
        limit: usize,
        now: DateTime<Utc>,
    ) -> impl Future<Output = R<Vec<StoredValue>>> + Send;
}
