//! Junction's AWS adapters: the store on one DynamoDB table, the run queue on SQS,
//! the vault on Secrets Manager. All clients come from one `aws_config` load, so the
//! standard AWS environment variables (`AWS_ENDPOINT_URL` among them) point every
//! client at an emulator in tests.

pub mod config;
mod dynamo;
mod secrets;
mod sqs;

pub mod wiring;

pub use config::{load_sdk_config, AwsSettings};
pub use dynamo::{create_table, DynamoStore, DUE_SHARDS};
pub use secrets::SecretsVault;
pub use sqs::{SqsQueue, SQS_MAX_BODY_BYTES, SQS_MAX_DELAY};
