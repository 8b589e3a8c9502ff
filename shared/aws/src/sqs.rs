//! The run queue on SQS: a standard queue with a redrive policy to a dead-letter
//! queue. Delays up to the SQS maximum go in `DelaySeconds`; longer backoff is a
//! visibility change. Deduplication ids are recorded in the DynamoDB table.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_sqs::types::MessageSystemAttributeName;
use chrono::Utc;
use junction_core::ports::{DeadLetter, QueueError, QueueMessage, RunQueue};

/// SQS's limit on a message body.
pub const SQS_MAX_BODY_BYTES: usize = 256 * 1024;
/// SQS's limit on `DelaySeconds`.
pub const SQS_MAX_DELAY: Duration = Duration::from_secs(900);
/// How long a dedupe id suppresses new sends.
const DEDUPE_WINDOW: Duration = Duration::from_secs(300);

#[derive(Clone)]
pub struct SqsQueue {
    sqs: aws_sdk_sqs::Client,
    dynamo: aws_sdk_dynamodb::Client,
    queue_url: String,
    dead_letter_url: String,
    table: String,
}

fn unknown(what: &str, e: impl std::error::Error + Send + Sync + 'static) -> QueueError {
    QueueError::Unknown(anyhow::Error::new(e).context(format!("SQS: {what}")))
}

/// Whole seconds, rounded up: SQS counts in seconds.
fn seconds(d: Duration) -> i32 {
    d.as_secs_f64().ceil().min(i32::MAX as f64) as i32
}

impl SqsQueue {
    pub fn new(
        config: &aws_config::SdkConfig,
        queue_url: impl Into<String>,
        dead_letter_url: impl Into<String>,
        table: impl Into<String>,
    ) -> Self {
        Self {
            sqs: aws_sdk_sqs::Client::new(config),
            dynamo: aws_sdk_dynamodb::Client::new(config),
            queue_url: queue_url.into(),
            dead_letter_url: dead_letter_url.into(),
            table: table.into(),
        }
    }

    fn dedupe_key(id: &str) -> HashMap<String, AttributeValue> {
        HashMap::from([
            ("pk".to_string(), AttributeValue::S(format!("QDEDUPE#{id}"))),
            ("sk".to_string(), AttributeValue::S("ITEM".into())),
        ])
    }

    /// The message already sent under this dedupe id, if within the window.
    async fn sent_under(&self, id: &str) -> Result<Option<String>, QueueError> {
        let out = self
            .dynamo
            .get_item()
            .table_name(&self.table)
            .set_key(Some(Self::dedupe_key(id)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unknown("reading a dedupe id", e))?;
        let now = Utc::now().timestamp_millis();
        Ok(out.item.and_then(|item| {
            let expires: i64 = match item.get("expires_at") {
                Some(AttributeValue::N(n)) => n.parse().unwrap_or(0),
                _ => 0,
            };
            match item.get("message_id") {
                Some(AttributeValue::S(m)) if expires > now => Some(m.clone()),
                _ => None,
            }
        }))
    }
}

impl SqsQueue {
    /// Sends first and records the dedupe id after: a crash in between may let a
    /// retry send again (at least once), but never loses a message. `look_first`:
    /// whether an earlier send under the id is looked for.
    async fn send_recorded(
        &self,
        body: &str,
        delay: Duration,
        dedupe_id: Option<&str>,
        look_first: bool,
    ) -> Result<String, QueueError> {
        if body.len() > SQS_MAX_BODY_BYTES {
            return Err(QueueError::TooLarge {
                size: body.len(),
                limit: SQS_MAX_BODY_BYTES,
            });
        }
        if delay > SQS_MAX_DELAY {
            return Err(QueueError::DelayTooLong(delay));
        }
        if let Some(id) = dedupe_id.filter(|_| look_first) {
            if let Some(existing) = self.sent_under(id).await? {
                return Ok(existing);
            }
        }
        let out = self
            .sqs
            .send_message()
            .queue_url(&self.queue_url)
            .message_body(body)
            .delay_seconds(seconds(delay))
            .send()
            .await
            .map_err(|e| unknown("sending", e))?;
        let message_id = out.message_id.unwrap_or_default();
        if let Some(id) = dedupe_id {
            let now = Utc::now();
            let expires = now + chrono::Duration::from_std(DEDUPE_WINDOW).unwrap_or_default();
            let mut item = Self::dedupe_key(id);
            item.insert("message_id".into(), AttributeValue::S(message_id.clone()));
            item.insert(
                "expires_at".into(),
                AttributeValue::N(expires.timestamp_millis().to_string()),
            );
            item.insert(
                "ttl".into(),
                AttributeValue::N(expires.timestamp().to_string()),
            );
            self.dynamo
                .put_item()
                .table_name(&self.table)
                .set_item(Some(item))
                .send()
                .await
                .map_err(|e| {
                    QueueError::Unknown(
                        anyhow::Error::new(e).context("DynamoDB: recording a dedupe id"),
                    )
                })?;
        }
        Ok(message_id)
    }
}

impl RunQueue for SqsQueue {
    fn max_body_bytes(&self) -> usize {
        SQS_MAX_BODY_BYTES
    }

