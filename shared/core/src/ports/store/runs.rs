//! Run records: a run's input, state and step log, newest first per integration and per
//! status.

use std::future::Future;

use super::StoreError;
use crate::engine::RunStatus;
use crate::model::{Integration, RunRecord, Version, Workspace};

type R<T> = Result<T, StoreError>;

/// Tasks a run's checkpoint adds to the month's counters (the workspace's and the
/// user's), in the same write as the run, so that each task is counted exactly once
/// whatever stops the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metered<'a> {
    pub user_id: &'a str,
    pub month: &'a str,
    pub tasks: u64,
}

/// What executing a run reads before its first step.
#[derive(Debug, Clone, Default)]
pub struct RunToExecute {
    pub run: Option<RunRecord>,
    pub integration: Option<Integration>,
    pub workspace: Option<Workspace>,
    /// The workspace's tasks in the month asked for (its quota is checked against it).
    pub tasks_this_month: u64,
}

/// Run records.
///
/// # Errors
/// - `put_run` with `Some(v)` MUST fail with `Conflict` unless the stored version is
///   `v` (two executors of one run: the second stops), and with `None` when it exists.
/// - A run over [`MAX_RECORD_BYTES`](super::MAX_RECORD_BYTES) MUST fail with `TooLarge`
///   and store nothing.
/// - `checkpoint_run` MUST write the run and add its tasks atomically: both or neither
///   (a conflict adds nothing).
pub trait RunStore: Send + Sync {
    fn put_run(
        &self,
        run: &RunRecord,
        expected: Option<Version>,
    ) -> impl Future<Output = R<Version>> + Send;
    /// [`RunStore::put_run`] of an executing run, with the tasks it used since its last
    /// checkpoint (with none, no counter is touched): one write rather than three.
    fn checkpoint_run(
        &self,
        run: &RunRecord,
        expected: Version,
        metered: Metered<'_>,
    ) -> impl Future<Output = R<Version>> + Send;
    fn get_run(&self, ws: &str, id: &str) -> impl Future<Output = R<Option<RunRecord>>> + Send;
    /// The run, its integration, its workspace and the workspace's tasks in `month`, in
    /// one round trip where the store can (all consistent reads).
    fn run_to_execute(
        &self,
        ws: &str,
        run_id: &str,
        integration_id: &str,
        month: &str,
    ) -> impl Future<Output = R<RunToExecute>> + Send;
    /// What [`RunStore::run_to_execute`] reads besides the run and its integration (the
    /// workspace and its tasks in `month`), for an executor that holds both already:
    /// it recorded the run itself a moment ago. `run` and `integration` are `None`.
    fn workspace_to_execute(
        &self,
        ws: &str,
        month: &str,
    ) -> impl Future<Output = R<RunToExecute>> + Send;
    /// Newest first; `before` is the id of the last run of the previous page.
    fn runs_of_integration(
        &self,
        ws: &str,
        integration_id: &str,
        limit: usize,
        before: Option<&str>,
    ) -> impl Future<Output = R<Vec<RunRecord>>> + Send;
    /// A workspace's runs in one status, newest first (failed runs, for replay).
    fn runs_with_status(
        &self,
        ws: &str,
        status: RunStatus,
        limit: usize,
        before: Option<&str>,
    ) -> impl Future<Output = R<Vec<RunRecord>>> + Send;
}
