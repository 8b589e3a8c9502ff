//! The run engine: executes one block of an integration step by step. Each `advance`
//! completes one step and leaves a serialisable [`RunState`], so a host can checkpoint
//! between steps and resume a run after a crash or a wait without repeating work.
//! `interpreter` keeps the position, the record's size and the log; what each step
//! kind does is one file in `steps/`; `calls` is how query, action and http steps
//! reach apps (pagination, logging, metering), `hold` how they wait for an app.

mod calls;
mod compare;
mod echo;
mod error;
mod hold;
mod interpreter;
mod jsonpath;
mod kept;
mod order;
pub(crate) mod request;
mod state;
mod steps;

use std::sync::Arc;

use serde_json::Value;

pub use compare::compare;
pub use error::StepError;
pub use jsonpath::get_path;
pub use state::{
    Body, Frame, HttpLog, ListAddr, RetryNote, RunError, RunState, RunStatus, Skipped, StepLog,
    StepStatus, StorageLog,
};
pub(crate) use steps::{parse_storage_ttl, sandbox_limits};

use crate::catalog::AppCatalog;
use crate::credentials::CredentialStore;
use crate::definition::{CodeLimits, FlowDefinition};
use crate::outbound::{OutboundClient, TokenRefresher};
use crate::template::Templates;

/// Bounds that keep one run from exhausting a worker.
#[derive(Debug, Clone)]
pub struct EngineLimits {
    /// Request and response bodies kept in the step log, per call.
    pub logged_body_bytes: usize,
    /// Step log entries kept per run.
    pub log_entries: usize,
    /// Iterations of a `for_each` loop without its own `max_iterations`.
    pub loop_items: u32,
    /// JSON bytes a step may keep as its output (after `output:` selects from it).
    pub max_output_bytes: usize,
    /// JSON bytes of a whole run record, input included: what the store holds.
    pub max_record_bytes: usize,
    /// Memory, in MiB, that code steps running at once may reserve between them: a
    /// step reserves its whole limit and waits (its time limit not yet running) while
    /// others hold the rest, so a burst of allocation bombs cannot exhaust the process.
    pub code_memory_budget_mb: u64,
}

impl Default for EngineLimits {
    fn default() -> Self {
        Self {
            logged_body_bytes: 4096,
            log_entries: 2000,
            loop_items: 10_000,
            max_output_bytes: 128 * 1024,
            max_record_bytes: crate::ports::MAX_RECORD_BYTES,
            code_memory_budget_mb: 512,
        }
    }
}

fn code_budget(limits: &EngineLimits) -> Arc<tokio::sync::Semaphore> {
    Arc::new(tokio::sync::Semaphore::new(budget_permits(limits)))
}

/// The budget in permits (MiB), at least one so code steps can run at all.
pub(crate) fn budget_permits(limits: &EngineLimits) -> usize {
    limits.code_memory_budget_mb.clamp(1, u32::MAX as u64) as usize
}

/// What a run starts from besides the definitions: the trigger's payload, the
/// integration's setup values and the user.
#[derive(
    Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct RunInput {
    pub trigger: Value,
    pub setup: Value,
    pub user: Value,
}

/// Everything one run reads: definitions, input, and the integration's accounts.
pub struct Invocation<'a> {
    pub flow: &'a FlowDefinition,
    pub apps: &'a AppCatalog,
    pub input: &'a RunInput,
    pub credentials: &'a dyn CredentialStore,
    /// The values `storage` steps keep between runs, in the run's scopes.
    pub storage: &'a dyn crate::storage::RunStorage,
    /// The most the workspace lets a code step ask for.
    pub code_limits: CodeLimits,
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("flow '{flow}' has no block '{block}' (its blocks: {known})")]
    UnknownBlock {
        flow: String,
        block: String,
        known: String,
    },
}

/// The engine: shared, stateless between runs but for the HTTP client and the
/// per-account refresh locks.
pub struct Engine {
    pub(crate) client: OutboundClient,
    pub(crate) refresher: Arc<TokenRefresher>,
    /// Accounts an app told to slow down (429), shared by every run in this process.
    pub(crate) backoff: Arc<crate::outbound::AccountBackoff>,
    pub(crate) templates: Arc<Templates>,
    pub(crate) limits: EngineLimits,
    /// Permits are MiB of `limits.code_memory_budget_mb`.
    pub(crate) code_budget: Arc<tokio::sync::Semaphore>,
    /// What "now" is for step timings and waits: the service's clock, so a wait step
    /// resumes at the time the rest of the service agrees on (and tests can move it).
    pub(crate) clock: Arc<dyn crate::ports::Clock>,
}

