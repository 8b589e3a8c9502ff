//! The SQLite store: one table per record kind, the record as JSON beside the columns
//! its access patterns are indexed on, versions for optimistic concurrency.

mod bookkeeping;
mod decoded;
mod entities;
mod integrations;
mod runs;
mod storage;

use std::sync::Arc;

use junction_core::model::{Integration, Version, Versioned, Workspace};
use junction_core::ports::{CommitStore, StoreError};
use rusqlite::types::ToSql;
use rusqlite::{Connection, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::db::{Cached, Database};
use decoded::Decoded;

#[derive(Clone)]
pub struct SqliteStore {
    db: Database,
    /// Read at every webhook delivery and every run, changed seldom.
    integrations: Arc<Decoded<Integration>>,
    workspaces: Arc<Decoded<Workspace>>,
}

impl SqliteStore {
    pub fn new(db: Database) -> Self {
        Self {
            db,
            integrations: Arc::default(),
            workspaces: Arc::default(),
        }
    }

    /// Runs `f` holding the one connection. Every other task that reads or writes
    /// waits for it, so records are decoded after `run` returns, not in `f`: a run
    /// record's JSON takes longer to parse than its row takes to read.
    fn run<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.db.lock();
        f(&mut conn)
    }

    /// The `(body, version)` of the one row `sql` finds, undecoded.
    fn body_row(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Option<(String, i64)>, StoreError> {
        self.run(|c| {
            c.row(sql, params, |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
                .map_err(sql_err)
        })
    }
}

/// Writes made together share the database's group commit.
impl CommitStore for SqliteStore {
    async fn together<T: Send, F: std::future::Future<Output = T> + Send>(
        &self,
        work: F,
    ) -> Result<T, StoreError> {
        Ok(self.db.together(work).await?)
    }
}

pub(crate) fn sql_err(e: rusqlite::Error) -> StoreError {
    StoreError::Unknown(anyhow::Error::new(e))
}

pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Unknown(e.into()))
}

pub(crate) fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Unknown(anyhow::anyhow!("a stored record does not decode: {e}")))
}

/// Decodes a `(body, version)` row.
pub(crate) fn versioned_row<T: DeserializeOwned + Versioned>(
    body: &str,
    version: i64,
) -> Result<T, StoreError> {
    let mut record: T = from_json(body)?;
    record.set_version(version as Version);
    Ok(record)
}

/// Inserts (`expected: None`) or updates at the expected version. `keys` identify the
/// row; `columns` are the indexed columns kept beside the body; `what` names the record
/// in a conflict's message (built only then).
pub(crate) fn put_versioned(
    conn: &Connection,
    table: &'static str,
    keys: &[(&'static str, &dyn ToSql)],
    columns: &[(&'static str, &dyn ToSql)],
    body: &str,
    expected: Option<Version>,
    what: impl FnOnce() -> String,
) -> Result<Version, StoreError> {
    match expected {
        None => {
            let sql = versioned_sql(table, keys, columns, Write::Insert);
            let mut values: Vec<&dyn ToSql> = keys.iter().chain(columns).map(|(_, v)| *v).collect();
            values.push(&body);
            values.push(&1i64);
            match conn.exec(&sql, values.as_slice()) {
                Ok(_) => Ok(1),
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Err(StoreError::Conflict(format!("{} already exists", what())))
                }
                Err(e) => Err(sql_err(e)),
            }
        }
        Some(expected) => {
            let next = expected as i64 + 1;
            let sql = versioned_sql(table, keys, columns, Write::Update);
            let mut values: Vec<&dyn ToSql> = columns.iter().map(|(_, v)| *v).collect();
            values.push(&body);
            values.push(&next);
            values.extend(keys.iter().map(|(_, v)| *v));
            let expected = expected as i64;
            values.push(&expected);
            let changed = conn.exec(&sql, values.as_slice()).map_err(sql_err)?;
            if changed == 0 {
                return Err(StoreError::Conflict(format!(
                    "{} changed since it was read (expected version {expected})",
                    what()
                )));
            }
            Ok(next as Version)
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Write {
    Insert,
    Update,
}

/// The statement [`put_versioned`] runs, built once per table, columns and kind: building
/// it with `format!` on every write was a visible share of a run's instructions.
fn versioned_sql(
    table: &'static str,
    keys: &[(&'static str, &dyn ToSql)],
    columns: &[(&'static str, &dyn ToSql)],
    write: Write,
) -> std::sync::Arc<str> {
    type Shape = (&'static str, Vec<&'static str>, Write);
    static BUILT: std::sync::LazyLock<
        std::sync::Mutex<std::collections::HashMap<Shape, std::sync::Arc<str>>>,
    > = std::sync::LazyLock::new(Default::default);
    let names: Vec<&'static str> = keys.iter().chain(columns).map(|(n, _)| *n).collect();
    let shape = (table, names, write);
    let mut built = BUILT.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(sql) = built.get(&shape) {
        return sql.clone();
    }
    let sql: std::sync::Arc<str> = match write {
        Write::Insert => {
            let marks: Vec<String> = (1..=shape.1.len() + 2).map(|i| format!("?{i}")).collect();
            format!(
                "INSERT INTO {table} ({}, body, version) VALUES ({})",
                shape.1.join(", "),
                marks.join(", ")
            )
        }
        Write::Update => {
            let sets: Vec<String> = columns
                .iter()
                .enumerate()
                .map(|(i, (n, _))| format!("{n} = ?{}", i + 1))
                .collect();
            let base = columns.len();
            let wheres: Vec<String> = keys
                .iter()
                .enumerate()
                .map(|(i, (n, _))| format!("{n} = ?{}", base + 3 + i))
                .collect();
            format!(
                "UPDATE {table} SET {}body = ?{}, version = ?{} WHERE {} AND version = ?{}",
                sets.iter().map(|s| format!("{s}, ")).collect::<String>(),
                base + 1,
                base + 2,
                wheres.join(" AND "),
                base + 3 + keys.len()
            )
        }
    }
    .into();
    built.insert(shape, sql.clone());
    sql
}

#[cfg(test)]
mod tests {
    use super::{bookkeeping, runs, storage};
    use crate::db::{Database, Durability};

    /// What `EXPLAIN QUERY PLAN` says of `sql` with `params` bound, its steps joined.
    pub(super) fn query_plan(db: &Database, sql: &str, params: impl rusqlite::Params) -> String {
        db.with(|c| {
            let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
            let details = stmt
                .query_map(params, |r| r.get::<_, String>(3))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(details.join("; "))
        })
        .unwrap()
    }

    #[test]
    fn every_purge_reads_an_expiry_index_or_the_head_of_its_table_unsorted() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("j.db"), Durability::Process).unwrap();
        let plan = |sql: &str| query_plan(&db, sql, rusqlite::params![0, crate::db::PURGE_BATCH]);
        let runs = plan(runs::PURGE_RUNS);
        assert!(
            runs.contains("INDEX runs_by_expiry (expires_at<?)"),
            "{runs}"
        );
        let values = plan(storage::PURGE_VALUES);
        assert!(values.contains("INDEX stored_values_by_expiry"), "{values}");
        let claims = plan(bookkeeping::PURGE_CLAIMS);
        let dedupe_ids = plan(crate::queue::PURGE_DEDUPE_IDS);
        for plan in [runs, values, claims, dedupe_ids] {
            assert!(!plan.contains("TEMP B-TREE"), "no sort: {plan}");
            assert!(
                plan.contains("USING INTEGER PRIMARY KEY"),
                "deletes by rowid: {plan}"
            );
        }
    }
}
