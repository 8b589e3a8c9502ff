//! Settings from the environment and the one shared SDK configuration.

use anyhow::Context as _;

/// Names of the AWS resources Junction uses (set by template.yaml on Lambda).
#[derive(Debug, Clone)]
pub struct AwsSettings {
    pub table: String,
    pub queue_url: String,
    pub dead_letter_queue_url: String,
    /// Secrets are named `<prefix>/<workspace>/<name>`; the envelope vault's key
    /// ring is `<prefix>/vault-keys`.
    pub secret_prefix: String,
    /// How account secrets are kept.
    pub vault_mode: crate::VaultMode,
}

pub const TABLE_ENV: &str = "JUNCTION_TABLE";
pub const QUEUE_URL_ENV: &str = "JUNCTION_QUEUE_URL";
pub const DLQ_URL_ENV: &str = "JUNCTION_DLQ_URL";
pub const SECRET_PREFIX_ENV: &str = "JUNCTION_SECRET_PREFIX";

impl AwsSettings {
    pub fn from_env() -> anyhow::Result<Self> {
        let var = |name: &str| {
            std::env::var(name).with_context(|| {
                format!(
                    "environment variable {name} is not set (the stack's template.yaml sets it)"
                )
            })
        };
        Ok(Self {
            table: var(TABLE_ENV)?,
            queue_url: var(QUEUE_URL_ENV)?,
            dead_letter_queue_url: var(DLQ_URL_ENV)?,
            secret_prefix: std::env::var(SECRET_PREFIX_ENV).unwrap_or_else(|_| "junction".into()),
            vault_mode: crate::VaultMode::parse(
                std::env::var(crate::vault::VAULT_MODE_ENV).ok().as_deref(),
            )?,
        })
    }
}

/// Loads the AWS configuration once (region, credentials, endpoint overrides).
pub async fn load_sdk_config() -> aws_config::SdkConfig {
    aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await
}
