//! Routes, by who calls them.

mod accounts;
mod admin;
mod events;
mod integrations;
mod marketplace;
mod oauth;

use axum::routing::get;
use axum::{Json, Router};
use junction_core::ports::{RunQueue, Store, Vault};

use crate::Shared;

pub use accounts::accounts;
pub use admin::admin;
pub use events::events;
pub use integrations::integrations;
pub use marketplace::marketplace;
pub use oauth::{oauth_backend, oauth_user};

pub fn health<S: Store, Q: RunQueue, V: Vault>() -> Router<Shared<S, Q, V>> {
    Router::new().route(
        "/health",
        get(|| async { Json(serde_json::json!({"status": "ok"})) }),
    )
}
