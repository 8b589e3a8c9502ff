//! Executes one queued run message: loads the run, runs its steps with a checkpoint
//! after each step with an effect and at the end (each metering the tasks since the
//! last), and says what the queue should do with the message.
//! Both hosts drive it: `junction serve` workers and the SQS Lambda.

use std::time::Duration;

use crate::engine::{Engine, Invocation, RunStatus};
use crate::model::{month_of, RunRecord, Version};
use crate::outbound::RetryPolicy;
use crate::ports::{Metered, QueueMessage, RunQueue, Store, StoreError, Vault};

use super::hand_off::RunInHand;
use super::messages::{Outcome, QueueBody};
use super::ordered::{Gate, RunRef};
use super::run_end::{end_of_run, AfterRun};
use super::stored_values::StoredValues;
use super::vault_credentials::VaultCredentials;
use super::{Junction, RunMessage, ServiceError};

/// Deliveries of a run before a transient failure becomes final.
pub const MAX_ATTEMPTS: u32 = 5;
/// The longest a queue holds a message back (SQS's DelaySeconds limit); a longer
/// hold comes back early, finds the run still waiting and waits again.
const MAX_QUEUE_DELAY: Duration = Duration::from_secs(900);

/// A run that calls out for this long without an effect is still checkpointed, so that
/// its record shows where it is and the sweep never takes it for one never sent.
const CHECKPOINT_AT_LEAST_EVERY: Duration = Duration::from_secs(30);

/// Whether a checkpoint was written, or what the message's outcome is when it was not.
enum Saved {
    Yes(Version),
    Lost(Result<Outcome, ServiceError>),
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    /// Records the executing run (its status and time set by the caller), with the
    /// tasks it used since `metered` of them were counted.
    async fn checkpoint(&self, record: &RunRecord, metered: u32) -> Result<Saved, ServiceError> {
        let month = month_of(record.updated_at);
        let tasks = record.state.tasks.saturating_sub(metered) as u64;
        let counted = Metered {
            user_id: &record.user_id,
            month: &month,
            tasks,
        };
        match self
            .store
            .checkpoint_run(record, record.version, counted)
            .await
        {
            Ok(v) => Ok(Saved::Yes(v)),
            // Another worker holds this run (its message became visible again).
            Err(StoreError::Conflict(_)) => Ok(Saved::Lost(Ok(Outcome::Done))),
            // The engine keeps records within the limit; should one still outgrow
            // it, the run ends here rather than repeating its last step.
            Err(StoreError::TooLarge(detail)) => {
                // The tasks were used all the same; the lightened record that ends the
                // run is written without them.
                if tasks > 0 {
                    self.store
                        .add_tasks(&record.workspace_id, &record.user_id, &month, tasks)
                        .await?;
                }
                Ok(Saved::Lost(
                    self.give_up_too_large(record.clone(), &detail).await,
                ))
            }
            Err(e) => Err(e.into()),
        }
    }

    pub async fn execute(&self, engine: &Engine, message: &QueueMessage) -> Outcome {
        self.execute_in_hand(engine, message, None).await
    }

