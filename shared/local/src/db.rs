//! Opening the database: WAL, pragmas, and versioned migrations that run on open.

use std::future::Future;
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
    // 7: accounts an app asked to slow down (429/503 Retry-After), until a time.
    "CREATE TABLE holds (name TEXT PRIMARY KEY, until_at INTEGER NOT NULL);",
    // 8: calls counted in the current window of an app's declared rate limit.
    "CREATE TABLE rate_windows (name TEXT PRIMARY KEY, window INTEGER NOT NULL, n INTEGER NOT NULL);",
    // 9: requests made by polls per workspace and month, metered apart from tasks.
    "CREATE TABLE poll_requests (ws TEXT NOT NULL, month TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (ws, month));",
    // 10: values flows keep between runs (`storage` steps), by scope and key; no
    // expiry means NULL, so `expires_at > now` alone would hide them.
    "CREATE TABLE stored_values (ws TEXT NOT NULL, scope TEXT NOT NULL, key TEXT NOT NULL, expires_at INTEGER, body TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (ws, scope, key));
     CREATE INDEX stored_values_by_expiry ON stored_values (expires_at) WHERE expires_at IS NOT NULL;",
    // 11: receipts name their message (settling one is a primary-key lookup), so the
    // index that migration 4 added only cost writes.
    "DROP INDEX queue_by_receipt;",
    // 12: lists by status look up the runs that are not done, or failed: few, and what
    // an admin asks for. Indexing every run's status cost each run two or three index
    // writes as it moved through its states, 14% of the WAL a busy server wrote.
    // Succeeded and skipped runs, most of them, are listed from the primary key.
    "DROP INDEX runs_by_status;
     CREATE INDEX runs_by_status ON runs (ws, status, id) WHERE status NOT IN ('succeeded', 'skipped');",
    // 13: the queue as one b-tree by message id (WITHOUT ROWID), where a rowid table
    // and the index of its key were two to write for every message sent, received
    // and deleted.
    "CREATE TABLE queue_13 (id TEXT PRIMARY KEY, body TEXT NOT NULL, visible_at INTEGER NOT NULL, receive_count INTEGER NOT NULL DEFAULT 0, receipt TEXT, sent_at INTEGER NOT NULL) WITHOUT ROWID;
     INSERT INTO queue_13 (id, body, visible_at, receive_count, receipt, sent_at)
       SELECT id, body, visible_at, receive_count, receipt, sent_at FROM queue;
     DROP TABLE queue;
     ALTER TABLE queue_13 RENAME TO queue;
     CREATE INDEX queue_by_visibility ON queue (visible_at);",
];

/// Rows a purge deletes per statement: each batch is a write of its own, so a purge of
/// many expired rows (an upgraded database's first, say) never holds the one
/// connection for long.
pub(crate) const PURGE_BATCH: i64 = 500;

/// The shared database handle. One connection behind a lock: SQLite has one writer
/// at a time anyway, and each statement here takes microseconds.
///
/// Writes are committed in groups: [`Database::write`] joins the transaction open now
/// (opening one if none is), and returns once a commit covers it. Concurrent writers
/// share one commit, so the WAL appends, file locks and checkpoints a commit costs are
/// paid once per group rather than once per statement; nobody is answered before
/// their write is committed.
#[derive(Clone)]
pub struct Database {
    shared: Arc<Mutex<Shared>>,
}

struct Shared {
    conn: Connection,
    /// The group transaction open now, by number.
    open: Option<u64>,
    next: u64,
    /// Groups whose commit failed (a few recent ones), with why.
    failed: std::collections::VecDeque<(u64, String)>,
    /// Shared with the checkpoint thread.
    wal: Arc<crate::checkpoint::Pacing>,
}

/// A group this writer has not settled yet.
struct Pending<'a> {
    db: &'a Database,
    group: u64,
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        if let Err(e) = self.db.settle(self.group) {
            tracing::error!(error = %e, "a cancelled write's group did not commit");
        }
    }
}

/// The connection, locked.
pub(crate) struct ConnGuard<'a>(MutexGuard<'a, Shared>);

impl std::ops::Deref for ConnGuard<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.0.conn
    }
}

