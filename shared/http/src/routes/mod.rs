//! Routes, by who calls them.

mod accounts;
mod admin;
mod events;
mod hooks;
mod integrations;
mod marketplace;
mod oauth;
mod widget;

use axum::routing::get;
use axum::{Json, Router};
use junction_core::ports::{RunQueue, Store, Vault};

use crate::Shared;

pub use accounts::{accounts, backend_accounts};
pub use admin::admin;
pub use events::events;
pub use hooks::hooks;
pub use integrations::integrations;
pub use marketplace::marketplace;
pub use oauth::{oauth_backend, oauth_user};
pub use widget::{widget, WIDGET_DTS, WIDGET_JS};

pub fn health<S: Store, Q: RunQueue, V: Vault>() -> Router<Shared<S, Q, V>> {
    Router::new()
        .route(
            "/health",
            get(|| async { Json(serde_json::json!({"status": "ok"})) }),
        )
        .route(
            "/v1/openapi.json",
            get(|| async { Json(crate::openapi::document().clone()) }),
        )
}

/// Describes every operation for the OpenAPI document.
pub(crate) fn describe(doc: &mut crate::openapi::ApiDoc) {
    doc.op("get", "/health", "Liveness", crate::openapi::Auth::Open)
        .ok::<serde_json::Value>(200, "Up")
        .add();
    doc.op(
        "get",
        "/v1/openapi.json",
        "This document",
        crate::openapi::Auth::Open,
    )
    .ok::<serde_json::Value>(200, "OpenAPI 3.1")
    .add();
    marketplace::describe(doc);
    accounts::describe(doc);
    accounts::describe_backend(doc);
    integrations::describe(doc);
    admin::describe(doc);
    events::describe(doc);
    hooks::describe(doc);
    oauth::describe(doc);
    widget::describe(doc);
}
