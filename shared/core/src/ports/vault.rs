//! The vault: account secrets and OAuth client secrets, opaque bytes to it.

use std::future::Future;

/// Names one secret in a workspace, e.g. `account/acc_123` or `oauth-client/mailbird`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretKey {
    pub workspace_id: String,
    pub name: String,
}

impl SecretKey {
    pub fn new(workspace_id: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            workspace_id: workspace_id.into(),
            name: name.into(),
        }
    }

    pub fn account(workspace_id: &str, account_id: &str) -> Self {
        Self::new(workspace_id, format!("account/{account_id}"))
    }

    pub fn oauth_client(workspace_id: &str, app_id: &str) -> Self {
        Self::new(workspace_id, format!("oauth-client/{app_id}"))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The value cannot be decrypted: wrong master key or tampered data.
    #[error("the secret cannot be decrypted: {0}")]
    Undecryptable(String),
    #[error(transparent)]
    Unknown(#[from] anyhow::Error),
}

/// Secret storage.
///
/// # Errors
/// - `get` MUST return `Undecryptable` (never garbage) when the value does not
///   decrypt under the configured key.
/// - `get` MAY serve a value cached in this process; `get_fresh` MUST return the
///   latest value written by any process (and may refresh the cache with it).
pub trait Vault: Send + Sync + Clone + 'static {
    fn put(
        &self,
        key: &SecretKey,
        value: &[u8],
    ) -> impl Future<Output = Result<(), VaultError>> + Send;
    fn get(
        &self,
        key: &SecretKey,
    ) -> impl Future<Output = Result<Option<Vec<u8>>, VaultError>> + Send;
    fn delete(&self, key: &SecretKey) -> impl Future<Output = Result<(), VaultError>> + Send;
    /// `get`, bypassing any cache: for decisions another process may have overtaken,
    /// like whether an OAuth token was already refreshed. Vaults without a cache need
    /// not override it.
    fn get_fresh(
        &self,
        key: &SecretKey,
    ) -> impl Future<Output = Result<Option<Vec<u8>>, VaultError>> + Send {
        self.get(key)
    }
}
