//! The records Junction stores: workspaces, apps, flow versions, users, accounts,
//! integrations, runs, and the bookkeeping around them (due work, usage). Every record
//! is scoped by workspace and carries a version for optimistic concurrency.

mod records;

pub use records::*;

use chrono::{DateTime, Datelike, Utc};

/// A fresh, time-ordered id with a prefix saying what it names (`ws_…`, `run_…`).
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::now_v7().simple())
}

/// The usage month of an instant, as `YYYY-MM` (UTC).
pub fn month_of(at: DateTime<Utc>) -> String {
    format!("{:04}-{:02}", at.year(), at.month())
}
