//! The run record: status, where execution stands, step outputs and the step log. It is
//! all serialisable, so a run can be checkpointed after any step and resumed elsewhere.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::template::ContextValue;

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Recorded and on the queue; no worker has started it yet.
    Queued,
    Running,
    /// Paused by a wait step until `resume_at`.
    Waiting,
    /// Failed for a reason that may pass (a timeout, a 429, a 5xx): another attempt
    /// comes at `retry.next_attempt_at`, from the step that failed. Not final.
    Retrying,
    Succeeded,
    Failed,
    Aborted,
    /// Recorded, but its request was never acknowledged (the process stopped before
    /// its queue message was sent, so the sender got no 2xx) and no resend revived
    /// it in time. Final, so nobody waits for it; should its message turn up after
    /// all, it runs.
    Abandoned,
    /// Started no step: its trigger item reported Junction's own write coming back
    /// (an echo), or an update older than one already processed (`order_by`). Final;
    /// `skipped` says why and which run wrote or processed the newer update.
    Skipped,
}

impl RunStatus {
    /// The name it has in JSON and in storage (`queued`, `failed`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Waiting => "waiting",
            Self::Retrying => "retrying",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Aborted => "aborted",
            Self::Abandoned => "abandoned",
            Self::Skipped => "skipped",
        }
    }

    pub fn is_finished(self) -> bool {
        matches!(
            self,
            Self::Succeeded | Self::Failed | Self::Aborted | Self::Abandoned | Self::Skipped
        )
    }
}

pub use crate::definition::Body;

/// The address of a step list: the block's steps, or a body nested in steps of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ListAddr(pub Vec<(usize, Body)>);

impl ListAddr {
    pub fn child(&self, index: usize, body: Body) -> Self {
        let mut path = self.0.clone();
        path.push((index, body));
        Self(path)
    }
}

/// One level of the execution stack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "frame", rename_all = "snake_case")]
pub enum Frame {
    /// Walking a step list; `next` is the first step not yet completed.
    Steps { list: ListAddr, next: usize },
    /// A loop in progress; its body runs as a `Steps` frame above it.
    Loop {
        list: ListAddr,
        step: usize,
        /// The list of a `for_each` loop, fixed when the loop started.
        items: Option<Vec<Value>>,
        index: usize,
        /// Outputs of the body's steps in the current iteration.
        current: BTreeMap<String, Value>,
        results: Vec<Value>,
        started_at: DateTime<Utc>,
    },
}

/// Outcome of one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Succeeded,
    Failed,
    Waiting,
    Aborted,
}

/// One HTTP call made by a step, with secrets redacted and bodies truncated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HttpLog {
    pub method: String,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    pub attempts: u32,
    pub duration_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
}

/// One entry of the step log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StepLog {
    pub step: String,
    pub kind: String,
    pub status: StepStatus,
    #[serde(with = "crate::model::timestamp")]
    #[schemars(with = "DateTime<Utc>")]
    pub started_at: DateTime<Utc>,
    pub duration_us: u64,
    /// The iteration of the innermost loop this step ran in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iteration: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub requests: Vec<HttpLog>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What a code step printed with `console.log`/`warn`/`error` (bounded).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub console: Vec<String>,
    /// What a storage step read or wrote.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub storage: Option<StorageLog>,
}

/// Why a run was skipped before its first step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Skipped {
    pub reason: String,
    /// The run whose write the trigger item reported back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub echo_of: Option<String>,
    /// The run that processed a newer update of the same object (`order_by`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
}

/// A storage step's operation as its log entry shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StorageLog {
    pub op: crate::definition::StorageOp,
    pub scope: crate::definition::StorageScope,
    pub key: String,
    /// The value read or written, as JSON text (truncated like a request body).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl StepLog {
    /// A succeeded entry with nothing in it yet, for a step of `kind` started at `at`.
    pub fn new(step: &str, kind: &str, at: DateTime<Utc>, iteration: Option<usize>) -> Self {
        Self {
            step: step.to_string(),
            kind: kind.to_string(),
            status: StepStatus::Succeeded,
            started_at: at,
            duration_us: 0,
            iteration,
            requests: Vec::new(),
            message: None,
            error: None,
            console: Vec::new(),
            storage: None,
        }
    }
}

/// Why a run failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RunError {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    pub message: String,
    /// Worth retrying later (timeouts, 429, 5xx), as opposed to a definite failure.
    pub transient: bool,
    /// When the app asked to be called again, if it said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
    /// The step made no call: its account was held back (see `StepError::held`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub held: bool,
}

