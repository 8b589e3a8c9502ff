//! `RunStore` on SQLite: run records by id, and per integration newest first (ids are time-ordered).

use chrono::{DateTime, Utc};
use junction_core::engine::RunStatus;
use junction_core::model::{RunRecord, Version};
use junction_core::ports::{
    IntegrationStore, Metered, RunStore, RunToExecute, StoreError, WorkspaceStore, MAX_RECORD_BYTES,
};
use rusqlite::{params, OptionalExtension};

use super::bookkeeping::count_tasks;
use super::{put_versioned, sql_err, to_json, SqliteStore};
use crate::db::{millis, Cached};
use crate::savepoint::Savepoint;

type R<T> = Result<T, StoreError>;

/// Runs with a status that the status index leaves out, newest first: read through
/// the primary key, where most runs are of these statuses.
const DONE_WITH_STATUS: &str =
    "SELECT body, version FROM runs WHERE ws = ?1 AND status = ?2 AND id < ?3 ORDER BY id DESC LIMIT ?4";
/// Runs with any other status, newest first, through the status index (migration 12),
/// whose condition is repeated here so that the planner can use it.
const NOT_DONE_WITH_STATUS: &str = "SELECT body, version FROM runs WHERE ws = ?1 AND status = ?2 AND status NOT IN ('succeeded', 'skipped') AND id < ?3 ORDER BY id DESC LIMIT ?4";

/// Runs past their retention, a batch (`?2`) at a time, through the expiry index.
pub(crate) const PURGE_RUNS: &str =
    "DELETE FROM runs WHERE rowid IN (SELECT rowid FROM runs WHERE expires_at < ?1 LIMIT ?2)";

impl SqliteStore {
    /// Deletes runs past their retention, a batch at a time; the embedded server calls
    /// this periodically.
    pub async fn purge_expired_runs(&self, now: DateTime<Utc>) -> R<usize> {
        Ok(self.db.purge(PURGE_RUNS, millis(now)).await?)
    }
}

impl RunStore for SqliteStore {
    async fn runs_with_status(
        &self,
        ws: &str,
        status: RunStatus,
        limit: usize,
        before: Option<&str>,
    ) -> R<Vec<RunRecord>> {
        let limit = limit.clamp(1, 1000) as i64;
        // The status index holds only the runs that are not done, or failed (migration
        // 12): its condition is written out for the planner to use it.
        let sql = match status {
            RunStatus::Succeeded | RunStatus::Skipped => DONE_WITH_STATUS,
            _ => NOT_DONE_WITH_STATUS,
        };
        self.query_versioned(
            sql,
            params![ws, status.as_str(), before.unwrap_or("~"), limit],
        )
    }

    async fn put_run(&self, run: &RunRecord, expected: Option<Version>) -> R<Version> {
        self.db
            .write(|| {
                let body = run_body(run)?;
                self.run(|c| write_run(c, run, &body, expected))
            })
            .await
    }

    async fn checkpoint_run(
        &self,
        run: &RunRecord,
        expected: Version,
        m: Metered<'_>,
    ) -> R<Version> {
        self.db
            .write(|| {
                let body = run_body(run)?;
                self.run(|c| {
                    let tx = Savepoint::begin(c).map_err(sql_err)?;
                    let version = write_run(&tx, run, &body, Some(expected))?;
                    if m.tasks > 0 {
                        count_tasks(&tx, &run.workspace_id, m.user_id, m.month, m.tasks)?;
                    }
                    tx.commit().map_err(sql_err)?;
                    Ok(version)
                })
            })
            .await
    }

    async fn get_run(&self, ws: &str, id: &str) -> R<Option<RunRecord>> {
        Ok(self
            .query_versioned::<RunRecord>(
                "SELECT body, version FROM runs WHERE ws = ?1 AND id = ?2",
                params![ws, id],
            )?
            .pop())
    }

