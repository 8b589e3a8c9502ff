//! Connecting accounts: credentials are checked with the app's test request before
//! anything is stored, the account is labelled from the answer, and the secret goes to
//! the vault. Removing an account disables the integrations that used it.

use serde::Serialize;
use serde_json::{json, Value};

use super::{Junction, ServiceError};
use crate::credentials::{Credentials, MemoryCredentials};
use crate::definition::{AppDefinition, AuthScheme};
use crate::engine::request::render_app_request;
use crate::ids::new_id;
use crate::model::{Account, AccountStatus};
use crate::outbound::call_app;
use crate::ports::{RunQueue, SecretKey, Store, Vault};
use crate::template::Context;

/// An account as the marketplace shows it (never its secret).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ConnectedAccount {
    pub id: String,
    pub app_id: String,
    pub label: String,
    pub status: AccountStatus,
}

impl From<Account> for ConnectedAccount {
    fn from(a: Account) -> Self {
        Self {
            id: a.id,
            app_id: a.app_id,
            label: a.label,
            status: a.status,
        }
    }
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    pub async fn app(&self, ws: &str, app_id: &str) -> Result<AppDefinition, ServiceError> {
        match self.store.get_app(ws, app_id).await? {
            Some(a) => Ok(a.definition),
            None => Err(ServiceError::NotFound(format!("app '{app_id}'"))),
        }
    }

    /// Checks credentials with the app's test request; returns the account label and
    /// the credentials to store. An OAuth token that is about to expire is refreshed
    /// by the check with the workspace's client, and then the **refreshed** tokens are
    /// the ones to keep: a rotating provider has spent the original refresh token, and
    /// using it again would get the whole grant revoked.
    pub(crate) async fn test_credentials(
        &self,
        ws: &str,
        app: &AppDefinition,
        credentials: Credentials,
    ) -> Result<(String, Credentials), ServiceError> {
        let fallback = format!("{} account", app.name);
        let Some(test) = &app.test else {
            return Ok((fallback, credentials));
        };
        let request = render_app_request(&self.templates, app, &test.request, &json!({}), None)
            .map_err(|e| {
                ServiceError::Unknown(anyhow::anyhow!(
                    "app '{}' test request: {}",
                    app.id,
                    e.message
                ))
            })?;
        let mut store = MemoryCredentials::new().with_account(&app.id, credentials.clone());
        if matches!(app.auth, AuthScheme::Oauth2 { .. }) {
            store = store.with_oauth_client(&app.id, self.oauth_client_of(ws, &app.id).await?);
        }
        let called = call_app(&self.http, &self.refresher, &store, app, request, None)
            .await
            .map_err(|e| {
                ServiceError::Upstream(format!("{} could not check the credentials: {e}", app.name))
            })?;
        let response = called.response;
        let credentials = store.current(&app.id).unwrap_or(credentials);
        if matches!(response.status, 401 | 403) {
            let said = app_message(&response.json())
                .map(|m| format!(": {m}"))
                .unwrap_or_default();
            return Err(ServiceError::field(
                "credentials",
                format!(
                    "{} refused these credentials (HTTP {}){said}",
                    app.name, response.status
                ),
            ));
        }
        if !response.is_success() {
            return Err(ServiceError::Upstream(format!(
                "{} answered the credential check with HTTP {}",
                app.name, response.status
            )));
        }
        let Some(label) = &test.label else {
            return Ok((fallback, credentials));
        };
        let ctx = Context::from_json(&json!({ "response": response.json() }));
        let label = self
            .templates
            .render_text(label, &ctx)
            .ok()
            .filter(|l| !l.trim().is_empty())
            .unwrap_or(fallback);
        Ok((label, credentials))
    }

    /// Parses credentials for an API-key or basic-auth app and checks them with the
    /// app's test request; returns them with the account's label.
    async fn checked_credentials(
        &self,
        ws: &str,
        app: &AppDefinition,
        credentials: Value,
    ) -> Result<(Credentials, String), ServiceError> {
        let app_id = &app.id;
        let credentials: Credentials = serde_json::from_value(credentials)
            .map_err(|e| ServiceError::field("credentials", e.to_string()))?;
        match (&app.auth, &credentials) {
            (AuthScheme::ApiKey { .. }, Credentials::ApiKey { key })
                if !key.expose().trim().is_empty() => {}
            (AuthScheme::Basic, Credentials::Basic { username, .. })
                if !username.trim().is_empty() => {}
            (AuthScheme::Oauth2 { .. }, _) => {
                return Err(ServiceError::field(
                    "credentials",
                    format!(
                        "{} connects with OAuth: use /v1/apps/{app_id}/oauth/start",
                        app.name
                    ),
                ))
            }
            (AuthScheme::None, _) => {
                return Err(ServiceError::field(
                    "credentials",
                    format!("{} needs no account", app.name),
                ))
            }
            _ => {
                return Err(ServiceError::field(
                    "credentials",
                    format!(
                        "{} expects credentials of type {}",
                        app.name,
                        expected_type(&app.auth)
                    ),
                ))
            }
        }
        let (label, credentials) = self.test_credentials(ws, app, credentials).await?;
        Ok((credentials, label))
    }