/// A run waiting for its next attempt after a transient failure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RetryNote {
    /// The attempt that failed (1 for the first).
    pub attempt: u32,
    /// The attempts a run gets before a transient failure is final.
    pub of: u32,
    #[serde(with = "crate::model::timestamp")]
    #[schemars(with = "DateTime<Utc>")]
    pub next_attempt_at: DateTime<Utc>,
}

/// A run of one block of an integration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RunState {
    pub run_id: String,
    pub flow_id: String,
    pub block_id: String,
    pub status: RunStatus,
    pub stack: Vec<Frame>,
    /// Output of every completed step, by step id (the last iteration's, inside loops).
    pub outputs: BTreeMap<String, Value>,
    /// Metered tasks: HTTP calls made (each page, each loop iteration).
    pub tasks: u32,
    pub log: Vec<StepLog>,
    /// Log entries left out once the log reached its bound.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub log_dropped: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<RunError>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abort_reason: Option<String>,
    /// Why a run started no step (status `skipped`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<Skipped>,
    #[serde(
        default,
        with = "crate::model::timestamp::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub resume_at: Option<DateTime<Utc>>,
    /// While `retrying`: which attempt failed and when the next one comes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<RetryNote>,
    #[serde(with = "crate::model::timestamp")]
    #[schemars(with = "DateTime<Utc>")]
    pub started_at: DateTime<Utc>,
    #[serde(
        default,
        with = "crate::model::timestamp::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub finished_at: Option<DateTime<Utc>>,
    /// Template values converted once per run, rebuilt after deserialising.
    #[serde(skip)]
    pub(crate) scope: ScopeCache,
}

/// Step outputs and inputs as template values, so each step's context is built from
/// shared values instead of converting every earlier output again.
#[derive(Debug, Clone, Default)]
pub(crate) struct ScopeCache {
    pub base: Option<[ContextValue; 3]>,
    /// Step id → `{"output": ...}`.
    pub steps: BTreeMap<String, ContextValue>,
    pub filled: bool,
    /// JSON bytes of the run's input, counted once.
    pub input_bytes: Option<usize>,
    /// JSON bytes of this state, at most (see `Engine::make_room`).
    pub kept_bytes: Option<usize>,
    /// JSON bytes of the step log, at least: what `make_room` let in since it was
    /// measured.
    pub log_bytes: Option<usize>,
}

impl PartialEq for ScopeCache {
    /// A cache says nothing about the run: states compare by their data alone.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl RunState {
    /// Makes a failed run runnable again: the engine left its position at the step
    /// that failed, so the next `advance` tries that step once more.
    pub fn retry_failed_step(&mut self) {
        if matches!(self.status, RunStatus::Failed | RunStatus::Retrying) {
            self.status = RunStatus::Running;
            self.error = None;
            self.retry = None;
            self.finished_at = None;
        }
    }

    /// Whether no step has run yet: the position is the block's first step and the
    /// log is empty. Echo and order checks happen only then.
    pub fn before_first_step(&self) -> bool {
        self.log.is_empty()
            && matches!(self.stack.as_slice(), [Frame::Steps { list, next: 0 }] if list.0.is_empty())
    }

    /// Whether the next delivery should try the failed step again: a run marked
    /// `retrying`, or (records from before that status) failed for a transient reason.
    pub fn awaits_retry(&self) -> bool {
        self.status == RunStatus::Retrying
            || (self.status == RunStatus::Failed
                && self.error.as_ref().is_some_and(|e| e.transient))
    }

    /// A run positioned before the first step of `block`.
    pub fn new(
        run_id: impl Into<String>,
        flow_id: &str,
        block_id: &str,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            run_id: run_id.into(),
            flow_id: flow_id.into(),
            block_id: block_id.into(),
            status: RunStatus::Running,
            stack: vec![Frame::Steps {
                list: ListAddr::default(),
                next: 0,
            }],
            outputs: BTreeMap::new(),
            tasks: 0,
            log: Vec::new(),
            log_dropped: 0,
            error: None,
            abort_reason: None,
            skipped: None,
            resume_at: None,
            retry: None,
            started_at: now,
            finished_at: None,
            scope: ScopeCache::default(),
        }
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

#[cfg(test)]
mod tests {
    use super::RunStatus;

    #[test]
    fn status_names_match_their_json() {
        for status in [
            RunStatus::Queued,
            RunStatus::Running,
            RunStatus::Waiting,
            RunStatus::Retrying,
            RunStatus::Succeeded,
            RunStatus::Failed,
            RunStatus::Aborted,
        ] {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
    }
}
