//! `BookkeepingStore` and `DueStore` on DynamoDB: dedupe keys, task counters, leases,
//! holds and due items. Expiry is checked against `now`
//! in every condition, because DynamoDB's TTL deletes items late (hours, and never
//! on emulators): TTL only keeps the table small.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::types::{AttributeValue, Delete, ReturnValue, TransactWriteItem};
use chrono::{DateTime, Utc};
use junction_core::model::{DueItem, Usage};
use junction_core::ports::{BookkeepingStore, CommitStore, DueStore, StoreError};

use super::item::{item, n, s, ItemExt};
use super::keys;
use super::table::DUE_SHARDS;
use super::{is_condition_failure, unknown, DynamoStore};

type R<T> = Result<T, StoreError>;

fn expiry(now: DateTime<Utc>, ttl: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::MAX)
}

/// A stable shard of a due key (FNV-1a), the same in every process and version.
fn shard_of(key: &str) -> u32 {
    let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    });
    (hash % DUE_SHARDS as u64) as u32
}

impl DynamoStore {
    /// A conditional put that answers whether the condition held.
    async fn put_if(
        &self,
        item: HashMap<String, AttributeValue>,
        condition: &str,
        values: HashMap<String, AttributeValue>,
        what: &str,
    ) -> R<bool> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(condition)
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failure(&e) => Ok(false),
            Err(e) => Err(unknown(what, e)),
        }
    }

    async fn add_counter(&self, pk: String, sk: String, tasks: u64) -> R<u64> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .update_expression("ADD tasks :n")
            .expression_attribute_values(":n", n(tasks as i64))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| unknown("counting tasks", e))?;
        let attributes = out.attributes.unwrap_or_default();
        Ok(attributes.num("tasks")? as u64)
    }
}

/// Every DynamoDB write is durable when it returns: nothing to group.
impl CommitStore for DynamoStore {}

impl BookkeepingStore for DynamoStore {
    async fn insert_dedupe(&self, key: &str, now: DateTime<Utc>, ttl: Duration) -> R<bool> {
        let expires = expiry(now, ttl);
        let item = item(keys::dedupe(key), keys::ITEM_SK)
            .with("expires_at", n(expires.timestamp_millis()))
            .with("ttl", n(expires.timestamp()));
        let values = HashMap::from([(":now".to_string(), n(now.timestamp_millis()))]);
        self.put_if(
            item,
            "attribute_not_exists(pk) OR expires_at <= :now",
            values,
            "recording a dedupe key",
        )
        .await
    }

    async fn claim_key(
        &self,
        key: &str,
        value: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> R<Option<String>> {
        let expires = expiry(now, ttl);
        let claim = item(keys::dedupe(key), keys::ITEM_SK)
            .with("expires_at", n(expires.timestamp_millis()))
            .with("ttl", n(expires.timestamp()))
            .with("value", s(value));
        let values = HashMap::from([(":now".to_string(), n(now.timestamp_millis()))]);
        if self
            .put_if(
                claim,
                "attribute_not_exists(pk) OR expires_at <= :now",
                values,
                "claiming a key",
            )
            .await?
        {
            return Ok(None);
        }
        // A standing claim never changes its value, so reading it after the failed
        // put is as good as reading it in the same request.
        let held = self.get(keys::dedupe(key), keys::ITEM_SK).await?;
        Ok(Some(
            held.as_ref()
                .and_then(|h| h.str("value").ok())
                .unwrap_or_default()
                .to_string(),
        ))
    }

    async fn add_poll_requests(&self, ws: &str, month: &str, requests: u64) -> R<u64> {
        self.add_counter(
            keys::usage(ws, month),
            keys::POLL_REQUESTS_SK.into(),
            requests,
        )
        .await
    }

    async fn add_tasks(&self, ws: &str, user: &str, month: &str, tasks: u64) -> R<(u64, u64)> {
        let total = self
            .add_counter(keys::usage(ws, month), keys::TOTAL_SK.into(), tasks)
            .await?;
        let mine = self
            .add_counter(keys::usage(ws, month), keys::user(user), tasks)
            .await?;
        Ok((total, mine))
    }

    async fn usage(&self, ws: &str, month: &str) -> R<Usage> {
        let items = self
            .query(None, "pk", keys::usage(ws, month), None, true, None)
            .await?;
        let mut usage = Usage {
            month: month.into(),
            total: 0,
            per_user: Default::default(),
            poll_requests: 0,
        };
        for item in items {
            let tasks = item.num("tasks")? as u64;
            match item.str("sk")? {
                keys::TOTAL_SK => usage.total = tasks,
                keys::POLL_REQUESTS_SK => usage.poll_requests = tasks,
                sk => {
                    usage
                        .per_user
                        .insert(sk.trim_start_matches("USER#").to_string(), tasks);
                }
            }
        }
        Ok(usage)
    }

    async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> R<bool> {
        let expires = expiry(now, ttl);
        let item = item(keys::lease(name), keys::ITEM_SK)
            .with("holder", s(holder))
            .with("expires_at", n(expires.timestamp_millis()))
            .with("ttl", n(expires.timestamp()));
        let values = HashMap::from([
            (":now".to_string(), n(now.timestamp_millis())),
            (":holder".to_string(), s(holder)),
        ]);
        self.put_if(
            item,
            "attribute_not_exists(pk) OR expires_at <= :now OR holder = :holder",
            values,
            "acquiring a lease",
        )
        .await
    }

    async fn renew_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> R<bool> {
        let expires = expiry(now, ttl);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(keys::lease(name)))
            .key("sk", s(keys::ITEM_SK))
            .update_expression("SET expires_at = :expires, #ttl = :ttl")
            .condition_expression("holder = :holder AND expires_at > :now")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":expires", n(expires.timestamp_millis()))
            .expression_attribute_values(":ttl", n(expires.timestamp()))
            .expression_attribute_values(":holder", s(holder))
            .expression_attribute_values(":now", n(now.timestamp_millis()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failure(&e) => Ok(false),
            Err(e) => Err(unknown("renewing a lease", e)),
        }
    }

