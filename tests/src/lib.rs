//! Shared pieces of the test suites: the demo apps (Acme, Mailbird, Chatter, from
//! `junction-demo`) under their test name, moto, and the hostile stand-ins.

pub use junction_demo::apps as mock_apps;
pub mod http;
pub mod moto;
pub mod recorder;
pub mod refresh;
pub mod slow_app;
