//! OAuth 2.0 token refresh, one at a time per account: concurrent calls that find the
//! token expired share a single refresh instead of racing (and burning rotating tokens).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use serde::Deserialize;

use super::client::OutboundClient;
use super::headers::basic_header;
use super::message::{OutboundError, OutboundRequest, RequestBody};
use crate::credentials::{
    CredentialError, CredentialStore, Credentials, OAuthClient, OAuthTokens, Secret,
};
use crate::definition::{AuthScheme, ClientAuth, HttpMethod};

/// Why a refresh did not produce a new token.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error("the account for app '{app}' must be re-authorized: {detail}")]
    ReauthorizationRequired { app: String, detail: String },
    #[error("token refresh for app '{app}' failed: {detail}")]
    Failed {
        app: String,
        detail: String,
        transient: bool,
    },
    #[error(transparent)]
    Credentials(#[from] CredentialError),
}

/// Per-account locks around refreshes, shared by every run in the process.
#[derive(Debug, Default)]
pub struct TokenRefresher {
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<i64>,
}

#[derive(Deserialize)]
struct TokenErrorResponse {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

impl TokenRefresher {
    fn lock_for(&self, account: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
        locks.entry(account.to_string()).or_default().clone()
    }

    /// Returns fresh tokens for `app`. `stale` is the access token the caller found
    /// expired or refused: if another caller already replaced it, that result is reused.
    pub async fn refresh(
        &self,
        client: &OutboundClient,
        store: &dyn CredentialStore,
        app_id: &str,
        auth: &AuthScheme,
        stale: &Secret,
    ) -> Result<OAuthTokens, RefreshError> {
        let AuthScheme::Oauth2 {
            token_url,
            client_auth,
            ..
        } = auth
        else {
            return Err(RefreshError::Failed {
                app: app_id.into(),
                detail: "the app does not use OAuth 2.0".into(),
                transient: false,
            });
        };
        let lock = self.lock_for(&store.account_id(app_id));
        let _held = lock.lock().await;
        // Another process may have refreshed already: the vault says, not a cache.
        if let Some(current) = replaced(store, app_id, stale).await? {
            return Ok(current);
        }
        let holder = crate::ids::new_id("lease");
        if let Some(current) = take_lease(store, app_id, stale, &holder).await? {
            return Ok(current);
        }
        let result = self
            .refresh_holding_lease(client, store, app_id, token_url, *client_auth, stale)
            .await;
        if let Err(e) = store.release_refresh_lease(app_id, &holder).await {
            // It expires on its own; until then other processes wait for the vault.
            tracing::warn!(app = app_id, error = %e, "could not release a token refresh lease");
        }
        result
    }

