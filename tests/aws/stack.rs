//! One test's stack on moto: a fresh table, run queue with its dead-letter queue and
//! secret prefix, as template.yaml declares them, and the functions' backend over
//! them (every AWS request through the counting proxy).

use junction_aws::AwsSettings;
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
    };
    let (proxy, tally) = counting::start(moto::url()).await;
    let counted = moto::config_at(&proxy).await;
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