    /// [`Junction::execute`], starting from the run and integration in `in_hand` (a
    /// run this process recorded and handed to its own worker) rather than the store's.
    pub async fn execute_in_hand(
        &self,
        engine: &Engine,
        message: &QueueMessage,
        in_hand: Option<RunInHand>,
    ) -> Outcome {
        let run = match serde_json::from_str::<QueueBody>(&message.body) {
            Ok(QueueBody::Due(due)) => {
                // Boxed: a poll's future is over twice a run's (it queues the runs of its
                // new items in one unit), and unboxed it set the size of every run's
                // future, which the worker copies onto the heap for each run.
                return Box::pin(self.run_due(engine, &due, message.receive_count)).await;
            }
            Ok(QueueBody::Run(run)) => run,
            Err(e) => return Outcome::Poisoned(format!("neither a run nor due work: {e}")),
        };
        // Every event logged while the run executes carries its ids (JSON logs on Lambda).
        let span = tracing::info_span!(
            "run",
            run = %run.run_id,
            workspace = %run.workspace_id,
            integration = tracing::field::Empty
        );
        let result = tracing::Instrument::instrument(
            self.execute_run(engine, &run, message.receive_count, in_hand),
            span,
        )
        .await;
        match result {
            Ok(outcome) => outcome,
            Err(e) if message.receive_count >= MAX_ATTEMPTS => {
                // The queue dead-letters the message after this delivery: the run must
                // not show as running for ever.
                let id = crate::ids::new_id("err");
                tracing::error!(run = %run.run_id, workspace = %run.workspace_id, error = %e, error_id = %id, "run could not be executed; its message goes to the dead letters");
                let reason = format!(
                    "the run could not be continued after {MAX_ATTEMPTS} attempts (server error {id}; the server log has the details)"
                );
                if let Err(e) = self.give_up_stored(&run, &reason).await {
                    tracing::error!(run = %run.run_id, error = %e, "the run could not be marked failed");
                }
                Outcome::RetryAfter(RetryPolicy::default().backoff(message.receive_count))
            }
            Err(e) => {
                tracing::error!(run = %run.run_id, workspace = %run.workspace_id, error = %e, "run could not be executed; it will be retried");
                Outcome::RetryAfter(RetryPolicy::default().backoff(message.receive_count))
            }
        }
    }

    /// Fails the stored run, if it is still unfinished, with `reason`.
    async fn give_up_stored(&self, run: &RunMessage, reason: &str) -> Result<(), ServiceError> {
        match self.store.get_run(&run.workspace_id, &run.run_id).await? {
            Some(record) if !record.status.is_finished() => {
                self.give_up(record, reason).await.map(|_| ())
            }
            _ => Ok(()),
        }
    }