    async fn refresh_holding_lease(
        &self,
        client: &OutboundClient,
        store: &dyn CredentialStore,
        app_id: &str,
        token_url: &str,
        client_auth: ClientAuth,
        stale: &Secret,
    ) -> Result<OAuthTokens, RefreshError> {
        // Read again under the lease: a holder that just released it left new tokens.
        let current = oauth_tokens(store, app_id).await?;
        if &current.access_token != stale {
            return Ok(current);
        }
        let Some(refresh_token) = current.refresh_token.clone() else {
            return Err(RefreshError::ReauthorizationRequired {
                app: app_id.into(),
                detail: "the token expired and there is no refresh token".into(),
            });
        };
        let oauth_client = store.oauth_client(app_id).await?;
        let url = url::Url::parse(token_url).map_err(|e| RefreshError::Failed {
            app: app_id.into(),
            detail: format!("invalid token_url: {e}"),
            transient: false,
        })?;
        let form = vec![
            ("grant_type".to_string(), "refresh_token".to_string()),
            (
                "refresh_token".to_string(),
                refresh_token.expose().to_string(),
            ),
        ];
        let request = token_request(url, client_auth, &oauth_client, form);
        let response = client
            .send(&request)
            .await
            .map_err(|e| RefreshError::Failed {
                app: app_id.into(),
                transient: e.is_transient(),
                detail: match e {
                    OutboundError::Exhausted { last, .. } => last,
                    other => other.to_string(),
                },
            })?;
        if !response.is_success() {
            let parsed: Option<TokenErrorResponse> = serde_json::from_slice(&response.body).ok();
            let detail = match &parsed {
                Some(p) => format!(
                    "{}{}",
                    p.error,
                    p.error_description
                        .as_ref()
                        .map(|d| format!(": {d}"))
                        .unwrap_or_default()
                ),
                None => format!("HTTP {}", response.status),
            };
            if parsed.is_some_and(|p| p.error == "invalid_grant") {
                store.mark_reauthorization_required(app_id).await?;
                return Err(RefreshError::ReauthorizationRequired {
                    app: app_id.into(),
                    detail,
                });
            }
            return Err(RefreshError::Failed {
                app: app_id.into(),
                detail,
                transient: false,
            });
        }
        let parsed: TokenResponse =
            serde_json::from_slice(&response.body).map_err(|e| RefreshError::Failed {
                app: app_id.into(),
                detail: format!("the token endpoint answered without a usable access_token: {e}"),
                transient: false,
            })?;
        let tokens = OAuthTokens {
            access_token: Secret::new(parsed.access_token),
            // Providers that rotate send a new refresh token; the others keep the old one valid.
            refresh_token: parsed
                .refresh_token
                .map(Secret::new)
                .or(Some(refresh_token)),
            expires_at: parsed
                .expires_in
                .map(|s| Utc::now() + chrono::Duration::seconds(s)),
        };
        store.save_tokens(app_id, tokens.clone()).await?;
        tracing::info!(app = app_id, "refreshed OAuth token");
        Ok(tokens)
    }
}

/// How long a refresh lease holds without release: beyond any token request.
const LEASE_TTL: Duration = Duration::from_secs(60);
/// How long a process waits for another's refresh before its run tries again later.
const LEASE_WAIT: Duration = Duration::from_secs(20);
/// How often a waiting process looks for the other's new tokens.
const LEASE_POLL: Duration = Duration::from_millis(200);

/// The account's tokens as the vault holds them now.
async fn oauth_tokens(
    store: &dyn CredentialStore,
    app_id: &str,
) -> Result<OAuthTokens, RefreshError> {
    match store.load_fresh(app_id).await? {
        Credentials::Oauth2(tokens) => Ok(tokens),
        _ => Err(RefreshError::Failed {
            app: app_id.into(),
            detail: "the account holds no OAuth tokens".into(),
            transient: false,
        }),
    }
}

/// The current tokens, when someone already replaced `stale`.
async fn replaced(
    store: &dyn CredentialStore,
    app_id: &str,
    stale: &Secret,
) -> Result<Option<OAuthTokens>, RefreshError> {
    let current = oauth_tokens(store, app_id).await?;
    Ok((&current.access_token != stale).then_some(current))
}

/// Takes the account's refresh lease (`None`), or returns the tokens another process
/// refreshed while this one waited for it.
async fn take_lease(
    store: &dyn CredentialStore,
    app_id: &str,
    stale: &Secret,
    holder: &str,
) -> Result<Option<OAuthTokens>, RefreshError> {
    let deadline = tokio::time::Instant::now() + LEASE_WAIT;
    loop {
        if store
            .acquire_refresh_lease(app_id, holder, LEASE_TTL)
            .await?
        {
            return Ok(None);
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(RefreshError::Failed {
                app: app_id.into(),
                detail: format!(
                    "another worker has been refreshing this account's token for {} s; the run will try again",
                    LEASE_WAIT.as_secs()
                ),
                transient: true,
            });
        }
        tokio::time::sleep(LEASE_POLL).await;
        if let Some(current) = replaced(store, app_id, stale).await? {
            return Ok(Some(current));
        }
    }
}

/// A POST to an OAuth token endpoint, with the client's credentials where the app
/// wants them (form body or basic authentication).
pub fn token_request(
    url: url::Url,
    client_auth: ClientAuth,
    client: &OAuthClient,
    mut form: Vec<(String, String)>,
) -> OutboundRequest {
    let mut headers = vec![("accept".to_string(), "application/json".to_string())];
    // The form holds the refresh token or code, and often the client secret.
    let mut confidential = super::Confidential {
        body: true,
        ..Default::default()
    };
    match client_auth {
        ClientAuth::Body => {
            form.push(("client_id".into(), client.client_id.clone()));
            form.push((
                "client_secret".into(),
                client.client_secret.expose().to_string(),
            ));
        }
        ClientAuth::Basic => {
            headers.push((
                "authorization".into(),
                basic_header(&client.client_id, client.client_secret.expose()),
            ));
            confidential.headers.push("authorization".into());
        }
    }
    OutboundRequest {
        method: HttpMethod::Post,
        url,
        headers,
        body: Some(RequestBody::Form(form)),
        confidential,
        timeout: None,
    }
}