    async fn release_lease(&self, name: &str, holder: &str) -> R<()> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(keys::lease(name)))
            .key("sk", s(keys::ITEM_SK))
            .condition_expression("holder = :holder")
            .expression_attribute_values(":holder", s(holder))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failure(&e) => Ok(()),
            Err(e) => Err(unknown("releasing a lease", e)),
        }
    }

    async fn hold(&self, name: &str, until: DateTime<Utc>) -> R<()> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(keys::hold(name)))
            .key("sk", s(keys::ITEM_SK))
            .update_expression("SET until_at = :until, #ttl = :ttl")
            .condition_expression("attribute_not_exists(until_at) OR until_at < :until")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":until", n(until.timestamp_millis()))
            .expression_attribute_values(":ttl", n(until.timestamp() + 60))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failure(&e) => Ok(()),
            Err(e) => Err(unknown("holding an account back", e)),
        }
    }

    async fn count_in_window(&self, name: &str, window: i64, expires_at: DateTime<Utc>) -> R<u64> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(keys::rate_window(name, window)))
            .key("sk", s(keys::ITEM_SK))
            .update_expression("ADD n :one SET #ttl = :ttl")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":ttl", n(expires_at.timestamp()))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| unknown("counting a call in its rate window", e))?;
        let count = out
            .attributes
            .as_ref()
            .and_then(|a| a.get("n"))
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .ok_or_else(|| {
                StoreError::Unknown(anyhow::anyhow!("a rate window came back without its count"))
            })?;
        Ok(count)
    }

    async fn held_until(&self, name: &str, now: DateTime<Utc>) -> R<Option<DateTime<Utc>>> {
        let Some(item) = self.get(keys::hold(name), keys::ITEM_SK).await? else {
            return Ok(None);
        };
        let until = item.num("until_at")?;
        Ok(DateTime::from_timestamp_millis(until).filter(|t| *t > now))
    }
}

impl DueStore for DynamoStore {
    async fn add_due_if_absent(&self, due: &DueItem) -> R<bool> {
        let position = keys::due_position(due.due_at.timestamp_millis(), &due.key);
        let pointer = item(keys::due_pointer(&due.key), keys::ITEM_SK)
            .with("due_ms", n(due.due_at.timestamp_millis()));
        let steps = vec![
            // The pointer's absence is the condition; the shard item follows it.
            self.put_step(pointer, true)?,
            self.put_step(
                item(keys::due_shard(shard_of(&due.key)), position).with_body(due, "due item")?,
                false,
            )?,
        ];
        self.transact_if(steps, &format!("due item '{}'", due.key))
            .await
    }

    async fn get_due(&self, key: &str) -> R<Option<DueItem>> {
        let Some(pointer) = self.get(keys::due_pointer(key), keys::ITEM_SK).await? else {
            return Ok(None);
        };
        let position = keys::due_position(pointer.num("due_ms")?, key);
        let found = self.get(keys::due_shard(shard_of(key)), &position).await?;
        found.map(|item| item.body::<DueItem>()).transpose()
    }

