//! Copying the WAL back into the database file, from a thread and a connection of
//! its own, so that no writer holding the shared connection waits through it.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Weak;
use std::time::{Duration, Instant};

use rusqlite::Connection;

/// How often the thread looks at the commits made since its last checkpoint.
const LOOK_EVERY: Duration = Duration::from_millis(50);
/// Commits after which it checkpoints: at a few thousand runs a second, about as
/// often as the 4,000-page autocheckpoint did. Paced by work rather than by time, the
/// cost per run does not depend on how fast the machine runs (as under valgrind), and
/// each page rewritten over and over in between is copied back once.
pub(crate) const COMMITS_PER_CHECKPOINT: u64 = 200;
/// The least time between two checkpoints: a busy server makes hundreds of commits
/// a second, and a checkpoint every 200 of them cost more CPU per run (copies of the
/// same hot pages, and fsyncs) than one every 250 ms.
const MIN_GAP: Duration = Duration::from_millis(250);
/// A quieter database is checkpointed this long after its last checkpoint, if it
/// committed anything since.
const QUIET_AFTER: Duration = Duration::from_secs(5);
/// WAL pages (64 MB) past which the writing connection checkpoints after all.
pub(crate) const BACKSTOP_PAGES: i64 = 16_000;

/// Copies the WAL back into the database file from a connection of its own, every
/// [`COMMITS_PER_CHECKPOINT`] commits but at most every [`MIN_GAP`] (or after
/// [`QUIET_AFTER`] when there are fewer commits), until
/// the database is closed (nothing holds `commits` any more). A passive checkpoint
/// never waits for a writer or a reader, nor makes one wait.
pub(crate) fn in_background(path: &Path, commits: Weak<AtomicU64>) {
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
            let (mut done, mut at) = (0, Instant::now());
            loop {
                std::thread::sleep(LOOK_EVERY);
                let Some(now) = commits.upgrade().map(|c| c.load(Ordering::Relaxed)) else {
                    return;
                };
                let due = now - done >= COMMITS_PER_CHECKPOINT && at.elapsed() >= MIN_GAP
                    || now > done && at.elapsed() >= QUIET_AFTER;
                if !due {
                    continue;
                }
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::warn!(error = %e, "checkpointing the WAL failed; trying again");
                }
                (done, at) = (now, Instant::now());
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no checkpoint thread; writers checkpoint the WAL themselves, at the backstop size");
    }
}
