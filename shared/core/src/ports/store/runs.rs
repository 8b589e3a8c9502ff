//! Run records: a run's input, state and step log, newest first per integration and per
//! status.

use std::future::Future;

use super::StoreError;
use crate::engine::RunStatus;
use crate::model::{RunRecord, Version};

type R<T> = Result<T, StoreError>;

/// Run records.
///
/// # Errors
/// - `put_run` with `Some(v)` MUST fail with `Conflict` unless the stored version is
///   `v` (two executors of one run: the second stops), and with `None` when it exists.
/// - A run over [`MAX_RECORD_BYTES`](super::MAX_RECORD_BYTES) MUST fail with `TooLarge`
///   and store nothing.
pub trait RunStore: Send + Sync {
    fn put_run(
        &self,
        run: &RunRecord,
        expected: Option<Version>,
    ) -> impl Future<Output = R<Version>> + Send;
    fn get_run(&self, ws: &str, id: &str) -> impl Future<Output = R<Option<RunRecord>>> + Send;
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
