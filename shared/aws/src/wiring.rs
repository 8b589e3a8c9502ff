//! Junction over the AWS adapters, built from the environment the stack's
//! template.yaml sets (once per Lambda cold start, or once per `junction --backend
//! aws` command).

use std::sync::Arc;

use crate::{AwsSettings, AwsVault, DynamoStore, EnvelopeVault, SecretsVault, SqsQueue, VaultMode};
use anyhow::Context as _;
use junction_core::engine::{Engine, EngineLimits};
use junction_core::outbound::{AddressPolicy, HttpConfig, OutboundClient};
use junction_core::ports::SystemClock;
use junction_core::service::Junction;

/// Junction on AWS.
pub type AwsJunction = Junction<DynamoStore, SqsQueue, AwsVault>;

/// The public URL of the API (OAuth redirects come back to it).
pub const PUBLIC_URL_ENV: &str = "JUNCTION_PUBLIC_URL";
/// The webhook receiver's Function URL (integrations' webhook URLs start with it).
pub const WEBHOOK_URL_ENV: &str = "JUNCTION_WEBHOOK_URL";
/// Internal networks outbound calls may reach (tests against local mock apps only).
pub const ALLOW_NETWORK_ENV: &str = "JUNCTION_ALLOW_NETWORK";

/// The service and the engine, shared by every invocation of a warm function.
#[derive(Clone)]
pub struct Backend {
    pub junction: Arc<AwsJunction>,
    pub engine: Arc<Engine>,
}

impl Backend {
    /// From the environment and the default AWS configuration (the `junction` CLI).
    pub async fn from_env() -> anyhow::Result<Self> {
        let settings = AwsSettings::from_env()?;
        let config = crate::load_sdk_config().await;
        Self::new(&config, &settings, &Environment::read())
    }

    /// From the environment inside a Lambda function ([`crate::lambda_sdk_config`]).
    pub fn on_lambda() -> anyhow::Result<Self> {
        let settings = AwsSettings::from_env()?;
        let config = crate::lambda_sdk_config()?;
        Self::new(&config, &settings, &Environment::read())
    }

    pub fn new(
        config: &aws_config::SdkConfig,
        settings: &AwsSettings,
        env: &Environment,
    ) -> anyhow::Result<Self> {
        let policy = match &env.allow_network {
            Some(list) => AddressPolicy::parse_allowlist(
                &list
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .collect::<Vec<_>>(),
            )
            .map_err(|e| anyhow::anyhow!("{ALLOW_NETWORK_ENV}: {e}"))?,
            None => AddressPolicy::public_only(),
        };
        let http = OutboundClient::new(HttpConfig {
            policy,
            ..HttpConfig::default()
        })
        .context("building the outbound HTTP client")?;
        let mut junction = Junction::new(
            DynamoStore::new(config, settings.table.clone()),
            SqsQueue::new(
                config,
                settings.queue_url.clone(),
                settings.dead_letter_queue_url.clone(),
                settings.table.clone(),
            ),
            vault(config, settings),
            Arc::new(SystemClock),
            http,
        );
        if let Some(url) = &env.public_url {
            junction = junction.with_public_url(url.trim_end_matches('/'));
        }
        if let Some(url) = &env.webhook_url {
            junction = junction.with_webhook_base_url(url.trim_end_matches('/'));
        }
        // A batch's runs execute side by side in a 512 MB function: their code steps
        // may reserve half of it between them.
        let engine = Arc::new(junction.engine().with_limits(EngineLimits {
            code_memory_budget_mb: 256,
            ..EngineLimits::default()
        }));
        Ok(Self {
            junction: Arc::new(junction),
            engine,
        })
    }
}

/// The vault of the stage's mode.
pub fn vault(config: &aws_config::SdkConfig, settings: &AwsSettings) -> AwsVault {
    match settings.vault_mode {
        VaultMode::SecretPerAccount => {
            AwsVault::Secrets(SecretsVault::new(config, settings.secret_prefix.clone()))
        }
        // Secrets kept one per account before the stage switched are read (and
        // sealed in the table) until `junction vault import-secrets` moved them all.
        VaultMode::Envelope => AwsVault::Envelope(
            EnvelopeVault::new(config, settings.table.clone(), &settings.secret_prefix)
                .with_legacy(SecretsVault::new(config, settings.secret_prefix.clone())),
        ),
    }
}

/// The optional settings, read from the environment.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    pub public_url: Option<String>,
    pub webhook_url: Option<String>,
    pub allow_network: Option<String>,
}

impl Environment {
    pub fn read() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Self {
            public_url: var(PUBLIC_URL_ENV),
            webhook_url: var(WEBHOOK_URL_ENV),
            allow_network: var(ALLOW_NETWORK_ENV),
        }
    }
}
