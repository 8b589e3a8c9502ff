//! The engine's view of stored values, over the store: one run's scopes resolved to
//! its integration and user, increments made exactly once with a read and a
//! conditional write, and the admin's listing and removal.

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use serde_json::Value;

use super::{Junction, ServiceError};
use crate::model::StoredValue;
use crate::ports::{Clock, Expect, RunQueue, Store, StoreError, Vault};
use crate::storage::{
    increment, object_key, Incremented, RunStorage, StorageError, StorageScope, Written,
};

/// How often an increment reads and tries again when other writers keep winning.
const INCREMENT_ATTEMPTS: usize = 20;

/// The stored values one run of an integration reaches.
pub struct StoredValues<S> {
    pub store: S,
    pub clock: Arc<dyn Clock>,
    pub workspace_id: String,
    pub integration_id: String,
    pub user_id: String,
    /// The integration's account of each app (app id → account id): a remembered write
    /// belongs to the account it went through, whichever integration reads it.
    pub accounts: std::collections::BTreeMap<String, String>,
}

impl<S: Store> StoredValues<S> {
    fn scope(&self, scope: StorageScope) -> String {
        scope.key_for(&self.integration_id, &self.user_id)
    }

    /// Where writes to `app` through the integration's account are remembered: a scope
    /// of their own, out of reach of storage steps and the admin listing, and the
    /// object id as key (hashed when it is too long to be one).
    fn write_slot(&self, app: &str, object_id: &str) -> (String, String) {
        let account = self.accounts.get(app).map_or("-", String::as_str);
        (format!("echo:{app}:{account}"), object_key(object_id))
    }

    fn expiry(&self, ttl: Option<Duration>) -> Option<chrono::DateTime<chrono::Utc>> {
        ttl.map(|t| self.clock.now() + chrono::Duration::from_std(t).unwrap_or_default())
    }

    async fn add(
        &self,
        scope: StorageScope,
        key: &str,
        by: i64,
        ttl: Option<Duration>,
        op: &str,
    ) -> Result<i64, StorageError> {
        let ws = &self.workspace_id;
        let scope = self.scope(scope);
        for _ in 0..INCREMENT_ATTEMPTS {
            let now = self.clock.now();
            let current = self
                .store
                .get_stored(ws, &scope, key, now)
                .await
                .map_err(unavailable)?;
            let expect = current
                .as_ref()
                .map_or(Expect::Absent, |v| Expect::Version(v.version));
            let value = match increment(current, (&scope, key), by, ttl, op, now)? {
                Incremented::Already(sum) => return Ok(sum),
                Incremented::Write(value) => value,
            };
            match self.store.put_stored(ws, &value, expect, now).await {
                Ok(_) => return Ok(value.value.as_i64().unwrap_or_default()),
                // Another writer got there first: read what it made and add to that.
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(unavailable(e)),
            }
        }
        Err(StorageError::Unavailable(format!(
            "key '{key}' changed under {INCREMENT_ATTEMPTS} increments in a row"
        )))
    }
}

fn unavailable(e: StoreError) -> StorageError {
    match e {
        StoreError::TooLarge(detail) => StorageError::Refused(detail),
        other => StorageError::Unavailable(other.to_string()),
    }
}

