//! Queuing runs (app events, manual runs, integration created) and reading them. A
//! run is recorded, then its message is queued; the answer comes after both.

use serde::Serialize;
use serde_json::{json, Value};

use super::hand_off::{FreeSlot, RunInHand};
use super::messages::RunMessage;
use super::{Junction, ServiceError};
use crate::definition::Trigger;
use crate::engine::{RunInput, RunState, RunStatus};
use crate::ids::new_id;
use crate::model::{Integration, RunRecord};
use crate::ports::{RunQueue, Store, StoreError, Vault};

/// How long runs are kept.
pub const RUN_RETENTION_DAYS: i64 = 30;
/// How long a delivery id (or poll item) keeps a second run from starting. Providers
/// retry for up to three days (Stripe), so a week covers every retry schedule.
pub const ONCE_WINDOW: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

/// Runs queued by one request.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct QueuedRuns {
    pub run_ids: Vec<String>,
    /// Why nothing ran when that looks like a mistake: no published flow listens to
    /// the event (a typo in its name, or a flow not published yet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

/// The key that makes a block run once per `once` (a delivery id, a poll item, an
/// app event's idempotency key): the run's id is claimed under it.
pub fn run_once_claim(ws: &str, integration: &str, block: &str, once: &str) -> String {
    format!("run-once:{ws}:{integration}:{block}:{once}")
}

