//! `BookkeepingStore` and `DueStore` on SQLite: dedupe keys, task counters, leases,
//! holds and due items, small atomic operations whose
//! expiry is checked against `now` on every call.

use std::time::Duration;

use chrono::{DateTime, Utc};
use junction_core::model::{DueItem, Usage};
use junction_core::ports::{BookkeepingStore, DueStore, StoreError};
use rusqlite::{params, OptionalExtension};

use super::{from_json, sql_err, to_json, SqliteStore};
use crate::db::{millis, Cached};
use crate::savepoint::Savepoint;

type R<T> = Result<T, StoreError>;

/// Expired claims among the oldest: rowids follow insertion, and a claim's expiry its
/// insertion by one of two fixed windows (a week for runs, minutes for OAuth states),
/// so the oldest rows are the first to expire. An index on expiry would cost every
/// run's claim another b-tree write, out of order within a millisecond; reading the
/// head of the table costs nothing. A key taken over after it expired keeps its old
/// rowid and may sit at the head unexpired: the batch goes past it.
pub(crate) const PURGE_CLAIMS: &str = "DELETE FROM dedupe WHERE rowid IN (SELECT rowid FROM dedupe ORDER BY rowid LIMIT ?2) AND expires_at <= ?1";

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl SqliteStore {
    /// Deletes claims and dedupe keys past their expiry (they already count as free), a
    /// batch at a time; the embedded server calls this beside the run retention, as
    /// DynamoDB's TTL would.
    pub async fn purge_expired_claims(&self, now: DateTime<Utc>) -> R<usize> {
        Ok(self.db.purge(PURGE_CLAIMS, millis(now)).await?)
    }
}

impl BookkeepingStore for SqliteStore {
    async fn insert_dedupe(&self, key: &str, now: DateTime<Utc>, ttl: Duration) -> R<bool> {
        self.db.write(|| {
            let now = millis(now);
            self.run(|c| {
                // Inserts, or takes over a key whose earlier use has expired; one statement,
                // so concurrent callers cannot both win.
                let changed = c
                    .exec(
                        "INSERT INTO dedupe (key, expires_at) VALUES (?1, ?2)
                         ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE dedupe.expires_at <= ?3",
                        params![key, now + ms(ttl), now],
                    )
                    .map_err(sql_err)?;
                Ok(changed == 1)
            })
        })
        .await
    }

    async fn claim_key(
        &self,
        key: &str,
        value: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> R<Option<String>> {
        self.db.write(|| {
            let now = millis(now);
            // No savepoint: the one write is a single statement, and the lookup after a
            // lost claim writes nothing (two statements fewer for every webhook run).
            self.run(|c| {
                let changed = c
                    .exec(
                        "INSERT INTO dedupe (key, expires_at, value) VALUES (?1, ?2, ?3)
                         ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at, value = excluded.value
                         WHERE dedupe.expires_at <= ?4",
                        params![key, now + ms(ttl), value, now],
                    )
                    .map_err(sql_err)?;
                if changed == 1 {
                    return Ok(None);
                }
                c.row("SELECT coalesce(value, '') FROM dedupe WHERE key = ?1", params![key], |r| {
                    r.get::<_, String>(0)
                })
                .map(Some)
                .map_err(sql_err)
            })
        })
        .await
    }

    async fn add_tasks(&self, ws: &str, user: &str, month: &str, tasks: u64) -> R<(u64, u64)> {
        self.db
            .write(|| {
                self.run(|c| {
                    let tx = Savepoint::begin(c).map_err(sql_err)?;
                    let totals = add_to_counters(&tx, ws, user, month, tasks)?;
                    tx.commit().map_err(sql_err)?;
                    Ok(totals)
                })
            })
            .await
    }

    async fn usage(&self, ws: &str, month: &str) -> R<Usage> {
        self.run(|c| {
            let poll_requests: i64 = c
                .row(
                    "SELECT n FROM poll_requests WHERE ws = ?1 AND month = ?2",
                    params![ws, month],
                    |r| r.get(0),
                )
                .optional()
                .map_err(sql_err)?
                .unwrap_or(0);
            let mut stmt = c
                .prepare_cached("SELECT user_id, tasks FROM counters WHERE ws = ?1 AND month = ?2")
                .map_err(sql_err)?;
            let mut usage = Usage {
                month: month.into(),
                total: 0,
                per_user: Default::default(),
                poll_requests: poll_requests as u64,
            };
            let rows = stmt
                .query_map(params![ws, month], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
                })
                .map_err(sql_err)?;
            for row in rows {
                let (user, tasks) = row.map_err(sql_err)?;
                if user.is_empty() {
                    usage.total = tasks as u64;
                } else {
                    usage.per_user.insert(user, tasks as u64);
                }
            }
            Ok(usage)
        })
    }

