//! One conformance suite per port, written once against the traits and run against
//! every adapter: SQLite today; the AWS adapters on a moto server join them.

mod backends;
mod crash;
mod envelope;
mod queue;
mod store;
mod vault;
