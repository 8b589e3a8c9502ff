//! The ports the engine and the HTTP surfaces talk to. Each has two real adapters
//! (`junction-local` on SQLite, `junction-aws` on DynamoDB, SQS and Secrets Manager),
//! held to one conformance suite in `tests/`. The store is six area traits (see
//! `store/`), which each adapter module implements for its own area.

mod clock;
mod queue;
mod store;
mod vault;

pub use clock::{Clock, ManualClock, SystemClock};
pub use queue::{DeadLetter, QueueError, QueueMessage, RunQueue};
pub use store::{
    AccountStore, BookkeepingStore, CommitStore, DueStore, Expect, IntegrationStore, Metered,
    RunStore, RunToExecute, StorageStore, Store, StoreError, WorkspaceStore, MAX_RECORD_BYTES,
};
pub use vault::{SecretKey, Vault, VaultError};
