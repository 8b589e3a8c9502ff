//! The store on one DynamoDB table: records as JSON in `body` beside their keys,
//! conditional writes for versions, dedupe keys and leases, `ADD` for counters,
//! TTL (`ttl`, epoch seconds) for runs, dedupe keys and leases, and no Scan anywhere.

mod bookkeeping;
mod entities;
mod integrations;
pub(crate) mod item;
pub(crate) mod keys;
mod storage;
mod table;

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use aws_sdk_dynamodb::Client;
use junction_core::ports::StoreError;

pub use table::{create_table, DUE_SHARDS};

use item::Item;

#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

impl DynamoStore {
    pub fn new(config: &aws_config::SdkConfig, table: impl Into<String>) -> Self {
        Self {
            client: Client::new(config),
            table: table.into(),
        }
    }

    async fn get(&self, pk: String, sk: &str) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(pk))
            .key("sk", AttributeValue::S(sk.to_string()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unknown("reading an item", e))?;
        Ok(out.item)
    }

    /// All items of a partition (optionally of an index, with an sk prefix), following pages.
    async fn query(
        &self,
        index: Option<&str>,
        pk_name: &str,
        pk: String,
        sk_prefix: Option<(&str, String)>,
        forward: bool,
        limit: Option<usize>,
    ) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let mut q = self
                .client
                .query()
                .table_name(&self.table)
                .set_index_name(index.map(str::to_string))
                .expression_attribute_names("#pk", pk_name)
                .expression_attribute_values(":pk", AttributeValue::S(pk.clone()))
                .scan_index_forward(forward)
                .set_exclusive_start_key(start.take());
            q = match &sk_prefix {
                Some((sk_name, prefix)) => q
                    .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                    .expression_attribute_names("#sk", *sk_name)
                    .expression_attribute_values(":prefix", AttributeValue::S(prefix.clone())),
                None => q.key_condition_expression("#pk = :pk"),
            };
            if let Some(limit) = limit {
                q = q.limit((limit - items.len().min(limit)).max(1) as i32);
            }
            let out = q.send().await.map_err(|e| unknown("querying", e))?;
            items.extend(out.items.unwrap_or_default());
            if limit.is_some_and(|l| items.len() >= l) {
                items.truncate(limit.unwrap_or(usize::MAX));
                return Ok(items);
            }
            match out.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return Ok(items),
            }
        }
    }

    /// Runs a transaction; a failed condition in it is a conflict.
    /// [`Self::transact`] where a failed condition is an answer: false.
    async fn transact_if(
        &self,
        items: Vec<TransactWriteItem>,
        what: &str,
    ) -> Result<bool, StoreError> {
        match self.transact(items, what).await {
            Ok(()) => Ok(true),
            Err(StoreError::Conflict(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn transact(&self, items: Vec<TransactWriteItem>, what: &str) -> Result<(), StoreError> {
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => {
                let cancelled = e.as_service_error().and_then(|s| match s {
                    aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError::TransactionCanceledException(c) => Some(c),
                    _ => None,
                });
                match cancelled {
                    Some(c)
                        if c.cancellation_reasons()
                            .iter()
                            .any(|r| r.code() == Some("ConditionalCheckFailed")) =>
                    {
                        Err(StoreError::Conflict(format!(
                            "{what} changed or exists already"
                        )))
                    }
                    _ => Err(unknown(what, e)),
                }
            }
        }
    }
}

pub(crate) fn unknown(what: &str, e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Unknown(anyhow::Error::new(e).context(format!("DynamoDB: {what}")))
}

/// Is this SDK error a failed condition?
pub(crate) fn is_condition_failure<E, R>(e: &aws_sdk_dynamodb::error::SdkError<E, R>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    e.as_service_error().and_then(|s| s.code()) == Some("ConditionalCheckFailedException")
}
