//! The engine's view of an integration's accounts, read from the vault: secrets by
//! account id, refreshed tokens written back, refused refreshes marked on the account.

use std::collections::BTreeMap;

use futures::future::BoxFuture;

use crate::credentials::{CredentialError, CredentialStore, Credentials, OAuthClient, OAuthTokens};
use crate::model::AccountStatus;
use crate::ports::{SecretKey, Store, Vault};

/// The accounts of one integration.
pub struct VaultCredentials<S, V> {
    pub store: S,
    pub vault: V,
    pub workspace_id: String,
    /// App id → account id.
    pub accounts: BTreeMap<String, String>,
}

impl<S: Store, V: Vault> VaultCredentials<S, V> {
    /// The accounts an integration (or a form) chose, app id → account id.
    pub fn new(
        store: &S,
        vault: &V,
        workspace_id: &str,
        accounts: BTreeMap<String, String>,
    ) -> Self {
        Self {
            store: store.clone(),
            vault: vault.clone(),
            workspace_id: workspace_id.into(),
            accounts,
        }
    }

    fn account(&self, app: &str) -> Result<&String, CredentialError> {
        self.accounts
            .get(app)
            .ok_or_else(|| CredentialError::NoAccount(app.to_string()))
    }

    /// The account's credentials, from the vault's cache unless `fresh`.
    async fn read(&self, app: &str, fresh: bool) -> Result<Credentials, CredentialError> {
        let account = self.account(app)?;
        let key = SecretKey::account(&self.workspace_id, account);
        let secret = if fresh {
            self.vault.get_fresh(&key).await
        } else {
            self.vault.get(&key).await
        }
        .map_err(|e| CredentialError::Unknown(e.into()))?
        .ok_or_else(|| CredentialError::NoAccount(app.to_string()))?;
        serde_json::from_slice(&secret).map_err(|e| {
            CredentialError::Unknown(anyhow::anyhow!(
                "account {account} secret does not decode: {e}"
            ))
        })
    }

    /// The account's name in the store's holds and rate windows.
    fn account_key(&self, app: &str) -> String {
        format!("account:{}", self.account_id(app))
    }

    /// One lease per account, in the workspace's name space.
    fn lease_name(&self, app: &str) -> Result<String, CredentialError> {
        Ok(format!(
            "refresh:{}:{}",
            self.workspace_id,
            self.account(app)?
        ))
    }
}

impl<S: Store, V: Vault> CredentialStore for VaultCredentials<S, V> {
    fn account_id(&self, app: &str) -> String {
        format!(
            "{}:{}",
            self.workspace_id,
            self.accounts.get(app).map(String::as_str).unwrap_or(app)
        )
    }

    fn load(&self, app: &str) -> BoxFuture<'_, Result<Credentials, CredentialError>> {
        let app = app.to_string();
        Box::pin(async move { self.read(&app, false).await })
    }

    fn load_fresh(&self, app: &str) -> BoxFuture<'_, Result<Credentials, CredentialError>> {
        let app = app.to_string();
        Box::pin(async move { self.read(&app, true).await })
    }

    fn acquire_refresh_lease(
        &self,
        app: &str,
        holder: &str,
        ttl: std::time::Duration,
    ) -> BoxFuture<'_, Result<bool, CredentialError>> {
        let (app, holder) = (app.to_string(), holder.to_string());
        Box::pin(async move {
            let name = self.lease_name(&app)?;
            self.store
                .acquire_lease(&name, &holder, chrono::Utc::now(), ttl)
                .await
                .map_err(|e| CredentialError::Unknown(e.into()))
        })
    }

    fn release_refresh_lease(
        &self,
        app: &str,
        holder: &str,
    ) -> BoxFuture<'_, Result<(), CredentialError>> {
        let (app, holder) = (app.to_string(), holder.to_string());
        Box::pin(async move {
            let name = self.lease_name(&app)?;
            self.store
                .release_lease(&name, &holder)
                .await
                .map_err(|e| CredentialError::Unknown(e.into()))
        })
    }

    fn oauth_client(&self, app: &str) -> BoxFuture<'_, Result<OAuthClient, CredentialError>> {
        let app = app.to_string();
        Box::pin(async move {
            let secret = self
                .vault
                .get(&SecretKey::oauth_client(&self.workspace_id, &app))
                .await
                .map_err(|e| CredentialError::Unknown(e.into()))?
                .ok_or_else(|| CredentialError::NoOAuthClient(app.clone()))?;
            serde_json::from_slice(&secret).map_err(|e| {
                CredentialError::Unknown(anyhow::anyhow!(
                    "OAuth client of {app} does not decode: {e}"
                ))
            })
        })
    }

    fn save_tokens(
        &self,
        app: &str,
        tokens: OAuthTokens,
    ) -> BoxFuture<'_, Result<(), CredentialError>> {
        let app = app.to_string();
        Box::pin(async move {
            let account = self.account(&app)?;
            let secret = serde_json::to_vec(&Credentials::Oauth2(tokens))
                .map_err(|e| CredentialError::Unknown(e.into()))?;
            self.vault
                .put(&SecretKey::account(&self.workspace_id, account), &secret)
                .await
                .map_err(|e| CredentialError::Unknown(e.into()))
        })
    }

    fn hold(
        &self,
        app: &str,
        until: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'_, Result<(), CredentialError>> {
        let name = self.account_key(app);
        Box::pin(async move {
            self.store
                .hold(&name, until)
                .await
                .map_err(|e| CredentialError::Unknown(e.into()))
        })
    }

    fn count_call(
        &self,
        app: &str,
        scope: crate::definition::RateScope,
        window: i64,
        expires_at: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'_, Result<Option<u64>, CredentialError>> {
        let name = match scope {
            crate::definition::RateScope::Account => self.account_key(app),
            crate::definition::RateScope::App => format!("app:{}:{app}", self.workspace_id),
        };
        Box::pin(async move {
            self.store
                .count_in_window(&name, window, expires_at)
                .await
                .map(Some)
                .map_err(|e| CredentialError::Unknown(e.into()))
        })
    }

    fn held_until(
        &self,
        app: &str,
    ) -> BoxFuture<'_, Result<Option<chrono::DateTime<chrono::Utc>>, CredentialError>> {
        let name = self.account_key(app);
        Box::pin(async move {
            self.store
                .held_until(&name, chrono::Utc::now())
                .await
                .map_err(|e| CredentialError::Unknown(e.into()))
        })
    }

    fn mark_reauthorization_required(
        &self,
        app: &str,
    ) -> BoxFuture<'_, Result<(), CredentialError>> {
        let app = app.to_string();
        Box::pin(async move {
            let account_id = self.account(&app)?.clone();
            // A concurrent change wins; the next refusal marks it again.
            if let Ok(Some(mut account)) = self
                .store
                .get_account(&self.workspace_id, &account_id)
                .await
            {
                let expected = account.version;
                account.status = AccountStatus::NeedsReauthorization;
                let _ = self.store.put_account(&account, Some(expected)).await;
            }
            Ok(())
        })
    }
}
