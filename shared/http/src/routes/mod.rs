//! Routes, by who calls them.

mod admin;
mod marketplace;

use axum::routing::get;
use axum::{Json, Router};
use junction_core::ports::{RunQueue, Store, Vault};

use crate::Shared;

pub use admin::admin;
pub use marketplace::marketplace;

pub fn health<S: Store, Q: RunQueue, V: Vault>() -> Router<Shared<S, Q, V>> {
    Router::new().route(
        "/health",
        get(|| async { Json(serde_json::json!({"status": "ok"})) }),
    )
}
