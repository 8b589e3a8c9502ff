//! What every e2e test needs: mock apps on a free port and the examples pointed at them.

use std::sync::Arc;

use junction_core::catalog::AppCatalog;
use junction_core::credentials::{
    Credentials, MemoryCredentials, OAuthClient, OAuthTokens, Secret,
};
use junction_core::definition::{parse_app, parse_flow, FlowDefinition};
use junction_core::engine::{Engine, Invocation, RunInput, RunState};
use junction_core::outbound::{AddressPolicy, HttpConfig, OutboundClient};
use junction_tests::mock_apps::{self, MockApps};
use serde_json::Value;

pub const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");

/// The example definitions use the walk-through's fixed mock address.
const WALKTHROUGH_URL: &str = "http://127.0.0.1:4010";

pub struct TestApps {
    pub mock: MockApps,
    pub catalog: AppCatalog,
    pub engine: Engine,
}

/// Starts the mock apps on port 0 and loads the example apps pointed at them.
pub async fn spawn_apps() -> TestApps {
    let mock = MockApps::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let mut catalog = AppCatalog::default();
    for name in ["acme-crm", "mailbird", "chatter"] {
        let text = std::fs::read_to_string(format!("{EXAMPLES}/apps/{name}.yaml")).unwrap();
        let app = parse_app(&text.replace(WALKTHROUGH_URL, &mock.url())).unwrap();
        catalog.insert(app.definition);
    }
    let policy = AddressPolicy::parse_allowlist(&["127.0.0.1".into()]).unwrap();
    let engine = Engine::new(
        OutboundClient::new(HttpConfig {
            policy,
            ..HttpConfig::default()
        })
        .unwrap(),
    );
    TestApps {
        mock,
        catalog,
        engine,
    }
}

pub fn example_flow(name: &str) -> FlowDefinition {
    let text = std::fs::read_to_string(format!("{EXAMPLES}/flows/{name}.yaml")).unwrap();
    parse_flow(&text).unwrap().definition
}

/// Accounts as the example account files describe them (an expired Mailbird token).
pub fn example_accounts() -> Arc<MemoryCredentials> {
    Arc::new(
        MemoryCredentials::new()
            .with_account(
                "acme",
                Credentials::ApiKey {
                    key: Secret::new(mock_apps::ACME_KEY),
                },
            )
            .with_account(
                "chatter",
                Credentials::ApiKey {
                    key: Secret::new(mock_apps::CHATTER_TOKEN),
                },
            )
            .with_account(
                "mailbird",
                Credentials::Oauth2(OAuthTokens {
                    access_token: Secret::new("mb-access-expired"),
                    refresh_token: Some(Secret::new(mock_apps::MAILBIRD_FIRST_REFRESH)),
                    expires_at: Some(chrono::Utc::now() - chrono::Duration::hours(1)),
                }),
            )
            .with_oauth_client(
                "mailbird",
                OAuthClient {
                    client_id: mock_apps::MAILBIRD_CLIENT_ID.into(),
                    client_secret: Secret::new(mock_apps::MAILBIRD_CLIENT_SECRET),
                },
            ),
    )
}

impl TestApps {
    /// Runs one block to its end (or wait).
    pub async fn run(
        &self,
        flow: &FlowDefinition,
        block: &str,
        creds: &MemoryCredentials,
        trigger: Value,
        setup: Value,
    ) -> RunState {
        let input = RunInput {
            trigger,
            setup,
            user: serde_json::json!({"id": "user-1"}),
        };
        let inv = Invocation {
            flow,
            apps: &self.catalog,
            input: &input,
            credentials: creds,
            storage: &junction_core::storage::MemoryStorage::new(),
            code_limits: junction_core::definition::CodeLimits::default(),
        };
        let mut state = self
            .engine
            .start(flow, block, format!("run-{block}"))
            .unwrap();
        self.engine.run(&inv, &mut state).await;
        state
    }
}

/// Asks `probe` every 10 ms until it gives a value, for at most 20 s, then fails
/// naming `what`: a test waits for what it expects, never for a fixed time.
pub async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "gave up after 20 s waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}
