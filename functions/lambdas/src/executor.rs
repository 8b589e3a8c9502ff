//! The run executor: an SQS event source hands it batches of run (and due-work)
//! messages; each goes through the same `execute` as `junction serve`'s workers. The
//! answer is a partial batch response (`ReportBatchItemFailures`): finished messages
//! are deleted by Lambda, the rest come back: rescheduled ones after the delay set
//! here, poisoned ones after the visibility timeout, until the redrive policy moves
//! them to the dead-letter queue.

use aws_lambda_events::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use junction_core::ports::{QueueMessage, RunQueue};
use junction_core::service::Outcome;

use crate::Backend;

/// The longest a message may be hidden (SQS allows 12 hours).
const MAX_VISIBILITY: std::time::Duration = std::time::Duration::from_secs(12 * 3600);

/// Executes a batch; the ids of the messages Lambda must not delete.
pub async fn handle_batch(backend: &Backend, event: SqsEvent) -> SqsBatchResponse {
    let mut response = SqsBatchResponse::default();
    for record in event.records {
        let Some(id) = record.message_id.clone() else {
            // Without an id it cannot be reported; failing the whole batch brings it back.
            tracing::error!("an SQS record without a message id");
            continue;
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
        if keep {
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = id;
            response.batch_item_failures.push(failure);
        }
    }
    response
}