impl<S: Store> RunStorage for StoredValues<S> {
    fn get(
        &self,
        scope: StorageScope,
        key: &str,
    ) -> BoxFuture<'_, Result<Option<Value>, StorageError>> {
        let scope = self.scope(scope);
        let key = key.to_string();
        Box::pin(async move {
            let value = self
                .store
                .get_stored(&self.workspace_id, &scope, &key, self.clock.now())
                .await
                .map_err(unavailable)?;
            Ok(value.map(|v| v.value))
        })
    }

    fn set(
        &self,
        scope: StorageScope,
        key: &str,
        value: Value,
        ttl: Option<Duration>,
    ) -> BoxFuture<'_, Result<(), StorageError>> {
        let now = self.clock.now();
        let stored = StoredValue {
            scope: self.scope(scope),
            key: key.to_string(),
            value,
            updated_at: now,
            expires_at: self.expiry(ttl),
            applied: Vec::new(),
            version: 0,
        };
        Box::pin(async move {
            self.store
                .put_stored(&self.workspace_id, &stored, Expect::Any, now)
                .await
                .map_err(unavailable)?;
            Ok(())
        })
    }

    fn delete(&self, scope: StorageScope, key: &str) -> BoxFuture<'_, Result<bool, StorageError>> {
        let scope = self.scope(scope);
        let key = key.to_string();
        Box::pin(async move {
            self.store
                .delete_stored(&self.workspace_id, &scope, &key, self.clock.now())
                .await
                .map_err(unavailable)
        })
    }

    fn increment(
        &self,
        scope: StorageScope,
        key: &str,
        by: i64,
        ttl: Option<Duration>,
        op: &str,
    ) -> BoxFuture<'_, Result<i64, StorageError>> {
        let key = key.to_string();
        let op = op.to_string();
        Box::pin(async move { self.add(scope, &key, by, ttl, &op).await })
    }

    fn remember_write(
        &self,
        app: &str,
        object_id: &str,
        written: Written,
        window: Duration,
    ) -> BoxFuture<'_, Result<(), StorageError>> {
        let (scope, key) = self.write_slot(app, object_id);
        let now = self.clock.now();
        Box::pin(async move {
            let value = serde_json::to_value(&written)
                .map_err(|e| StorageError::Unavailable(e.to_string()))?;
            let stored = StoredValue {
                scope,
                key,
                value,
                updated_at: now,
                expires_at: self.expiry(Some(window)),
                applied: Vec::new(),
                version: 0,
            };
            self.store
                .put_stored(&self.workspace_id, &stored, Expect::Any, now)
                .await
                .map_err(unavailable)?;
            Ok(())
        })
    }

    fn last_write(
        &self,
        app: &str,
        object_id: &str,
    ) -> BoxFuture<'_, Result<Option<Written>, StorageError>> {
        let (scope, key) = self.write_slot(app, object_id);
        Box::pin(async move {
            let found = self
                .store
                .get_stored(&self.workspace_id, &scope, &key, self.clock.now())
                .await
                .map_err(unavailable)?;
            // A record this version cannot read is no proof of an echo: the run goes.
            Ok(found.and_then(|v| serde_json::from_value(v.value).ok()))
        })
    }
}

/// A stored value as the admin API shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct StoredEntry {
    pub key: String,
    pub value: Value,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// One page of a scope's values, in key order.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct StoredPage {
    /// `integration:<id>`, `user:<id>` or `workspace`.
    pub scope: String,
    pub values: Vec<StoredEntry>,
    /// The key to pass as `after` for the next page, when there may be one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// Which scope an admin looks at: the kind, and the integration or user it belongs to.
#[derive(Debug, Clone)]
pub struct ScopeRef {
    pub kind: StorageScope,
    pub id: Option<String>,
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    /// The store's name of a scope, checking that its integration or user exists in
    /// the workspace (so a typo is a 404, not an empty list).
    async fn scope_of(&self, ws: &str, scope: &ScopeRef) -> Result<String, ServiceError> {
        let id = || {
            scope.id.clone().filter(|i| !i.is_empty()).ok_or_else(|| {
                ServiceError::field(
                    "id",
                    format!(
                        "the {} scope needs the id of its {}",
                        scope.kind.as_str(),
                        scope.kind.as_str()
                    ),
                )
            })
        };
        match scope.kind {
            StorageScope::Integration => {
                let id = id()?;
                if self.store.get_integration(ws, &id).await?.is_none() {
                    return Err(ServiceError::NotFound(format!("integration '{id}'")));
                }
                Ok(StorageScope::Integration.key_for(&id, ""))
            }
            StorageScope::User => Ok(StorageScope::User.key_for("", &id()?)),
            StorageScope::Workspace => {
                if scope.id.as_deref().is_some_and(|i| !i.is_empty()) {
                    return Err(ServiceError::field("id", "the workspace scope takes no id"));
                }
                Ok(StorageScope::Workspace.key_for("", ""))
            }
        }
    }

    /// A page of the values kept in one scope.
    pub async fn stored_values(
        &self,
        ws: &str,
        scope: &ScopeRef,
        after: Option<&str>,
        limit: usize,
    ) -> Result<StoredPage, ServiceError> {
        let name = self.scope_of(ws, scope).await?;
        let limit = limit.clamp(1, 100);
        let values = self
            .store
            .list_stored(ws, &name, after, limit, self.clock.now())
            .await?;
        let next = (values.len() == limit)
            .then(|| values.last().map(|v| v.key.clone()))
            .flatten();
        Ok(StoredPage {
            scope: name,
            values: values
                .into_iter()
                .map(|v| StoredEntry {
                    key: v.key,
                    value: v.value,
                    updated_at: v.updated_at,
                    expires_at: v.expires_at,
                })
                .collect(),
            next,
        })
    }

    /// Removes one stored value; a 404 when there was none.
    pub async fn delete_stored_value(
        &self,
        ws: &str,
        scope: &ScopeRef,
        key: &str,
    ) -> Result<(), ServiceError> {
        let name = self.scope_of(ws, scope).await?;
        if self
            .store
            .delete_stored(ws, &name, key, self.clock.now())
            .await?
        {
            Ok(())
        } else {
            Err(ServiceError::NotFound(format!(
                "no value at key '{key}' in {name}"
            )))
        }
    }
}
