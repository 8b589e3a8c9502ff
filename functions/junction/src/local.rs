//! The embedded backend: the service over one SQLite database and a key file in the
//! data folder.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use junction_core::outbound::{AddressPolicy, HttpConfig, OutboundClient};
use junction_core::ports::SystemClock;
use junction_core::service::Junction;
use junction_local::{
    Database, Durability, MasterKey, QueueConfig, SqliteQueue, SqliteStore, SqliteVault,
};

pub type LocalJunction = Junction<SqliteStore, SqliteQueue, SqliteVault>;

/// Opens (creating on first use) the data folder. `allow` lists internal networks
/// the service may call (credential tests against a local mock app).
pub fn open(data: &Path) -> anyhow::Result<LocalJunction> {
    open_allowing(data, &[])
}

pub fn open_allowing(data: &Path, allow: &[String]) -> anyhow::Result<LocalJunction> {
    std::fs::create_dir_all(data)
        .with_context(|| format!("creating the data folder {}", data.display()))?;
    let db = Database::open(&data.join("junction.db"), Durability::Process)?;
    let key = MasterKey::load_or_create(&SqliteVault::default_key_file(data))?;
    let vault = SqliteVault::open(db.clone(), key)?;
    let clock = Arc::new(SystemClock);
    let queue = SqliteQueue::new(db.clone(), clock.clone(), QueueConfig::default());
    let policy = AddressPolicy::parse_allowlist(allow)
        .map_err(anyhow::Error::msg)
        .context("--allow-network")?;
    let http = OutboundClient::new(HttpConfig {
        policy,
        ..HttpConfig::default()
    })?;
    Ok(Junction::new(
        SqliteStore::new(db),
        queue,
        vault,
        clock,
        http,
    ))
}
