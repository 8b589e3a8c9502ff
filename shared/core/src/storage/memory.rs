//! Stored values kept in this process only: what `junction run` and the engine's
//! tests give a run. They are gone when the process ends.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use futures::future::BoxFuture;
use serde_json::Value;

use super::{increment, Incremented, RunStorage, StorageError, StorageScope, Written};
use crate::model::StoredValue;

/// Values by scope and key, with their expiry checked on every read.
#[derive(Default)]
pub struct MemoryStorage {
    values: Mutex<HashMap<(StorageScope, String), StoredValue>>,
    /// Remembered writes by app and object id, with when they are forgotten.
    writes: Mutex<HashMap<(String, String), Remembered>>,
}

/// A remembered write and when it is forgotten.
type Remembered = (Written, chrono::DateTime<chrono::Utc>);

impl MemoryStorage {
    pub fn new() -> Self {
        Self::default()
    }

    /// What is stored at `key` now, for tests and `junction run`'s summary.
    pub fn value(&self, scope: StorageScope, key: &str) -> Option<Value> {
        let now = chrono::Utc::now();
        let values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        values
            .get(&(scope, key.to_string()))
            .filter(|v| v.is_live(now))
            .map(|v| v.value.clone())
    }
}

fn expiry(ttl: Option<Duration>) -> Option<chrono::DateTime<chrono::Utc>> {
    ttl.map(|t| chrono::Utc::now() + chrono::Duration::from_std(t).unwrap_or_default())
}

impl RunStorage for MemoryStorage {
    fn get(
        &self,
        scope: StorageScope,
        key: &str,
    ) -> BoxFuture<'_, Result<Option<Value>, StorageError>> {
        let value = self.value(scope, key);
        Box::pin(async move { Ok(value) })
    }

    fn set(
        &self,
        scope: StorageScope,
        key: &str,
        value: Value,
        ttl: Option<Duration>,
    ) -> BoxFuture<'_, Result<(), StorageError>> {
        let stored = StoredValue {
            scope: scope.as_str().into(),
            key: key.into(),
            value,
            updated_at: chrono::Utc::now(),
            expires_at: expiry(ttl),
            applied: Vec::new(),
            version: 0,
        };
        let mut values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        values.insert((scope, key.to_string()), stored);
        Box::pin(async { Ok(()) })
    }

    fn delete(&self, scope: StorageScope, key: &str) -> BoxFuture<'_, Result<bool, StorageError>> {
        let now = chrono::Utc::now();
        let mut values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        let removed = values
            .remove(&(scope, key.to_string()))
            .is_some_and(|v| v.is_live(now));
        Box::pin(async move { Ok(removed) })
    }

    fn increment(
        &self,
        scope: StorageScope,
        key: &str,
        by: i64,
        ttl: Option<Duration>,
        op: &str,
    ) -> BoxFuture<'_, Result<i64, StorageError>> {
        let now = chrono::Utc::now();
        let mut values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        let slot = (scope, key.to_string());
        let current = values.get(&slot).filter(|v| v.is_live(now)).cloned();
        let result = match increment(current, (scope.as_str(), key), by, ttl, op, now) {
            Ok(Incremented::Already(sum)) => Ok(sum),
            Ok(Incremented::Write(value)) => {
                let sum = value.value.as_i64().unwrap_or_default();
                values.insert(slot, value);
                Ok(sum)
            }
            Err(e) => Err(e),
        };
        Box::pin(async move { result })
    }

    fn remember_write(
        &self,
        app: &str,
        object_id: &str,
        written: Written,
        window: Duration,
    ) -> BoxFuture<'_, Result<(), StorageError>> {
        let until = expiry(Some(window)).unwrap_or_else(chrono::Utc::now);
        let mut writes = self.writes.lock().unwrap_or_else(|e| e.into_inner());
        writes.insert((app.into(), object_id.into()), (written, until));
        Box::pin(async { Ok(()) })
    }

    fn last_write(
        &self,
        app: &str,
        object_id: &str,
    ) -> BoxFuture<'_, Result<Option<Written>, StorageError>> {
        let now = chrono::Utc::now();
        let writes = self.writes.lock().unwrap_or_else(|e| e.into_inner());
        let found = writes
            .get(&(app.to_string(), object_id.to_string()))
            .filter(|(_, until)| *until > now)
            .map(|(w, _)| w.clone());
        Box::pin(async move { Ok(found) })
    }
}