impl std::ops::DerefMut for ConnGuard<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.0.conn
    }
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
        // The WAL is copied back by a thread of its own (below), so that no writer waits
        // through a checkpoint (its page copies and two fsyncs) while holding the one
        // connection: under load that was the slowest answers' wait. This connection
        // checkpoints only should that thread fall far behind.
        conn.pragma_update(
            None,
            "wal_autocheckpoint",
            crate::checkpoint::BACKSTOP_PAGES,
        )?;
        // Every statement is prepared once: parsing SQL was a visible share of a run's cost.
        conn.set_prepared_statement_cache_capacity(128);
        // The bundled SQLite plans with bound values in mind (STAT4): a statement whose
        // LIMIT is a parameter was prepared anew each time it was bound, as the queue's
        // receive was on every poll. One plan per statement, as we want anyway.
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        )?;
        migrate(&conn).with_context(|| format!("migrating database {}", path.display()))?;
        let wal = Arc::new(crate::checkpoint::Pacing::default());
        crate::checkpoint::in_background(path, Arc::downgrade(&wal));
        let shared = Arc::new(Mutex::new(Shared {
            conn,
            open: None,
            next: 1,
            failed: Default::default(),
            wal,
        }));
        Ok(Self { shared })
    }

    /// Runs `f` with the connection (in the open group transaction, if there is one).
    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>,
    ) -> anyhow::Result<T> {
        let mut conn = self.lock();
        Ok(f(&mut conn)?)
    }

    pub(crate) fn lock(&self) -> ConnGuard<'_> {
        ConnGuard(self.shared())
    }

    fn shared(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs the write `op` in a group transaction and waits for its commit. `op` takes
    /// the lock itself (through [`Database::lock`] or [`Database::with`]); whatever it
    /// does while the group is open is committed with the group. An error of the
    /// commit is the error of every write in the group.
    pub(crate) async fn write<T, E: From<anyhow::Error>>(
        &self,
        op: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        let group = self.begin()?;
        if TOGETHER.try_with(|_| ()).is_ok() {
            // Inside [`Database::together`], which waits for the commit at its end.
            return op();
        }
        // Dropped unsettled (the caller was cancelled at the yield), the group is
        // committed at once: it must never stay open holding the write lock.
        let pending = Pending { db: self, group };
        let out = op();
        // Let the other tasks writing now join this group before it commits.
        tokio::task::yield_now().await;
        std::mem::forget(pending);
        self.settle(group)?;
        out
    }

    /// [`Database::write`] of one [`Database::with`]: `f` runs in the group and the
    /// call returns once the group is committed.
    pub(crate) async fn write_with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>,
    ) -> anyhow::Result<T> {
        self.write(|| self.with(f)).await
    }

    /// Runs `delete` (a DELETE of at most `?2` rows expired at `?1`) until a batch
    /// deletes nothing, each batch a write of its own, yielding between them so that
    /// requests are answered meanwhile. How many rows it deleted.
    pub(crate) async fn purge(&self, delete: &str, now: i64) -> anyhow::Result<usize> {
        let mut deleted = 0;
        loop {
            let n = self
                .write_with(|c| c.exec(delete, rusqlite::params![now, PURGE_BATCH]))
                .await?;
            if n == 0 {
                return Ok(deleted);
            }
            deleted += n;
            tokio::task::yield_now().await;
        }
    }

    /// The open group, opened if none is.
    fn begin(&self) -> anyhow::Result<u64> {
        let mut s = self.shared();
        if let Some(open) = s.open {
            return Ok(open);
        }
        // IMMEDIATE: the write lock now, waiting for another process if need be,
        // never a refused upgrade of a read halfway through the group.
        // Prepared once, like every statement here: a group per few runs parsed these anew.
        s.conn.exec("BEGIN IMMEDIATE", [])?;
        let group = s.next;
        s.next += 1;
        s.open = Some(group);
        Ok(group)
    }

    /// Commits `group` unless someone did already; its outcome either way.
    fn settle(&self, group: u64) -> anyhow::Result<()> {
        self.settle_groups(group..=group)
    }

    /// Commits the last of `groups` if it is still open (groups are opened one at a
    /// time, in order, so the others are settled already); an error if any of them
    /// failed.
    fn settle_groups(&self, groups: std::ops::RangeInclusive<u64>) -> anyhow::Result<()> {
        let mut s = self.shared();
        if s.open == Some(*groups.end()) {
            s.commit_open();
        }
        match s.failed.iter().find(|(g, _)| groups.contains(g)) {
            Some((_, why)) => Err(anyhow::anyhow!("the write was not committed: {why}")),
            None => Ok(()),
        }
    }

    /// Runs `work`, whose writes join the open group transaction (opening one if none
    /// is) without waiting for its commit, then waits once for every group opened
    /// meanwhile. So the writes of one request share a commit, and so does anything
    /// it read of another writer's group, before the request is answered.
    pub(crate) async fn together<T>(&self, work: impl Future<Output = T>) -> anyhow::Result<T> {
        if TOGETHER.try_with(|_| ()).is_ok() {
            // Inside another: that one waits for these writes too.
            return Ok(work.await);
        }
        let first = {
            let s = self.shared();
            s.open.unwrap_or(s.next)
        };
        // Dropped before the end (the caller was cancelled), the groups are committed at
        // once: none may stay open holding the write lock.
        let pending = Together { db: self, first };
        let out = TOGETHER.scope((), work).await;
        let (last, open) = {
            let s = self.shared();
            (s.next - 1, s.open)
        };
        if last >= first && open == Some(last) {
            // Let the other tasks writing now join this group before it commits.
            tokio::task::yield_now().await;
        }
        std::mem::forget(pending);
        if last >= first {
            self.settle_groups(first..=last)?;
        }
        Ok(out)
    }
}

