//! `IntegrationStore` and `RunStore` on DynamoDB: integrations with their index items
//! (app events, webhook tokens), and runs.

use std::collections::BTreeSet;

use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
use junction_core::engine::RunStatus;
use junction_core::model::{Integration, RunRecord, Version};
use junction_core::ports::{IntegrationStore, Metered, RunStore, RunToExecute, StoreError};

use super::item::{item, s, ttl_of, versioned, ItemExt};
use super::keys;
use super::{unknown, DynamoStore};

type R<T> = Result<T, StoreError>;

/// A run's item, with its index keys (runs of an integration, runs in a status).
fn run_item(run: &RunRecord) -> R<super::item::Item> {
    item(keys::ws(&run.workspace_id), keys::run(&run.id))
        .with(
            "gsi1pk",
            s(keys::integration_runs(
                &run.workspace_id,
                &run.integration_id,
            )),
        )
        .with("gsi1sk", s(keys::run(&run.id)))
        .with(
            "gsi2pk",
            s(keys::runs_in_status(&run.workspace_id, run.status.as_str())),
        )
        .with("gsi2sk", s(keys::run(&run.id)))
        .with("ttl", ttl_of(run.expires_at))
        .with_body(run, &format!("run '{}'", run.id))
}

impl DynamoStore {
    pub(crate) async fn integration_get(&self, ws: &str, id: &str) -> R<Option<Integration>> {
        self.get_versioned(keys::ws(ws), &keys::integration(id))
            .await
    }

    pub(crate) async fn integrations_by_index(
        &self,
        index: &str,
        pk: String,
    ) -> R<Vec<Integration>> {
        let items = self
            .query(
                Some(index),
                &format!("{index}pk"),
                pk,
                Some((&format!("{index}sk"), "INT#".into())),
                true,
                None,
            )
            .await?;
        items.iter().map(versioned).collect()
    }

    /// Runs of an index partition, newest first, below the `before` cursor.
    async fn runs_page(
        &self,
        index: &str,
        pk: String,
        limit: usize,
        before: Option<&str>,
    ) -> R<Vec<RunRecord>> {
        let limit = limit.clamp(1, 1000);
        let upper = match before {
            Some(id) => keys::run(id),
            // Above every run id: "RUN#" followed by anything sorts below "RUN$".
            None => "RUN$".to_string(),
        };
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index)
            .key_condition_expression(format!(
                "{index}pk = :pk AND {index}sk BETWEEN :low AND :high"
            ))
            .expression_attribute_values(":pk", AttributeValue::S(pk))
            .expression_attribute_values(":low", AttributeValue::S("RUN#".into()))
            .expression_attribute_values(":high", AttributeValue::S(upper))
            .scan_index_forward(false)
            .limit(limit as i32 + 1)
            .send()
            .await
            .map_err(|e| unknown("listing runs", e))?;
        let mut runs: Vec<RunRecord> = out
            .items
            .unwrap_or_default()
            .iter()
            .map(versioned)
            .collect::<Result<_, _>>()?;
        // BETWEEN is inclusive; the cursor run itself belongs to the previous page.
        runs.retain(|r| before.is_none_or(|b| r.id.as_str() < b));
        runs.truncate(limit);
        Ok(runs)
    }
}

