//! Executor workers on a queue, for hosts that poll (`junction serve`): receive,
//! execute (keeping the message hidden while it runs), then acknowledge or
//! reschedule, many runs at once. Runs that this process records while a slot is
//! free come to a worker directly (see `hand_off`). Stops taking work when told to
//! and finishes what it holds.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

use super::hand_off::{HandOff, HandedRun, RunInHand};
use super::settle::Finished;
use super::Junction;
use crate::engine::Engine;
use crate::ports::{QueueMessage, RunQueue, Store, Vault};

/// How long a received message stays hidden while a worker runs it.
pub const VISIBILITY: Duration = Duration::from_secs(300);

/// Executes up to `workers` runs at a time until `stop` turns true.
pub async fn run_workers<S: Store, Q: RunQueue, V: Vault>(
    junction: Arc<Junction<S, Q, V>>,
    engine: Arc<Engine>,
    workers: usize,
    stop: watch::Receiver<bool>,
) {
    run_workers_with_visibility(junction, engine, workers, stop, VISIBILITY).await
}

/// The same, hiding each received message for `visibility` and extending that every
/// third of it while the run goes on.
///
/// One loop receives, in batches as large as there are free slots, and each message
/// runs as its own task: runs mostly wait on the apps they call, so many can be in
/// flight, while an idle server polls the queue once per back-off, however many slots
/// it has. Handed runs share the slots, so that neither way exceeds them.
pub async fn run_workers_with_visibility<S: Store, Q: RunQueue, V: Vault>(
    junction: Arc<Junction<S, Q, V>>,
    engine: Arc<Engine>,
    workers: usize,
    mut stop: watch::Receiver<bool>,
    visibility: Duration,
) {
    let slots = Arc::new(Semaphore::new(workers.max(1)));
    // Requests that record a run while a slot is free hand it over (see `hand_off`).
    let (to_workers, mut handed) = mpsc::unbounded_channel();
    junction.hand_runs_to(Some(HandOff {
        slots: slots.clone(),
        visibility,
        to_workers,
    }));
    let mut running = JoinSet::new();
    // Each run is a task of its own, holding its slot until it is settled.
    let spawn = |running: &mut JoinSet<()>,
                 message: QueueMessage,
                 slot: OwnedSemaphorePermit,
                 in_hand: Option<RunInHand>| {
        let (junction, engine) = (junction.clone(), engine.clone());
        running.spawn(async move {
            let _slot = slot;
            execute_one(&junction, &engine, &message, visibility, in_hand).await;
        });
    };
    let start = |running: &mut JoinSet<()>, run: HandedRun| {
        spawn(running, run.message, run.slot, Some(run.run));
    };
    let mut idle = Duration::from_millis(10);
    while !*stop.borrow() {
        let first = tokio::select! {
            permit = slots.clone().acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break,
            },
            Some(run) = handed.recv() => {
                start(&mut running, run);
                continue;
            }
            // A dropped sender means nobody can ask to stop any more: stop now.
            changed = stop.changed() => if changed.is_err() { break } else { continue },
        };
        let mut permits = vec![first];
        while permits.len() < BATCH {
            match slots.clone().try_acquire_owned() {
                Ok(p) => permits.push(p),
                Err(_) => break,
            }
        }
        let messages = match junction.queue.receive(permits.len(), visibility).await {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(error = %e, "receiving from the run queue failed");
                Vec::new()
            }
        };
        while running.try_join_next().is_some() {}
        if messages.is_empty() {
            drop(permits);
            // Runs handed over meanwhile start at once; the queue is asked again later.
            let again = tokio::time::Instant::now() + idle;
            loop {
                tokio::select! {
                    _ = tokio::time::sleep_until(again) => break,
                    Some(run) = handed.recv() => start(&mut running, run),
                    changed = stop.changed() => if changed.is_err() || *stop.borrow() { break },
                }
            }
            idle = (idle * 2).min(Duration::from_millis(200));
            continue;
        }
        idle = Duration::from_millis(10);
        for (message, permit) in messages.into_iter().zip(permits) {
            spawn(&mut running, message, permit, None);
        }
    }
    // Stopping: nothing new is taken, and what runs finishes, handed runs included
    // (one handed over after this finds no worker and goes back to the queue).
    junction.hand_runs_to(None);
    handed.close();
    while let Some(run) = handed.recv().await {
        start(&mut running, run);
    }
    while running.join_next().await.is_some() {}
}

/// Messages taken from the queue at once, at most.
const BATCH: usize = 10;

/// Runs one message, keeping it hidden while it runs, then settles it.
async fn execute_one<S: Store, Q: RunQueue, V: Vault>(
    junction: &Junction<S, Q, V>,
    engine: &Engine,
    message: &QueueMessage,
    visibility: Duration,
    in_hand: Option<RunInHand>,
) {
    let outcome = {
        // Boxed: a run's future is large (it holds every step kind's state), and the task
        // that holds it is moved several times on its way to a worker thread.
        let mut execution = Box::pin(junction.execute_in_hand(engine, message, in_hand));
        let beat = visibility / 3;
        let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + beat, beat);
        loop {
            tokio::select! {
                outcome = &mut execution => break outcome,
                _ = heartbeat.tick() => {
                    if let Err(e) = junction.queue.change_visibility(&message.receipt, visibility).await {
                        tracing::warn!(message = %message.id, error = %e, "could not extend a running message's visibility");
                    }
                }
            }
        }
    };
    super::settle::settle(&junction.queue, message, &outcome, Finished::Acknowledge).await;
}