tokio::task_local! {
    /// Set on a task while it runs [`Database::together`].
    static TOGETHER: ();
}

/// The groups a cancelled [`Database::together`] joined, to settle on drop.
struct Together<'a> {
    db: &'a Database,
    first: u64,
}

impl Drop for Together<'_> {
    fn drop(&mut self) {
        let last = self.db.shared().next - 1;
        if last >= self.first {
            if let Err(e) = self.db.settle_groups(self.first..=last) {
                tracing::error!(error = %e, "a cancelled unit of writes did not commit");
            }
        }
    }
}

impl Shared {
    /// Commits the open group, or records why it could not be.
    fn commit_open(&mut self) {
        let Some(group) = self.open.take() else {
            return;
        };
        // SQLite rolls a transaction back by itself on some errors (disk full, I/O).
        let outcome = if self.conn.is_autocommit() {
            Err("the database rolled the transaction back after an error".to_string())
        } else {
            self.conn.exec("COMMIT", []).map(|_| ()).map_err(|e| {
                let _ = self.conn.exec("ROLLBACK", []);
                e.to_string()
            })
        };
        match outcome {
            Ok(()) => {
                self.wal.after_commit(&self.conn);
            }
            Err(why) => {
                if self.failed.len() == 64 {
                    self.failed.pop_front();
                }
                self.failed.push_back((group, why));
            }
        }
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
    fn migration_13_keeps_the_queued_messages() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.db");
        let conn = Connection::open(&path).unwrap();
        for sql in &MIGRATIONS[..12] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 12).unwrap();
        conn.execute_batch(
            "INSERT INTO queue (id, body, visible_at, receive_count, receipt, sent_at) VALUES
               ('msg_a', 'body a', 5, 2, 'msg_a:r', 1), ('msg_b', 'body b', 3, 0, NULL, 2);",
        )
        .unwrap();
        drop(conn);