    async fn run_to_execute(
        &self,
        ws: &str,
        run_id: &str,
        integration_id: &str,
        month: &str,
    ) -> R<RunToExecute> {
        // Each read is an indexed lookup on the one connection: no round trips to save.
        let mut loaded = self.workspace_to_execute(ws, month).await?;
        loaded.run = self.get_run(ws, run_id).await?;
        loaded.integration = self.get_integration(ws, integration_id).await?;
        Ok(loaded)
    }

    async fn workspace_to_execute(&self, ws: &str, month: &str) -> R<RunToExecute> {
        Ok(RunToExecute {
            run: None,
            integration: None,
            workspace: self.get_workspace(ws).await?,
            tasks_this_month: self
                .run(|c| {
                    c.row(
                        "SELECT tasks FROM counters WHERE ws = ?1 AND month = ?2 AND user_id = ''",
                        params![ws, month],
                        |r| r.get::<_, i64>(0),
                    )
                    .optional()
                    .map_err(sql_err)
                })?
                .unwrap_or(0) as u64,
        })
    }

    async fn runs_of_integration(
        &self,
        ws: &str,
        integration: &str,
        limit: usize,
        before: Option<&str>,
    ) -> R<Vec<RunRecord>> {
        let limit = limit.clamp(1, 1000) as i64;
        match before {
            Some(before) => self.query_versioned(
                "SELECT body, version FROM runs WHERE ws = ?1 AND integration_id = ?2 AND id < ?3 ORDER BY id DESC LIMIT ?4",
                params![ws, integration, before, limit],
            ),
            None => self.query_versioned(
                "SELECT body, version FROM runs WHERE ws = ?1 AND integration_id = ?2 ORDER BY id DESC LIMIT ?3",
                params![ws, integration, limit],
            ),
        }
    }
}

/// The run's JSON, refused past the record limit.
fn run_body(run: &RunRecord) -> R<String> {
    let body = to_json(run)?;
    if body.len() > MAX_RECORD_BYTES {
        return Err(StoreError::TooLarge(format!(
            "run '{}' is {} bytes (limit {MAX_RECORD_BYTES})",
            run.id,
            body.len()
        )));
    }
    Ok(body)
}

/// Writes the run's row, on the version it was read at (`None`: a new run).
fn write_run(
    c: &rusqlite::Connection,
    run: &RunRecord,
    body: &str,
    expected: Option<Version>,
) -> R<Version> {
    let expires = millis(run.expires_at);
    let status = run.status.as_str();
    let inserted = [
        (
            "integration_id",
            &run.integration_id as &dyn rusqlite::ToSql,
        ),
        ("expires_at", &expires),
        ("status", &status),
    ];
    // A run keeps its integration and its expiry from its creation on. SQLite updates
    // every index on a column the statement sets, changed or not: an update that set
    // them rewrote two index entries per checkpoint for nothing.
    let columns = match expected {
        None => &inserted[..],
        Some(_) => &inserted[2..],
    };
    put_versioned(
        c,
        "runs",
        &[("ws", &run.workspace_id), ("id", &run.id)],
        columns,
        body,
        expected,
        || format!("run '{}'", run.id),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Database, Durability};

    fn plan(db: &Database, sql: &str) -> String {
        crate::store::tests::query_plan(db, sql, params!["ws", "failed", "~", 10])
    }

    #[test]
    fn runs_by_status_are_read_through_an_index_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("j.db"), Durability::Process).unwrap();
        let not_done = plan(&db, NOT_DONE_WITH_STATUS);
        assert!(
            not_done.contains("USING INDEX runs_by_status"),
            "{not_done}"
        );
        let done = plan(&db, DONE_WITH_STATUS);
        assert!(
            done.contains("USING INDEX sqlite_autoindex_runs_1"),
            "{done}"
        );
        for plan in [not_done, done] {
            assert!(!plan.contains("TEMP B-TREE"), "sorted by the index: {plan}");
        }
    }
}
