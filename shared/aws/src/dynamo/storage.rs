//! `StorageStore` on DynamoDB: one item per stored value in its scope's partition,
//! each write one conditional `UpdateItem` that counts the version, and expiry
//! checked against `now` (TTL only keeps the table small; it deletes late).

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use chrono::{DateTime, Utc};
use junction_core::model::{StoredValue, Version};
use junction_core::ports::{Expect, StorageStore, StoreError};

use super::item::{n, s, Item, ItemExt, MAX_BODY_BYTES};
use super::keys;
use super::{is_condition_failure, unknown, DynamoStore};

type R<T> = Result<T, StoreError>;

/// Whether an item is live at `now`: no expiry, or one still ahead.
fn live(item: &Item, now: DateTime<Utc>) -> bool {
    item.num("expires_at")
        .map_or(true, |at| at > now.timestamp_millis())
}

fn decode(item: &Item) -> R<StoredValue> {
    super::item::versioned(item)
}

impl StorageStore for DynamoStore {
    async fn get_stored(
        &self,
        ws: &str,
        scope: &str,
        key: &str,
        now: DateTime<Utc>,
    ) -> R<Option<StoredValue>> {
        let found = self
            .get(keys::stored_scope(ws, scope), &keys::stored_key(key))
            .await?;
        found
            .filter(|i| live(i, now))
            .map(|i| decode(&i))
            .transpose()
    }

    async fn put_stored(
        &self,
        ws: &str,
        value: &StoredValue,
        expect: Expect,
        now: DateTime<Utc>,
    ) -> R<Version> {
        let body = serde_json::to_string(value).map_err(|e| StoreError::Unknown(e.into()))?;
        if body.len() > MAX_BODY_BYTES {
            return Err(StoreError::TooLarge(format!(
                "the value at '{}' is {} bytes (limit {MAX_BODY_BYTES})",
                value.key,
                body.len()
            )));
        }
        let mut names = HashMap::from([
            ("#body".to_string(), "body".to_string()),
            ("#version".to_string(), "version".to_string()),
            ("#expires".to_string(), "expires_at".to_string()),
            ("#ttl".to_string(), "ttl".to_string()),
        ]);
        let mut values = HashMap::from([
            (":body".to_string(), s(body)),
            (":zero".to_string(), n(0)),
            (":one".to_string(), n(1)),
        ]);
        let mut update =
            "SET #body = :body, #version = if_not_exists(#version, :zero) + :one".to_string();
        match value.expires_at {
            Some(at) => {
                update.push_str(", #expires = :expires, #ttl = :ttl");
                values.insert(":expires".into(), n(at.timestamp_millis()));
                values.insert(":ttl".into(), n(at.timestamp()));
            }
            None => update.push_str(" REMOVE #expires, #ttl"),
        }
        let condition = match expect {
            Expect::Any => None,
            Expect::Absent => {
                values.insert(":now".into(), n(now.timestamp_millis()));
                names.insert("#pk".into(), "pk".into());
                Some("attribute_not_exists(#pk) OR #expires <= :now")
            }
            Expect::Version(v) => {
                values.insert(":expected".into(), n(v as i64));
                Some("#version = :expected")
            }
        };
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(keys::stored_scope(ws, &value.scope)))
            .key("sk", s(keys::stored_key(&value.key)))
            .update_expression(update)
            .set_condition_expression(condition.map(str::to_string))
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await;
        match result {
            Ok(out) => Ok(out.attributes.unwrap_or_default().num("version")? as Version),
            Err(e) if is_condition_failure(&e) => Err(StoreError::Conflict(format!(
                "the value at '{}' changed since it was read, or exists already",
                value.key
            ))),
            Err(e) => Err(unknown("writing a stored value", e)),
        }
    }

    async fn delete_stored(&self, ws: &str, scope: &str, key: &str, now: DateTime<Utc>) -> R<bool> {
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(keys::stored_scope(ws, scope)))
            .key("sk", s(keys::stored_key(key)))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| unknown("deleting a stored value", e))?;
        // An expired item goes too, but does not count as deleted.
        Ok(out.attributes.is_some_and(|old| live(&old, now)))
    }

    async fn list_stored(
        &self,
        ws: &str,
        scope: &str,
        after: Option<&str>,
        limit: usize,
        now: DateTime<Utc>,
    ) -> R<Vec<StoredValue>> {
        let limit = limit.clamp(1, 1000);
        let mut values = Vec::new();
        // Keys sort after `KEY#` + `after`; expired items are skipped, so a page is
        // read on until it has `limit` live ones or the scope ends.
        let mut start: Option<HashMap<String, AttributeValue>> = None;
        let from = keys::stored_key(after.unwrap_or(""));
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk AND #sk > :from")
                .expression_attribute_names("#pk", "pk")
                .expression_attribute_names("#sk", "sk")
                .expression_attribute_values(":pk", s(keys::stored_scope(ws, scope)))
                .expression_attribute_values(":from", s(from.clone()))
                .consistent_read(true)
                .limit((limit - values.len()) as i32)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| unknown("listing stored values", e))?;
            for item in out.items.unwrap_or_default() {
                if live(&item, now) {
                    values.push(decode(&item)?);
                }
            }
            match out.last_evaluated_key {
                Some(key) if !key.is_empty() && values.len() < limit => start = Some(key),
                _ => return Ok(values),
            }
        }
    }
}
