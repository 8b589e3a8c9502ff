//! How each backend's adapters are built for a test: a fresh temporary database per
//! test for SQLite.

use std::sync::Arc;

use junction_core::ports::SystemClock;
use junction_local::{
    Database, Durability, MasterKey, QueueConfig, SqliteQueue, SqliteStore, SqliteVault,
};

/// Keeps a test's temporary directory alive as long as its adapters.
pub struct Held<T> {
    pub it: T,
    _dir: tempfile::TempDir,
}

fn database() -> (Database, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("junction.db"), Durability::Process).unwrap();
    (db, dir)
}

pub async fn sqlite_store() -> Held<SqliteStore> {
    let (db, dir) = database();
    Held {
        it: SqliteStore::new(db),
        _dir: dir,
    }
}

pub async fn sqlite_queue(max_receives: u32) -> Held<SqliteQueue> {
    let (db, dir) = database();
    let config = QueueConfig {
        max_receives,
        ..QueueConfig::default()
    };
    Held {
        it: SqliteQueue::new(db, Arc::new(SystemClock), config),
        _dir: dir,
    }
}

pub async fn sqlite_vault() -> Held<SqliteVault> {
    let (db, dir) = database();
    let key = MasterKey::parse(&"11".repeat(32), "test key").unwrap();
    Held {
        it: SqliteVault::open(db, key).unwrap(),
        _dir: dir,
    }
}