impl IntegrationStore for DynamoStore {
    async fn put_integration(&self, i: &Integration, expected: Option<Version>) -> R<Version> {
        let current: Option<Integration> = self.integration_get(&i.workspace_id, &i.id).await?;
        let main = item(keys::ws(&i.workspace_id), keys::integration(&i.id))
            .with("gsi1pk", s(keys::user_index(&i.workspace_id, &i.user_id)))
            .with("gsi1sk", s(keys::integration(&i.id)))
            .with("gsi2pk", s(keys::flow_index(&i.workspace_id, &i.flow_id)))
            .with("gsi2sk", s(keys::integration(&i.id)))
            .with_body(i, "integration")?;
        let (put, version) = self.versioned_put_step(main, expected)?;
        let mut steps = vec![put];

        let (old_events, old_tokens, old_user) = match &current {
            Some(c) => (
                c.events.iter().collect::<BTreeSet<_>>(),
                c.webhook_token_hashes.iter().collect::<BTreeSet<_>>(),
                c.user_id.as_str(),
            ),
            None => (BTreeSet::new(), BTreeSet::new(), i.user_id.as_str()),
        };
        let new_events: BTreeSet<_> = i.events.iter().collect();
        let new_tokens: BTreeSet<_> = i.webhook_token_hashes.iter().collect();
        for event in old_events.difference(&new_events) {
            steps.push(self.delete_step(
                keys::event(&i.workspace_id, event),
                keys::event_sk(old_user, &i.id),
            )?);
        }
        for event in new_events.difference(&old_events) {
            let index = item(
                keys::event(&i.workspace_id, event),
                keys::event_sk(&i.user_id, &i.id),
            )
            .with("integration", s(&i.id));
            steps.push(self.put_step(index, false)?);
        }
        for token in old_tokens.difference(&new_tokens) {
            steps.push(self.delete_step(keys::token(token), keys::ITEM_SK.into())?);
        }
        for token in new_tokens.difference(&old_tokens) {
            let pointer = item(keys::token(token), keys::ITEM_SK)
                .with("ws", s(&i.workspace_id))
                .with("integration", s(&i.id));
            // A token names one integration only.
            steps.push(self.put_step(pointer, true)?);
        }
        self.transact(
            steps,
            &format!("integration '{}' (or one of its webhook tokens)", i.id),
        )
        .await?;
        Ok(version)
    }

    async fn get_integration(&self, ws: &str, id: &str) -> R<Option<Integration>> {
        self.integration_get(ws, id).await
    }

    async fn integrations_of_user(&self, ws: &str, user_id: &str) -> R<Vec<Integration>> {
        self.integrations_by_index("gsi1", super::keys::user_index(ws, user_id))
            .await
    }

    async fn integrations_of_flow(&self, ws: &str, flow_id: &str) -> R<Vec<Integration>> {
        self.integrations_by_index("gsi2", super::keys::flow_index(ws, flow_id))
            .await
    }

