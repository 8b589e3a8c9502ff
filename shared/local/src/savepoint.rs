//! A savepoint around one operation inside the open group transaction, with its
//! statements prepared once.
//!
//! Every write shares a group commit (see `db`), so each operation that writes more than
//! one row does so in a savepoint: a failed one rolls back its own rows and spoils no
//! one else's. rusqlite's `Savepoint` parses `SAVEPOINT` and `RELEASE` anew each time;
//! at two per run that parsing was a visible share of a run's instructions.

use rusqlite::Connection;

use crate::db::Cached;

/// Rolled back when dropped without [`Savepoint::commit`].
pub(crate) struct Savepoint<'c> {
    conn: &'c Connection,
    released: bool,
}

impl<'c> Savepoint<'c> {
    pub(crate) fn begin(conn: &'c Connection) -> rusqlite::Result<Self> {
        conn.exec("SAVEPOINT op", [])?;
        Ok(Self {
            conn,
            released: false,
        })
    }

    /// Keeps what the operation wrote (in the group, which commits it). Should the
    /// release fail, dropping `self` rolls the operation back, as rusqlite's does.
    pub(crate) fn commit(mut self) -> rusqlite::Result<()> {
        self.conn.exec("RELEASE op", [])?;
        self.released = true;
        Ok(())
    }
}

impl std::ops::Deref for Savepoint<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for Savepoint<'_> {
    fn drop(&mut self) {
        if !self.released {
            // Undo this operation's rows, then leave the savepoint (ROLLBACK TO keeps it open).
            let _ = self.conn.exec("ROLLBACK TO op", []);
            let _ = self.conn.exec("RELEASE op", []);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Savepoint;
    use crate::db::Cached;

    fn conn() -> rusqlite::Connection {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE t (n INTEGER); BEGIN")
            .unwrap();
        c
    }

    fn count(c: &rusqlite::Connection) -> i64 {
        c.row("SELECT COUNT(*) FROM t", [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn a_committed_savepoint_keeps_its_rows_and_a_dropped_one_undoes_only_its_own() {
        let c = conn();
        c.exec("INSERT INTO t VALUES (1)", []).unwrap();
        let kept = Savepoint::begin(&c).unwrap();
        kept.exec("INSERT INTO t VALUES (2)", []).unwrap();
        kept.commit().unwrap();
        {
            let dropped = Savepoint::begin(&c).unwrap();
            dropped.exec("INSERT INTO t VALUES (3)", []).unwrap();
        }
        assert_eq!(count(&c), 2);
        // Prepared once, used again: a second round behaves the same.
        let again = Savepoint::begin(&c).unwrap();
        again.exec("INSERT INTO t VALUES (4)", []).unwrap();
        drop(again);
        assert_eq!(count(&c), 2);
        // The enclosing transaction is still open and whole.
        assert!(!c.is_autocommit());
    }

    #[test]
    fn savepoints_nest() {
        let c = conn();
        let outer = Savepoint::begin(&c).unwrap();
        outer.exec("INSERT INTO t VALUES (1)", []).unwrap();
        {
            let inner = Savepoint::begin(&outer).unwrap();
            inner.exec("INSERT INTO t VALUES (2)", []).unwrap();
        }
        assert_eq!(count(&outer), 1);
        outer.commit().unwrap();
        assert_eq!(count(&c), 1);
        assert!(!c.is_autocommit());
    }
}