    async fn put_due(&self, due: &DueItem) -> R<()> {
        let shard = shard_of(&due.key);
        let due_ms = due.due_at.timestamp_millis();
        let position = keys::due_position(due_ms, &due.key);
        let old = self.get(keys::due_pointer(&due.key), keys::ITEM_SK).await?;
        let mut steps = Vec::new();
        if let Some(old) = old {
            let old_position = keys::due_position(old.num("due_ms")?, &due.key);
            if old_position != position {
                steps.push(self.delete_step(keys::due_shard(shard), old_position)?);
            }
        }
        let pointer = item(keys::due_pointer(&due.key), keys::ITEM_SK).with("due_ms", n(due_ms));
        steps.push(self.put_step(pointer, false)?);
        steps.push(self.put_step(
            item(keys::due_shard(shard), position).with_body(due, "due item")?,
            false,
        )?);
        self.transact(steps, &format!("due item '{}'", due.key))
            .await
    }

    async fn due_before(&self, now: DateTime<Utc>, limit: usize) -> R<Vec<DueItem>> {
        // Positions start with the zero-padded due time, so everything due by `now`
        // sorts below the next millisecond.
        let upper = format!("{:016}", now.timestamp_millis().max(0) + 1);
        let mut due = Vec::new();
        for shard in 0..DUE_SHARDS {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND sk < :upper")
                .expression_attribute_values(":pk", s(keys::due_shard(shard)))
                .expression_attribute_values(":upper", s(upper.clone()))
                .limit(limit as i32)
                .send()
                .await
                .map_err(|e| unknown("finding due work", e))?;
            for item in out.items.unwrap_or_default() {
                due.push(item.body::<DueItem>()?);
            }
        }
        due.sort_by(|a, b| (a.due_at, &a.key).cmp(&(b.due_at, &b.key)));
        due.truncate(limit);
        Ok(due)
    }

    async fn move_due(&self, due: &DueItem, from: DateTime<Utc>) -> R<bool> {
        let shard = shard_of(&due.key);
        let from_ms = from.timestamp_millis();
        let due_ms = due.due_at.timestamp_millis();
        let old_position = keys::due_position(from_ms, &due.key);
        let position = keys::due_position(due_ms, &due.key);
        // The pointer holds the due time: moving it on that condition is the
        // compare-and-swap; the positions in the shard follow in the same transaction.
        let pointer = aws_sdk_dynamodb::types::Put::builder()
            .table_name(&self.table)
            .set_item(Some(
                item(keys::due_pointer(&due.key), keys::ITEM_SK).with("due_ms", n(due_ms)),
            ))
            .condition_expression("due_ms = :from")
            .expression_attribute_values(":from", n(from_ms))
            .build()
            .map_err(|e| unknown("building a put", e))?;
        let mut steps = vec![TransactWriteItem::builder().put(pointer).build()];
        if old_position != position {
            steps.push(self.delete_step(keys::due_shard(shard), old_position)?);
        }
        steps.push(self.put_step(
            item(keys::due_shard(shard), position).with_body(due, "due item")?,
            false,
        )?);
        self.transact_if(steps, &format!("due item '{}'", due.key))
            .await
    }

    async fn remove_due(&self, key: &str, due_at: DateTime<Utc>) -> R<bool> {
        let due_ms = due_at.timestamp_millis();
        let pointer = Delete::builder()
            .table_name(&self.table)
            .key("pk", s(keys::due_pointer(key)))
            .key("sk", s(keys::ITEM_SK))
            .condition_expression("due_ms = :due")
            .expression_attribute_values(":due", n(due_ms))
            .build()
            .map_err(|e| unknown("building a delete", e))?;
        let steps = vec![
            TransactWriteItem::builder().delete(pointer).build(),
            self.delete_step(
                keys::due_shard(shard_of(key)),
                keys::due_position(due_ms, key),
            )?,
        ];
        self.transact_if(steps, &format!("due item '{key}'")).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn shards_are_stable_and_spread() {
        assert_eq!(
            super::shard_of("poll:int_1:b"),
            super::shard_of("poll:int_1:b")
        );
        let used: std::collections::BTreeSet<_> = (0..200)
            .map(|i| super::shard_of(&format!("poll:int_{i}:b")))
            .collect();
        assert_eq!(used.len(), super::DUE_SHARDS as usize);
    }
}