    async fn add_poll_requests(&self, ws: &str, month: &str, requests: u64) -> R<u64> {
        self.db
            .write(|| {
                self.run(|c| {
                    c.row(
                        "INSERT INTO poll_requests (ws, month, n) VALUES (?1, ?2, ?3)
                     ON CONFLICT (ws, month) DO UPDATE SET n = n + excluded.n RETURNING n",
                        params![ws, month, requests as i64],
                        |r| r.get::<_, i64>(0),
                    )
                    .map(|n| n as u64)
                    .map_err(sql_err)
                })
            })
            .await
    }

    async fn hold(&self, name: &str, until: DateTime<Utc>) -> R<()> {
        self.db.write(|| {
            self.run(|c| {
                c.exec(
                    "INSERT INTO holds (name, until_at) VALUES (?1, ?2)
                     ON CONFLICT (name) DO UPDATE SET until_at = MAX(holds.until_at, excluded.until_at)",
                    params![name, millis(until)],
                )
                .map(|_| ())
                .map_err(sql_err)
            })
        })
        .await
    }

    async fn count_in_window(&self, name: &str, window: i64, _expires_at: DateTime<Utc>) -> R<u64> {
        self.db
            .write(|| {
                self.run(|c| {
                    let n: i64 = c
                        .row(
                            "INSERT INTO rate_windows (name, window, n) VALUES (?1, ?2, 1)
                             ON CONFLICT (name) DO UPDATE SET
                               n = CASE WHEN excluded.window > rate_windows.window THEN 1 ELSE rate_windows.n + 1 END,
                               window = MAX(rate_windows.window, excluded.window)
                             RETURNING n",
                            params![name, window],
                            |r| r.get(0),
                        )
                        .map_err(sql_err)?;
                    Ok(n as u64)
                })
            })
            .await
    }

    async fn held_until(&self, name: &str, now: DateTime<Utc>) -> R<Option<DateTime<Utc>>> {
        self.run(|c| {
            let until: Option<i64> = c
                .row(
                    "SELECT until_at FROM holds WHERE name = ?1 AND until_at > ?2",
                    params![name, millis(now)],
                    |r| r.get(0),
                )
                .optional()
                .map_err(sql_err)?;
            Ok(until.and_then(DateTime::from_timestamp_millis))
        })
    }

    async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> R<bool> {
        self.db.write(|| {
            let now = millis(now);
            self.run(|c| {
                let changed = c
                    .exec(
                        "INSERT INTO leases (name, holder, expires_at) VALUES (?1, ?2, ?3)
                         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                         WHERE leases.expires_at <= ?4 OR leases.holder = excluded.holder",
                        params![name, holder, now + ms(ttl), now],
                    )
                    .map_err(sql_err)?;
                Ok(changed == 1)
            })
        })
        .await
    }

    async fn renew_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> R<bool> {
        self.db.write(|| {
            let now = millis(now);
            self.run(|c| {
                let changed = c
                    .exec(
                        "UPDATE leases SET expires_at = ?3 WHERE name = ?1 AND holder = ?2 AND expires_at > ?4",
                        params![name, holder, now + ms(ttl), now],
                    )
                    .map_err(sql_err)?;
                Ok(changed == 1)
            })
        })
        .await
    }

    async fn release_lease(&self, name: &str, holder: &str) -> R<()> {
        self.db
            .write(|| {
                self.run(|c| {
                    c.exec(
                        "DELETE FROM leases WHERE name = ?1 AND holder = ?2",
                        params![name, holder],
                    )
                    .map(|_| ())
                    .map_err(sql_err)
                })
            })
            .await
    }
}

