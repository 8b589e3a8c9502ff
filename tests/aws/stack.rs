//! One test's stack on moto: a fresh table, run queue with its dead-letter queue and
//! secret prefix, as template.yaml declares them, and the functions' backend over
//! them (every AWS request through the counting proxy).

use junction_aws::{AwsSettings, VaultMode};
use junction_lambdas::backend::Environment;
use junction_lambdas::Backend;
use junction_tests::moto::{self, unique};

use crate::counting::{self, Tally};

pub struct Stack {
    pub backend: Backend,
    pub settings: AwsSettings,
    pub sqs: aws_sdk_sqs::Client,
    pub tally: Tally,
    config: aws_config::SdkConfig,
    env: Environment,
}

impl Stack {
    /// Another warm function over the same stack: its own engine, refresh locks and
    /// secret cache, as a second Lambda container has.
    pub fn another_container(&self) -> Backend {
        Backend::new(&self.config, &self.settings, &self.env).unwrap()
    }
}

/// A stack whose functions reach `public_url` for OAuth and `webhook_url` for hooks.
pub async fn stack(webhook_url: &str) -> Stack {
    stack_with_vault(webhook_url, VaultMode::default()).await
}

/// The same, keeping account secrets the way `vault_mode` says.
pub async fn stack_with_vault(webhook_url: &str, vault_mode: VaultMode) -> Stack {
    let direct = moto::config().await;
    let table = unique("junction");
    junction_aws::create_table(&direct, &table).await.unwrap();
    let sqs = aws_sdk_sqs::Client::new(&direct);
    let (queue, dlq) = moto::run_queues(&direct, 5, Some(360)).await;
    let settings = AwsSettings {
        table,
        queue_url: queue,
        dead_letter_queue_url: dlq,
        secret_prefix: unique("junction"),
        vault_mode,
    };
    let (proxy, tally) = counting::start(moto::url()).await;
    // The functions' own configuration, from the variables the Lambda runtime sets.
    let counted = junction_aws::sdk_config_from_lambda_variables(|name| {
        Some(
            match name {
                "AWS_REGION" => "us-east-1",
                "AWS_ACCESS_KEY_ID" | "AWS_SECRET_ACCESS_KEY" => "test",
                "AWS_ENDPOINT_URL" => &proxy,
                _ => return None,
            }
            .to_string(),
        )
    })
    .unwrap();
    let env = Environment {
        public_url: Some("https://api.example.test".into()),
        webhook_url: Some(webhook_url.into()),
        allow_network: Some("127.0.0.1".into()),
    };
    let backend = Backend::new(&counted, &settings, &env).unwrap();
    Stack {
        backend,
        settings,
        sqs,
        tally,
        config: counted,
        env,
    }
}
