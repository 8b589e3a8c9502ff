//! What becomes of a queue message once executed, the same for `junction serve`'s
//! workers and the Lambda executor: a finished one goes, a deferred one comes back
//! when its retry is due, a poisoned one comes back until the queue's dead-letter
//! policy takes it.

use std::time::Duration;

use super::messages::Outcome;
use crate::ports::{QueueMessage, RunQueue};

/// The longest a message may be hidden (SQS allows 12 hours).
pub const MAX_VISIBILITY: Duration = Duration::from_secs(12 * 3600);

/// Who deletes a finished message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    /// `settle` acknowledges it (a host that polls the queue itself).
    Acknowledge,
    /// The host does, from its answer (Lambda deletes what a partial batch response
    /// does not name), so settling spends no request on it.
    LeftToHost,
}

/// Settles `message` after its `outcome`; true when it stays on the queue (for
/// Lambda: report it as a batch item failure). A queue that cannot be told is
/// logged: the message then comes back after its visibility, which is safe because
/// execution is idempotent.
pub async fn settle<Q: RunQueue>(
    queue: &Q,
    message: &QueueMessage,
    outcome: &Outcome,
    finished: Finished,
) -> bool {
    let (stays, told) = match outcome {
        Outcome::Done => match finished {
            Finished::Acknowledge => (false, queue.ack(&message.receipt).await),
            Finished::LeftToHost => (false, Ok(())),
        },
        Outcome::RetryAfter(after) => (
            true,
            queue
                .defer(&message.receipt, (*after).min(MAX_VISIBILITY))
                .await,
        ),
        Outcome::Poisoned(reason) => {
            tracing::error!(message = %message.id, %reason, "unprocessable run message; it will be dead-lettered");
            (true, Ok(()))
        }
    };
    if let Err(e) = told {
        tracing::warn!(message = %message.id, error = %e, "could not settle a run message; it comes back after its visibility timeout");
    }
    stays
}
