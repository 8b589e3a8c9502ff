//! `WorkspaceStore` and `AccountStore` on DynamoDB: workspaces (with their app-key
//! pointer), apps, flow versions and heads (with tag index items), users and accounts.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};
use chrono::{DateTime, Utc};
use junction_core::model::{Account, AppRecord, FlowHead, FlowVersion, User, Version, Workspace};
use junction_core::ports::{AccountStore, StoreError, WorkspaceStore};

use super::item::{item, n, s, version_condition, versioned, Item, ItemExt};
use super::keys;
use super::{is_condition_failure, unknown, DynamoStore};
use junction_core::model::Versioned;

type R<T> = Result<T, StoreError>;

impl DynamoStore {
    /// A conditional put of a versioned item; returns the version written.
    pub(crate) async fn put_versioned(
        &self,
        item: Item,
        expected: Option<Version>,
        what: &str,
    ) -> R<Version> {
        let (condition, value, next) = version_condition(expected);
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item.with("version", n(next as i64))))
            .condition_expression(condition)
            .set_expression_attribute_values(value.map(|(k, v)| HashMap::from([(k, v)])))
            .send()
            .await;
        match result {
            Ok(_) => Ok(next),
            Err(e) if is_condition_failure(&e) => Err(StoreError::Conflict(match expected {
                None => format!("{what} already exists"),
                Some(v) => format!("{what} changed since it was read (expected version {v})"),
            })),
            Err(e) => Err(unknown(what, e)),
        }
    }

    /// The same put as a transaction step.
    pub(crate) fn versioned_put_step(
        &self,
        item: Item,
        expected: Option<Version>,
    ) -> R<(TransactWriteItem, Version)> {
        let (condition, value, next) = version_condition(expected);
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item.with("version", n(next as i64))))
            .condition_expression(condition)
            .set_expression_attribute_values(value.map(|(k, v)| HashMap::from([(k, v)])))
            .build()
            .map_err(|e| unknown("building a put", e))?;
        Ok((TransactWriteItem::builder().put(put).build(), next))
    }

    pub(crate) fn put_step(&self, item: Item, must_be_new: bool) -> R<TransactWriteItem> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .set_condition_expression(must_be_new.then(|| "attribute_not_exists(pk)".to_string()))
            .build()
            .map_err(|e| unknown("building a put", e))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Adds `n` to a counter item's `tasks`, as a transaction step.
    pub(crate) fn add_step(&self, pk: String, sk: String, n_: u64) -> R<TransactWriteItem> {
        let update = aws_sdk_dynamodb::types::Update::builder()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .update_expression("ADD tasks :n")
            .expression_attribute_values(":n", n(n_ as i64))
            .build()
            .map_err(|e| unknown("building an update", e))?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    pub(crate) fn delete_step(&self, pk: String, sk: String) -> R<TransactWriteItem> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .build()
            .map_err(|e| unknown("building a delete", e))?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }

    pub(crate) async fn get_versioned<T: serde::de::DeserializeOwned + Versioned>(
        &self,
        pk: String,
        sk: &str,
    ) -> R<Option<T>> {
        self.get(pk, sk).await?.map(|i| versioned(&i)).transpose()
    }

    pub(crate) async fn delete_item(&self, pk: String, sk: String) -> R<()> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .send()
            .await
            .map_err(|e| unknown("deleting an item", e))?;
        Ok(())
    }

    pub(crate) async fn ws_get(&self, id: &str) -> R<Option<Workspace>> {
        self.get_versioned(keys::ws(id), keys::WORKSPACE_SK).await
    }

    pub(crate) async fn flow_head_get(&self, ws: &str, flow: &str) -> R<Option<FlowHead>> {
        self.get_versioned(keys::ws(ws), &keys::flow_head(flow))
            .await
    }
}

/// A workspace's item: its record, and its place in the list of every workspace.
fn workspace_item(ws: &Workspace) -> R<Item> {
    Ok(item(keys::ws(&ws.id), keys::WORKSPACE_SK)
        .with_body(ws, "workspace")?
        .with("gsi1pk", s(keys::WORKSPACES))
        .with("gsi1sk", s(keys::ws(&ws.id))))
}

