//! Polls and schedules. `schedule_triggers` records when an integration's polls and
//! schedules are first due; `poll_due` finds what is due through the store's due
//! lookup and fans each out as a queue message (it never polls itself); `run_due`
//! (called by the executor for those messages) polls or fires, queues the runs, and
//! only then moves the item to its next time, with its new state, in one atomic step.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::messages::Outcome;
use super::messages::{DueMessage, DueWork};
use super::schedule::{next_poll, next_tick, previous_tick};
use super::vault_credentials::VaultCredentials;
use super::{Junction, ServiceError};
use crate::definition::{FlowDefinition, Trigger};
use crate::engine::{get_path, Engine};
use crate::model::{month_of, DueItem, Integration};
use crate::outbound::RetryPolicy;
use crate::ports::{RunQueue, Store, Vault};
use crate::template::Context;

/// Ids a poll remembers, newest kept: enough for any query's pages, bounded so the
/// state stays a small item.
const MAX_SEEN: usize = 2_000;
/// Due items handled per `poll_due` call.
pub const DUE_BATCH: usize = 500;

/// A time as the apps' `since` parameters take it: whole seconds (rounded down, so
/// an inclusive `since` misses nothing), UTC, `Z`.
fn since_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Whether `a` is later than `b`: numbers by value, times by instant, other
/// strings in order (ISO dates sort as text).
fn later(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x.as_f64().unwrap_or(f64::MIN) > y.as_f64().unwrap_or(f64::MIN)
        }
        (Value::String(x), Value::String(y)) => {
            match (
                DateTime::parse_from_rfc3339(x),
                DateTime::parse_from_rfc3339(y),
            ) {
                (Ok(x), Ok(y)) => x > y,
                _ => x > y,
            }
        }
        _ => false,
    }
}

impl DueWork {
    /// What a poll's input sees as `poll`: only what is known, so the first poll's
    /// `{{ poll.last_updated_at | default(none) }}` leaves its filter out.
    pub fn poll_context(&self) -> Value {
        let mut poll = serde_json::Map::new();
        if let Some(at) = self.last_succeeded_at {
            poll.insert("last_polled_at".into(), json!(since_time(at)));
        }
        if let Some(updated) = &self.last_updated_at {
            poll.insert("last_updated_at".into(), updated.clone());
        }
        if let Some(id) = &self.last_id {
            poll.insert("last_id".into(), json!(id));
        }
        Value::Object(poll)
    }

    /// Records an answered poll that began at `began`, whose `items` started `fresh` runs.
    fn answered(&mut self, began: DateTime<Utc>, items: &[Value], fresh: usize, how: NewItems<'_>) {
        let newest = how.updated.and_then(|path| {
            items
                .iter()
                .filter_map(|i| get_path(i, path))
                .filter(|v| v.is_string() || v.is_number())
                .fold(None::<&Value>, |best, v| match best {
                    Some(b) if !later(v, b) => Some(b),
                    _ => Some(v),
                })
                .cloned()
        });
        self.last_updated_at = match (newest, self.last_updated_at.take()) {
            (Some(new), Some(old)) if !later(&new, &old) => Some(old),
            (Some(new), _) => Some(new),
            // Watching updates but none newer: what it had stands.
            (None, Some(old)) if how.updated.is_some() => Some(old),
            // Nothing to tell by: the time this poll began.
            (None, _) => Some(json!(since_time(began))),
        };
        if let Some(first) = items.first() {
            self.last_id = Some(item_id(first, how.id_path));
        }
        self.items = items.len() as u64;
        self.new_items = fresh as u64;
        self.last_polled_at = Some(began);
        self.last_succeeded_at = Some(began);
        self.last_error = None;
        self.failures = 0;
    }

    /// Records a poll that began at `began` and failed.
    fn failed(&mut self, began: DateTime<Utc>, message: String) {
        self.last_polled_at = Some(began);
        self.last_error = Some(message);
        self.failures = self.failures.saturating_add(1);
    }
}

/// A poll's items and the query's id path, or why it failed and whether that may pass.
type PollAnswer = Result<(Vec<Value>, Option<String>), (String, bool)>;

