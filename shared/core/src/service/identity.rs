//! Who is calling: your backend (bearer API secret) or one of your users (App-Key
//! with User-ID and Hash, or with an expiring identity token). Failures never tell the caller which part was wrong; the server
//! logs it at debug level (`RUST_LOG=junction::auth=debug`).

use super::identity_token::{verify_identity_token_with, IdentityPublicKey, TokenRefused};
use super::secrets::{matches_hash, verify_user_hash};
use super::workspaces::app_secret_key;
use super::{Junction, ServiceError};
use crate::model::{User, Workspace};
use crate::ports::{RunQueue, Store, Vault};

/// Longest user id accepted; ids are your app's, opaque to Junction.
const MAX_USER_ID: usize = 256;

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    /// The workspace whose API secret this is.
    pub async fn authenticate_backend(&self, bearer: &str) -> Result<Workspace, ServiceError> {
        let mut parts = bearer.trim().split('.');
        let (Some("jsk"), Some(ws_id), Some(_), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            refused("the bearer token is not an API secret (jsk.<workspace>.<secret>)");
            return Err(ServiceError::Unauthorized);
        };
        match self.store.get_workspace(ws_id).await? {
            Some(ws) if matches_hash(bearer.trim(), &ws.api_secret_sha256) => Ok(ws),
            Some(_) => {
                refused(&format!("wrong API secret for workspace {ws_id}"));
                Err(ServiceError::Unauthorized)
            }
            None => {
                refused(&format!(
                    "the API secret names workspace {ws_id}, which does not exist"
                ));
                Err(ServiceError::Unauthorized)
            }
        }
    }

    /// The workspace and user of a signed marketplace request; the user is created on
    /// first sight.
    pub async fn authenticate_user(
        &self,
        app_key: &str,
        user_id: &str,
        hash: &str,
    ) -> Result<(Workspace, User), ServiceError> {
        check_user_id(user_id)?;
        let (ws, secret) = self.workspace_and_secret(app_key).await?;
        if ws.require_identity_token {
            refused(&format!(
                "workspace {} accepts only identity tokens, and this request sent a Hash",
                ws.id
            ));
            return Err(ServiceError::IdentityTokenRequired);
        }
        if !verify_user_hash(&secret, user_id, hash) {
            refused(&format!(
                "Hash is not the HMAC-SHA256 of User-ID '{user_id}' with workspace {}'s app secret (lowercase hex of the user id's bytes)",
                ws.id
            ));
            return Err(ServiceError::Unauthorized);
        }
        self.signed_in(ws, user_id).await
    }

    /// The same for a request carrying an expiring identity token (`Authorization:
    /// Bearer`, see [`identity_token`](super::identity_token)). An expired token is
    /// told apart, so the widget can ask its host page for a fresh one.
    pub async fn authenticate_user_token(
        &self,
        app_key: &str,
        token: &str,
    ) -> Result<(Workspace, User), ServiceError> {
        let (ws, secret) = self.workspace_and_secret(app_key).await?;
        let now = self.clock.now().timestamp();
        // A key that no longer parses (stored before a stricter check) verifies
        // nothing: HS256 tokens still work.
        let public = ws
            .identity_public_key
            .as_deref()
            .and_then(|pem| IdentityPublicKey::parse(pem).ok());
        let verified = verify_identity_token_with(
            token,
            secret.as_bytes(),
            public.as_ref(),
            app_key.trim(),
            now,
        );
        let user_id = match verified {
            Ok(user_id) => user_id,
            Err(TokenRefused::Expired) => {
                refused(&format!(
                    "the identity token for workspace {} has expired",
                    ws.id
                ));
                return Err(ServiceError::IdentityExpired);
            }
            Err(TokenRefused::Invalid(why)) => {
                refused(&format!("identity token for workspace {}: {why}", ws.id));
                return Err(ServiceError::Unauthorized);
            }
        };
        check_user_id(&user_id)?;
        self.signed_in(ws, &user_id).await
    }

    /// The workspace of an App-Key and its app secret.
    async fn workspace_and_secret(
        &self,
        app_key: &str,
    ) -> Result<(Workspace, String), ServiceError> {
        let Some(ws) = self.store.workspace_by_app_key(app_key.trim()).await? else {
            refused(&format!(
                "no workspace has the App-Key '{}'",
                app_key.trim()
            ));
            return Err(ServiceError::Unauthorized);
        };
        let Some(secret) = self.vault.get(&app_secret_key(&ws.id)).await? else {
            return Err(ServiceError::Unknown(anyhow::anyhow!(
                "workspace {} has no app secret in the vault",
                ws.id
            )));
        };
        let secret = String::from_utf8(secret).map_err(|e| ServiceError::Unknown(e.into()))?;
        Ok((ws, secret))
    }

    /// The user, created on first sight.
    async fn signed_in(
        &self,
        ws: Workspace,
        user_id: &str,
    ) -> Result<(Workspace, User), ServiceError> {
        let user = self
            .store
            .ensure_user(&ws.id, user_id, self.clock.now())
            .await?;
        Ok((ws, user))
    }
}

/// User ids are your app's, opaque to Junction, within bounds.
fn check_user_id(user_id: &str) -> Result<(), ServiceError> {
    if user_id.is_empty() || user_id.len() > MAX_USER_ID || user_id.chars().any(char::is_control) {
        refused(&format!(
            "the user id is empty, longer than {MAX_USER_ID} bytes or holds control characters"
        ));
        return Err(ServiceError::Unauthorized);
    }
    Ok(())
}

/// Why a request was refused, at debug level for whoever runs the server: the caller
/// only ever hears "unauthorized", which tells an attacker nothing.
pub fn refused(reason: &str) {
    tracing::debug!(target: "junction::auth", reason, "request refused as unauthorized");
}
