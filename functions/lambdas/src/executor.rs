//! The run executor: an SQS event source hands it batches of run (and due-work)
//! messages; each goes through the same `execute` as `junction serve`'s workers. The
//! answer is a partial batch response (`ReportBatchItemFailures`): finished messages
//! are deleted by Lambda, the rest come back: rescheduled ones after the delay set
//! here, poisoned ones after the visibility timeout, until the redrive policy moves
//! them to the dead-letter queue.

use aws_lambda_events::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use junction_core::ports::{QueueMessage, RunQueue};
use junction_core::service::Outcome;

use crate::Backend;

/// The longest a message may be hidden (SQS allows 12 hours).
const MAX_VISIBILITY: std::time::Duration = std::time::Duration::from_secs(12 * 3600);

/// Executes a batch, its messages side by side (runs mostly wait on the apps they
/// call, and Lambda bills the wait); the ids of the messages Lambda must not delete.
pub async fn handle_batch(backend: &Backend, event: SqsEvent) -> SqsBatchResponse {
    let kept =
        futures::future::join_all(event.records.into_iter().map(|r| handle(backend, r))).await;
    let mut response = SqsBatchResponse::default();
    for id in kept.into_iter().flatten() {
        let mut failure = BatchItemFailure::default();
        failure.item_identifier = id;
        response.batch_item_failures.push(failure);
    }
    response
}

/// Executes one message; its id when Lambda must keep it.
async fn handle(backend: &Backend, record: SqsMessage) -> Option<String> {
    let Some(id) = record.message_id.clone() else {
        // Without an id it cannot be reported; failing the whole batch brings it back.
        tracing::error!("an SQS record without a message id");
        return None;
    };
    let message = QueueMessage {
        id: id.clone(),
        body: record.body.clone().unwrap_or_default(),
        receive_count: record
            .attributes
            .get("ApproximateReceiveCount")
            .and_then(|c| c.parse().ok())
            .unwrap_or(1),
        receipt: record.receipt_handle.clone().unwrap_or_default(),
    };
    let keep = match backend.junction.execute(&backend.engine, &message).await {
        Outcome::Done => false,
        Outcome::RetryAfter(after) => {
            if let Err(e) = backend
                .junction
                .queue
                .change_visibility(&message.receipt, after.min(MAX_VISIBILITY))
                .await
            {
                tracing::warn!(message = %id, error = %e, "could not reschedule a run message; it comes back after the visibility timeout");
            }
            true
        }
        Outcome::Poisoned(reason) => {
            tracing::error!(message = %id, %reason, "unprocessable run message; it will be dead-lettered");
            true
        }
    };
    keep.then_some(id)
}