/// The `once` of an app event sent with an idempotency key.
pub fn event_once(event: &str, idempotency_key: &str) -> String {
    format!("event:{event}:{idempotency_key}")
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    /// Records a run of `block` and queues it.
    pub async fn queue_run(
        &self,
        integration: &Integration,
        block: &str,
        trigger: Value,
    ) -> Result<String, ServiceError> {
        Ok(self
            .queue_run_once(integration, block, trigger, None)
            .await?
            .0)
    }

    /// The same, at most once per `once` key (a delivery id, a poll item) within
    /// [`ONCE_WINDOW`]: a second call queues nothing and answers the first run's id and
    /// false. A first call that stopped half-way is finished by the second.
    pub(crate) async fn queue_run_once(
        &self,
        integration: &Integration,
        block: &str,
        trigger: Value,
        once: Option<&str>,
    ) -> Result<(String, bool), ServiceError> {
        // The claim, the record and the message share a commit where the store groups
        // them; the caller hears of the run once all three are durable. A worker of
        // this process, when one is free or frees up soon, gets the run once it is.
        let slot = self.slot_for_run().await;
        // Boxed: the futures that await this one stay small to move.
        let queued = Box::pin(self.record_and_send(integration, block, trigger, once, slot));
        self.together(queued).await
    }

    async fn record_and_send(
        &self,
        integration: &Integration,
        block: &str,
        trigger: Value,
        once: Option<&str>,
        slot: Option<FreeSlot>,
    ) -> Result<(String, bool), ServiceError> {
        let now = self.clock.now();
        let ws = &integration.workspace_id;
        let mut run_id = new_id("run");
        let mut fresh = true;
        if let Some(key) = once {
            let claim = run_once_claim(ws, &integration.id, block, key);
            if let Some(held) = self
                .store
                .claim_key(&claim, &run_id, now, ONCE_WINDOW)
                .await?
            {
                run_id = held;
                fresh = false;
                if let Some(mut existing) = self.store.get_run(ws, &run_id).await? {
                    if existing.status == RunStatus::Abandoned {
                        // The first caller stopped before sending and the sweep gave up
                        // on it: this resend is what it waited for.
                        super::abandon::revive(&mut existing);
                        existing.updated_at = now;
                        self.store
                            .put_run(&existing, Some(existing.version))
                            .await?;
                    }
                    if existing.status == RunStatus::Queued {
                        // Queued already, unless the first caller stopped before sending:
                        // the queue's dedupe makes this send a no-op otherwise.
                        self.send_run(&existing, &run_id).await?;
                    }
                    return Ok((run_id, false));
                }
            }
        }
        let record = RunRecord {
            workspace_id: ws.clone(),
            id: run_id.clone(),
            integration_id: integration.id.clone(),
            user_id: integration.user_id.clone(),
            status: RunStatus::Queued,
            input: RunInput {
                trigger,
                setup: integration.setup.clone(),
                user: json!({ "id": integration.user_id }),
            },
            state: RunState::new(&run_id, &integration.flow_id, block, now),
            created_at: now,
            updated_at: now,
            expires_at: now + chrono::Duration::days(RUN_RETENTION_DAYS),
            version: 0,
        };
        self.ensure_sweep(ws).await?;
        match self.store.put_run(&record, None).await {
            // Recorded here, so sent by nobody yet: messages are sent only for runs
            // that are recorded.
            Ok(version) => {
                let message = run_message(&record)?;
                match slot {
                    Some(slot) => {
                        let delivered = self
                            .queue
                            .send_new_delivered(&message, &run_id, slot.visibility)
                            .await?;
                        if let Some(message) = delivered {
                            let run = RunRecord { version, ..record };
                            let integration = integration.clone();
                            let in_hand = RunInHand { run, integration };
                            self.hand_over_after_commit(message, in_hand, slot).await;
                        }
                    }
                    None => {
                        self.queue.send_new(&message, &run_id).await?;
                    }
                }
            }
            // A concurrent duplicate recorded the claimed id first; sending is harmless.
            Err(StoreError::Conflict(_)) if once.is_some() => {
                self.send_run(&record, &run_id).await?
            }
            Err(e) => return Err(e.into()),
        }
        Ok((run_id, fresh))
    }

    /// Queues a recorded run's message; the queue drops a second send with `dedupe`.
    async fn send_run(&self, run: &RunRecord, dedupe: &str) -> Result<(), ServiceError> {
        self.send_run_after(run, dedupe, std::time::Duration::ZERO)
            .await
    }

    /// Queues a run's message, invisible for `delay`.
    pub(crate) async fn send_run_after(
        &self,
        run: &RunRecord,
        dedupe: &str,
        delay: std::time::Duration,
    ) -> Result<(), ServiceError> {
        let message = run_message(run)?;
        self.queue.send(&message, delay, Some(dedupe)).await?;
        Ok(())
    }

    /// Queues a run of every block triggered by this app event, in every enabled
    /// integration subscribed to it (of one user, or of all). With an idempotency key,
    /// sending the same event again queues nothing new.
    pub async fn app_event(
        &self,
        ws: &str,
        event: &str,
        user: Option<&str>,
        payload: Value,
        idempotency_key: Option<&str>,
    ) -> Result<QueuedRuns, ServiceError> {
        if event.trim().is_empty() || event.len() > 200 {
            return Err(ServiceError::field("event", "must be 1 to 200 characters"));
        }
        if idempotency_key.is_some_and(|k| k.is_empty() || k.len() > 200) {
            return Err(ServiceError::field(
                "Idempotency-Key",
                "must be 1 to 200 characters",
            ));
        }
        let once = idempotency_key.map(|k| event_once(event, k));
        // Every run the event starts shares one commit where the store groups writes.
        let runs = self.together(Box::pin(async {
            let mut run_ids = Vec::new();
            for integration in self
                .store
                .integrations_for_event(ws, event, user)
                .await?
                .into_iter()
                .filter(|i| i.enabled)
            {
                let Some(version) = self
                    .flow_version(ws, &integration.flow_id, integration.flow_version)
                    .await?
                else {
                    tracing::warn!(integration = %integration.id, "integration names a missing flow version");
                    continue;
                };
                for block in &version.definition.blocks {
                    if matches!(&block.trigger, Trigger::AppEvent { event: e } if e == event) {
                        let (run_id, _) = self
                            .queue_run_once(&integration, &block.id, payload.clone(), once.as_deref())
                            .await?;
                        run_ids.push(run_id);
                    }
                }
            }
            Ok::<_, ServiceError>(run_ids)
        }));
        let mut queued = QueuedRuns {
            run_ids: runs.await?,
            ..Default::default()
        };
        // Only when nothing ran, so events that start runs pay nothing for it.
        if queued.run_ids.is_empty() && !self.is_listened_to(ws, event).await? {
            queued.warning = Some(format!(
                "no published flow listens to the event '{event}': check its name, or publish the flow that listens to it"
            ));
        }
        Ok(queued)
    }

    /// Whether a published flow of the workspace has a block triggered by `event`.
    async fn is_listened_to(&self, ws: &str, event: &str) -> Result<bool, ServiceError> {
        for head in self.heads(ws, &[]).await? {
            let Some(number) = head.published else {
                continue;
            };
            let Some(version) = self.flow_version(ws, &head.flow_id, number).await? else {
                continue;
            };
            if super::integrations::events_of(&version.definition)
                .iter()
                .any(|e| e == event)
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Queues a run of a block the user may start by hand.
    pub async fn manual_run(
        &self,
        ws: &str,
        user: &str,
        integration_id: &str,
        block: &str,
        payload: Value,
    ) -> Result<String, ServiceError> {
        let integration = self.integration(ws, user, integration_id).await?;
        if !integration.enabled {
            return Err(ServiceError::Conflict(format!(
                "the integration is disabled{}",
                integration
                    .disabled_reason
                    .as_ref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            )));
        }
        let version = self
            .flow_version(ws, &integration.flow_id, integration.flow_version)
            .await?
            .ok_or_else(|| {
                ServiceError::Unknown(anyhow::anyhow!(
                    "integration {integration_id} names a missing flow version"
                ))
            })?;
        match version.definition.block(block) {
            Some(b) if matches!(b.trigger, Trigger::Manual) => {
                self.queue_run(&integration, block, payload).await
            }
            Some(_) => Err(ServiceError::field(
                "block",
                format!("block '{block}' is not started by hand"),
            )),
            None => Err(ServiceError::NotFound(format!("block '{block}'"))),
        }
    }

    /// The user's runs of one integration, newest first.
    pub async fn runs(
        &self,
        ws: &str,
        user: &str,
        integration_id: &str,
        limit: usize,
        before: Option<&str>,
    ) -> Result<Vec<RunRecord>, ServiceError> {
        self.integration(ws, user, integration_id).await?;
        Ok(self
            .store
            .runs_of_integration(ws, integration_id, limit, before)
            .await?)
    }

    /// One of the user's runs, with its step log.
    pub async fn run(&self, ws: &str, user: &str, run_id: &str) -> Result<RunRecord, ServiceError> {
        match self.store.get_run(ws, run_id).await? {
            Some(r) if r.user_id == user => Ok(r),
            _ => Err(ServiceError::NotFound(format!("run '{run_id}'"))),
        }
    }
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    /// Queues a failed run again, from its failed step.
    pub async fn replay_run(&self, ws: &str, run_id: &str) -> Result<RunRecord, ServiceError> {
        let Some(mut record) = self.store.get_run(ws, run_id).await? else {
            return Err(ServiceError::NotFound(format!("run '{run_id}'")));
        };
        if record.status != RunStatus::Failed {
            return Err(ServiceError::Conflict(format!(
                "only failed runs can be replayed; this one is {}",
                record.status.as_str()
            )));
        }
        record.state.retry_failed_step();
        record.status = RunStatus::Queued;
        record.updated_at = self.clock.now();
        record.version = self.store.put_run(&record, Some(record.version)).await?;
        self.send_run(&record, &format!("{run_id}:replay:{}", record.version))
            .await?;
        Ok(record)
    }
}

/// The queue message that carries a run.
fn run_message(run: &RunRecord) -> Result<String, ServiceError> {
    serde_json::to_string(&RunMessage {
        workspace_id: run.workspace_id.clone(),
        run_id: run.id.clone(),
        integration_id: Some(run.integration_id.clone()),
    })
    .map_err(|e| ServiceError::Unknown(e.into()))
}
