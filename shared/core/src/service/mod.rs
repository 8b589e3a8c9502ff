//! The operations Junction offers, whoever calls them (HTTP routers, the CLI, Lambda
//! handlers): business rules live here, generic over the ports, so every host and
//! every backend behaves the same.

mod abandon;
mod accounts;
mod definitions;
pub mod due;
mod error;
pub mod executor;
pub mod hand_off;
pub mod identity;
pub mod identity_token;
mod integrations;
mod marketplace;
mod messages;
mod oauth;
mod options;
mod ordered;
mod polls;
mod run_end;
mod runs;
mod schedule;
pub mod secrets;
mod settle;
mod setup;
mod stored_values;
mod vault_credentials;
mod webhook_receiver;
mod webhook_token;
mod webhooks;
pub mod worker;
mod workspaces;

use std::sync::Arc;

pub use abandon::{ABANDON_AFTER, SWEEP_EVERY};
pub use accounts::ConnectedAccount;
pub use definitions::PushedFlow;
pub use error::ServiceError;
pub use integrations::{IntegrationChanges, LastRun, ListedIntegration, NewIntegration};
pub use marketplace::{AppSummary, AuthKind, FlowForm, FlowSummary, MarketplaceApp};
pub use messages::{Outcome, RunMessage};
pub use options::{FieldOption, OptionsPage, OptionsRequest};
pub use polls::{IntegrationDetail, PollHealth, PollStatus};
pub use runs::{event_once, run_once_claim, QueuedRuns, ONCE_WINDOW};
pub use settle::{settle, Finished, MAX_VISIBILITY};
pub use stored_values::{ScopeRef, StoredEntry, StoredPage, StoredValues};
pub use vault_credentials::VaultCredentials;
pub use webhook_receiver::{Delivery, WebhookReply};
pub use webhook_token::WebhookToken;
pub use webhooks::WebhookEndpoint;
pub use workspaces::{IdentityPolicy, LimitsChange, NewWorkspace, WorkspaceLimits};

use crate::model::FlowVersion;
use crate::outbound::{OutboundClient, TokenRefresher};
use crate::ports::{Clock, RunQueue, Store, Vault};
use crate::template::Templates;

/// Junction's service: the ports it works through, built once per process.
pub struct Junction<S, Q, V> {
    pub store: S,
    pub queue: Q,
    pub vault: V,
    pub clock: Arc<dyn Clock>,
    pub templates: Arc<Templates>,
    /// For the calls the service makes itself (credential tests, dropdown options).
    pub http: OutboundClient,
    pub refresher: Arc<TokenRefresher>,
    /// The server's public URL, for OAuth redirect URIs.
    pub public_url: String,
    /// Where `/hooks/{token}` is served, when not at `public_url` (on AWS the webhook
    /// receiver has a Function URL of its own).
    pub webhook_base_url: Option<String>,
    /// Flow versions are immutable, so every one read is kept (bounded).
    flow_cache:
        std::sync::Mutex<std::collections::HashMap<(String, String, u32), Arc<FlowVersion>>>,
    /// Workspace → its apps and when they were read (see `runtime_catalog`).
    app_cache: std::sync::Mutex<std::collections::HashMap<String, definitions::CachedApps>>,
    /// Workspaces whose sweep for abandoned runs this process made sure of.
    sweeps: std::sync::Mutex<std::collections::HashSet<String>>,
    /// Where requests hand the runs they record, while this process runs workers.
    hand_off: std::sync::Mutex<Option<hand_off::HandOff>>,
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    pub fn new(store: S, queue: Q, vault: V, clock: Arc<dyn Clock>, http: OutboundClient) -> Self {
        Self {
            store,
            queue,
            vault,
            clock,
            templates: Arc::new(Templates::new()),
            http,
            refresher: Arc::default(),
            public_url: "http://127.0.0.1:8080".into(),
            webhook_base_url: None,
            flow_cache: Default::default(),
            app_cache: Default::default(),
            sweeps: Default::default(),
            hand_off: Default::default(),
        }
    }

    /// An engine over the service's client, clock, token refresher and templates:
    /// what executors, option lookups and webhook subscriptions run steps with.
    pub fn engine(&self) -> crate::engine::Engine {
        crate::engine::Engine::sharing(
            self.http.clone(),
            self.refresher.clone(),
            self.templates.clone(),
        )
        .with_clock(self.clock.clone())
    }

    /// A flow version, from memory when it was read before.
    pub async fn flow_version(
        &self,
        ws: &str,
        flow_id: &str,
        number: u32,
    ) -> Result<Option<Arc<FlowVersion>>, ServiceError> {
        const MAX_CACHED: usize = 10_000;
        let key = (ws.to_string(), flow_id.to_string(), number);
        if let Some(found) = self
            .flow_cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
        {
            return Ok(Some(found.clone()));
        }
        let Some(version) = self.store.get_flow_version(ws, flow_id, number).await? else {
            return Ok(None);
        };
        let version = Arc::new(version);
        let mut cache = self.flow_cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= MAX_CACHED {
            cache.clear();
        }
        cache.insert(key, version.clone());
        Ok(Some(version))
    }

    /// Sets the URL users' browsers reach this server at.
    pub fn with_public_url(mut self, url: impl Into<String>) -> Self {
        self.public_url = url.into();
        self
    }

    /// Sets where third-party apps reach `/hooks/{token}`, when not at the public URL.
    pub fn with_webhook_base_url(mut self, url: impl Into<String>) -> Self {
        self.webhook_base_url = Some(url.into());
        self
    }
}
