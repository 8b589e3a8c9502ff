//! Account credentials and the port through which the engine reads and refreshes them.
//! Secrets are wrapped so they never print by accident.

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

/// A secret string: serialises as itself (the vault must store it), prints as `[redacted]`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// OAuth 2.0 tokens of one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuthTokens {
    pub access_token: Secret,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
}

/// What a connected account holds, by authentication scheme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Credentials {
    ApiKey { key: Secret },
    Basic { username: String, password: Secret },
    Oauth2(OAuthTokens),
}

impl Credentials {
    /// Every secret value, so logs can be scrubbed of them.
    pub fn secrets(&self) -> Vec<&str> {
        match self {
            Self::ApiKey { key } => vec![key.expose()],
            Self::Basic { password, .. } => vec![password.expose()],
            Self::Oauth2(t) => {
                let mut v = vec![t.access_token.expose()];
                v.extend(t.refresh_token.as_ref().map(Secret::expose));
                v
            }
        }
    }
}

/// A workspace's OAuth client for one app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuthClient {
    pub client_id: String,
    pub client_secret: Secret,
}

/// Why credentials could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error("no account is connected for app '{0}'")]
    NoAccount(String),
    #[error("no OAuth client is configured for app '{0}'")]
    NoOAuthClient(String),
    #[error(transparent)]
    Unknown(#[from] anyhow::Error),
}

/// The accounts of one integration, as the engine sees them.
///
/// # Errors
/// - `load` MUST return [`CredentialError::NoAccount`] when the integration has no
///   account for the app.
/// - `save_tokens` MUST make the new tokens visible to every later `load_fresh`, in
///   this process and others, and to every later `load` in this process, before it
///   returns.
/// - `acquire_refresh_lease` MUST grant the lease of an account to one holder at a
///   time, across processes, until it is released or expires.
pub trait CredentialStore: Send + Sync {
    /// A stable id of the account used for `app` (refreshes are single-flight per account).
    fn account_id(&self, app: &str) -> String;
    fn load(&self, app: &str) -> BoxFuture<'_, Result<Credentials, CredentialError>>;
    fn oauth_client(&self, app: &str) -> BoxFuture<'_, Result<OAuthClient, CredentialError>>;
    fn save_tokens(
        &self,
        app: &str,
        tokens: OAuthTokens,
    ) -> BoxFuture<'_, Result<(), CredentialError>>;
    /// Called when the provider refuses the refresh token (`invalid_grant`).
    fn mark_reauthorization_required(
        &self,
        app: &str,
    ) -> BoxFuture<'_, Result<(), CredentialError>>;

    /// `load`, bypassing any cache, for deciding whether another process already
    /// refreshed the token. Holders that live in one process need not override it.
    fn load_fresh(&self, app: &str) -> BoxFuture<'_, Result<Credentials, CredentialError>> {
        self.load(app)
    }

    /// Takes the account's refresh lease, which every process shares, for `ttl`;
    /// `false` while another holder has it. Holders that live in one process need none
    /// (the refresher's own lock serializes them).
    fn acquire_refresh_lease(
        &self,
        _app: &str,
        _holder: &str,
        _ttl: std::time::Duration,
    ) -> BoxFuture<'_, Result<bool, CredentialError>> {
        Box::pin(async { Ok(true) })
    }

    fn release_refresh_lease(
        &self,
        _app: &str,
        _holder: &str,
    ) -> BoxFuture<'_, Result<(), CredentialError>> {
        Box::pin(async { Ok(()) })
    }

    /// Holds back every call with the account, in every process, until `until` (the
    /// app asked to slow down). Holders that live in one process need none: the
    /// engine's own per-process hold covers them.
    fn hold(
        &self,
        _app: &str,
        _until: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'_, Result<(), CredentialError>> {
        Box::pin(async { Ok(()) })
    }

    /// Counts one call toward the app's declared rate limit in `window`, shared by
    /// every process; the window's count so far, or `None` when this holder shares
    /// nothing (the engine then counts in its own process).
    fn count_call(
        &self,
        _app: &str,
        _scope: crate::definition::RateScope,
        _window: i64,
        _expires_at: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'_, Result<Option<u64>, CredentialError>> {
        Box::pin(async { Ok(None) })
    }

    /// Until when the account is held back by any process, if it is.
    fn held_until(
        &self,
        _app: &str,
    ) -> BoxFuture<'_, Result<Option<chrono::DateTime<chrono::Utc>>, CredentialError>> {
        Box::pin(async { Ok(None) })
    }
}

/// Called with refreshed tokens so a holder can persist them at once.
pub type SaveHook = Box<dyn Fn(&str, &OAuthTokens) + Send + Sync>;

/// Credentials held in memory, keyed by app id: what `junction run` loads from files
/// (writing refreshed tokens back through the hook), and what engine tests use.
pub struct MemoryCredentials {
    /// Each holder is its own set of accounts (for refresh locks and backoff).
    instance: u64,
    accounts: std::sync::Mutex<std::collections::HashMap<String, Credentials>>,
    clients: std::collections::HashMap<String, OAuthClient>,
    needs_reauthorization: std::sync::Mutex<Vec<String>>,
    on_save: Option<SaveHook>,
}

impl Default for MemoryCredentials {
    fn default() -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Self {
            instance: NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            accounts: Default::default(),
            clients: Default::default(),
            needs_reauthorization: Default::default(),
            on_save: None,
        }
    }
}

impl MemoryCredentials {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_account(self, app: &str, credentials: Credentials) -> Self {
        self.lock().insert(app.to_string(), credentials);
        self
    }

    pub fn with_oauth_client(mut self, app: &str, client: OAuthClient) -> Self {
        self.clients.insert(app.to_string(), client);
        self
    }

    pub fn on_save(mut self, hook: SaveHook) -> Self {
        self.on_save = Some(hook);
        self
    }

    pub fn current(&self, app: &str) -> Option<Credentials> {
        self.lock().get(app).cloned()
    }

    /// Apps whose account was refused a refresh.
    pub fn needing_reauthorization(&self) -> Vec<String> {
        self.needs_reauthorization
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Credentials>> {
        self.accounts.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl CredentialStore for MemoryCredentials {
    fn account_id(&self, app: &str) -> String {
        format!("memory:{}:{app}", self.instance)
    }

    fn load(&self, app: &str) -> BoxFuture<'_, Result<Credentials, CredentialError>> {
        let found = self
            .current(app)
            .ok_or_else(|| CredentialError::NoAccount(app.to_string()));
        Box::pin(async move { found })
    }

    fn oauth_client(&self, app: &str) -> BoxFuture<'_, Result<OAuthClient, CredentialError>> {
        let found = self
            .clients
            .get(app)
            .cloned()
            .ok_or_else(|| CredentialError::NoOAuthClient(app.to_string()));
        Box::pin(async move { found })
    }

    fn save_tokens(
        &self,
        app: &str,
        tokens: OAuthTokens,
    ) -> BoxFuture<'_, Result<(), CredentialError>> {
        if let Some(hook) = &self.on_save {
            hook(app, &tokens);
        }
        self.lock()
            .insert(app.to_string(), Credentials::Oauth2(tokens));
        Box::pin(async { Ok(()) })
    }

    fn mark_reauthorization_required(
        &self,
        app: &str,
    ) -> BoxFuture<'_, Result<(), CredentialError>> {
        self.needs_reauthorization
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(app.to_string());
        Box::pin(async { Ok(()) })
    }
}
