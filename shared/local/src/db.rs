//! Opening the database: WAL, pragmas, and versioned migrations that run on open.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use anyhow::Context as _;
use rusqlite::Connection;

/// How hard a commit tries to reach the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// Survives a crash of the process (kill -9); a power cut may lose the last
    /// commits. SQLite's `synchronous=NORMAL` in WAL mode.
    #[default]
    Process,
    /// Survives a power cut too: an fsync per commit (`synchronous=FULL`).
    Power,
}

/// Migrations, applied in order; the database's `user_version` says how many ran.
/// Never edit one that has shipped: add a new one.
const MIGRATIONS: &[&str] = &[
    // 1: the store.
    "CREATE TABLE workspaces (id TEXT PRIMARY KEY, app_key TEXT NOT NULL UNIQUE, body TEXT NOT NULL, version INTEGER NOT NULL);
     CREATE TABLE apps (ws TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (ws, id));
     CREATE TABLE flow_versions (ws TEXT NOT NULL, flow_id TEXT NOT NULL, number INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (ws, flow_id, number));
     CREATE TABLE flow_heads (ws TEXT NOT NULL, id TEXT NOT NULL, published INTEGER NOT NULL, body TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (ws, id));
     CREATE TABLE flow_tags (ws TEXT NOT NULL, tag TEXT NOT NULL, flow_id TEXT NOT NULL, PRIMARY KEY (ws, tag, flow_id));
     CREATE TABLE users (ws TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (ws, id));
     CREATE TABLE accounts (ws TEXT NOT NULL, id TEXT NOT NULL, user_id TEXT NOT NULL, app_id TEXT NOT NULL, body TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (ws, id));
     CREATE INDEX accounts_by_user ON accounts (ws, user_id, app_id);
     CREATE TABLE integrations (ws TEXT NOT NULL, id TEXT NOT NULL, user_id TEXT NOT NULL, flow_id TEXT NOT NULL, body TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (ws, id));
     CREATE INDEX integrations_by_user ON integrations (ws, user_id);
     CREATE INDEX integrations_by_flow ON integrations (ws, flow_id);
     CREATE TABLE integration_events (ws TEXT NOT NULL, event TEXT NOT NULL, integration_id TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (ws, event, integration_id));
     CREATE INDEX integration_events_by_user ON integration_events (ws, event, user_id);
     CREATE TABLE webhook_tokens (token_hash TEXT PRIMARY KEY, ws TEXT NOT NULL, integration_id TEXT NOT NULL);
     CREATE TABLE runs (ws TEXT NOT NULL, id TEXT NOT NULL, integration_id TEXT NOT NULL, expires_at INTEGER NOT NULL, body TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (ws, id));
     CREATE INDEX runs_by_integration ON runs (ws, integration_id, id);
     CREATE INDEX runs_by_expiry ON runs (expires_at);
     CREATE TABLE dedupe (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
     CREATE TABLE counters (ws TEXT NOT NULL, month TEXT NOT NULL, user_id TEXT NOT NULL, tasks INTEGER NOT NULL, PRIMARY KEY (ws, month, user_id));
     CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at INTEGER NOT NULL);
     CREATE TABLE due (key TEXT PRIMARY KEY, ws TEXT NOT NULL, due_at INTEGER NOT NULL, body TEXT NOT NULL);
     CREATE INDEX due_by_time ON due (due_at);",
    // 2: the run queue.
    "CREATE TABLE queue (id TEXT PRIMARY KEY, body TEXT NOT NULL, visible_at INTEGER NOT NULL, receive_count INTEGER NOT NULL DEFAULT 0, receipt TEXT, sent_at INTEGER NOT NULL);
     CREATE INDEX queue_by_visibility ON queue (visible_at);
     CREATE TABLE queue_dedupe (dedupe_id TEXT PRIMARY KEY, message_id TEXT NOT NULL, expires_at INTEGER NOT NULL);
     CREATE TABLE dead_letters (id TEXT PRIMARY KEY, body TEXT NOT NULL, receive_count INTEGER NOT NULL, dead_at INTEGER NOT NULL);",
    // 3: the vault.
    "CREATE TABLE vault (ws TEXT NOT NULL, name TEXT NOT NULL, sealed BLOB NOT NULL, PRIMARY KEY (ws, name));
     CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);",
    // 4: acknowledging by receipt must not scan the queue.
    "CREATE INDEX queue_by_receipt ON queue (receipt);",
    // 5: runs by status, for the admin's failed-runs list.
    "ALTER TABLE runs ADD COLUMN status TEXT NOT NULL DEFAULT '';
     CREATE INDEX runs_by_status ON runs (ws, status, id);",
    // 6: claims carry the value they were claimed for (webhook delivery -> run id).
    "ALTER TABLE dedupe ADD COLUMN value TEXT;",
];

