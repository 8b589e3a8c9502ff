//! Who is calling: your backend (bearer API secret) or one of your users (App-Key,
//! User-ID and Hash). Failures never tell the caller which part was wrong; the server
//! logs it at debug level (`RUST_LOG=junction::auth=debug`).

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
        if user_id.is_empty()
            || user_id.len() > MAX_USER_ID
            || user_id.chars().any(char::is_control)
        {
            refused(&format!(
                "User-ID is empty, longer than {MAX_USER_ID} bytes or holds control characters"
            ));
            return Err(ServiceError::Unauthorized);
        }
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
        if !verify_user_hash(&secret, user_id, hash) {
            refused(&format!(
                "Hash is not the HMAC-SHA256 of User-ID '{user_id}' with workspace {}'s app secret (lowercase hex of the user id's bytes)",
                ws.id
            ));
            return Err(ServiceError::Unauthorized);
        }
        let user = self
            .store
            .ensure_user(&ws.id, user_id, self.clock.now())
            .await?;
        Ok((ws, user))
    }
}

/// Why a request was refused, at debug level for whoever runs the server: the caller
/// only ever hears "unauthorized", which tells an attacker nothing.
pub fn refused(reason: &str) {
    tracing::debug!(target: "junction::auth", reason, "request refused as unauthorized");
}