    async fn integrations_for_event(
        &self,
        ws: &str,
        event: &str,
        user: Option<&str>,
    ) -> R<Vec<Integration>> {
        let prefix = match user {
            Some(u) => format!("USER#{u}#INT#"),
            None => "USER#".into(),
        };
        let pointers = self
            .query(
                None,
                "pk",
                keys::event(ws, event),
                Some(("sk", prefix)),
                true,
                None,
            )
            .await?;
        let mut out = Vec::with_capacity(pointers.len());
        for p in pointers {
            if let Some(i) = self.integration_get(ws, p.str("integration")?).await? {
                out.push(i);
            }
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    async fn integration_by_webhook_token(&self, hash: &str) -> R<Option<Integration>> {
        match self.get(keys::token(hash), keys::ITEM_SK).await? {
            Some(p) => {
                self.integration_get(p.str("ws")?, p.str("integration")?)
                    .await
            }
            None => Ok(None),
        }
    }

    async fn delete_integration(&self, ws: &str, id: &str) -> R<()> {
        let Some(current) = self.integration_get(ws, id).await? else {
            return Ok(());
        };
        let mut steps = vec![self.delete_step(keys::ws(ws), keys::integration(id))?];
        for event in &current.events {
            steps.push(
                self.delete_step(keys::event(ws, event), keys::event_sk(&current.user_id, id))?,
            );
        }
        for token in &current.webhook_token_hashes {
            steps.push(self.delete_step(keys::token(token), keys::ITEM_SK.into())?);
        }
        self.transact(steps, &format!("integration '{id}'")).await
    }

    async fn integrations_of_workspace(&self, ws: &str) -> R<Vec<Integration>> {
        let items = self
            .query(
                None,
                "pk",
                keys::ws(ws),
                Some(("sk", "INT#".into())),
                true,
                None,
            )
            .await?;
        items.iter().map(versioned).collect()
    }
}

impl RunStore for DynamoStore {
    async fn runs_with_status(
        &self,
        ws: &str,
        status: RunStatus,
        limit: usize,
        before: Option<&str>,
    ) -> R<Vec<RunRecord>> {
        self.runs_page(
            "gsi2",
            keys::runs_in_status(ws, status.as_str()),
            limit,
            before,
        )
        .await
    }

    async fn put_run(&self, run: &RunRecord, expected: Option<Version>) -> R<Version> {
        self.put_versioned(run_item(run)?, expected, &format!("run '{}'", run.id))
            .await
    }

    async fn checkpoint_run(
        &self,
        run: &RunRecord,
        expected: Version,
        m: Metered<'_>,
    ) -> R<Version> {
        let what = format!("run '{}'", run.id);
        if m.tasks == 0 {
            return self
                .put_versioned(run_item(run)?, Some(expected), &what)
                .await;
        }
        // One request for the run and both counters. A transaction's writes cost twice
        // the units of plain ones, but this replaces three requests (and a crash
        // between them counting tasks twice or not at all).
        let (put, next) = self.versioned_put_step(run_item(run)?, Some(expected))?;
        let usage = keys::usage(&run.workspace_id, m.month);
        let steps = vec![
            put,
            self.add_step(usage.clone(), keys::TOTAL_SK.into(), m.tasks)?,
            self.add_step(usage, keys::user(m.user_id), m.tasks)?,
        ];
        self.transact(steps, &what).await?;
        Ok(next)
    }

    async fn get_run(&self, ws: &str, id: &str) -> R<Option<RunRecord>> {
        self.get_versioned(keys::ws(ws), &keys::run(id)).await
    }

    async fn run_to_execute(
        &self,
        ws: &str,
        run_id: &str,
        integration_id: &str,
        month: &str,
    ) -> R<RunToExecute> {
        self.read_to_execute(vec![
            item(keys::ws(ws), keys::run(run_id)),
            item(keys::ws(ws), keys::integration(integration_id)),
            item(keys::ws(ws), keys::WORKSPACE_SK),
            item(keys::usage(ws, month), keys::TOTAL_SK),
        ])
        .await
    }

    async fn workspace_to_execute(&self, ws: &str, month: &str) -> R<RunToExecute> {
        self.read_to_execute(vec![
            item(keys::ws(ws), keys::WORKSPACE_SK),
            item(keys::usage(ws, month), keys::TOTAL_SK),
        ])
        .await
    }

    async fn runs_of_integration(
        &self,
        ws: &str,
        integration: &str,
        limit: usize,
        before: Option<&str>,
    ) -> R<Vec<RunRecord>> {
        self.runs_page(
            "gsi1",
            keys::integration_runs(ws, integration),
            limit,
            before,
        )
        .await
    }
}

impl DynamoStore {
    /// The items of `wanted` (a run, an integration, a workspace, a month's usage) in
    /// one consistent batch read, sorted into what executing a run needs.
    async fn read_to_execute(&self, wanted: Vec<super::item::Item>) -> R<RunToExecute> {
        let mut found = Vec::new();
        let mut pending = Some(
            KeysAndAttributes::builder()
                .set_keys(Some(wanted))
                .consistent_read(true)
                .build()
                .map_err(|e| unknown("building a batch read", e))?,
        );
        // Unprocessed keys (throttling) are asked for again, a few times at most.
        for attempt in 0..5 {
            let Some(ask) = pending.take() else { break };
            if attempt > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(20 << attempt)).await;
            }
            let out = self
                .client
                .batch_get_item()
                .request_items(&self.table, ask)
                .send()
                .await
                .map_err(|e| unknown("reading a run to execute", e))?;
            if let Some(items) = out.responses.and_then(|mut r| r.remove(&self.table)) {
                found.extend(items);
            }
            pending = out
                .unprocessed_keys
                .and_then(|mut u| u.remove(&self.table))
                .filter(|k| !k.keys.is_empty());
        }
        if pending.is_some() {
            return Err(StoreError::Unknown(anyhow::anyhow!(
                "DynamoDB: reading a run to execute: keys left unprocessed after retries"
            )));
        }
        let mut out = RunToExecute::default();
        for item in &found {
            match (item.str("pk")?, item.str("sk")?) {
                (_, keys::WORKSPACE_SK) => out.workspace = Some(versioned(item)?),
                (_, keys::TOTAL_SK) => out.tasks_this_month = item.num("tasks")? as u64,
                (_, sk) if sk.starts_with("RUN#") => out.run = Some(versioned(item)?),
                _ => out.integration = Some(versioned(item)?),
            }
        }
        Ok(out)
    }
}
