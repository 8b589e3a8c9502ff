//! Copying the WAL back into the database file, from a thread and a connection of
//! its own, so that no writer holding the shared connection waits through it.

use std::path::Path;
use std::sync::Weak;
use std::time::Duration;

use rusqlite::Connection;

/// How often the checkpoint thread copies the WAL back: about as often as the
/// 4,000-page autocheckpoint did at a few thousand runs a second, and each page a busy
/// server rewrites over and over is copied once per round however often it changed.
const EVERY: Duration = Duration::from_millis(250);
/// WAL pages (64 MB) past which the writing connection checkpoints after all.
pub(crate) const BACKSTOP_PAGES: i64 = 16_000;

/// Copies the WAL back into the database file every [`EVERY`], from a
/// connection of its own, until the database is no longer open. A passive checkpoint
/// never waits for a writer or a reader, nor makes one wait.
pub(crate) fn in_background<T: Send + Sync + 'static>(path: &Path, open: Weak<T>) {
    let path = path.to_path_buf();
    let spawned = std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            let conn = match Connection::open(&path) {
                Ok(conn) => conn,
                Err(e) => {
                    tracing::warn!(error = %e, "no checkpoint thread; writers checkpoint the WAL themselves");
                    return;
                }
            };
            loop {
                std::thread::sleep(EVERY);
                if open.strong_count() == 0 {
                    return;
                }
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::warn!(error = %e, "checkpointing the WAL failed; trying again");
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no checkpoint thread; writers checkpoint the WAL themselves");
    }
}