    /// Connects an API-key or basic-auth account for a user.
    pub async fn connect_account(
        &self,
        ws: &str,
        user: &str,
        app_id: &str,
        credentials: Value,
    ) -> Result<ConnectedAccount, ServiceError> {
        let app = self.app(ws, app_id).await?;
        let (credentials, label) = self.checked_credentials(ws, &app, credentials).await?;
        let mut account = Account {
            workspace_id: ws.into(),
            id: new_id("acc"),
            user_id: user.into(),
            app_id: app_id.into(),
            label,
            status: AccountStatus::Active,
            created_at: self.clock.now(),
            version: 0,
        };
        let secret =
            serde_json::to_vec(&credentials).map_err(|e| ServiceError::Unknown(e.into()))?;
        // The secret first: an account record never exists without its secret.
        self.vault
            .put(&SecretKey::account(ws, &account.id), &secret)
            .await?;
        account.version = self.store.put_account(&account, None).await?;
        Ok(account.into())
    }

    /// Your backend gives a user's key for your app (or any API-key app): it becomes,
    /// or replaces the secret of, that user's account for the app.
    pub async fn set_user_account(
        &self,
        ws: &str,
        user: &str,
        app_id: &str,
        credentials: Value,
    ) -> Result<ConnectedAccount, ServiceError> {
        if user.is_empty() || user.len() > 256 || user.chars().any(char::is_control) {
            return Err(ServiceError::field("user", "must be 1 to 256 characters"));
        }
        self.store.ensure_user(ws, user, self.clock.now()).await?;
        let existing = self
            .store
            .accounts_of_user(ws, user, Some(app_id))
            .await?
            .into_iter()
            .next();
        let Some(mut account) = existing else {
            return self.connect_account(ws, user, app_id, credentials).await;
        };
        let app = self.app(ws, app_id).await?;
        let (credentials, label) = self.checked_credentials(ws, &app, credentials).await?;
        let secret =
            serde_json::to_vec(&credentials).map_err(|e| ServiceError::Unknown(e.into()))?;
        self.vault
            .put(&SecretKey::account(ws, &account.id), &secret)
            .await?;
        let expected = account.version;
        account.label = label;
        account.status = AccountStatus::Active;
        account.version = self.store.put_account(&account, Some(expected)).await?;
        Ok(account.into())
    }

    pub async fn accounts(
        &self,
        ws: &str,
        user: &str,
        app_id: Option<&str>,
    ) -> Result<Vec<ConnectedAccount>, ServiceError> {
        Ok(self
            .store
            .accounts_of_user(ws, user, app_id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The user's account, or NotFound (also for another user's account).
    pub(crate) async fn own_account(
        &self,
        ws: &str,
        user: &str,
        id: &str,
    ) -> Result<Account, ServiceError> {
        match self.store.get_account(ws, id).await? {
            Some(a) if a.user_id == user => Ok(a),
            _ => Err(ServiceError::NotFound(format!("account '{id}'"))),
        }
    }

    /// Removes an account and its secret; integrations that used it are disabled.
    pub async fn delete_account(&self, ws: &str, user: &str, id: &str) -> Result<(), ServiceError> {
        let account = self.own_account(ws, user, id).await?;
        for mut integration in self.store.integrations_of_user(ws, user).await? {
            if integration.accounts.values().any(|a| a == id) && integration.enabled {
                integration.enabled = false;
                integration.disabled_reason = Some(format!(
                    "the {} account '{}' was removed",
                    account.app_id, account.label
                ));
                let expected = integration.version;
                self.store
                    .put_integration(&integration, Some(expected))
                    .await?;
            }
        }
        self.store.delete_account(ws, id).await?;
        self.vault.delete(&SecretKey::account(ws, id)).await?;
        Ok(())
    }
}

/// The app's own words when it refuses credentials (`{"message": ...}`,
/// `{"error": {"message": ...}}`, `{"error_description": ...}`, `{"error": ...}`), cut
/// short, so the user reads what the app said rather than only a status code.
fn app_message(body: &Value) -> Option<String> {
    const MAX_CHARS: usize = 200;
    let said = [
        "/message",
        "/error/message",
        "/error_description",
        "/error",
        "/detail",
        "/errors/0/message",
    ]
    .iter()
    .find_map(|p| body.pointer(p).and_then(Value::as_str))
    .or_else(|| body.as_str())?
    .trim();
    // An HTML error page says nothing a user can read in a form.
    if said.is_empty() || said.starts_with('<') {
        return None;
    }
    let mut out: String = said
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_CHARS)
        .collect();
    if said.chars().count() > MAX_CHARS {
        out.push('…');
    }
    Some(out)
}

fn expected_type(auth: &AuthScheme) -> &'static str {
    match auth {
        AuthScheme::ApiKey { .. } => "api_key ({\"type\": \"api_key\", \"key\": \"...\"})",
        AuthScheme::Basic => {
            "basic ({\"type\": \"basic\", \"username\": \"...\", \"password\": \"...\"})"
        }
        AuthScheme::Oauth2 { .. } => "oauth2",
        AuthScheme::None => "none",
    }
}
