//! The embedded deployment assembled: the service over one SQLite database in a data
//! folder, with its queue and vault, opened the same way by `junction serve`, the
//! CLI's commands and the tests.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use junction_core::outbound::{AddressPolicy, HttpConfig, OutboundClient};
use junction_core::ports::{Clock, SystemClock};
use junction_core::service::Junction;

use crate::{Database, Durability, MasterKey, QueueConfig, SqliteQueue, SqliteStore, SqliteVault};

/// The service on the embedded adapters.
pub type LocalJunction = Junction<SqliteStore, SqliteQueue, SqliteVault>;

/// How to open a data folder; [`LocalBuilder::open`] creates it on first use.
pub struct LocalBuilder {
    data: PathBuf,
    key: Option<MasterKey>,
    allow: Vec<String>,
    timeout: Option<Duration>,
    clock: Arc<dyn Clock>,
}

impl LocalBuilder {
    /// The data folder: `junction.db` and, unless a key is given, the vault's key file.
    pub fn new(data: &Path) -> Self {
        Self {
            data: data.to_path_buf(),
            key: None,
            allow: Vec::new(),
            timeout: None,
            clock: Arc::new(SystemClock),
        }
    }

    /// Internal networks (CIDRs or hosts) outbound calls may reach, such as a mock app
    /// on this machine; everything else private stays refused.
    pub fn allow_networks(mut self, allow: &[String]) -> Self {
        self.allow = allow.to_vec();
        self
    }

    /// The vault's key, instead of the data folder's key file.
    pub fn key(mut self, key: MasterKey) -> Self {
        self.key = Some(key);
        self
    }

    /// A whole-request timeout for outbound calls other than the default.
    pub fn outbound_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The clock of the service, its queue and (through the service) the engine.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn open(self) -> anyhow::Result<LocalJunction> {
        std::fs::create_dir_all(&self.data)
            .with_context(|| format!("creating the data folder {}", self.data.display()))?;
        let db = Database::open(&self.data.join("junction.db"), Durability::Process)?;
        let key = match self.key {
            Some(key) => key,
            None => MasterKey::load_or_create(&SqliteVault::default_key_file(&self.data))?,
        };
        let vault = SqliteVault::open(db.clone(), key)?;
        let queue = SqliteQueue::new(db.clone(), self.clock.clone(), QueueConfig::default());
        let policy = AddressPolicy::parse_allowlist(&self.allow)
            .map_err(anyhow::Error::msg)
            .context("--allow-network")?;
        let defaults = HttpConfig::default();
        let http = OutboundClient::new(HttpConfig {
            policy,
            timeout: self.timeout.unwrap_or(defaults.timeout),
            ..defaults
        })?;
        Ok(Junction::new(
            SqliteStore::new(db),
            queue,
            vault,
            self.clock,
            http,
        ))
    }
}
