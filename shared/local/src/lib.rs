//! Junction's embedded adapters: everything in one SQLite file (WAL mode) next to an
//! encryption key. The store, the run queue and the vault share one database so an
//! ingress can record and enqueue in one transaction.

mod checkpoint;
mod db;
mod junction;
mod lock;
mod memo;
mod queue;
mod savepoint;
mod store;
mod vault;

pub use db::{Database, Durability};
pub use junction::{LocalBuilder, LocalJunction};
pub use lock::ServeLock;
pub use queue::{QueueConfig, SqliteQueue};
pub use store::SqliteStore;
pub use vault::{MasterKey, SqliteVault, MASTER_KEY_ENV};
