//! Junction's HTTP surfaces as plain axum routers over the service, so `junction serve`
//! and the Lambda functions host the very same code.

mod auth;
mod body;
mod error;
mod routes;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use junction_core::ports::{RunQueue, Store, Vault};
use junction_core::service::Junction;

pub use error::ApiError;

/// Largest request body accepted (definitions, payloads).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The shared state of every route.
pub type Shared<S, Q, V> = Arc<Junction<S, Q, V>>;

/// The marketplace (end-user), admin (your backend) and health routes under one router.
pub fn api<S: Store, Q: RunQueue, V: Vault>(junction: Shared<S, Q, V>) -> Router {
    Router::new()
        .merge(routes::health())
        .nest(
            "/v1",
            routes::marketplace::<S, Q, V>()
                .merge(routes::accounts::<S, Q, V>())
                .merge(routes::integrations::<S, Q, V>())
                .merge(routes::admin::<S, Q, V>())
                .merge(routes::events::<S, Q, V>())
                .merge(routes::oauth::<S, Q, V>()),
        )
        .fallback(error::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(junction)
}
