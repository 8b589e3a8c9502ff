//! One test's stack on moto: a fresh table, run queue with its dead-letter queue and
//! secret prefix, as template.yaml declares them, and the functions' backend over
//! them (every AWS request through the counting proxy).

use aws_sdk_sqs::types::QueueAttributeName;
use junction_aws::AwsSettings;
use junction_lambdas::backend::Environment;
use junction_lambdas::Backend;

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

fn moto_url() -> String {
    std::env::var("JUNCTION_MOTO_URL").unwrap_or_else(|_| {
        panic!(
            "the AWS handler tests need a moto server: run infra/test.sh, or start one with \
             `target/pyenv/bin/moto_server -H 127.0.0.1 -p 5001` and export JUNCTION_MOTO_URL=http://127.0.0.1:5001"
        )
    })
}

async fn sdk_config(endpoint: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_sqs::config::Credentials::new(
            "test", "test", None, None, "moto",
        ))
        .load()
        .await
}

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::now_v7().simple())
}

/// A stack whose functions reach `public_url` for OAuth and `webhook_url` for hooks.
pub async fn stack(webhook_url: &str) -> Stack {
    let direct = sdk_config(&moto_url()).await;
    let table = unique("junction");
    junction_aws::create_table(&direct, &table).await.unwrap();
    let sqs = aws_sdk_sqs::Client::new(&direct);
    let dlq = sqs
        .create_queue()
        .queue_name(unique("runs-dlq"))
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let dlq_arn = sqs
        .get_queue_attributes()
        .queue_url(&dlq)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap()[&QueueAttributeName::QueueArn]
        .clone();
    let redrive =
        serde_json::json!({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"}).to_string();
    let queue = sqs
        .create_queue()
        .queue_name(unique("runs"))
        .attributes(QueueAttributeName::RedrivePolicy, redrive)
        .attributes(QueueAttributeName::VisibilityTimeout, "360")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let settings = AwsSettings {
        table,
        queue_url: queue,
        dead_letter_queue_url: dlq,
        secret_prefix: unique("junction"),
    };
    let (proxy, tally) = counting::start(moto_url()).await;
    let counted = sdk_config(&proxy).await;
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