impl DueStore for SqliteStore {
    async fn put_due(&self, item: &DueItem) -> R<()> {
        self.db.write(|| {
            let body = to_json(item)?;
            self.run(|c| {
                c.exec(
                    "INSERT INTO due (key, ws, due_at, body) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (key) DO UPDATE SET ws = excluded.ws, due_at = excluded.due_at, body = excluded.body",
                    params![item.key, item.workspace_id, millis(item.due_at), body],
                )
                .map(|_| ())
                .map_err(sql_err)
            })
        })
        .await
    }

    async fn due_before(&self, now: DateTime<Utc>, limit: usize) -> R<Vec<DueItem>> {
        self.run(|c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT body FROM due WHERE due_at <= ?1 ORDER BY due_at, key LIMIT ?2",
                )
                .map_err(sql_err)?;
            let rows: Vec<String> = stmt
                .query_map(params![millis(now), limit as i64], |r| r.get(0))
                .map_err(sql_err)?
                .collect::<Result<_, _>>()
                .map_err(sql_err)?;
            rows.iter().map(|b| from_json(b)).collect()
        })
    }

    async fn move_due(&self, item: &DueItem, from: DateTime<Utc>) -> R<bool> {
        self.db
            .write(|| {
                let body = to_json(item)?;
                self.run(|c| {
                    let changed = c
                        .exec(
                            "UPDATE due SET due_at = ?3, body = ?4 WHERE key = ?1 AND due_at = ?2",
                            params![item.key, millis(from), millis(item.due_at), body],
                        )
                        .map_err(sql_err)?;
                    Ok(changed == 1)
                })
            })
            .await
    }

    async fn add_due_if_absent(&self, item: &DueItem) -> R<bool> {
        self.db.write(|| {
            let body = to_json(item)?;
            self.run(|c| {
                c.exec(
                    "INSERT INTO due (key, ws, due_at, body) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (key) DO NOTHING",
                    params![item.key, item.workspace_id, millis(item.due_at), body],
                )
                .map(|n| n == 1)
                .map_err(sql_err)
            })
        })
        .await
    }

    async fn get_due(&self, key: &str) -> R<Option<DueItem>> {
        self.run(|c| {
            let body: Option<String> = c
                .row("SELECT body FROM due WHERE key = ?1", params![key], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(sql_err)?;
            body.as_deref().map(from_json).transpose()
        })
    }

    async fn remove_due(&self, key: &str, due_at: DateTime<Utc>) -> R<bool> {
        self.db
            .write(|| {
                self.run(|c| {
                    c.exec(
                        "DELETE FROM due WHERE key = ?1 AND due_at = ?2",
                        params![key, millis(due_at)],
                    )
                    .map(|n| n == 1)
                    .map_err(sql_err)
                })
            })
            .await
    }
}

/// Adds tasks to the workspace's and the user's counters of the month, in the caller's
/// transaction: [`add_to_counters`] without reading the totals back, in one statement,
/// for a run's checkpoint (two upserts with `RETURNING` were 6% of a run's instructions).
pub(super) fn count_tasks(
    c: &rusqlite::Connection,
    ws: &str,
    user: &str,
    month: &str,
    tasks: u64,
) -> R<()> {
    c.exec(
        "INSERT INTO counters (ws, month, user_id, tasks) VALUES (?1, ?2, '', ?4), (?1, ?2, ?3, ?4)
         ON CONFLICT (ws, month, user_id) DO UPDATE SET tasks = tasks + excluded.tasks",
        params![ws, month, user, tasks as i64],
    )
    .map_err(sql_err)?;
    Ok(())
}

/// Adds tasks to the workspace's and the user's counters of the month, in the caller's
/// transaction; returns both totals. The workspace total is kept under the empty user id.
pub(super) fn add_to_counters(
    c: &rusqlite::Connection,
    ws: &str,
    user: &str,
    month: &str,
    tasks: u64,
) -> R<(u64, u64)> {
    let mut totals = [0u64; 2];
    for (slot, who) in [(0, ""), (1, user)] {
        totals[slot] = c
            .row(
                "INSERT INTO counters (ws, month, user_id, tasks) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (ws, month, user_id) DO UPDATE SET tasks = tasks + excluded.tasks RETURNING tasks",
                params![ws, month, who, tasks as i64],
                |r| r.get::<_, i64>(0),
            )
            .map_err(sql_err)? as u64;
    }
    Ok((totals[0], totals[1]))
}