impl WorkspaceStore for DynamoStore {
    async fn create_workspace(&self, ws: &Workspace) -> R<Version> {
        let (put, version) = self.versioned_put_step(workspace_item(ws)?, None)?;
        let pointer = self.put_step(
            item(keys::app_key(&ws.app_key), keys::ITEM_SK).with("ws", s(&ws.id)),
            true,
        )?;
        self.transact(
            vec![put, pointer],
            &format!("workspace '{}' (or its app key)", ws.id),
        )
        .await?;
        Ok(version)
    }

    async fn update_workspace(&self, ws: &Workspace, expected: Version) -> R<Version> {
        let current: Option<Workspace> = self
            .get_versioned(keys::ws(&ws.id), keys::WORKSPACE_SK)
            .await?;
        let (put, version) = self.versioned_put_step(workspace_item(ws)?, Some(expected))?;
        let mut steps = vec![put];
        if let Some(old) = current.filter(|c| c.app_key != ws.app_key) {
            steps.push(self.delete_step(keys::app_key(&old.app_key), keys::ITEM_SK.into())?);
            steps.push(self.put_step(
                item(keys::app_key(&ws.app_key), keys::ITEM_SK).with("ws", s(&ws.id)),
                true,
            )?);
        }
        self.transact(steps, &format!("workspace '{}'", ws.id))
            .await?;
        Ok(version)
    }

    async fn get_workspace(&self, id: &str) -> R<Option<Workspace>> {
        self.ws_get(id).await
    }

    async fn workspace_by_app_key(&self, key: &str) -> R<Option<Workspace>> {
        match self.get(keys::app_key(key), keys::ITEM_SK).await? {
            Some(pointer) => self.ws_get(pointer.str("ws")?).await,
            None => Ok(None),
        }
    }

    async fn list_workspaces(&self) -> R<Vec<Workspace>> {
        let items = self
            .query(
                Some("gsi1"),
                "gsi1pk",
                keys::WORKSPACES.into(),
                None,
                true,
                None,
            )
            .await?;
        items.iter().map(versioned).collect()
    }

    async fn put_app(&self, app: &AppRecord, expected: Option<Version>) -> R<Version> {
        let id = &app.definition.id;
        let item = item(keys::ws(&app.workspace_id), keys::app(id)).with_body(app, "app")?;
        self.put_versioned(item, expected, &format!("app '{id}'"))
            .await
    }

    async fn get_app(&self, ws: &str, app_id: &str) -> R<Option<AppRecord>> {
        self.get_versioned(super::keys::ws(ws), &super::keys::app(app_id))
            .await
    }

    async fn list_apps(&self, ws: &str) -> R<Vec<AppRecord>> {
        let items = self
            .query(
                None,
                "pk",
                keys::ws(ws),
                Some(("sk", "APP#".into())),
                true,
                None,
            )
            .await?;
        items.iter().map(versioned).collect()
    }

