//! End-to-end suites: the shipped example flows, run by the real engine against the
//! mock apps over real HTTP. Later surfaces (serve, webhooks, AWS) add modules here.

mod abandoned;
mod api;
mod delivery;
mod docs;
mod examples;
mod helpers;
mod hostile;
mod identity;
mod integrations;
mod metrics;
mod ordered;
mod polls;
mod pressure;
mod refresh;
mod runs;
mod server;
mod storage;
mod triggers;
mod two_way;
mod widget;
mod workers;