    async fn send(
        &self,
        body: &str,
        delay: Duration,
        dedupe_id: Option<&str>,
    ) -> Result<String, QueueError> {
        self.send_recorded(body, delay, dedupe_id, true).await
    }

    /// No lookup before sending: a DynamoDB read fewer for each new run.
    async fn send_new(&self, body: &str, dedupe_id: &str) -> Result<String, QueueError> {
        self.send_recorded(body, Duration::ZERO, Some(dedupe_id), false)
            .await
    }

    async fn receive(
        &self,
        max: usize,
        visibility: Duration,
    ) -> Result<Vec<QueueMessage>, QueueError> {
        let out = self
            .sqs
            .receive_message()
            .queue_url(&self.queue_url)
            .max_number_of_messages(max.clamp(1, 10) as i32)
            .visibility_timeout(seconds(visibility))
            .wait_time_seconds(0)
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .send()
            .await
            .map_err(|e| unknown("receiving", e))?;
        Ok(out
            .messages
            .unwrap_or_default()
            .into_iter()
            .map(|m| QueueMessage {
                receive_count: m
                    .attributes
                    .as_ref()
                    .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(1),
                id: m.message_id.unwrap_or_default(),
                body: m.body.unwrap_or_default(),
                receipt: m.receipt_handle.unwrap_or_default(),
            })
            .collect())
    }

    async fn ack(&self, receipt: &str) -> Result<(), QueueError> {
        // SQS accepts a stale receipt without deleting the redelivered message.
        self.sqs
            .delete_message()
            .queue_url(&self.queue_url)
            .receipt_handle(receipt)
            .send()
            .await
            .map_err(|e| unknown("acknowledging", e))?;
        Ok(())
    }

    async fn change_visibility(
        &self,
        receipt: &str,
        visibility: Duration,
    ) -> Result<(), QueueError> {
        match self
            .sqs
            .change_message_visibility()
            .queue_url(&self.queue_url)
            .receipt_handle(receipt)
            .visibility_timeout(seconds(visibility))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => {
                let code = aws_sdk_sqs::error::ProvideErrorMetadata::code(&e)
                    .unwrap_or_default()
                    .to_string();
                if code.contains("MessageNotInflight") || code.contains("ReceiptHandleIsInvalid") {
                    Err(QueueError::StaleReceipt)
                } else {
                    Err(unknown("changing visibility", e))
                }
            }
        }
    }

    /// Reads the dead-letter queue without consuming it (visibility 0).
    async fn dead_letters(&self, limit: usize) -> Result<Vec<DeadLetter>, QueueError> {
        let out = self
            .sqs
            .receive_message()
            .queue_url(&self.dead_letter_url)
            .max_number_of_messages(limit.clamp(1, 10) as i32)
            .visibility_timeout(0)
            .wait_time_seconds(0)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .send()
            .await
            .map_err(|e| unknown("reading dead letters", e))?;
        let attr =
            |m: &aws_sdk_sqs::types::Message, name: MessageSystemAttributeName| -> Option<String> {
                m.attributes.as_ref().and_then(|a| a.get(&name)).cloned()
            };
        Ok(out
            .messages
            .unwrap_or_default()
            .into_iter()
            .map(|m| DeadLetter {
                receive_count: attr(&m, MessageSystemAttributeName::ApproximateReceiveCount)
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(0),
                dead_at: attr(&m, MessageSystemAttributeName::SentTimestamp)
                    .and_then(|t| t.parse().ok())
                    .and_then(chrono::DateTime::from_timestamp_millis)
                    .unwrap_or_else(Utc::now),
                id: m.message_id.unwrap_or_default(),
                body: m.body.unwrap_or_default(),
            })
            .collect())
    }
}