    async fn add_flow_version(&self, v: &FlowVersion) -> R<()> {
        let item = item(
            keys::ws(&v.workspace_id),
            keys::flow_version(&v.flow_id, v.number),
        )
        .with_body(v, "flow version")?;
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failure(&e) => Err(StoreError::Conflict(format!(
                "version {} of flow '{}' already exists (versions are immutable)",
                v.number, v.flow_id
            ))),
            Err(e) => Err(unknown("adding a flow version", e)),
        }
    }

    async fn get_flow_version(&self, ws: &str, flow: &str, number: u32) -> R<Option<FlowVersion>> {
        self.get(keys::ws(ws), &keys::flow_version(flow, number))
            .await?
            .map(|i| i.body())
            .transpose()
    }

    async fn put_flow_head(&self, head: &FlowHead, expected: Option<Version>) -> R<Version> {
        let current: Option<FlowHead> = self
            .get_versioned(
                keys::ws(&head.workspace_id),
                &keys::flow_head(&head.flow_id),
            )
            .await?;
        let (put, version) = self.versioned_put_step(
            item(keys::ws(&head.workspace_id), keys::flow_head(&head.flow_id))
                .with_body(head, "flow")?,
            expected,
        )?;
        let mut steps = vec![put];
        let sk = keys::flow_head(&head.flow_id);
        // Index items for the marketplace: one per tag, one in the "published" list.
        if let Some(old) = current.filter(|c| c.published.is_some()) {
            for tag in old
                .tags
                .iter()
                .filter(|t| head.published.is_none() || !head.tags.contains(t))
            {
                steps.push(self.delete_step(keys::tag(&head.workspace_id, tag), sk.clone())?);
            }
            if head.published.is_none() {
                steps.push(self.delete_step(keys::published(&head.workspace_id), sk.clone())?);
            }
        }
        if head.published.is_some() {
            let mut seen = std::collections::BTreeSet::new();
            for tag in head.tags.iter().filter(|t| seen.insert(*t)) {
                steps.push(
                    self.put_step(
                        item(keys::tag(&head.workspace_id, tag), sk.clone())
                            .with("flow", s(&head.flow_id)),
                        false,
                    )?,
                );
            }
            steps.push(
                self.put_step(
                    item(keys::published(&head.workspace_id), sk.clone())
                        .with("flow", s(&head.flow_id)),
                    false,
                )?,
            );
        }
        self.transact(steps, &format!("flow '{}'", head.flow_id))
            .await?;
        Ok(version)
    }

    async fn get_flow_head(&self, ws: &str, flow_id: &str) -> R<Option<FlowHead>> {
        self.flow_head_get(ws, flow_id).await
    }

    async fn list_flow_heads(&self, ws: &str) -> R<Vec<FlowHead>> {
        let items = self
            .query(
                None,
                "pk",
                keys::ws(ws),
                Some(("sk", "FLOW#".into())),
                true,
                None,
            )
            .await?;
        items.iter().map(versioned).collect()
    }

    async fn flows_by_tag(&self, ws: &str, tag: Option<&str>) -> R<Vec<FlowHead>> {
        let pk = match tag {
            Some(tag) => keys::tag(ws, tag),
            None => keys::published(ws),
        };
        let pointers = self.query(None, "pk", pk, None, true, None).await?;
        let mut heads = Vec::with_capacity(pointers.len());
        for p in pointers {
            if let Some(head) = self.flow_head_get(ws, p.str("flow")?).await? {
                heads.push(head);
            }
        }
        Ok(heads)
    }
}

impl AccountStore for DynamoStore {
    async fn ensure_user(&self, ws: &str, user_id: &str, now: DateTime<Utc>) -> R<User> {
        let fresh = User {
            workspace_id: ws.into(),
            user_id: user_id.into(),
            created_at: now,
        };
        let item = item(keys::ws(ws), keys::user(user_id)).with_body(&fresh, "user")?;
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(fresh),
            Err(e) if is_condition_failure(&e) => {
                match self.get(keys::ws(ws), &keys::user(user_id)).await? {
                    Some(existing) => existing.body(),
                    None => Err(StoreError::Unknown(anyhow::anyhow!(
                        "user '{user_id}' vanished while being read"
                    ))),
                }
            }
            Err(e) => Err(unknown("creating a user", e)),
        }
    }

    async fn put_account(&self, a: &Account, expected: Option<Version>) -> R<Version> {
        let item = item(keys::ws(&a.workspace_id), keys::account(&a.id))
            .with("gsi1pk", s(keys::user_index(&a.workspace_id, &a.user_id)))
            .with("gsi1sk", s(format!("ACCOUNT#{}#{}", a.app_id, a.id)))
            .with_body(a, "account")?;
        self.put_versioned(item, expected, &format!("account '{}'", a.id))
            .await
    }

    async fn get_account(&self, ws: &str, id: &str) -> R<Option<Account>> {
        self.get_versioned(keys::ws(ws), &keys::account(id)).await
    }

    async fn accounts_of_user(&self, ws: &str, user: &str, app: Option<&str>) -> R<Vec<Account>> {
        let prefix = match app {
            Some(app) => format!("ACCOUNT#{app}#"),
            None => "ACCOUNT#".into(),
        };
        let items = self
            .query(
                Some("gsi1"),
                "gsi1pk",
                keys::user_index(ws, user),
                Some(("gsi1sk", prefix)),
                true,
                None,
            )
            .await?;
        items.iter().map(versioned).collect()
    }

    async fn delete_account(&self, ws: &str, id: &str) -> R<()> {
        self.delete_item(keys::ws(ws), keys::account(id)).await
    }
}
