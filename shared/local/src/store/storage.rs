//! `StorageStore` on SQLite: one row per stored value, its expiry a column checked
//! against `now` in every statement, and conditional writes in one statement each.

use chrono::{DateTime, Utc};
use junction_core::model::{StoredValue, Version};
use junction_core::ports::{Expect, StorageStore, StoreError, MAX_RECORD_BYTES};
use rusqlite::params;

use super::{sql_err, to_json, SqliteStore};
use crate::db::{millis, Cached};

type R<T> = Result<T, StoreError>;

/// Stored values past their expiry, a batch (`?2`) at a time, through the partial
/// expiry index (whose condition the query repeats).
pub(crate) const PURGE_VALUES: &str =
    "DELETE FROM stored_values WHERE rowid IN (SELECT rowid FROM stored_values
     WHERE expires_at IS NOT NULL AND expires_at <= ?1 LIMIT ?2)";

/// Rows that are live at `?now`: no expiry, or one still ahead.
const LIVE: &str = "(expires_at IS NULL OR expires_at > ?4)";

impl SqliteStore {
    /// Deletes stored values past their expiry (they already read as absent); the
    /// embedded server calls this beside the run retention, as DynamoDB's TTL would.
    pub async fn purge_expired_values(&self, now: DateTime<Utc>) -> R<usize> {
        Ok(self.db.purge(PURGE_VALUES, millis(now)).await?)
    }
}

impl StorageStore for SqliteStore {
    async fn get_stored(
        &self,
        ws: &str,
        scope: &str,
        key: &str,
        now: DateTime<Utc>,
    ) -> R<Option<StoredValue>> {
        let mut found = self.query_versioned::<StoredValue>(
            &format!(
                "SELECT body, version FROM stored_values WHERE ws = ?1 AND scope = ?2 AND key = ?3 AND {LIVE}"
            ),
            params![ws, scope, key, millis(now)],
        )?;
        Ok(found.pop())
    }

    async fn put_stored(
        &self,
        ws: &str,
        value: &StoredValue,
        expect: Expect,
        now: DateTime<Utc>,
    ) -> R<Version> {
        self.db
            .write(|| {
                let body = to_json(value)?;
                if body.len() > MAX_RECORD_BYTES {
                    return Err(StoreError::TooLarge(format!(
                        "the value at '{}' is {} bytes (limit {MAX_RECORD_BYTES})",
                        value.key,
                        body.len()
                    )));
                }
                let expires = value.expires_at.map(millis);
                let now = millis(now);
                let (scope, key) = (&value.scope, &value.key);
                // One statement per case: the condition and the write cannot be split
                // by another writer.
                let version: Option<i64> = self.run(|c| {
                    let sql = match expect {
                        Expect::Any => {
                            "INSERT INTO stored_values (ws, scope, key, expires_at, body, version) VALUES (?1, ?2, ?3, ?4, ?5, 1)
                             ON CONFLICT (ws, scope, key) DO UPDATE SET expires_at = excluded.expires_at, body = excluded.body, version = stored_values.version + 1
                             RETURNING version"
                        }
                        Expect::Absent => {
                            "INSERT INTO stored_values (ws, scope, key, expires_at, body, version) VALUES (?1, ?2, ?3, ?4, ?5, 1)
                             ON CONFLICT (ws, scope, key) DO UPDATE SET expires_at = excluded.expires_at, body = excluded.body, version = stored_values.version + 1
                             WHERE stored_values.expires_at IS NOT NULL AND stored_values.expires_at <= ?6
                             RETURNING version"
                        }
                        Expect::Version(_) => {
                            "UPDATE stored_values SET expires_at = ?4, body = ?5, version = version + 1
                             WHERE ws = ?1 AND scope = ?2 AND key = ?3 AND version = ?6
                             RETURNING version"
                        }
                    };
                    let mut stmt = c.prepare_cached(sql).map_err(sql_err)?;
                    let mut rows = match expect {
                        Expect::Any => stmt.query(params![ws, scope, key, expires, body]),
                        Expect::Absent => {
                            stmt.query(params![ws, scope, key, expires, body, now])
                        }
                        Expect::Version(v) => {
                            stmt.query(params![ws, scope, key, expires, body, v as i64])
                        }
                    }
                    .map_err(sql_err)?;
                    match rows.next().map_err(sql_err)? {
                        Some(row) => Ok(Some(row.get(0).map_err(sql_err)?)),
                        None => Ok(None),
                    }
                })?;
                version.map(|v| v as Version).ok_or_else(|| {
                    StoreError::Conflict(format!(
                        "the value at '{key}' changed since it was read, or exists already"
                    ))
                })
            })
            .await
    }

    async fn delete_stored(&self, ws: &str, scope: &str, key: &str, now: DateTime<Utc>) -> R<bool> {
        self.db
            .write(|| {
                self.run(|c| {
                    // An expired row goes too, but does not count as deleted.
                    let live: i64 = c
                        .row(
                            &format!(
                                "DELETE FROM stored_values WHERE ws = ?1 AND scope = ?2 AND key = ?3
                                 RETURNING {LIVE}"
                            ),
                            params![ws, scope, key, millis(now)],
                            |r| r.get(0),
                        )
                        .or_else(|e| match e {
                            rusqlite::Error::QueryReturnedNoRows => Ok(0),
                            e => Err(e),
                        })
                        .map_err(sql_err)?;
                    Ok(live == 1)
                })
            })
            .await
    }

    async fn list_stored(
        &self,
        ws: &str,
        scope: &str,
        after: Option<&str>,
        limit: usize,
        now: DateTime<Utc>,
    ) -> R<Vec<StoredValue>> {
        let limit = limit.clamp(1, 1000) as i64;
        self.query_versioned(
            &format!(
                "SELECT body, version FROM stored_values WHERE ws = ?1 AND scope = ?2 AND key > ?3 AND {LIVE}
                 ORDER BY key LIMIT ?5"
            ),
            params![ws, scope, after.unwrap_or(""), millis(now), limit],
        )
    }
}
