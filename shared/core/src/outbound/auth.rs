//! Calls an app as the user's account: injects the credentials, refreshes OAuth tokens
//! before they expire or once after a 401, and reports the secrets it used.

use chrono::Utc;

use super::client::{OutboundClient, Throttle};
use super::headers::basic_header;
use super::message::{OutboundError, OutboundRequest, OutboundResponse};
use super::oauth::{RefreshError, TokenRefresher};
use crate::credentials::{CredentialError, CredentialStore, Credentials};
use crate::definition::{AppDefinition, AuthScheme, KeyLocation};

/// Refresh this long before the provider's expiry, so a token never expires in flight.
const EXPIRY_MARGIN_SECS: i64 = 60;

/// Why an authenticated call failed before an answer could be used.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error(transparent)]
    Outbound(#[from] OutboundError),
    #[error(transparent)]
    Credentials(#[from] CredentialError),
    #[error(transparent)]
    Refresh(#[from] RefreshError),
    #[error("account credentials do not match app '{app}' authentication ({expected})")]
    WrongCredentials { app: String, expected: &'static str },
    #[error("'{url}' is not at app '{app}' ({origin}), so it may not get the account's credentials: list its origin in the app's credential_origins, or call it from an http step without 'app'")]
    ForeignOrigin {
        app: String,
        origin: String,
        /// The URL without its query, which may hold anything.
        url: String,
    },
}

/// The answer and the secrets that went into the call (for redaction).
#[derive(Debug)]
pub struct Called {
    pub response: OutboundResponse,
    pub secrets: Vec<String>,
}

/// Sends `request` authenticated as the integration's account for `app`.
pub async fn call_app(
    client: &OutboundClient,
    refresher: &TokenRefresher,
    store: &dyn CredentialStore,
    app: &AppDefinition,
    request: OutboundRequest,
    throttle: Option<&dyn Throttle>,
) -> Result<Called, CallError> {
    if matches!(app.auth, AuthScheme::None) {
        let response = client.send_with(&request, throttle).await?;
        return Ok(Called {
            response,
            secrets: Vec::new(),
        });
    }
    if !app.takes_credentials_at(&request.url) {
        let mut url = request.url.clone();
        url.set_query(None);
        return Err(CallError::ForeignOrigin {
            app: app.id.clone(),
            origin: app.credential_origin(),
            url: url.to_string(),
        });
    }
    let mut credentials = store.load(&app.id).await?;
    let mut secrets: Vec<String> = credentials
        .secrets()
        .into_iter()
        .map(str::to_string)
        .collect();
    let mut refreshed = false;

    if let Credentials::Oauth2(tokens) = &credentials {
        let expiring = tokens
            .expires_at
            .is_some_and(|at| at <= Utc::now() + chrono::Duration::seconds(EXPIRY_MARGIN_SECS));
        if expiring && tokens.refresh_token.is_some() {
            let fresh = refresher
                .refresh(client, store, &app.id, &app.auth, &tokens.access_token)
                .await?;
            credentials = Credentials::Oauth2(fresh);
            secrets.extend(credentials.secrets().into_iter().map(str::to_string));
            refreshed = true;
        }
    }

    loop {
        let authed = authorize(app, &credentials, request.clone())?;
        let response = client.send_with(&authed, throttle).await?;
        let Credentials::Oauth2(tokens) = &credentials else {
            return Ok(Called { response, secrets });
        };
        if response.status != 401 || refreshed {
            return Ok(Called { response, secrets });
        }
        // One refresh and one retry after a 401: the token may have been revoked early.
        let fresh = refresher
            .refresh(client, store, &app.id, &app.auth, &tokens.access_token)
            .await?;
        credentials = Credentials::Oauth2(fresh);
        secrets.extend(credentials.secrets().into_iter().map(str::to_string));
        refreshed = true;
    }
}

/// Adds the credentials to a request as the app's scheme says.
fn authorize(
    app: &AppDefinition,
    credentials: &Credentials,
    mut request: OutboundRequest,
) -> Result<OutboundRequest, CallError> {
    let wrong = |expected| CallError::WrongCredentials {
        app: app.id.clone(),
        expected,
    };
    match (&app.auth, credentials) {
        (AuthScheme::None, _) => {}
        (
            AuthScheme::ApiKey {
                location,
                name,
                prefix,
                ..
            },
            Credentials::ApiKey { key },
        ) => {
            let value = format!("{}{}", prefix.as_deref().unwrap_or(""), key.expose());
            match location {
                KeyLocation::Header => {
                    request.headers.push((name.clone(), value));
                    request.confidential.headers.push(name.clone());
                }
                KeyLocation::Query => {
                    request.url.query_pairs_mut().append_pair(name, &value);
                    request.confidential.query.push(name.clone());
                }
            }
        }
        (AuthScheme::ApiKey { .. }, _) => return Err(wrong("api_key")),
        (AuthScheme::Basic, Credentials::Basic { username, password }) => {
            request.headers.push((
                "authorization".into(),
                basic_header(username, password.expose()),
            ));
            request.confidential.headers.push("authorization".into());
        }
        (AuthScheme::Basic, _) => return Err(wrong("basic")),
        (AuthScheme::Oauth2 { .. }, Credentials::Oauth2(tokens)) => {
            request.headers.push((
                "authorization".into(),
                format!("Bearer {}", tokens.access_token.expose()),
            ));
            request.confidential.headers.push("authorization".into());
        }
        (AuthScheme::Oauth2 { .. }, _) => return Err(wrong("oauth2")),
    }
    Ok(request)
}