    async fn execute_run(
        &self,
        engine: &Engine,
        message: &RunMessage,
        receive_count: u32,
        in_hand: Option<RunInHand>,
    ) -> Result<Outcome, ServiceError> {
        let ws = &message.workspace_id;
        let month = month_of(self.clock.now());
        let loaded = match in_hand {
            Some(RunInHand { run, integration }) => {
                let mut loaded = self.store.workspace_to_execute(ws, &month).await?;
                loaded.run = Some(run);
                loaded.integration = Some(integration);
                loaded
            }
            None => {
                // One read for the run, its integration, its workspace and the month's
                // tasks. Messages queued before they named the integration leave it to
                // the run.
                let integration_id = match &message.integration_id {
                    Some(id) => id.clone(),
                    None => match self.store.get_run(ws, &message.run_id).await? {
                        Some(run) => run.integration_id,
                        None => String::new(),
                    },
                };
                self.store
                    .run_to_execute(ws, &message.run_id, &integration_id, &month)
                    .await?
            }
        };
        let Some(mut record) = loaded.run else {
            tracing::warn!(run = %message.run_id, "queued run no longer exists");
            return Ok(Outcome::Done);
        };
        if record.status == RunStatus::Abandoned {
            // Its message turned up after all (a backlog longer than the sweep waits).
            tracing::info!(run = %record.id, "an abandoned run's message arrived; it runs");
            super::abandon::revive(&mut record);
        } else if record.status.is_finished() {
            return Ok(Outcome::Done);
        }
        if record.state.status == RunStatus::Waiting {
            let now = self.clock.now();
            match record.state.resume_at {
                Some(at) if at > now => {
                    return Ok(Outcome::RetryAfter((at - now).to_std().unwrap_or_default()))
                }
                _ => engine.resume(&mut record.state),
            }
        }
        tracing::Span::current().record("integration", record.integration_id.as_str());
        let Some(integration) = loaded.integration.filter(|i| i.id == record.integration_id) else {
            return self.give_up(record, "the integration was deleted").await;
        };
        if !integration.enabled {
            let reason = format!(
                "the integration is disabled{}",
                integration
                    .disabled_reason
                    .as_ref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            );
            return self.give_up(record, &reason).await;
        }
        let Some(flow) = self
            .flow_version(ws, &integration.flow_id, integration.flow_version)
            .await?
        else {
            return self
                .give_up(record, "the integration's flow version is missing")
                .await;
        };
        let starting = record.state.log.is_empty();
        let workspace = loaded.workspace;
        let code_limits = workspace
            .as_ref()
            .map(|w| w.code_limits)
            .unwrap_or_default();
        // Quota: a run that has not started does not start once the month's tasks are used up.
        if starting {
            if let Some(quota) = workspace.as_ref().and_then(|w| w.task_quota) {
                let used = loaded.tasks_this_month;
                if used >= quota {
                    return self
                        .give_up(record, &format!("the workspace's monthly quota of {quota} tasks is used up ({used} used); the run did not start"))
                        .await;
                }
            }
        }
        // The apps the flow names: one added moments ago through another process is
        // then found, not reported unknown.
        let named = flow.definition.apps.iter().map(String::as_str);
        let apps = self.runtime_catalog_having(ws, named).await?;
        let credentials =
            VaultCredentials::new(&self.store, &self.vault, ws, integration.accounts.clone());
        let storage = StoredValues {
            store: self.store.clone(),
            clock: self.clock.clone(),
            workspace_id: ws.to_string(),
            integration_id: record.integration_id.clone(),
            user_id: record.user_id.clone(),
            accounts: integration.accounts.clone(),
        };
        let inv = Invocation {
            flow: &flow.definition,
            apps: &apps,
            input: &record.input,
            credentials: &credentials,
            storage: &storage,
            code_limits,
        };

        // Ordered updates: one run per object at a time, an older update skipped.
        let run = RunRef {
            workspace_id: &record.workspace_id,
            id: &record.id,
            integration_id: &record.integration_id,
        };
        let gate = self
            .order_gate(engine, &inv, &flow.definition, &mut record.state, run)
            .await?;
        let order = match gate {
            Gate::Go(slot) => slot,
            Gate::Busy => return self.after_object_frees(&record).await,
            Gate::Settled => {
                record.status = record.state.status;
                record.updated_at = self.clock.now();
                return self.save_settled(record).await;
            }
        };

        // A retry after a transient failure continues at the failed step.
        if record.state.awaits_retry() {
            record.state.retry_failed_step();
        }
        record.status = RunStatus::Running;
        // Checkpoints: a step with an effect (an action, a stored value) is recorded
        // before the run calls out again, and the run at its end (or pause). Steps in
        // between that change nothing outside are not: a redelivery repeats them
        // harmlessly. Each checkpoint counts the tasks used since the one before in the
        // same write.
        let mut metered = record.state.tasks;
        let mut unrecorded_effect = false;
        let mut saved_at = std::time::Instant::now();
        let mut more = true;
        let mut after = AfterRun::Done;
        loop {
            let next = engine.next_step(&flow.definition, &record.state);
            let calls_out = next.is_some_and(|s| s.kind.calls_out());
            if !more
                || calls_out
                    && (unrecorded_effect || saved_at.elapsed() >= CHECKPOINT_AT_LEAST_EVERY)
            {
                let now = self.clock.now();
                if !more {
                    after = end_of_run(&mut record.state, receive_count, MAX_ATTEMPTS, now);
                }
                record.status = record.state.status;
                record.updated_at = now;
                match self.checkpoint(&record, metered).await? {
                    Saved::Yes(v) => record.version = v,
                    Saved::Lost(outcome) => return outcome,
                }
                metered = record.state.tasks;
                unrecorded_effect = false;
                saved_at = std::time::Instant::now();
            }
            if !more {
                break;
            }
            let effect = next.is_some_and(|s| s.kind.has_effect());
            // Boxed, so that the executor's own future stays small (see the worker).
            more = Box::pin(engine.advance(&inv, &mut record.state)).await;
            unrecorded_effect |= effect;
        }
        match after {
            AfterRun::Paused(wait) => Ok(Outcome::RetryAfter(wait)),
            AfterRun::Held(wait) => Ok(self.hold_message(&record, wait).await),
            AfterRun::Retrying(wait) => {
                tracing::info!(run = %record.id, attempt = receive_count, wait_ms = wait.as_millis() as u64, "transient failure; the run will be retried");
                crate::telemetry::run_reached(RunStatus::Retrying);
                Ok(Outcome::RetryAfter(wait))
            }
            AfterRun::Done => {
                if record.status.is_finished() {
                    crate::telemetry::run_reached(record.status);
                    log_finished(&record);
                    if let Some(slot) = &order {
                        self.order_done(slot, &record).await?;
                    }
                }
                Ok(Outcome::Done)
            }
        }
    }

