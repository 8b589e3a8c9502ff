//! Routes, by who calls them.

mod accounts;
mod admin;
#[cfg(feature = "docs")]
mod docs;
mod events;
mod hooks;
mod identity;
mod integrations;
mod marketplace;
mod oauth;
mod storage;
mod widget;

use axum::routing::get;
use axum::{Json, Router};

use crate::{Ports, Shared};

pub use accounts::{accounts, backend_accounts};
pub use admin::admin;
#[cfg(feature = "docs")]
pub use docs::docs;
pub use events::events;
pub use hooks::hooks;
pub use identity::identity;
pub use integrations::integrations;
pub use marketplace::marketplace;
pub use oauth::{oauth_backend, oauth_user};
pub use storage::storage;
pub use widget::{widget, WIDGET_DTS, WIDGET_JS};

pub fn health<P: Ports>() -> Router<Shared<P>> {
    Router::new()
        .route(
            "/health",
            get(|| async { Json(serde_json::json!({"status": "ok"})) }),
        )
        .route(
            "/v1/openapi.json",
            get(|| async { Json(document().clone()) }),
        )
        .route("/v1", get(index))
        .route("/v1/", get(index))
}

/// The rendered reference, where this build has one.
const DOCS: Option<&str> = if cfg!(feature = "docs") {
    Some(DOCS_PAGE)
} else {
    None
};

/// What `/v1` itself answers: where the reference is, instead of a 404.
async fn index() -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "name": "Junction API",
        "version": "v1",
        "openapi": "/v1/openapi.json",
        "docs": DOCS,
        "health": "/health",
    }))
}

/// Where the rendered reference is, in builds with the `docs` feature.
pub(crate) const DOCS_PAGE: &str = "/docs";

/// The OpenAPI document as [`build_document`] makes it with every feature on,
/// regenerated with `junction schema openapi > docs/openapi.json` (a test says when).
const COMMITTED_DOCUMENT: &str = include_str!("../../../../docs/openapi.json");

/// The OpenAPI document of this build's routes, parsed once from the committed copy.
///
/// Shipped built rather than built on the first request: building it takes every
/// type's schema code (schemars), which was 0.23 MB of the marketplace API's zip.
pub fn document() -> &'static serde_json::Value {
    static DOC: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc: serde_json::Value = serde_json::from_str(COMMITTED_DOCUMENT)
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "docs/openapi.json is not JSON; serving an empty document");
                serde_json::json!({})
            });
        // The committed copy has every route; a build without the rendered reference
        // does not document the page it lacks.
        if DOCS.is_none() {
            if let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) {
                paths.remove(DOCS_PAGE);
            }
        }
        doc
    })
}

/// The OpenAPI document of every route, built from the routes' descriptions and the
/// schemas of the types they read and write: what `docs/openapi.json` must hold.
pub fn build_document() -> serde_json::Value {
    let mut doc = crate::openapi::ApiDoc::new();
    describe(&mut doc);
    doc.finish()
}

/// Describes every operation for the OpenAPI document.
fn describe(doc: &mut crate::openapi::ApiDoc) {
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
    doc.op(
        "get",
        "/v1",
        "Where this API's reference is",
        crate::openapi::Auth::Open,
    )
    .ok::<serde_json::Value>(200, "The OpenAPI document's and the docs page's paths")
    .add();
    marketplace::describe(doc);
    accounts::describe(doc);
    accounts::describe_backend(doc);
    integrations::describe(doc);
    admin::describe(doc);
    storage::describe(doc);
    identity::describe(doc);
    events::describe(doc);
    hooks::describe(doc);
    oauth::describe(doc);
    widget::describe(doc);
    #[cfg(feature = "docs")]
    docs::describe(doc);
}

#[cfg(test)]
mod tests {
    /// The document served is the one the code describes, with or without the `docs`
    /// feature: the committed copy is current, and a build without the rendered
    /// reference leaves exactly that page out.
    #[test]
    fn the_served_document_is_the_one_the_routes_describe() {
        assert!(
            *super::document() == super::build_document(),
            "docs/openapi.json is stale: run `junction schema openapi > docs/openapi.json`"
        );
    }
}