/// How a poll turns new items into runs.
#[derive(Debug, Clone, Copy)]
struct NewItems<'a> {
    /// Dot path of the query's item id.
    id_path: Option<&'a str>,
    /// Dot path of the updated-at field, when updates count as new.
    updated: Option<&'a str>,
    /// One run for all new items.
    batch: bool,
}

pub(crate) fn due_key(integration: &Integration, block: &str) -> String {
    format!(
        "trigger:{}:{}:{block}",
        integration.workspace_id, integration.id
    )
}

/// An item's id: its `id` field when the query names one, else the whole item.
fn item_id(item: &Value, id_path: Option<&str>) -> String {
    match id_path.and_then(|p| get_path(item, p)) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => super::secrets::sha256_hex(&item.to_string()),
    }
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    /// Records the first due time of every poll (now: it takes the baseline) and
    /// schedule (its next tick) of an integration.
    pub(crate) async fn schedule_triggers(
        &self,
        integration: &Integration,
        flow: &FlowDefinition,
    ) -> Result<(), ServiceError> {
        let now = self.clock.now();
        for block in &flow.blocks {
            let due_at = match &block.trigger {
                Trigger::Poll { .. } => now,
                Trigger::Schedule { cron, timezone } => next_tick(cron, timezone, now)
                    .map_err(|e| ServiceError::Unknown(anyhow::anyhow!(e)))?,
                _ => continue,
            };
            let work = DueWork {
                integration_id: integration.id.clone(),
                block: block.id.clone(),
                ..DueWork::default()
            };
            self.store
                .put_due(&DueItem {
                    key: due_key(integration, &block.id),
                    workspace_id: integration.workspace_id.clone(),
                    due_at,
                    payload: serde_json::to_value(&work)
                        .map_err(|e| ServiceError::Unknown(e.into()))?,
                })
                .await?;
        }
        Ok(())
    }

    /// Queues a message for every poll and schedule due at `now`; returns how many.
    /// An item stays due until its message is handled, and each due time is queued
    /// once (the queue dedupes on it), so calling this often is safe.
    pub async fn poll_due(&self, now: DateTime<Utc>) -> Result<usize, ServiceError> {
        let due = self.store.due_before(now, DUE_BATCH).await?;
        for item in &due {
            let work: DueWork = match serde_json::from_value(item.payload.clone()) {
                Ok(w) => w,
                Err(e) => {
                    tracing::error!(key = %item.key, error = %e, "unreadable due item; removing it");
                    self.store.remove_due(&item.key, item.due_at).await?;
                    continue;
                }
            };
            let message = serde_json::to_string(&DueMessage {
                due_key: item.key.clone(),
                workspace_id: item.workspace_id.clone(),
                due_at: item.due_at,
                work,
            })
            .map_err(|e| ServiceError::Unknown(e.into()))?;
            let dedupe = format!("{}@{}", item.key, item.due_at.timestamp_millis());
            self.queue
                .send(&message, std::time::Duration::ZERO, Some(&dedupe))
                .await?;
        }
        Ok(due.len())
    }

    /// Handles one due message: a poll or a schedule tick.
    pub(crate) async fn run_due(
        &self,
        engine: &Engine,
        message: &DueMessage,
        receive_count: u32,
    ) -> Outcome {
        match self.run_due_inner(engine, message).await {
            Ok(outcome) => outcome,
            Err(e) => {
                tracing::error!(key = %message.due_key, error = %e, "due work failed; it will be retried");
                Outcome::RetryAfter(RetryPolicy::default().backoff(receive_count))
            }
        }
    }

    async fn run_due_inner(
        &self,
        engine: &Engine,
        message: &DueMessage,
    ) -> Result<Outcome, ServiceError> {
        let ws = &message.workspace_id;
        let work = &message.work;
        if super::abandon::is_sweep(&message.due_key) {
            self.sweep_abandoned(ws).await?;
            let next = DueItem {
                key: message.due_key.clone(),
                workspace_id: ws.clone(),
                due_at: super::abandon::next_sweep(self.clock.now()),
                payload: serde_json::to_value(work).map_err(|e| ServiceError::Unknown(e.into()))?,
            };
            self.store.move_due(&next, message.due_at).await?;
            return Ok(Outcome::Done);
        }
        let integration = match self.store.get_integration(ws, &work.integration_id).await? {
            Some(i) if i.enabled => i,
            // Deleted or disabled: nothing is due any more (enabling schedules afresh).
            _ => {
                self.store
                    .remove_due(&message.due_key, message.due_at)
                    .await?;
                return Ok(Outcome::Done);
            }
        };
        let flow = self
            .flow_version(ws, &integration.flow_id, integration.flow_version)
            .await?;
        let Some(block) = flow.as_ref().and_then(|f| f.definition.block(&work.block)) else {
            self.store
                .remove_due(&message.due_key, message.due_at)
                .await?;
            return Ok(Outcome::Done);
        };
        let now = self.clock.now();
        let (next_at, next_work) = match &block.trigger {
            Trigger::Schedule { cron, timezone } => {
                // One run per due time however late it is: missed ticks run once.
                let previous = previous_tick(cron, timezone, message.due_at)
                    .map_err(|e| ServiceError::Unknown(anyhow::anyhow!(e)))?;
                self.queue_run_once(
                    &integration,
                    &block.id,
                    json!({"scheduled_at": message.due_at, "previous_at": previous, "fired_at": now}),
                    Some(&format!("tick:{}", message.due_at.timestamp_millis())),
                )
                .await?;
                let next = next_tick(cron, timezone, now.max(message.due_at))
                    .map_err(|e| ServiceError::Unknown(anyhow::anyhow!(e)))?;
                (next, work.clone())
            }
            Trigger::Poll {
                app,
                query,
                interval,
                input,
                updated,
                batch,
            } => {
                let interval = humantime::parse_duration(interval)
                    .map_err(|e| ServiceError::Unknown(anyhow::anyhow!("poll interval: {e}")))?;
                let mut next_work = work.clone();
                let (answer, requests) = self
                    .poll(engine, &integration, work, app, query, input)
                    .await;
                if requests > 0 {
                    self.store
                        .add_poll_requests(ws, &month_of(now), requests)
                        .await?;
                }
                match answer {
                    Ok((items, id_path)) => {
                        let how = NewItems {
                            id_path: id_path.as_deref(),
                            updated: updated.as_deref(),
                            batch: *batch,
                        };
                        let fresh = self
                            .take_new_items(&integration, &block.id, &mut next_work, &items, how)
                            .await?;
                        next_work.answered(now, &items, fresh, how);
                    }
                    Err((message, transient)) => {
                        tracing::warn!(integration = %integration.id, block = %block.id, error = %message, transient, "poll failed; it is tried again at its next time");
                        next_work.failed(now, message);
                    }
                }
                (next_poll(&message.due_key, interval, now), next_work)
            }
            _ => {
                self.store
                    .remove_due(&message.due_key, message.due_at)
                    .await?;
                return Ok(Outcome::Done);
            }
        };
        let moved = self
            .store
            .move_due(
                &DueItem {
                    key: message.due_key.clone(),
                    workspace_id: ws.clone(),
                    due_at: next_at,
                    payload: serde_json::to_value(&next_work)
                        .map_err(|e| ServiceError::Unknown(e.into()))?,
                },
                message.due_at,
            )
            .await?;
        if !moved {
            tracing::info!(key = %message.due_key, "due item was moved by someone else; this delivery was a duplicate");
        }
        Ok(Outcome::Done)
    }

    /// Runs the poll's query with the integration's accounts: its items across pages
    /// and the query's id path, or the error and whether it may pass; with the
    /// requests it made either way.
    async fn poll(
        &self,
        engine: &Engine,
        integration: &Integration,
        work: &DueWork,
        app: &str,
        query: &str,
        input: &BTreeMap<String, Value>,
    ) -> (PollAnswer, u64) {
        let ws = &integration.workspace_id;
        let ctx = Context::from_json(&json!({
            "setup": integration.setup,
            "user": {"id": integration.user_id},
            "poll": work.poll_context(),
        }));
        let mut rendered = serde_json::Map::new();
        for (k, v) in input {
            match self.templates.render(v, &ctx) {
                Ok(value) => rendered.insert(k.clone(), value),
                Err(e) => return (Err((format!("input '{k}': {e}"), false)), 0),
            };
        }
        let apps = match self.runtime_catalog_having(ws, [app]).await {
            Ok(apps) => apps,
            Err(e) => return (Err((e.to_string(), true)), 0),
        };
        let id_path = apps
            .get(app)
            .and_then(|a| a.queries.get(query))
            .and_then(|q| q.id.clone());
        let credentials =
            VaultCredentials::new(&self.store, &self.vault, ws, integration.accounts.clone());
        let (answer, requests) = engine
            .query(&apps, &credentials, app, query, Value::Object(rendered))
            .await;
        let answer = match answer {
            Ok(Value::Array(items)) => Ok((items, id_path)),
            Ok(other) => Ok((vec![other], id_path)),
            Err(e) => Err((e.message, e.transient)),
        };
        (answer, requests)
    }

    /// Queues a run for each item not seen before (oldest first, as queries list
    /// newest first), or one run with all of them, then remembers the items' keys
    /// (their id, with their updated-at when the trigger watches updates); returns
    /// how many were new. The first poll only remembers. An item on the boundary of
    /// an inclusive `since` comes back with the same key, so it runs once.
    async fn take_new_items(
        &self,
        integration: &Integration,
        block: &str,
        work: &mut DueWork,
        items: &[Value],
        how: NewItems<'_>,
    ) -> Result<usize, ServiceError> {
        let ids: Vec<String> = items
            .iter()
            .map(|i| {
                let id = item_id(i, how.id_path);
                match how.updated.and_then(|p| get_path(i, p)) {
                    Some(Value::String(v)) => format!("{id}@{v}"),
                    Some(Value::Null) | None => id,
                    Some(other) => format!("{id}@{other}"),
                }
            })
            .collect();
        let mut fresh_count = 0;
        if let Some(seen) = &work.seen {
            let known: HashSet<&String> = seen.iter().collect();
            let fresh: Vec<(&Value, &String)> = items
                .iter()
                .zip(&ids)
                .rev()
                .filter(|(_, id)| !known.contains(id))
                .collect();
            fresh_count = fresh.len();
            // Each run's trigger and the key it is queued once by: a poll retried
            // before its state moved queues nothing twice.
            let runs: Vec<(Value, String)> = if !how.batch {
                fresh
                    .iter()
                    .map(|(item, id)| (json!({"item": item}), format!("item:{id}")))
                    .collect()
            } else if fresh.is_empty() {
                Vec::new()
            } else {
                // Keyed by the batch's items: the same batch is queued once.
                let keys: Vec<&str> = fresh.iter().map(|(_, id)| id.as_str()).collect();
                let key = super::secrets::sha256_hex(&keys.join("\n"));
                let batch: Vec<&Value> = fresh.iter().map(|(item, _)| *item).collect();
                vec![(json!({"items": batch}), format!("batch:{key}"))]
            };
            // One unit for all the new items, as for an app event's runs: they share a
            // commit, and the wait for a worker slot when every worker is busy
            // (`hand_off::SLOT_WAIT`). One at a time, a poll that found 100 new items
            // waited up to a second for slots before its state moved on.
            let queue_all = async {
                for (trigger, once) in runs {
                    self.queue_run_once(integration, block, trigger, Some(&once))
                        .await?;
                }
                Ok(())
            };
            self.together(queue_all).await?;
        }
        // The latest page's ids first, then older memory, deduplicated and bounded.
        let mut merged: Vec<String> = Vec::with_capacity(MAX_SEEN);
        let mut have = HashSet::new();
        for id in ids.iter().chain(work.seen.iter().flatten()) {
            if merged.len() >= MAX_SEEN {
                break;
            }
            if have.insert(id.clone()) {
                merged.push(id.clone());
            }
        }
        work.seen = Some(merged);
        Ok(fresh_count)
    }
}
