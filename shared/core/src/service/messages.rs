//! What the run queue carries and what becomes of each message: a run to execute or
//! due work (a poll, a schedule tick, a sweep), and the `Outcome` the executor hands
//! the worker that settles it. A leaf of the service: the executor and the due-work
//! code both build on it, neither on the other.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What the queue carries: just enough to load the run record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunMessage {
    pub workspace_id: String,
    pub run_id: String,
    /// Lets the executor read the run and its integration at once. Messages queued
    /// before it was added lack it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration_id: Option<String>,
}

/// The queue message for a due item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DueMessage {
    pub due_key: String,
    pub workspace_id: String,
    pub due_at: DateTime<Utc>,
    pub work: DueWork,
}

/// What a due item carries between polls.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DueWork {
    pub integration_id: String,
    pub block: String,
    /// Item ids the poll has seen; `None` until the first poll took its baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<Vec<String>>,
    /// Why the last poll failed, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// When the last poll began, whether the app answered or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_polled_at: Option<DateTime<Utc>>,
    /// When the last poll the app answered began: `poll.last_polled_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_succeeded_at: Option<DateTime<Utc>>,
    /// The newest `updated` value of the items seen, or when a poll that cannot
    /// tell began (the first one: the baseline): `poll.last_updated_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated_at: Option<Value>,
    /// The id of the newest item (queries list newest first): `poll.last_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_id: Option<String>,
    /// Items the last answer listed.
    #[serde(default)]
    pub items: u64,
    /// Of those, how many started runs.
    #[serde(default)]
    pub new_items: u64,
    /// Polls failed in a row.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub failures: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// What the run queue carries.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum QueueBody {
    // First: most messages are runs, and each variant tried in vain builds an error.
    // Neither shape's required fields are the other's, so the order decides nothing.
    Run(RunMessage),
    // Boxed: a due message carries a poll's state, many times a run message's size.
    Due(Box<DueMessage>),
}

/// What to do with the message.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Finished (or nothing left to do): acknowledge it.
    Done,
    /// Deliver it again after this long (a wait step, or backoff after a transient failure).
    RetryAfter(Duration),
    /// It cannot be processed; leave it to be redelivered and dead-lettered.
    Poisoned(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_queue_message_is_read_as_itself() {
        let run = RunMessage {
            workspace_id: "ws_1".into(),
            run_id: "run_1".into(),
            integration_id: Some("int_1".into()),
        };
        let body = serde_json::to_string(&run).unwrap();
        assert!(matches!(
            serde_json::from_str::<QueueBody>(&body).unwrap(),
            QueueBody::Run(r) if r == run
        ));
        let due = DueMessage {
            due_key: "poll:ws_1:int_1:b".into(),
            workspace_id: "ws_1".into(),
            due_at: Utc::now(),
            work: DueWork {
                integration_id: "int_1".into(),
                block: "b".into(),
                ..Default::default()
            },
        };
        let body = serde_json::to_string(&due).unwrap();
        assert!(matches!(
            serde_json::from_str::<QueueBody>(&body).unwrap(),
            QueueBody::Due(d) if *d == due
        ));
    }
}
