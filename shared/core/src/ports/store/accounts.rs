//! End users, created on first sight, and the accounts they connect to apps.

use std::future::Future;

use chrono::{DateTime, Utc};

use super::StoreError;
use crate::model::{Account, User, Version};

type R<T> = Result<T, StoreError>;

/// Users and their connected accounts (the account's secrets are in the vault).
///
/// # Errors
/// - `ensure_user` MUST be idempotent: concurrent first sightings make one user.
/// - `put_account` with `Some(v)` MUST fail with `Conflict` unless the stored version
///   is `v`, and with `None` when the account exists.
pub trait AccountStore: Send + Sync {
    /// The user, created on first sight.
    fn ensure_user(
        &self,
        ws: &str,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = R<User>> + Send;
    fn put_account(
        &self,
        account: &Account,
        expected: Option<Version>,
    ) -> impl Future<Output = R<Version>> + Send;
    fn get_account(&self, ws: &str, id: &str) -> impl Future<Output = R<Option<Account>>> + Send;
    fn accounts_of_user(
        &self,
        ws: &str,
        user_id: &str,
        app_id: Option<&str>,
    ) -> impl Future<Output = R<Vec<Account>>> + Send;
    fn delete_account(&self, ws: &str, id: &str) -> impl Future<Output = R<()>> + Send;
}
