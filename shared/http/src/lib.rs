//! Junction's HTTP surfaces as plain axum routers over the service, so `junction serve`
//! and the Lambda functions host the very same code.

mod auth;
mod body;
mod cors;
mod error;
pub mod openapi;
mod routes;
mod serve;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use junction_core::ports::{RunQueue, Store, Vault};
use junction_core::service::Junction;

pub use error::ApiError;
pub use routes::{build_document, WIDGET_DTS, WIDGET_JS};
pub use serve::{serve, serve_with, ReadTimeouts, HEADER_READ_TIMEOUT};

/// Largest request body accepted (definitions, payloads).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Time a client has to send a whole request body.
pub const BODY_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The store, queue and vault a deployment plugs into the service, named once so a
/// handler says `<P: Ports>` rather than the three bounds. Any triple of adapters is
/// one: `(SqliteStore, LocalQueue, LocalVault)`.
pub trait Ports: Send + Sync + 'static {
    type Store: Store;
    type Queue: RunQueue;
    type Vault: Vault;
}

impl<S: Store, Q: RunQueue, V: Vault> Ports for (S, Q, V) {
    type Store = S;
    type Queue = Q;
    type Vault = V;
}

/// The service of a deployment, with its ports.
pub type Service<S, Q, V> = Arc<Junction<S, Q, V>>;

/// The shared state of every route.
pub type Shared<P> = Service<<P as Ports>::Store, <P as Ports>::Queue, <P as Ports>::Vault>;

/// The marketplace (end-user), admin (your backend) and health routes under one router.
pub fn api<S: Store, Q: RunQueue, V: Vault>(junction: Service<S, Q, V>) -> Router {
    api_with_origins(junction, &[])
}

/// The same, answering CORS requests from the pages that embed the marketplace widget:
/// each workspace's own origins, plus `widget_origins` for all. Only the end-user
/// routes are offered to browsers: the admin and events routes are for your backend
/// and get no CORS headers.
pub fn api_with_origins<S: Store, Q: RunQueue, V: Vault>(
    junction: Service<S, Q, V>,
    widget_origins: &[axum::http::HeaderValue],
) -> Router {
    routes_for::<(S, Q, V)>(junction, widget_origins)
}

fn routes_for<P: Ports>(junction: Shared<P>, widget_origins: &[axum::http::HeaderValue]) -> Router {
    let global = std::sync::Arc::new(widget_origins.to_vec());
    let cors = cors::CorsState {
        junction: junction.clone(),
        global: global.clone(),
    };
    let widget = routes::marketplace::<P>()
        .merge(routes::accounts::<P>())
        .merge(routes::integrations::<P>())
        .merge(routes::oauth_user::<P>())
        .layer(axum::middleware::from_fn_with_state(
            cors,
            cors::widget_cors::<P>,
        ))
        .layer(axum::Extension(cors::GlobalOrigins(global)));
    let backend = routes::backend_accounts::<P>()
        .merge(routes::admin::<P>())
        .merge(routes::storage::<P>())
        .merge(routes::identity::<P>())
        .merge(routes::events::<P>())
        .merge(routes::oauth_backend::<P>());
    let site = Router::new()
        .merge(routes::health::<P>())
        .merge(routes::widget::<P>());
    #[cfg(feature = "docs")]
    let site = site.merge(routes::docs::<P>());
    finish::<P>(site.nest("/v1", widget.merge(backend)), junction)
}

/// The API and the webhook receiver in one router, as `junction serve` hosts them.
pub fn api_and_webhooks<S: Store, Q: RunQueue, V: Vault>(
    junction: Service<S, Q, V>,
    widget_origins: &[axum::http::HeaderValue],
) -> Router {
    // The API's routes have the 405 mapping from `finish`; the receiver gets its own,
    // so no request passes through it twice.
    let hooks = routes::hooks::<(S, Q, V)>()
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::map_response(error::problem_for_bare_405))
        .with_state(junction.clone());
    api_with_origins(junction, widget_origins).merge(hooks)
}

/// Unknown routes and methods answer a problem, and bodies are limited, on every router.
fn finish<P: Ports>(routes: Router<Shared<P>>, junction: Shared<P>) -> Router {
    routes
        .fallback(error::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::map_response(error::problem_for_bare_405))
        .with_state(junction)
}

/// Third-party webhook deliveries (`/hooks/{token}`), a router of its own for AWS,
/// where it sits behind its own Function URL.
pub fn webhooks<S: Store, Q: RunQueue, V: Vault>(junction: Service<S, Q, V>) -> Router {
    finish::<(S, Q, V)>(routes::hooks::<(S, Q, V)>(), junction)
}
