//! Who is calling: extractors for your backend (bearer API secret) and for your users
//! (App-Key with User-ID and Hash, or with an identity token).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use junction_core::model::{User, Workspace};
use junction_core::ports::{RunQueue, Store, Vault};
use junction_core::service::identity::refused;

use crate::error::ApiError;

/// Your app's backend, identified by the workspace's API secret.
pub struct Backend(pub Workspace);

/// One of your users, identified by your backend's signature of their id (the
/// `Hash` header) or by an expiring identity token it issued (`Authorization:
/// Bearer`).
pub struct EndUser {
    pub workspace: Workspace,
    pub user: User,
}

fn header<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts.headers.get(name).and_then(|v| v.to_str().ok())
}

impl<S: Store, Q: RunQueue, V: Vault> FromRequestParts<crate::Service<S, Q, V>> for Backend {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        junction: &crate::Service<S, Q, V>,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = header(parts, "authorization").and_then(|h| h.strip_prefix("Bearer "))
        else {
            refused("no `Authorization: Bearer <API secret>` header");
            return Err(ApiError::unauthorized());
        };
        Ok(Self(junction.authenticate_backend(token).await?))
    }
}

impl<S: Store, Q: RunQueue, V: Vault> FromRequestParts<crate::Service<S, Q, V>> for EndUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        junction: &crate::Service<S, Q, V>,
    ) -> Result<Self, Self::Rejection> {
        // An expiring identity token, when the request carries one instead of a Hash.
        if let (Some(key), None, Some(token)) = (
            header(parts, "app-key"),
            header(parts, "hash"),
            header(parts, "authorization").and_then(|h| h.strip_prefix("Bearer ")),
        ) {
            let (workspace, user) = junction.authenticate_user_token(key, token.trim()).await?;
            return Ok(Self { workspace, user });
        }
        let (Some(key), Some(user), Some(hash)) = (
            header(parts, "app-key"),
            header(parts, "user-id"),
            header(parts, "hash"),
        ) else {
            let missing: Vec<_> = ["App-Key", "User-ID", "Hash"]
                .into_iter()
                .filter(|name| header(parts, name).is_none())
                .collect();
            refused(&format!("missing header(s): {}", missing.join(", ")));
            return Err(ApiError::unauthorized());
        };
        let (workspace, user) = junction.authenticate_user(key, user, hash).await?;
        Ok(Self { workspace, user })
    }
}
