//! Connecting OAuth 2.0 accounts: an authorization URL with a single-use, expiring
//! `state` bound to workspace, user and app, and PKCE (S256); the callback exchanges
//! the code, labels the account from the app's test request and stores the tokens.

use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::secrets::random_token;
use super::{ConnectedAccount, Junction, ServiceError};
use crate::credentials::{Credentials, OAuthClient, OAuthTokens, Secret};
use crate::definition::AuthScheme;
use crate::ids::new_id;
use crate::model::{Account, AccountStatus};
use crate::outbound::token_request;
use crate::ports::{RunQueue, SecretKey, Store, Vault};

/// How long a user has to consent before the state expires.
const STATE_TTL: Duration = Duration::from_secs(600);

/// What a state stands for, kept in the vault until the callback.
#[derive(Serialize, Deserialize)]
struct PendingAuthorization {
    user_id: String,
    app_id: String,
    verifier: String,
    expires_at: DateTime<Utc>,
    /// Reconnecting: the account whose tokens the consent replaces (same id, so the
    /// integrations that use it keep working).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    account_id: Option<String>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<i64>,
}

fn state_key(ws: &str, nonce: &str) -> SecretKey {
    SecretKey::new(ws, format!("oauth-state/{nonce}"))
}

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    /// Where the provider sends the user back.
    pub fn oauth_redirect_uri(&self) -> String {
        format!(
            "{}/v1/oauth/callback",
            self.public_url.trim_end_matches('/')
        )
    }

    /// Stores a workspace's OAuth client for an app (the secret in the vault).
    pub async fn set_oauth_client(
        &self,
        ws: &str,
        app_id: &str,
        client_id: &str,
        client_secret: &str,
    ) -> Result<(), ServiceError> {
        let app = self.app(ws, app_id).await?;
        if !matches!(app.auth, AuthScheme::Oauth2 { .. }) {
            return Err(ServiceError::field(
                "app",
                format!("{} does not use OAuth 2.0", app.name),
            ));
        }
        if client_id.trim().is_empty() || client_secret.trim().is_empty() {
            return Err(ServiceError::field(
                "client_id",
                "client_id and client_secret must not be empty",
            ));
        }
        let client = OAuthClient {
            client_id: client_id.trim().into(),
            client_secret: Secret::new(client_secret.trim()),
        };
        let bytes = serde_json::to_vec(&client).map_err(|e| ServiceError::Unknown(e.into()))?;
        self.vault
            .put(&SecretKey::oauth_client(ws, app_id), &bytes)
            .await?;
        Ok(())
    }

    pub(crate) async fn oauth_client_of(
        &self,
        ws: &str,
        app_id: &str,
    ) -> Result<OAuthClient, ServiceError> {
        let Some(bytes) = self.vault.get(&SecretKey::oauth_client(ws, app_id)).await? else {
            return Err(ServiceError::Conflict(format!("app '{app_id}' has no OAuth client yet: the workspace admin sets it with PUT /v1/admin/apps/{app_id}/oauth-client")));
        };
        serde_json::from_slice(&bytes).map_err(|e| ServiceError::Unknown(e.into()))
    }

    /// The provider's authorization URL for this user to consent at. With `reconnect`,
    /// the consent renews that account (the user's own, of this app) instead of adding one.
    pub async fn start_oauth(
        &self,
        ws: &str,
        user: &str,
        app_id: &str,
        reconnect: Option<&str>,
    ) -> Result<String, ServiceError> {
        let app = self.app(ws, app_id).await?;
        if let Some(id) = reconnect {
            let account = self.own_account(ws, user, id).await.map_err(|_| {
                ServiceError::field("account", format!("you have no account '{id}'"))
            })?;
            if account.app_id != app_id {
                return Err(ServiceError::field(
                    "account",
                    format!(
                        "account '{id}' is a {} account, not {}",
                        account.app_id, app.name
                    ),
                ));
            }
        }
        let AuthScheme::Oauth2 {
            authorize_url,
            scopes,
            scope_separator,
            pkce,
            authorize_params,
            ..
        } = &app.auth
        else {
            return Err(ServiceError::field(
                "app",
                format!("{} does not connect with OAuth 2.0", app.name),
            ));
        };
        let client = self.oauth_client_of(ws, app_id).await?;
        let nonce = random_token("st")?.trim_start_matches("st_").to_string();
        let verifier = b64url(random_token("v")?.as_bytes());
        let pending = PendingAuthorization {
            user_id: user.into(),
            app_id: app_id.into(),
            verifier: verifier.clone(),
            expires_at: self.clock.now()
                + chrono::Duration::from_std(STATE_TTL).unwrap_or_default(),
            account_id: reconnect.map(str::to_string),
        };
        let bytes = serde_json::to_vec(&pending).map_err(|e| ServiceError::Unknown(e.into()))?;
        self.vault.put(&state_key(ws, &nonce), &bytes).await?;

        let mut url = url::Url::parse(authorize_url).map_err(|e| {
            ServiceError::Unknown(anyhow::anyhow!("app {app_id} authorize_url: {e}"))
        })?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("response_type", "code")
                .append_pair("client_id", &client.client_id)
                .append_pair("redirect_uri", &self.oauth_redirect_uri())
                // The workspace travels in the state: the callback has nothing else.
                .append_pair("state", &format!("{ws}.{nonce}"));
            if !scopes.is_empty() {
                q.append_pair("scope", &scopes.join(scope_separator));
            }
            if *pkce {
                q.append_pair(
                    "code_challenge",
                    &b64url(&Sha256::digest(verifier.as_bytes())),
                )
                .append_pair("code_challenge_method", "S256");
            }
            for (k, v) in authorize_params {
                q.append_pair(k, v);
            }
        }
        Ok(url.into())
    }

    /// Finishes a consent: checks the state (once), exchanges the code, stores the account.
    pub async fn finish_oauth(
        &self,
        state: &str,
        code: &str,
    ) -> Result<ConnectedAccount, ServiceError> {
        let invalid = || {
            ServiceError::field(
                "state",
                "the authorization is unknown, expired or already used; start again",
            )
        };
        let (ws, nonce) = state.split_once('.').ok_or_else(invalid)?;
        let key = state_key(ws, nonce);
        // Single use: of two callbacks with one state, one wins.
        if !self
            .store
            .insert_dedupe(&format!("oauth-state:{state}"), self.clock.now(), STATE_TTL)
            .await?
        {
            return Err(invalid());
        }
        let Some(bytes) = self.vault.get(&key).await.ok().flatten() else {
            return Err(invalid());
        };
        self.vault.delete(&key).await?;
        let pending: PendingAuthorization =
            serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        if pending.expires_at < self.clock.now() {
            return Err(invalid());
        }
        let app = self.app(ws, &pending.app_id).await?;
        let AuthScheme::Oauth2 {
            token_url,
            pkce,
            client_auth,
            ..
        } = &app.auth
        else {
            return Err(invalid());
        };
        let client = self.oauth_client_of(ws, &app.id).await?;
        let mut form = vec![
            ("grant_type".to_string(), "authorization_code".to_string()),
            ("code".to_string(), code.to_string()),
            ("redirect_uri".to_string(), self.oauth_redirect_uri()),
        ];
        if *pkce {
            form.push(("code_verifier".into(), pending.verifier.clone()));
        }
        let url = url::Url::parse(token_url)
            .map_err(|e| ServiceError::Unknown(anyhow::anyhow!("app {} token_url: {e}", app.id)))?;
        let request = token_request(url, *client_auth, &client, form);
        let response = self.http.send(&request).await.map_err(|e| {
            ServiceError::Upstream(format!(
                "{} could not be reached to finish the connection: {e}",
                app.name
            ))
        })?;
        if !response.is_success() {
            let detail = response
                .json()
                .get("error")
                .and_then(|e| e.as_str())
                .map(str::to_string)
                .unwrap_or_else(|| format!("HTTP {}", response.status));
            return Err(ServiceError::field(
                "code",
                format!("{} refused the authorization code: {detail}", app.name),
            ));
        }
        let answer: TokenAnswer = serde_json::from_slice(&response.body).map_err(|e| {
            ServiceError::Upstream(format!(
                "{} answered without an access token: {e}",
                app.name
            ))
        })?;
        let credentials = Credentials::Oauth2(OAuthTokens {
            access_token: Secret::new(answer.access_token),
            refresh_token: answer.refresh_token.map(Secret::new),
            expires_at: answer
                .expires_in
                .map(|s| self.clock.now() + chrono::Duration::seconds(s)),
        });
        let (label, credentials) = self.test_credentials(ws, &app, credentials).await?;
        let secret =
            serde_json::to_vec(&credentials).map_err(|e| ServiceError::Unknown(e.into()))?;
        if let Some(id) = &pending.account_id {
            return self
                .renew_account(ws, &pending.user_id, id, label, &secret)
                .await;
        }
        let mut account = Account {
            workspace_id: ws.into(),
            id: new_id("acc"),
            user_id: pending.user_id,
            app_id: app.id.clone(),
            label,
            status: AccountStatus::Active,
            created_at: self.clock.now(),
            version: 0,
        };
        self.vault
            .put(&SecretKey::account(ws, &account.id), &secret)
            .await?;
        account.version = self.store.put_account(&account, None).await?;
        Ok(account.into())
    }

    /// A reconnect's new tokens replace the account's, and it is active again. The
    /// account may have been removed while the user was at the consent page: then
    /// nothing is stored, and the user is told.
    async fn renew_account(
        &self,
        ws: &str,
        user: &str,
        id: &str,
        label: String,
        secret: &[u8],
    ) -> Result<ConnectedAccount, ServiceError> {
        let mut account = self.own_account(ws, user, id).await.map_err(|_| {
            ServiceError::Conflict(format!(
                "the account '{id}' was removed while you were reconnecting it; connect it again"
            ))
        })?;
        self.vault.put(&SecretKey::account(ws, id), secret).await?;
        let expected = account.version;
        account.label = label;
        account.status = AccountStatus::Active;
        account.version = self.store.put_account(&account, Some(expected)).await?;
        Ok(account.into())
    }
}
