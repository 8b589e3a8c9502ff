//! Runs whose request was never acknowledged: recorded, but the process stopped before
//! their queue message was sent, so the sender got no 2xx. A resend with the same
//! delivery id or idempotency key revives one (`queue_run_once`); each workspace's
//! sweep, a due item every [`SWEEP_EVERY`], marks those that no resend revived within
//! [`ABANDON_AFTER`] as abandoned, so nobody waits for them.

use std::time::Duration;

use serde_json::json;

use super::messages::DueWork;
use super::{Junction, ServiceError};
use crate::engine::{RunError, RunStatus};
use crate::model::{DueItem, RunRecord};
use crate::ports::{RunQueue, Store, StoreError, Vault};

/// How long a run may stay queued before it counts as never sent. Far longer than a
/// healthy queue takes to start a run; a backlog this long is what a message that
/// turns up later revives.
pub const ABANDON_AFTER: Duration = Duration::from_secs(15 * 60);
/// How often a workspace is swept.
pub const SWEEP_EVERY: Duration = Duration::from_secs(10 * 60);
/// Queued runs looked at per sweep, newest first, in pages of [`SWEEP_PAGE`].
const SWEEP_PAGE: usize = 100;
const SWEEP_PAGES: usize = 20;

const SWEEP_PREFIX: &str = "sweep:";

/// The due key of a workspace's sweep.
pub(crate) fn sweep_key(ws: &str) -> String {
    format!("{SWEEP_PREFIX}{ws}")
}

/// Whether a due key is a workspace's sweep (not a poll or schedule).
pub(crate) fn is_sweep(key: &str) -> bool {
    key.starts_with(SWEEP_PREFIX)
}

fn later(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// When a sweep done at `now` is next due.
pub(crate) fn next_sweep(now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    now + later(SWEEP_EVERY)
}

/// What an abandoned run says.
fn never_acknowledged() -> RunError {
    RunError {
        step: None,
        message: format!(
            "its request was never acknowledged: Junction stopped before queuing it, and no resend came within {} minutes",
            ABANDON_AFTER.as_secs() / 60
        ),
        transient: false,
        retry_after_ms: None,
        held: false,
    }
}

/// Puts an abandoned (or revived) run back to queued, as if just recorded.
pub(crate) fn revive(run: &mut RunRecord) {
    run.status = RunStatus::Queued;
    run.state.status = RunStatus::Running;
    run.state.error = None;
    run.state.finished_at = None;
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    /// Makes sure the workspace's sweep is scheduled: one conditional write per
    /// workspace and process, then a lookup in memory.
    pub(crate) async fn ensure_sweep(&self, ws: &str) -> Result<(), ServiceError> {
        if self.sweeps_scheduled().contains(ws) {
            return Ok(());
        }
        let item = DueItem {
            key: sweep_key(ws),
            workspace_id: ws.to_string(),
            due_at: next_sweep(self.clock.now()),
            payload: json!(DueWork::default()),
        };
        self.store.add_due_if_absent(&item).await?;
        self.sweeps_scheduled().insert(ws.to_string());
        Ok(())
    }

    fn sweeps_scheduled(&self) -> std::sync::MutexGuard<'_, std::collections::HashSet<String>> {
        self.sweeps.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Marks the workspace's runs queued for longer than [`ABANDON_AFTER`] as
    /// abandoned; returns how many. A run a worker took meanwhile is left alone (its
    /// record changed, so the conditional write loses).
    pub(crate) async fn sweep_abandoned(&self, ws: &str) -> Result<usize, ServiceError> {
        let now = self.clock.now();
        let deadline = now - later(ABANDON_AFTER);
        let mut before: Option<String> = None;
        let mut abandoned = 0;
        for _ in 0..SWEEP_PAGES {
            let page = self
                .store
                .runs_with_status(ws, RunStatus::Queued, SWEEP_PAGE, before.as_deref())
                .await?;
            // `updated_at`, not `created_at`: a replayed run is queued again later.
            for run in page.iter().filter(|r| r.updated_at <= deadline) {
                let mut gone = run.clone();
                gone.status = RunStatus::Abandoned;
                gone.state.status = RunStatus::Abandoned;
                gone.state.error = Some(never_acknowledged());
                gone.state.finished_at = Some(now);
                gone.updated_at = now;
                match self.store.put_run(&gone, Some(run.version)).await {
                    Ok(_) => {
                        crate::telemetry::run_reached(RunStatus::Abandoned);
                        tracing::warn!(run = %run.id, workspace = %ws, "a run was never acknowledged and no resend revived it; marked abandoned");
                        abandoned += 1;
                    }
                    Err(StoreError::Conflict(_)) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            if page.len() < SWEEP_PAGE {
                break;
            }
            before = page.last().map(|r| r.id.clone());
        }
        Ok(abandoned)
    }
}