/// The shared database handle. One connection behind a lock: SQLite has one writer
/// at a time anyway, and each statement here takes microseconds.
#[derive(Clone)]
pub struct Database {
    conn: Arc<Mutex<Connection>>,
}

impl Database {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub fn open(path: &Path, durability: Durability) -> anyhow::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let conn = Connection::open(path)
            .with_context(|| format!("opening database {}", path.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Switching a new file to WAL while another process opens it can be refused at
        // once (SQLite skips the busy handler there to avoid a deadlock): try again.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            match conn.pragma_update(None, "journal_mode", "WAL") {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy
                        && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                other => break other?,
            }
        }
        conn.pragma_update(
            None,
            "synchronous",
            match durability {
                Durability::Process => "NORMAL",
                Durability::Power => "FULL",
            },
        )?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Every statement is prepared once: parsing SQL was a visible share of a run's cost.
        conn.set_prepared_statement_cache_capacity(128);
        migrate(&conn).with_context(|| format!("migrating database {}", path.display()))?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` with the connection.
    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>,
    ) -> anyhow::Result<T> {
        let mut conn = self.lock();
        Ok(f(&mut conn)?)
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn migrate(conn: &Connection) -> anyhow::Result<()> {
    let version = |conn: &Connection| -> anyhow::Result<usize> {
        Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    };
    let applied = version(conn)?;
    if applied > MIGRATIONS.len() {
        anyhow::bail!(
            "the database is at schema version {applied}, newer than this junction ({}); upgrade junction",
            MIGRATIONS.len()
        );
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        // Another process may be migrating the same file: take the write lock first,
        // then look again at what is applied.
        conn.execute_batch("BEGIN IMMEDIATE")?;
        if version(conn)? > i {
            conn.execute_batch("COMMIT")?;
            continue;
        }
        let applied = conn.execute_batch(&format!("{sql}; PRAGMA user_version = {};", i + 1));
        match applied {
            Ok(()) => conn.execute_batch("COMMIT")?,
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(anyhow::Error::new(e).context(format!("applying migration {}", i + 1)));
            }
        }
        tracing::info!(version = i + 1, "applied database migration");
    }
    Ok(())
}

/// Milliseconds since the epoch: how instants are stored.
pub(crate) fn millis(at: chrono::DateTime<chrono::Utc>) -> i64 {
    at.timestamp_millis()
}

pub(crate) fn from_millis(ms: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// `execute` and `query_row` through the connection's statement cache.
pub(crate) trait Cached {
    fn exec<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize>;
    fn row<T, P: rusqlite::Params, F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>>(
        &self,
        sql: &str,
        params: P,
        f: F,
    ) -> rusqlite::Result<T>;
}

impl Cached for Connection {
    fn exec<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    fn row<T, P: rusqlite::Params, F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>>(
        &self,
        sql: &str,
        params: P,
        f: F,
    ) -> rusqlite::Result<T> {
        self.prepare_cached(sql)?.query_row(params, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_run_once_and_reopen_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.db");
        Database::open(&path, Durability::Process).unwrap();
        let db = Database::open(&path, Durability::Process).unwrap();
        let version: usize = db
            .with(|c| c.pragma_query_value(None, "user_version", |r| r.get(0)))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len());
        let mode: String = db
            .with(|c| c.pragma_query_value(None, "journal_mode", |r| r.get(0)))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn processes_opening_a_new_database_together_migrate_it_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.db");
        let handles: Vec<_> = (0..6)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || {
                    Database::open(&path, Durability::Process)
                        .map(|_| ())
                        .map_err(|e| format!("{e:#}"))
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap().unwrap();
        }
    }

    #[test]
    fn a_newer_database_is_refused_with_advice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.db");
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
        drop(conn);
        let err = Database::open(&path, Durability::Process).err().unwrap();
        assert!(format!("{err:#}").contains("upgrade junction"), "{err:#}");
    }
}
