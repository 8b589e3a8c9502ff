//! The Lambda functions' handlers with real AWS event shapes (API Gateway HTTP API v2,
//! Function URL, EventBridge scheduled event, SQS batch), over the AWS adapters on
//! the moto server that `infra/test.sh` starts, with local mock apps behind them.

mod cost;
mod counting;
mod events;
mod handlers;
mod iam;
mod journey;
mod refresh;
mod stack;
