//! Junction's AWS adapters: the store on one DynamoDB table, the run queue on SQS,
//! the vault on Secrets Manager (or sealed in the table under data keys kept there).
//! All clients come from one SDK configuration (the full `aws_config` chain for the
//! CLI, the Lambda runtime's variables inside a function), so the standard AWS
//! environment variables (`AWS_ENDPOINT_URL` among them) point every client at an
//! emulator in tests.

pub mod config;
mod dynamo;
mod envelope;
mod secret_cache;
mod secrets;
mod sqs;
pub mod vault;

pub mod wiring;

pub use config::{
    lambda_sdk_config, load_sdk_config, sdk_config_from_lambda_variables, AwsSettings,
};
pub use dynamo::{create_table, DynamoStore, DUE_SHARDS};
pub use envelope::{EnvelopeVault, Imported, Resealed, Retired, KEY_RING_TTL, RECOVERY_DAYS};
pub use secrets::SecretsVault;
pub use sqs::{SqsQueue, SQS_MAX_BODY_BYTES, SQS_MAX_DELAY};
pub use vault::{AwsVault, VaultMode};
