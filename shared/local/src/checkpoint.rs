//! Copying the WAL back into the database file, from a thread and a connection of
//! its own, so that no writer holding the shared connection waits through it.

use std::ffi::{c_int, c_void};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Weak;
use std::time::{Duration, Instant};

use rusqlite::{ffi, Connection};

/// How often the thread looks at the commits made since its last checkpoint.
const LOOK_EVERY: Duration = Duration::from_millis(50);
/// Commits after which it checkpoints: at a few thousand runs a second, about as
/// often as the 4,000-page autocheckpoint did. Paced by work rather than by time, the
/// cost per run does not depend on how fast the machine runs (as under valgrind), and
/// each page rewritten over and over in between is copied back once.
pub(crate) const COMMITS_PER_CHECKPOINT: u64 = 200;
/// The least time between two checkpoints: a busy server makes hundreds of commits
/// a second, and a checkpoint every 200 of them cost more CPU per run (copies of the
/// same hot pages, and fsyncs) than one every 250 ms. Every 100 ms cost 3-5% more
/// CPU per run, and the slowest answers were no quicker.
const MIN_GAP: Duration = Duration::from_millis(250);
/// A quieter database is checkpointed this long after its last checkpoint, if it
/// committed anything since.
const QUIET_AFTER: Duration = Duration::from_secs(5);
/// WAL pages (64 MB) past which the writing connection checkpoints after all.
pub(crate) const BACKSTOP_PAGES: i64 = 16_000;
/// WAL pages (4 MB) past which the thread, having copied them back, has the writer
/// copy back the few committed since, so that the WAL starts over.
const RESTART_PAGES: i64 = 1_000;

/// What the writing connection and the checkpoint thread tell each other.
#[derive(Default)]
pub(crate) struct Pacing {
    /// Commits so far, which the thread paces itself by.
    commits: AtomicU64,
    /// Set by the thread once it has copied back a long WAL: the writer's next commit
    /// then copies back the rest (see [`Pacing::after_commit`]).
    finish: AtomicBool,
}

impl Pacing {
    /// Called by the writer after each commit, with no transaction open.
    ///
    /// SQLite starts the WAL over only when a write transaction begins with every
    /// frame copied back, which a busy writer never sees: the thread's checkpoints
    /// end behind the commits made while they ran. So the WAL grew to the backstop,
    /// where the writer copied back all the thread had not, then fsynced 40 MB of
    /// database pages: every request stalled 20-30 ms, three times a second. Asked by
    /// the thread, the writer copies back only the pages committed since the thread's
    /// last checkpoint (1-2 ms), and its next transaction starts the WAL over.
    pub(crate) fn after_commit(&self, conn: &Connection) {
        self.commits.fetch_add(1, Ordering::Relaxed);
        if self.finish.load(Ordering::Relaxed) && self.finish.swap(false, Ordering::Relaxed) {
            if let Err(e) = passive(conn) {
                tracing::warn!(error = %e, "copying back the end of the WAL failed; the checkpoint thread asks again");
            }
        }
    }
}

/// A passive checkpoint; the pages the WAL held when it began.
fn passive(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
}

