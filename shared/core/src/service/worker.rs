//! Executor workers on a queue, for hosts that poll (`junction serve`): receive,
//! execute (keeping the message hidden while it runs), then acknowledge or
//! reschedule. Stops taking work when told to and finishes what it holds.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::executor::Outcome;
use super::Junction;
use crate::engine::Engine;
use crate::ports::{RunQueue, Store, Vault};

/// How long a received message stays hidden while a worker runs it.
pub const VISIBILITY: Duration = Duration::from_secs(300);
/// The longest a message may be hidden (SQS allows 12 hours).
const MAX_VISIBILITY: Duration = Duration::from_secs(12 * 3600);

/// Runs `workers` loops until `stop` turns true.
pub async fn run_workers<S: Store, Q: RunQueue, V: Vault>(
    junction: Arc<Junction<S, Q, V>>,
    engine: Arc<Engine>,
    workers: usize,
    stop: watch::Receiver<bool>,
) {
    run_workers_with_visibility(junction, engine, workers, stop, VISIBILITY).await
}

/// The same, hiding each received message for `visibility` and extending that every
/// third of it while its run goes on, so a long run is never handed to a second
/// worker while the first still works on it.
pub async fn run_workers_with_visibility<S: Store, Q: RunQueue, V: Vault>(
    junction: Arc<Junction<S, Q, V>>,
    engine: Arc<Engine>,
    workers: usize,
    stop: watch::Receiver<bool>,
    visibility: Duration,
) {
    let mut handles = Vec::new();
    for n in 0..workers.max(1) {
        let (junction, engine, mut stop) = (junction.clone(), engine.clone(), stop.clone());
        handles.push(tokio::spawn(async move {
            let mut idle = Duration::from_millis(10);
            while !*stop.borrow() {
                let messages = match junction.queue.receive(10, visibility).await {
                    Ok(m) => m,
                    Err(e) => {
                        tracing::error!(worker = n, error = %e, "receiving from the run queue failed");
                        Vec::new()
                    }
                };
                if messages.is_empty() {
                    tokio::select! {
                        _ = tokio::time::sleep(idle) => {}
                        _ = stop.changed() => {}
                    }
                    idle = (idle * 2).min(Duration::from_millis(200));
                    continue;
                }
                idle = Duration::from_millis(10);
                for message in messages {
                    let outcome = {
                        let execution = junction.execute(&engine, &message);
                        tokio::pin!(execution);
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
                    let result = match &outcome {
                        Outcome::Done => junction.queue.ack(&message.receipt).await,
                        Outcome::RetryAfter(after) => junction.queue.change_visibility(&message.receipt, (*after).min(MAX_VISIBILITY)).await,
                        Outcome::Poisoned(reason) => {
                            tracing::error!(message = %message.id, %reason, "unprocessable run message; it will be dead-lettered");
                            Ok(())
                        }
                    };
                    if let Err(e) = result {
                        tracing::warn!(message = %message.id, error = %e, "could not settle a run message; it will be delivered again");
                    }
                }
            }
        }));
    }
    for h in handles {
        let _ = h.await;
    }
}