impl Engine {
    pub fn new(client: OutboundClient) -> Self {
        Self::sharing(client, Arc::default(), Arc::new(Templates::new()))
    }

    /// An engine over the service's token refresher and templates. Callers of one
    /// account in this process (a run, a dropdown's options, a webhook subscription)
    /// then wait on one in-memory lock while one of them refreshes, rather than each
    /// asking the store's lease (which still settles it between processes); and the
    /// template environment is built once, not per engine.
    pub fn sharing(
        client: OutboundClient,
        refresher: Arc<TokenRefresher>,
        templates: Arc<Templates>,
    ) -> Self {
        Self {
            client,
            refresher,
            backoff: Arc::default(),
            templates,
            limits: EngineLimits::default(),
            code_budget: code_budget(&EngineLimits::default()),
            clock: Arc::new(crate::ports::SystemClock),
        }
    }

    /// The clock the engine reads (the system's unless given).
    pub fn with_clock(mut self, clock: Arc<dyn crate::ports::Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn with_limits(mut self, limits: EngineLimits) -> Self {
        self.code_budget = code_budget(&limits);
        self.limits = limits;
        self
    }

    pub fn client(&self) -> &OutboundClient {
        &self.client
    }

    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    /// A new run of `block`, positioned before its first step.
    pub fn start(
        &self,
        flow: &FlowDefinition,
        block: &str,
        run_id: impl Into<String>,
    ) -> Result<RunState, StartError> {
        if flow.block(block).is_none() {
            return Err(StartError::UnknownBlock {
                flow: flow.id.clone(),
                block: block.into(),
                known: flow
                    .blocks
                    .iter()
                    .map(|b| b.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        Ok(RunState::new(run_id, &flow.id, block, self.clock.now()))
    }

    /// Continues a waiting run (the host calls this once `resume_at` has passed).
    pub fn resume(&self, state: &mut RunState) {
        if state.status == RunStatus::Waiting {
            state.status = RunStatus::Running;
            state.resume_at = None;
        }
    }

    /// Runs until the run finishes or waits, calling `checkpoint` after every step.
    pub async fn run_with<F>(&self, inv: &Invocation<'_>, state: &mut RunState, mut checkpoint: F)
    where
        F: FnMut(&RunState),
    {
        while self.advance(inv, state).await {
            checkpoint(state);
        }
        checkpoint(state);
    }

    /// Runs one of an app's queries outside a run (dynamic dropdowns, polls): its
    /// items across pages, or its body when it lists no items; with the number of
    /// requests it made to the app, failed or not (polls meter them).
    pub async fn query(
        &self,
        apps: &AppCatalog,
        credentials: &dyn CredentialStore,
        app_id: &str,
        query: &str,
        input: serde_json::Value,
    ) -> (Result<serde_json::Value, StepError>, u64) {
        let Some(app) = apps.get(app_id) else {
            return (
                Err(StepError::terminal(format!("unknown app '{app_id}'"))),
                0,
            );
        };
        let Some(def) = app.queries.get(query) else {
            return (
                Err(StepError::terminal(format!(
                    "app '{app_id}' has no query '{query}'"
                ))),
                0,
            );
        };
        let mut redactor = crate::outbound::Redactor::default();
        let mut calls = calls::StepCalls::new(self, apps, credentials, &mut redactor);
        let answer = calls.run_query(app, def, input, def.max_pages).await;
        let requests = calls.requests.iter().map(|r| u64::from(r.attempts)).sum();
        (answer, requests)
    }

    /// Calls one of an app's actions outside a run (webhook subscriptions).
    pub async fn action(
        &self,
        apps: &AppCatalog,
        credentials: &dyn CredentialStore,
        app_id: &str,
        action: &str,
        input: serde_json::Value,
    ) -> Result<serde_json::Value, StepError> {
        let app = apps
            .get(app_id)
            .ok_or_else(|| StepError::terminal(format!("unknown app '{app_id}'")))?;
        let def = app.actions.get(action).ok_or_else(|| {
            StepError::terminal(format!("app '{app_id}' has no action '{action}'"))
        })?;
        let mut redactor = crate::outbound::Redactor::default();
        calls::StepCalls::new(self, apps, credentials, &mut redactor)
            .run_action(app, def, input, None)
            .await
    }

    /// Runs until the run finishes or waits.
    pub async fn run(&self, inv: &Invocation<'_>, state: &mut RunState) {
        self.run_with(inv, state, |_| {}).await
    }
}

#[cfg(test)]
mod tests;
