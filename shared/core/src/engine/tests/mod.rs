//! Engine tests against real local HTTP servers (wiremock) standing in for the apps.

mod calls;
mod code;
mod control;
mod echo;
mod kept;
mod oauth;
mod pagination;
mod storage;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use super::*;
use crate::credentials::{Credentials, MemoryCredentials, Secret};
use crate::definition::{parse_app, parse_flow};
use crate::outbound::{AddressPolicy, HttpConfig, OutboundClient, RetryPolicy};

/// An engine allowed to call loopback (where the test servers are), with fast retries.
fn engine() -> Engine {
    engine_with(AddressPolicy::parse_allowlist(&["127.0.0.1".into()]).unwrap())
}

fn engine_with(policy: AddressPolicy) -> Engine {
    let config = HttpConfig {
        timeout: Duration::from_secs(2),
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            max_inline_wait: Duration::from_secs(2),
        },
        policy,
        ..HttpConfig::default()
    };
    Engine::new(OutboundClient::new(config).unwrap())
}

/// An app definition from YAML, with `BASE` replaced by the server's URL.
fn app(yaml: &str, base: &str) -> crate::definition::AppDefinition {
    let text = yaml.replace("BASE", base);
    parse_app(&text)
        .unwrap_or_else(|p| panic!("{p:?}"))
        .definition
}

fn flow(yaml: &str) -> crate::definition::FlowDefinition {
    parse_flow(yaml)
        .unwrap_or_else(|p| panic!("{p:?}"))
        .definition
}

/// A plain API-key app served at `base`.
fn key_app(base: &str, extra: &str) -> crate::definition::AppDefinition {
    app(
        &format!("id: crm\nname: CRM\nbase_url: BASE\nauth: {{type: api_key, in: header, name: X-Key}}\n{extra}"),
        base,
    )
}

fn key_credentials() -> MemoryCredentials {
    MemoryCredentials::new().with_account(
        "crm",
        Credentials::ApiKey {
            key: Secret::new("crm-secret-key"),
        },
    )
}

/// Runs `block` of `flow` to its end (or wait).
async fn run(
    engine: &Engine,
    flow: &crate::definition::FlowDefinition,
    apps: &AppCatalog,
    creds: &MemoryCredentials,
    trigger: Value,
) -> RunState {
    let input = RunInput {
        trigger,
        setup: json!({"list": "L1", "plans": ["pro"]}),
        user: json!({"id": "u1"}),
    };
    let inv = Invocation {
        flow,
        apps,
        input: &input,
        credentials: creds,
        storage: &crate::storage::MemoryStorage::new(),
        code_limits: crate::definition::CodeLimits::default(),
    };
    let mut state = engine.start(flow, &flow.blocks[0].id, "run-1").unwrap();
    engine.run(&inv, &mut state).await;
    state
}

fn catalog(apps: impl IntoIterator<Item = crate::definition::AppDefinition>) -> Arc<AppCatalog> {
    Arc::new(AppCatalog::new(apps))
}