    /// Saves a run that ended before its first step (see `ordered`).
    async fn save_settled(&self, record: crate::model::RunRecord) -> Result<Outcome, ServiceError> {
        match self.store.put_run(&record, Some(record.version)).await {
            Ok(_) | Err(StoreError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
        crate::telemetry::run_reached(record.status);
        log_finished(&record);
        Ok(Outcome::Done)
    }

    /// A step that made no call because its account is held back (the app asked for
    /// quiet, or its rate limit is spent) waits without a worker and without spending
    /// an attempt: the run was recorded waiting at that step, and a new message,
    /// invisible until the hold ends, replaces this one (whose receive count would
    /// otherwise grow).
    async fn hold_message(&self, record: &RunRecord, wait: Duration) -> Outcome {
        let dedupe = format!("{}:held:{}", record.id, record.version);
        match self
            .send_run_after(record, &dedupe, wait.min(MAX_QUEUE_DELAY))
            .await
        {
            Ok(()) => Outcome::Done,
            // This message then carries the run on, as a waiting run.
            Err(e) => {
                tracing::warn!(run = %record.id, error = %e, "could not queue a held run's next delivery; this one will carry it");
                Outcome::RetryAfter(wait)
            }
        }
    }

    /// Ends a run whose record outgrew the store, lightening it until it fits: first its
    /// log's bodies and console lines, then its step outputs.
    async fn give_up_too_large(
        &self,
        mut record: crate::model::RunRecord,
        detail: &str,
    ) -> Result<Outcome, ServiceError> {
        tracing::warn!(run = %record.id, %detail, "run record too large to save");
        let reason = format!(
            "the run outgrew what a run may keep ({detail}); select what steps keep with `output:`"
        );
        for entry in &mut record.state.log {
            entry.console.clear();
            for request in &mut entry.requests {
                request.request_body = None;
                request.response_body = None;
            }
        }
        match self.give_up(record.clone(), &reason).await {
            Err(ServiceError::Invalid { .. }) => {
                record.state.outputs.clear();
                record.state.stack.clear();
                self.give_up(record, &reason).await
            }
            other => other,
        }
    }

    /// Ends a run that cannot go on, with the reason on it.
    async fn give_up(
        &self,
        mut record: crate::model::RunRecord,
        reason: &str,
    ) -> Result<Outcome, ServiceError> {
        record.state.status = RunStatus::Failed;
        record.state.error = Some(crate::engine::RunError {
            step: None,
            message: reason.into(),
            transient: false,
            retry_after_ms: None,
            held: false,
        });
        record.state.finished_at = Some(self.clock.now());
        record.status = RunStatus::Failed;
        record.updated_at = self.clock.now();
        match self.store.put_run(&record, Some(record.version)).await {
            Ok(_) => {
                crate::telemetry::run_reached(RunStatus::Failed);
                log_finished(&record);
                Ok(Outcome::Done)
            }
            Err(StoreError::Conflict(_)) => Ok(Outcome::Done),
            Err(e) => Err(e.into()),
        }
    }
}

/// One line per finished run (`junction serve` shows `junction::runs` at info), with
/// what an operator looks for first; the run's step log has the rest.
fn log_finished(record: &crate::model::RunRecord) {
    let state = &record.state;
    let took_ms = state
        .finished_at
        .map(|end| (end - state.started_at).num_milliseconds())
        .unwrap_or_default();
    let error = state.error.as_ref().map(|e| e.message.as_str());
    let status = record.status.as_str();
    if crate::telemetry::structured_logs() {
        tracing::info!(
            target: "junction::runs",
            run = %record.id,
            flow = %state.flow_id,
            block = %state.block_id,
            status,
            tasks = state.tasks,
            took_ms,
            error,
            "run finished"
        );
    } else {
        let error = error.map(|e| format!(": {e}")).unwrap_or_default();
        tracing::info!(
            target: "junction::runs",
            "run {} of {}/{} {status} in {took_ms} ms, {} tasks{error}",
            record.id,
            state.flow_id,
            state.block_id,
            state.tasks,
        );
    }
}
