//! Runs handed to the process's own workers by the request that recorded them: when a
//! worker slot is free, the run's message is queued already delivered to this process,
//! and the run goes to a worker with its record and integration in hand. The queue is
//! not asked for it, and neither is the store for what the request just wrote.
//!
//! The message is as durable as any other: should the process stop before the run
//! ends, it comes back from the queue like any message in flight.
//!
//! When every slot is taken, a request waits a little for one (at most [`SLOT_WAIT`]
//! in all) before it queues its run instead. Under load, slots free up every few
//! hundred microseconds, so requests take runs straight to workers and recording
//! keeps pace with executing, rather than piling up a backlog that workers must
//! read back from the queue. When the apps are slow and slots stay taken, a request
//! pays that short wait and queues its run as before.

use std::cell::RefCell;
use std::future::Future;
use std::time::Duration;

use tokio::sync::{mpsc, OwnedSemaphorePermit, TryAcquireError};
use tokio::time::Instant;

use super::{Junction, ServiceError};
use crate::model::{Integration, RunRecord};
use crate::ports::{QueueMessage, RunQueue, Store, Vault};

/// What executing a handed-over run starts from instead of reading the store.
#[derive(Debug, Clone)]
pub struct RunInHand {
    pub run: RunRecord,
    pub integration: Integration,
}

/// A run for the workers, with the worker slot it was given.
#[derive(Debug)]
pub struct HandedRun {
    pub message: QueueMessage,
    pub run: RunInHand,
    pub slot: OwnedSemaphorePermit,
}

/// How the workers of this process take runs from requests (see
/// [`crate::service::worker`]): the slots they share with the queue, how long a
/// delivered message stays hidden, and where handed runs go.
#[derive(Debug, Clone)]
pub struct HandOff {
    pub slots: std::sync::Arc<tokio::sync::Semaphore>,
    pub visibility: Duration,
    pub to_workers: mpsc::UnboundedSender<HandedRun>,
}

/// A worker slot taken for a run about to be recorded.
#[derive(Debug)]
pub(crate) struct FreeSlot {
    permit: OwnedSemaphorePermit,
    pub(crate) visibility: Duration,
    to_workers: mpsc::UnboundedSender<HandedRun>,
}

/// How long one request (one outermost [`Junction::together`]) may wait, in all, for
/// worker slots before it queues its runs instead.
pub const SLOT_WAIT: Duration = Duration::from_millis(10);

/// A run recorded and delivered, waiting for its commit before it goes to a worker.
struct Pending {
    message: QueueMessage,
    run: RunInHand,
    slot: FreeSlot,
}

/// What the outermost [`Junction::together`] of a task keeps for it.
struct Unit {
    /// Runs recorded for the workers, to hand over after the commit.
    runs: Vec<Pending>,
    /// Until when the unit's requests may wait for a worker slot.
    wait_until: Instant,
}

tokio::task_local! {
    /// The outermost [`Junction::together`] this task is in, if any.
    static PENDING: RefCell<Unit>;
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    /// Lets requests hand runs to workers that take them from `hand_off`; `None` stops
    /// it (the workers are stopping).
    pub fn hand_runs_to(&self, hand_off: Option<HandOff>) {
        *self.hand_off.lock().unwrap_or_else(|e| e.into_inner()) = hand_off;
    }

    /// A worker slot, when workers of this process take handed runs and one is free
    /// or frees up within what is left of this unit's [`SLOT_WAIT`].
    pub(crate) async fn slot_for_run(&self) -> Option<FreeSlot> {
        let HandOff {
            slots,
            visibility,
            to_workers,
        } = self
            .hand_off
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()?;
        let permit = match slots.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(TryAcquireError::Closed) => return None,
            Err(TryAcquireError::NoPermits) => {
                let until = PENDING
                    .try_with(|unit| unit.borrow().wait_until)
                    .unwrap_or_else(|_| Instant::now() + SLOT_WAIT);
                tokio::time::timeout_at(until, slots.acquire_owned())
                    .await
                    .ok()?
                    .ok()?
            }
        };
        Some(FreeSlot {
            permit,
            visibility,
            to_workers,
        })
    }

    /// Keeps a delivered run for the workers until the outermost
    /// [`Junction::together`] has committed it.
    pub(crate) async fn hand_over_after_commit(
        &self,
        message: QueueMessage,
        run: RunInHand,
        slot: FreeSlot,
    ) {
        let mut pending = Some(Pending { message, run, slot });
        let _ = PENDING.try_with(|unit| unit.borrow_mut().runs.extend(pending.take()));
        if let Some(unkept) = pending {
            // Outside `together` (a bug): nothing would start the delivered message
            // before its visibility ends, so it goes back to the queue now.
            tracing::error!(run = %unkept.run.run.id, "a run was delivered outside `together`; it goes back to the queue");
            self.give_back(&unkept.message).await;
        }
    }

    /// Makes a message delivered to this process visible again, for whichever worker
    /// comes next: nobody here will run it.
    async fn give_back(&self, message: &QueueMessage) {
        if let Err(e) = self.queue.defer(&message.receipt, Duration::ZERO).await {
            tracing::warn!(error = %e, "a delivered run stays hidden until its visibility ends");
        }
    }

    /// [`crate::ports::CommitStore::together`] for the service: `work`'s writes share a
    /// commit, and the runs it recorded for this process's workers go to them once
    /// that commit is made (never before: a run may not call out before it is durable).
    pub(crate) async fn together<T: Send>(
        &self,
        work: impl Future<Output = Result<T, ServiceError>> + Send,
    ) -> Result<T, ServiceError> {
        if PENDING.try_with(|_| ()).is_ok() {
            // Inside another: that one commits and hands over.
            return self.store.together(work).await?;
        }
        let unit = Unit {
            runs: Vec::new(),
            wait_until: Instant::now() + SLOT_WAIT,
        };
        let (committed, pending) = PENDING
            .scope(RefCell::new(unit), async {
                let committed = self.store.together(work).await;
                (
                    committed,
                    PENDING.with(|unit| std::mem::take(&mut unit.borrow_mut().runs)),
                )
            })
            .await;
        // When the commit failed, nothing it held may start; the slots go back.
        let answer = committed?;
        for Pending { message, run, slot } in pending {
            let FreeSlot {
                permit, to_workers, ..
            } = slot;
            if let Err(refused) = to_workers.send(HandedRun {
                message,
                run,
                slot: permit,
            }) {
                // The workers stopped meanwhile.
                self.give_back(&refused.0.message).await;
            }
        }
        answer
    }
}