/// Copies the WAL back into the database file from a connection of its own, every
/// [`COMMITS_PER_CHECKPOINT`] commits but at most every [`MIN_GAP`] (or after
/// [`QUIET_AFTER`] when there are fewer commits), until the database is closed
/// (nothing holds `pacing` any more). A passive checkpoint never waits for a writer or
/// a reader, nor makes one wait.
///
/// It also does, off the writer's thread, the disk writes that the writer would
/// otherwise wait for or be slowed by: each time, it flushes the WAL the writer
/// appended meanwhile (with `synchronous=NORMAL` nothing else does until a
/// checkpoint, which then flushed 40 MB at once while the writer's appends slowed to
/// a crawl), and it flushes the pages a checkpoint copied before asking the writer to
/// finish (else the writer's own checkpoint, which ends in an fsync of the database
/// file, would wait for them).
pub(crate) fn in_background(path: &Path, pacing: Weak<Pacing>) {
    let path = path.to_path_buf();
    let spawned = std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            let conn = match Connection::open(&path) {
                Ok(conn) => conn,
                Err(e) => {
                    tracing::warn!(error = %e, "no checkpoint thread; writers checkpoint the WAL themselves, at the backstop size");
                    return;
                }
            };
            let (mut seen, mut done, mut at) = (0, 0, Instant::now());
            loop {
                std::thread::sleep(LOOK_EVERY);
                let Some(pacing) = pacing.upgrade() else {
                    return;
                };
                let now = pacing.commits.load(Ordering::Relaxed);
                if now > seen {
                    flush(&conn, ffi::SQLITE_FCNTL_JOURNAL_POINTER);
                    seen = now;
                }
                let due = now - done >= COMMITS_PER_CHECKPOINT && at.elapsed() >= MIN_GAP
                    || now > done && at.elapsed() >= QUIET_AFTER;
                if !due {
                    continue;
                }
                match passive(&conn) {
                    Err(e) => tracing::warn!(error = %e, "checkpointing the WAL failed; trying again"),
                    Ok(pages) if pages >= RESTART_PAGES => {
                        // Once more, for what was committed during the first: the
                        // writer is then left what a few milliseconds commit.
                        if passive(&conn).is_ok() && flush(&conn, ffi::SQLITE_FCNTL_FILE_POINTER) {
                            pacing.finish.store(true, Ordering::Relaxed);
                        }
                    }
                    Ok(_) => {}
                }
                (done, at) = (now, Instant::now());
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no checkpoint thread; writers checkpoint the WAL themselves, at the backstop size");
    }
}

/// Flushes to disk the database file (`SQLITE_FCNTL_FILE_POINTER`) or the WAL
/// (`SQLITE_FCNTL_JOURNAL_POINTER`) through `conn`'s own open file, as SQLite's own
/// syncs do; false if the file is not open or the flush failed.
///
/// Through SQLite's file rather than one opened here: closing any descriptor of the
/// database file drops every POSIX lock this process holds on it, SQLite's included.
fn flush(conn: &Connection, which: c_int) -> bool {
    let mut file: *mut ffi::sqlite3_file = std::ptr::null_mut();
    // SAFETY: the handle is this thread's own open connection, and the file control
    // only writes the pointer to SQLite's file object for `main`, which stays valid
    // while the connection is open and not used elsewhere meanwhile: `conn` is used
    // by this thread alone.
    unsafe {
        let rc = ffi::sqlite3_file_control(
            conn.handle(),
            c"main".as_ptr(),
            which,
            (&raw mut file).cast::<c_void>(),
        );
        if rc != ffi::SQLITE_OK || file.is_null() || (*file).pMethods.is_null() {
            return false;
        }
        match (*(*file).pMethods).xSync {
            Some(sync) => sync(file, ffi::SQLITE_SYNC_NORMAL) == ffi::SQLITE_OK,
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_thread_flushes_the_wal_and_the_database_through_its_own_connection() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.db");
        let writer = Connection::open(&path).unwrap();
        writer
            .execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
        let thread = Connection::open(&path).unwrap();
        assert!(
            flush(&thread, ffi::SQLITE_FCNTL_FILE_POINTER),
            "the database file is open from the start"
        );
        // The WAL is opened by the connection's first read, here its first checkpoint;
        // after that every flush of it goes through.
        assert!(!flush(&thread, ffi::SQLITE_FCNTL_JOURNAL_POINTER));
        assert_eq!(passive(&thread).unwrap(), 3);
        assert!(flush(&thread, ffi::SQLITE_FCNTL_JOURNAL_POINTER));
        writer.execute("INSERT INTO t VALUES (2)", []).unwrap();
        assert!(flush(&thread, ffi::SQLITE_FCNTL_JOURNAL_POINTER));
    }
}
