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

/// Loads the AWS configuration once (region, credentials, endpoint overrides), from
/// every source the AWS CLI reads: the environment, profiles, SSO-less role chains,
/// container and instance metadata. For the `junction` CLI, run anywhere.
pub async fn load_sdk_config() -> aws_config::SdkConfig {
    aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await
}

/// The AWS configuration inside a Lambda function, from the variables the Lambda
/// runtime sets: `AWS_REGION`, the function role's credentials in
/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`, and
/// `AWS_ENDPOINT_URL` when set (the tests' moto server).
///
/// Why not [`load_sdk_config`]: its chain of profile files, instance and container
/// metadata, web identity and role assumption (with an STS client of its own) never
/// serves a Lambda function, and linking it made each function's package larger (the
/// figures are in the README's cost section). The timeouts and retries are the ones
/// that chain settles on when nothing overrides them.
pub fn lambda_sdk_config() -> anyhow::Result<aws_config::SdkConfig> {
    sdk_config_from_lambda_variables(|name| std::env::var(name).ok())
}

/// [`lambda_sdk_config`] with the variables read through `var`.
pub fn sdk_config_from_lambda_variables(
    var: impl Fn(&str) -> Option<String>,
) -> anyhow::Result<aws_config::SdkConfig> {
    use aws_sdk_dynamodb::config::{Credentials, SharedCredentialsProvider};
    let required = |name: &str| {
        var(name).filter(|v| !v.is_empty()).with_context(|| {
            format!("environment variable {name} is not set (the Lambda runtime sets it)")
        })
    };
    // The runtime sets the role's credentials once per execution environment, and a
    // process's environment cannot change from outside: reading them once is what
    // the SDK's environment provider would do on every call.
    let credentials = Credentials::new(
        required("AWS_ACCESS_KEY_ID")?,
        required("AWS_SECRET_ACCESS_KEY")?,
        var("AWS_SESSION_TOKEN").filter(|t| !t.is_empty()),
        None,
        "lambda-environment",
    );
    let mut config = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(required("AWS_REGION")?))
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .retry_config(aws_config::retry::RetryConfig::standard())
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .connect_timeout(std::time::Duration::from_millis(3100))
                .build(),
        );
    if let Some(url) = var("AWS_ENDPOINT_URL").filter(|u| !u.is_empty()) {
        config = config.endpoint_url(url);
    }
    Ok(config.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    const LAMBDA: &[(&str, &str)] = &[
        ("AWS_REGION", "eu-west-1"),
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        ("AWS_SESSION_TOKEN", "token"),
    ];

    #[tokio::test]
    async fn the_lambda_configuration_takes_region_credentials_and_endpoint_from_the_variables() {
        use aws_sdk_dynamodb::config::ProvideCredentials as _;
        let mut with_endpoint = LAMBDA.to_vec();
        with_endpoint.push(("AWS_ENDPOINT_URL", "http://127.0.0.1:5001"));
        let config = sdk_config_from_lambda_variables(vars(&with_endpoint)).unwrap();
        assert_eq!(config.region().map(|r| r.as_ref()), Some("eu-west-1"));
        assert_eq!(config.endpoint_url(), Some("http://127.0.0.1:5001"));
        let credentials = config
            .credentials_provider()
            .unwrap()
            .provide_credentials()
            .await
            .unwrap();
        assert_eq!(credentials.access_key_id(), "AKIDEXAMPLE");
        assert_eq!(credentials.secret_access_key(), "secret");
        assert_eq!(credentials.session_token(), Some("token"));
        assert_eq!(
            config.timeout_config().and_then(|t| t.connect_timeout()),
            Some(std::time::Duration::from_millis(3100))
        );
        assert_eq!(config.retry_config().map(|r| r.max_attempts()), Some(3));

        let config = sdk_config_from_lambda_variables(vars(LAMBDA)).unwrap();
        assert_eq!(
            config.endpoint_url(),
            None,
            "AWS's own endpoints unless told"
        );
    }

    #[test]
    fn a_missing_variable_is_named() {
        for missing in ["AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] {
            let rest: Vec<_> = LAMBDA
                .iter()
                .copied()
                .filter(|(k, _)| *k != missing)
                .collect();
            let error = sdk_config_from_lambda_variables(vars(&rest))
                .unwrap_err()
                .to_string();
            assert!(error.contains(missing), "{error}");
        }
    }
}
