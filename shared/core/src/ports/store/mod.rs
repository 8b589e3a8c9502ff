//! The store: typed operations for every access pattern in DESIGN.md, none of them a
//! scan, in one trait per area so each adapter module implements its own. Writes of
//! versioned records carry the version they expect; time-dependent operations take
//! `now`, so expiry works the same on backends whose TTL is lazy.

mod accounts;
mod bookkeeping;
mod commits;
mod due;
mod integrations;
mod runs;
mod storage;
mod workspaces;

pub use accounts::AccountStore;
pub use bookkeeping::BookkeepingStore;
pub use commits::CommitStore;
pub use due::DueStore;
pub use integrations::IntegrationStore;
pub use runs::{Metered, RunStore, RunToExecute};
pub use storage::{Expect, StorageStore};
pub use workspaces::WorkspaceStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record changed since it was read, or exists when it must not.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("the record is too large to store: {0}")]
    TooLarge(String),
    #[error(transparent)]
    Unknown(#[from] anyhow::Error),
}

/// The most one stored record may take as JSON: DynamoDB's item limit is 400 KB, and
/// both backends keep the same contract so a run that fits locally fits on AWS.
pub const MAX_RECORD_BYTES: usize = 350 * 1024;

/// Stores and loads every record of Junction: every area at once, which is what the
/// service holds. Any type with all the areas is one.
pub trait Store:
    WorkspaceStore
    + AccountStore
    + IntegrationStore
    + RunStore
    + BookkeepingStore
    + DueStore
    + StorageStore
    + CommitStore
    + Clone
    + 'static
{
}

impl<T> Store for T where
    T: WorkspaceStore
        + AccountStore
        + IntegrationStore
        + RunStore
        + BookkeepingStore
        + DueStore
        + StorageStore
        + CommitStore
        + Clone
        + 'static
{
}
