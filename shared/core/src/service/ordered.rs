//! Ordered updates (`order_by:` on a block): runs for one object of one integration
//! go one at a time under a lease, and a run whose update is older than the last one
//! processed for that object is skipped instead of overwriting newer data.

use std::time::Duration;

use chrono::Utc;
use serde_json::json;

use super::{Junction, ServiceError};
use crate::definition::{updated_before, FlowDefinition};
use crate::engine::{Engine, Invocation, RunError, RunState, RunStatus, Skipped};
use crate::model::{RunRecord, StoredValue};
use crate::ports::{Expect, RunQueue, Store, Vault};
use crate::storage::object_key;

/// How long a run holds its object while it executes; renewed on every delivery, so
/// only a run whose worker died holds it this long.
const ORDER_LEASE: Duration = Duration::from_secs(300);
/// How soon a run held back by another run of its object looks again.
const ORDER_RETRY: Duration = Duration::from_secs(1);
/// How long the last processed update of an object is remembered.
const ORDER_MEMORY: chrono::Duration = chrono::Duration::days(30);

/// Where a run's object stands.
pub(super) enum Gate {
    /// Run now; with the slot to settle when the run is over (none: no `order_by`).
    Go(Option<OrderSlot>),
    /// Another run of the object is executing: look again shortly.
    Busy,
    /// Settled already (skipped as stale, or failed on a bad `order_by`): save it.
    Settled,
}

/// Which run: the ids the gate needs beside the run's state.
pub(super) struct RunRef<'a> {
    pub workspace_id: &'a str,
    pub id: &'a str,
    pub integration_id: &'a str,
}

/// A run's hold on its object, and its update.
pub(super) struct OrderSlot {
    lease: String,
    scope: String,
    key: String,
    updated_at: String,
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    /// Takes the run's object (or says it is busy) and, before the first step, skips
    /// an update older than the last one processed. Two store requests for blocks with
    /// `order_by`, none otherwise.
    pub(super) async fn order_gate(
        &self,
        engine: &Engine,
        inv: &Invocation<'_>,
        flow: &FlowDefinition,
        state: &mut RunState,
        run: RunRef<'_>,
    ) -> Result<Gate, ServiceError> {
        let Some(block) = flow.block(&state.block_id) else {
            return Ok(Gate::Go(None));
        };
        let (id, updated_at) = match engine.order_of(inv, state, block) {
            Ok(Some(found)) => found,
            Ok(None) => return Ok(Gate::Go(None)),
            Err(e) => {
                state.error = Some(RunError {
                    step: None,
                    message: e.message,
                    transient: false,
                    retry_after_ms: None,
                    held: false,
                });
                self.settle_now(state, RunStatus::Failed);
                return Ok(Gate::Settled);
            }
        };
        let key = object_key(&id);
        let ws = run.workspace_id;
        let scope = format!("order:{}:{}", run.integration_id, block.id);
        let lease = format!("{scope}:{ws}:{key}");
        let now = self.clock.now();
        if !self
            .store
            .acquire_lease(&lease, run.id, now, ORDER_LEASE)
            .await?
        {
            return Ok(Gate::Busy);
        }
        let slot = OrderSlot {
            lease,
            scope,
            key,
            updated_at,
        };
        if state.before_first_step() {
            let last = self
                .store
                .get_stored(ws, &slot.scope, &slot.key, now)
                .await?;
            if let Some(last) = last {
                let last_at = last.value["updated_at"].as_str().unwrap_or_default();
                if updated_before(&slot.updated_at, last_at) {
                    let by = last.value["run_id"].as_str().map(str::to_string);
                    state.skipped = Some(Skipped {
                        reason: format!(
                            "an older update of '{id}' ({}) than the one already processed ({last_at})",
                            slot.updated_at
                        ),
                        echo_of: None,
                        superseded_by: by,
                    });
                    self.settle_now(state, RunStatus::Skipped);
                    self.store.release_lease(&slot.lease, run.id).await?;
                    return Ok(Gate::Settled);
                }
            }
        }
        Ok(Gate::Go(Some(slot)))
    }

    /// Once the run is over: its update becomes the object's last processed one
    /// (unless a newer one is there already), and the object is free for the next run.
    pub(super) async fn order_done(
        &self,
        slot: &OrderSlot,
        record: &RunRecord,
    ) -> Result<(), ServiceError> {
        let ws = &record.workspace_id;
        let now = self.clock.now();
        let last = self
            .store
            .get_stored(ws, &slot.scope, &slot.key, now)
            .await?;
        let newer_there = last.as_ref().is_some_and(|l| {
            updated_before(
                &slot.updated_at,
                l.value["updated_at"].as_str().unwrap_or_default(),
            )
        });
        if !newer_there {
            let marker = StoredValue {
                scope: slot.scope.clone(),
                key: slot.key.clone(),
                value: json!({"updated_at": slot.updated_at, "run_id": record.id}),
                updated_at: now,
                expires_at: Some(now + ORDER_MEMORY),
                applied: Vec::new(),
                version: 0,
            };
            self.store.put_stored(ws, &marker, Expect::Any, now).await?;
        }
        self.store.release_lease(&slot.lease, &record.id).await?;
        Ok(())
    }

    /// A run held back by another run of its object comes back in a moment, as a
    /// new message: this delivery spends none of the run's attempts.
    pub(super) async fn after_object_frees(
        &self,
        record: &RunRecord,
    ) -> Result<super::messages::Outcome, ServiceError> {
        let dedupe = format!("{}:order:{}", record.id, Utc::now().timestamp_millis());
        match self.send_run_after(record, &dedupe, ORDER_RETRY).await {
            Ok(()) => Ok(super::messages::Outcome::Done),
            Err(e) => {
                tracing::warn!(run = %record.id, error = %e, "could not queue a run waiting for its object; this delivery will carry it");
                Ok(super::messages::Outcome::RetryAfter(ORDER_RETRY))
            }
        }
    }

    fn settle_now(&self, state: &mut RunState, status: RunStatus) {
        state.status = status;
        state.finished_at = Some(self.clock.now());
    }
}
