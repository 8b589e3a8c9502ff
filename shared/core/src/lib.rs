//! Junction's core: app and flow definitions, their validation, templating, the run
//! engine and the outbound HTTP client. Nothing here knows about Lambda, AWS or SQLite.

pub mod catalog;
pub mod definition;
pub mod template;
pub mod validate;

pub use catalog::AppCatalog;
pub mod credentials;
pub mod engine;
pub mod ids;
pub mod model;
pub mod outbound;
pub mod ports;
pub mod schema;
pub mod sealing;
pub mod service;
pub mod storage;
pub mod telemetry;
pub mod webhooks;

/// The Rust example of `docs/authentication.md`, compiled and run as a doc test so the
/// page stays right (its Node.js and Python examples run in `tests/e2e/docs.rs`).
#[cfg(doctest)]
#[doc = include_str!("../../../docs/authentication.md")]
pub struct AuthenticationDoc;
