//! Shared pieces of the test suites: the mock apps that stand in for Acme, Mailbird
//! and Chatter in the walk-through, the end-to-end tests and the benchmarks.

pub mod mock_apps;
pub mod moto;
pub mod recorder;
pub mod refresh;
pub mod slow_app;
