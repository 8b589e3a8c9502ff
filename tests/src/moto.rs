//! The moto server the AWS suites run against: its SDK configuration, names unique to
//! a test, and the run queue with its dead-letter queue as template.yaml declares them.

use aws_sdk_sqs::types::QueueAttributeName;

/// Where moto listens (`infra/test.sh` starts it and exports the address).
pub fn url() -> String {
    std::env::var("JUNCTION_MOTO_URL").unwrap_or_else(|_| {
        panic!(
            "the AWS tests need a moto server: run infra/test.sh, or start one with \
             `target/pyenv/bin/python infra/moto-server.py -H 127.0.0.1 -p 5001` and export JUNCTION_MOTO_URL=http://127.0.0.1:5001"
        )
    })
}

/// The SDK configuration for moto at `endpoint` (moto itself, or a proxy before it).
pub async fn config_at(endpoint: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_sqs::config::Credentials::new(
            "test", "test", None, None, "moto",
        ))
        .load()
        .await
}

/// The SDK configuration for moto.
pub async fn config() -> aws_config::SdkConfig {
    config_at(&url()).await
}

/// A name no other test uses.
pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::now_v7().simple())
}

/// A run queue redriving to a new dead-letter queue after `max_receives`; its URL and
/// the dead-letter queue's.
pub async fn run_queues(
    config: &aws_config::SdkConfig,
    max_receives: u32,
    visibility_secs: Option<u32>,
) -> (String, String) {
    let sqs = aws_sdk_sqs::Client::new(config);
    let dlq = sqs
        .create_queue()
        .queue_name(unique("runs-dlq"))
        .send()
        .await
        .expect("moto creates the dead-letter queue")
        .queue_url
        .expect("a queue URL");
    let dlq_arn = sqs
        .get_queue_attributes()
        .queue_url(&dlq)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("moto answers the queue's attributes")
        .attributes
        .expect("attributes")[&QueueAttributeName::QueueArn]
        .clone();
    let redrive = serde_json::json!({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receives.to_string()})
        .to_string();
    let mut create = sqs
        .create_queue()
        .queue_name(unique("runs"))
        .attributes(QueueAttributeName::RedrivePolicy, redrive);
    if let Some(secs) = visibility_secs {
        create = create.attributes(QueueAttributeName::VisibilityTimeout, secs.to_string());
    }
    let queue = create
        .send()
        .await
        .expect("moto creates the run queue")
        .queue_url
        .expect("a queue URL");
    (queue, dlq)
}
