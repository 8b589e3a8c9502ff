//! The embedded backend: the service over one SQLite database and a key file in the
//! data folder.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use junction_core::ports::SystemClock;
use junction_core::service::Junction;
use junction_local::{
    Database, Durability, MasterKey, QueueConfig, SqliteQueue, SqliteStore, SqliteVault,
};

pub type LocalJunction = Junction<SqliteStore, SqliteQueue, SqliteVault>;

/// Opens (creating on first use) the data folder.
pub fn open(data: &Path) -> anyhow::Result<LocalJunction> {
    std::fs::create_dir_all(data)
        .with_context(|| format!("creating the data folder {}", data.display()))?;
    let db = Database::open(&data.join("junction.db"), Durability::Process)?;
    let key = MasterKey::load_or_create(&SqliteVault::default_key_file(data))?;
    let vault = SqliteVault::open(db.clone(), key)?;
    let clock = Arc::new(SystemClock);
    let queue = SqliteQueue::new(db.clone(), clock.clone(), QueueConfig::default());
    Ok(Junction::new(SqliteStore::new(db), queue, vault, clock))
}