        let db = Database::open(&path, Durability::Process).unwrap();
        let rows = |sql: &str| -> Vec<String> {
            db.with(|c| {
                let mut stmt = c.prepare(sql)?;
                let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
                rows.collect()
            })
            .unwrap()
        };
        assert_eq!(
            rows("SELECT id || ' ' || body || ' ' || visible_at || ' ' || receive_count || ' ' || coalesce(receipt, '-') || ' ' || sent_at FROM queue ORDER BY visible_at"),
            ["msg_b body b 3 0 - 2", "msg_a body a 5 2 msg_a:r 1"]
        );
        let without_rowid = rows(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%WITHOUT ROWID'",
        );
        assert_eq!(without_rowid, ["queue"]);
        let indexes =
            rows("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'queue'");
        assert_eq!(indexes, ["queue_by_visibility"]);
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
    fn a_statement_is_not_prepared_again_when_its_parameters_change() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("j.db"), Durability::Process).unwrap();
        let reprepared = db
            .with(|c| {
                let sql =
                    "SELECT id FROM queue WHERE visible_at <= ?1 ORDER BY visible_at LIMIT ?2";
                for (at, limit) in [(1i64, 2i64), (5, 20), (9, 7)] {
                    let mut select = c.prepare_cached(sql)?;
                    select
                        .query_map([at, limit], |r| r.get::<_, String>(0))?
                        .count();
                }
                let select = c.prepare_cached(sql)?;
                Ok(select.get_status(rusqlite::StatementStatus::RePrepare))
            })
            .unwrap();
        assert_eq!(reprepared, 0);
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
    /// Rows in `meta` as another process sees them: committed ones only.
    fn committed_keys(path: &Path) -> i64 {
        let other = Connection::open(path).unwrap();
        other
            .query_row("SELECT count(*) FROM meta", [], |r| r.get(0))
            .unwrap()
    }

    fn insert(db: &Database, key: &str) -> anyhow::Result<usize> {
        db.with(|c| c.execute("INSERT INTO meta (key, value) VALUES (?1, x'00')", [key]))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_writes_each_return_committed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.db");
        let db = Database::open(&path, Durability::Process).unwrap();
        let writers: Vec<_> = (0..200)
            .map(|i| {
                let (db, path) = (db.clone(), path.clone());
                tokio::spawn(async move {
                    let key = format!("k{i}");
                    db.write(|| insert(&db, &key)).await.unwrap();
                    // Answered only once committed: another process sees it.
                    let other = Connection::open(&path).unwrap();
                    let found: i64 = other
                        .query_row("SELECT count(*) FROM meta WHERE key = ?1", [&key], |r| {
                            r.get(0)
                        })
                        .unwrap();
                    assert_eq!(found, 1, "{key} was answered before its commit");
                })
            })
            .collect();
        for w in writers {
            w.await.unwrap();
        }
        assert_eq!(committed_keys(&path), 200);
        assert!(db.shared().open.is_none(), "no group left open");
    }

    #[tokio::test]
    async fn a_cancelled_write_is_committed_not_left_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.db");
        let db = Database::open(&path, Durability::Process).unwrap();
        let write = db.write(|| insert(&db, "cancelled"));
        // Polled once (the write runs, then yields to let others join), then dropped.
        let mut write = Box::pin(write);
        assert!(futures_poll_once(&mut write).await.is_none());
        drop(write);
        assert!(db.shared().open.is_none(), "the group was settled on drop");
        assert_eq!(committed_keys(&path), 1);
    }

    #[tokio::test]
    async fn writes_at_once_share_one_commit_and_a_failed_one_spoils_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.db");
        let db = Database::open(&path, Durability::Process).unwrap();
        let groups_before = db.shared().next;
        let (a, dup, b) = tokio::join!(
            db.write(|| insert(&db, "a")),
            db.write(|| insert(&db, "a")),
            db.write(|| insert(&db, "b"))
        );
        assert!(a.is_ok() && b.is_ok());
        assert!(dup.is_err(), "the duplicate key is refused");
        assert_eq!(committed_keys(&path), 2);
        assert_eq!(
            db.shared().next - groups_before,
            1,
            "one commit for the three"
        );
    }

    #[tokio::test]
    async fn writes_made_together_share_one_commit_made_before_the_answer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.db");
        let db = Database::open(&path, Durability::Process).unwrap();
        let groups_before = db.shared().next;
        let seen_inside = db
            .together(async {
                for key in ["a", "b", "c"] {
                    db.write(|| insert(&db, key)).await.unwrap();
                }
                // Not committed yet: the commit waits for the end.
                committed_keys(&path)
            })
            .await
            .unwrap();
        assert_eq!(seen_inside, 0);
        assert_eq!(
            committed_keys(&path),
            3,
            "committed before together returned"
        );
        assert_eq!(
            db.shared().next - groups_before,
            1,
            "one commit for the three"
        );
        assert!(db.shared().open.is_none());
        // Nested: the inner one leaves the commit to the outer.
        let inner_saw = db
            .together(async {
                db.together(async { db.write(|| insert(&db, "d")).await.unwrap() })
                    .await
                    .unwrap();
                committed_keys(&path)
            })
            .await
            .unwrap();
        assert_eq!((inner_saw, committed_keys(&path)), (3, 4));
    }

    #[tokio::test]
    async fn together_waits_for_the_open_group_it_may_have_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.db");
        let db = Database::open(&path, Durability::Process).unwrap();
        // Another writer's group, written and not committed yet.
        let mut other = Box::pin(db.write(|| insert(&db, "theirs")));
        assert!(futures_poll_once(&mut other).await.is_none());
        assert_eq!(committed_keys(&path), 0);
        // Reads it, writes nothing: answered only once what it read is durable.
        let read = db
            .together(async {
                db.with(|c| c.query_row("SELECT count(*) FROM meta", [], |r| r.get::<_, i64>(0)))
            })
            .await
            .unwrap()
            .unwrap();
        assert_eq!((read, committed_keys(&path)), (1, 1));
        other.await.unwrap();
    }

    /// Waits until the database file holds `bytes` more than `before`, within `limit`.
    async fn file_grows(path: &Path, before: u64, bytes: u64, limit: std::time::Duration) {
        let deadline = std::time::Instant::now() + limit;
        while std::fs::metadata(path).unwrap().len() < before + bytes {
            assert!(
                std::time::Instant::now() < deadline,
                "no checkpoint within {limit:?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    async fn insert_pages(db: &Database, from: usize, count: usize) {
        db.write_with(|c| {
            for i in from..from + count {
                c.execute(
                    "INSERT INTO meta (key, value) VALUES (?1, zeroblob(4000))",
                    [format!("k{i}")],
                )?;
            }
            Ok(())
        })
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn the_wal_is_copied_back_after_enough_commits_without_a_writer_doing_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.db");
        let db = Database::open(&path, Durability::Process).unwrap();
        let before = std::fs::metadata(&path).unwrap().len();
        // Far below the writer's own checkpoint threshold: only the thread copies them,
        // and sooner than a quiet database's wait.
        for i in 0..crate::checkpoint::COMMITS_PER_CHECKPOINT as usize {
            insert_pages(&db, i, 1).await;
        }
        let bytes = crate::checkpoint::COMMITS_PER_CHECKPOINT * 4000;
        file_grows(&path, before, bytes, std::time::Duration::from_secs(4)).await;
    }

    #[tokio::test]
    async fn under_steady_writes_the_wal_starts_over_long_before_the_backstop() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.db");
        let wal = dir.path().join("j.db-wal");
        let db = Database::open(&path, Durability::Process).unwrap();
        // A thousand commits a second, as a busy server makes them, each rewriting 12 of
        // the same 400 pages: the WAL grows by several thousand pages a second. Unrestarted,
        // it would grow to the backstop (64 MB) before the writer copied it back itself.
        let (mut largest, mut total_pages) = (0, 0);
        for commit in 0..2_000 {
            db.write_with(|c| {
                for i in 0..12 {
                    c.execute(
                        "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, zeroblob(4000))",
                        [format!("k{}", (commit * 12 + i) % 400)],
                    )?;
                }
                // The time a busy server's group stays open: a transaction is always
                // open, so a checkpoint never ends between two of them by chance.
                std::thread::sleep(std::time::Duration::from_millis(1));
                Ok(())
            })
            .await
            .unwrap();
            total_pages += 12;
            if commit % 50 == 0 {
                largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
            }
        }
        let backstop = crate::checkpoint::BACKSTOP_PAGES as u64 * 4096;
        assert!(
            total_pages * 4096 > backstop,
            "the test writes past the backstop"
        );
        assert!(
            largest < backstop / 4 * 3,
            "the WAL grew to {largest} bytes, near the backstop's {backstop}"
        );
        let rows = db
            .with(|c| {
                c.query_row(
                    "SELECT count(*) FROM meta WHERE length(value) = 4000",
                    [],
                    |r| r.get::<_, i64>(0),
                )
            })
            .unwrap();
        assert_eq!(rows, 400, "every row is there after the WAL started over");
    }

    #[tokio::test]
    async fn a_quiet_database_is_checkpointed_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.db");
        let db = Database::open(&path, Durability::Process).unwrap();
        let before = std::fs::metadata(&path).unwrap().len();
        insert_pages(&db, 0, 50).await;
        file_grows(&path, before, 50 * 4000, std::time::Duration::from_secs(15)).await;
    }

    #[tokio::test]
    async fn a_cancelled_together_commits_what_it_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.db");
        let db = Database::open(&path, Durability::Process).unwrap();
        let mut work = Box::pin(db.together(async {
            db.write(|| insert(&db, "first")).await.unwrap();
            tokio::task::yield_now().await;
            db.write(|| insert(&db, "never")).await.unwrap();
        }));
        assert!(futures_poll_once(&mut work).await.is_none());
        drop(work);
        assert!(db.shared().open.is_none(), "no group left open");
        assert_eq!(committed_keys(&path), 1);
    }

    /// Polls a future once: `Some` if it finished.
    async fn futures_poll_once<F: std::future::Future + Unpin>(f: &mut F) -> Option<F::Output> {
        std::future::poll_fn(|cx| {
            std::task::Poll::Ready(match std::pin::Pin::new(&mut *f).poll(cx) {
                std::task::Poll::Ready(out) => Some(out),
                std::task::Poll::Pending => None,
            })
        })
        .await
    }
}
