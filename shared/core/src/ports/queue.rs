//! The run queue: durable, at-least-once delivery with visibility timeouts, delays,
//! receive counts and a dead-letter store.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// A received message.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueMessage {
    pub id: String,
    pub body: String,
    /// How many times it has been received, this time included.
    pub receive_count: u32,
    /// Names this delivery; acknowledging or changing visibility needs it.
    pub receipt: String,
}

/// A message that was received too many times without being acknowledged.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadLetter {
    pub id: String,
    pub body: String,
    pub receive_count: u32,
    pub dead_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("the message is {size} bytes; the queue takes at most {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("the delay {0:?} is longer than the queue allows")]
    DelayTooLong(Duration),
    /// The receipt is unknown or expired (the message was delivered again since);
    /// adapters that can tell say so, SQS cannot always.
    #[error("the receipt is no longer valid")]
    StaleReceipt,
    #[error(transparent)]
    Unknown(#[from] anyhow::Error),
}

/// The queue between ingress and the run executor.
///
/// # Errors
/// - `send` MUST refuse bodies over [`RunQueue::max_body_bytes`] with `TooLarge`.
/// - A message received more than `max_receives` times MUST go to the dead letters
///   instead of being delivered again.
/// - `ack` with the receipt of the latest delivery MUST delete the message. With an
///   older receipt the outcome is undefined (SQS says the message "might not be
///   deleted"), so an executor keeps its receipt current by extending visibility
///   while it works rather than relying on either outcome.
pub trait RunQueue: Send + Sync + Clone + 'static {
    fn max_body_bytes(&self) -> usize;

    /// Enqueues `body`, invisible for `delay`. With a `dedupe_id` seen before (within
    /// the adapter's window) nothing new is queued and the first message's id returns.
    fn send(
        &self,
        body: &str,
        delay: Duration,
        dedupe_id: Option<&str>,
    ) -> impl Future<Output = Result<String, QueueError>> + Send;

    /// [`RunQueue::send`] now, under a dedupe id that nothing can have been sent
    /// under yet (that of a run recorded just now): later sends under it are still
    /// suppressed, but adapters that pay for looking it up first need not.
    fn send_new(
        &self,
        body: &str,
        dedupe_id: &str,
    ) -> impl Future<Output = Result<String, QueueError>> + Send {
        self.send(body, Duration::ZERO, Some(dedupe_id))
    }

    /// [`RunQueue::send_new`], the message delivered to the sender as it is queued:
    /// hidden for `visibility`, received once, its receipt in the answer. A process that
    /// records a run and has a worker free runs it at once, and saves the queue a
    /// receive. Adapters that cannot deliver to a sender queue the message as
    /// `send_new` does and answer `None`.
    fn send_new_delivered(
        &self,
        body: &str,
        dedupe_id: &str,
        visibility: Duration,
    ) -> impl Future<Output = Result<Option<QueueMessage>, QueueError>> + Send {
        let _ = visibility;
        async move { self.send_new(body, dedupe_id).await.map(|_| None) }
    }

    /// Up to `max` visible messages, each hidden for `visibility` after delivery.
    fn receive(
        &self,
        max: usize,
        visibility: Duration,
    ) -> impl Future<Output = Result<Vec<QueueMessage>, QueueError>> + Send;

    /// Deletes a delivered message.
    fn ack(&self, receipt: &str) -> impl Future<Output = Result<(), QueueError>> + Send;

    /// Hides a delivered message for `visibility` from now (backoff without sleeping).
    fn change_visibility(
        &self,
        receipt: &str,
        visibility: Duration,
    ) -> impl Future<Output = Result<(), QueueError>> + Send;

    /// Hands a delivered message back to come again after `delay`: the executor is
    /// done with it for now (a backoff, a wait step), unlike a visibility change
    /// while it is still working on it. Adapters that can tell the two apart (to let
    /// a restarted process take over in-flight messages at once) override it.
    fn defer(
        &self,
        receipt: &str,
        delay: Duration,
    ) -> impl Future<Output = Result<(), QueueError>> + Send {
        self.change_visibility(receipt, delay)
    }

    /// Messages that exhausted their receives, oldest first.
    fn dead_letters(
        &self,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<DeadLetter>, QueueError>> + Send;
}
