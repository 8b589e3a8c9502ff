//! The AWS Lambda hosts of Junction: the same routers and executor as `junction
//! serve`, over the DynamoDB, SQS and Secrets Manager adapters. Each binary in
//! `src/bin` is a thin main: settings from the environment, clients built once per
//! cold start, then one of the handlers here.

pub mod backend;
pub mod executor;
pub mod figures;
pub mod logging;
pub mod poller;

pub use backend::{AwsJunction, Backend};
