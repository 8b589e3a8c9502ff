//! The records Junction stores: workspaces, apps, flow versions, users, accounts,
//! integrations, runs, and the bookkeeping around them (due work, usage). Every record
//! is scoped by workspace and carries a version for optimistic concurrency.

mod records;
pub mod timestamp;

pub use records::*;

use chrono::{DateTime, Datelike, Utc};

/// The usage month of an instant, as `YYYY-MM` (UTC).
pub fn month_of(at: DateTime<Utc>) -> String {
    format!("{:04}-{:02}", at.year(), at.month())
}
