//! Local HTTP servers standing in for the three example apps, faithful enough to
//! exercise authentication (API keys, OAuth 2.0 with rotating refresh tokens),
//! every pagination scheme and idempotency keys. Everything is in memory.

// Auth checks hand back a ready axum response as their error; boxing it would only
// add noise to a test server.
#![allow(clippy::result_large_err)]

mod acme;
mod chatter;
mod consent;
mod grants;
mod mailbird;
pub mod mailbird_hooks;
mod state;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::routing::get;
use axum::{Json, Router};

pub use grants::Grants;
pub use state::{MockState, Stats};

/// Credentials the mock apps accept (the example account files carry them).
pub const ACME_KEY: &str = "acme-demo-key";
pub const CHATTER_TOKEN: &str = "xoxb-demo-token";
pub const MAILBIRD_CLIENT_ID: &str = "junction-demo";
pub const MAILBIRD_CLIENT_SECRET: &str = "mailbird-demo-secret";
pub const MAILBIRD_FIRST_REFRESH: &str = "mb-refresh-1";

/// The router of all three apps, under `/acme`, `/mailbird` and `/chatter`.
pub fn router(state: Arc<MockState>) -> Router {
    Router::new()
        .nest("/acme", acme::router())
        .nest(
            "/mailbird",
            mailbird::router().merge(mailbird_hooks::router()),
        )
        .nest("/chatter", chatter::router())
        .route("/_stats", get(stats))
        .with_state(state)
}

async fn stats(axum::extract::State(state): axum::extract::State<Arc<MockState>>) -> Json<Stats> {
    Json(state.stats())
}

/// A running mock server.
pub struct MockApps {
    pub addr: SocketAddr,
    pub state: Arc<MockState>,
    task: tokio::task::JoinHandle<()>,
}

impl MockApps {
    /// Serves the mock apps on `addr` (port 0 picks a free port).
    pub async fn start(addr: SocketAddr) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(MockState::seeded());
        let app = router(state.clone());
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!(error = %e, "mock apps stopped");
            }
        });
        Ok(Self { addr, state, task })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for MockApps {
    fn drop(&mut self) {
        self.task.abort();
    }
}
