//! The run executor: an SQS event source hands it batches of run (and due-work)
//! messages; each goes through the same `execute` as `junction serve`'s workers. The
//! answer is a partial batch response (`ReportBatchItemFailures`): finished messages
//! are deleted by Lambda, the rest come back: rescheduled ones after the delay set
//! here, poisoned ones after the visibility timeout, until the redrive policy moves
//! them to the dead-letter queue.

use aws_lambda_events::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use junction_core::ports::QueueMessage;
use junction_core::service::{settle, Finished};

use crate::Backend;

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
    let outcome = backend.junction.execute(&backend.engine, &message).await;
    let keep = settle(
        &backend.junction.queue,
        &message,
        &outcome,
        Finished::LeftToHost,
    )
    .await;
    keep.then_some(id)
}
