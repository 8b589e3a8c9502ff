//! Integrations: one user's instance of a flow, with an account per app and setup
//! values checked against the flow's form.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::setup::check_setup;
use super::{Junction, QueuedRuns, ServiceError};
use crate::definition::{AuthScheme, FlowDefinition, Problem, Trigger};
use crate::engine::RunStatus;
use crate::ids::new_id;
use crate::model::{AccountStatus, Integration};
use crate::ports::{RunQueue, Store, Vault};

/// What a user sends to create an integration.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIntegration {
    pub flow: String,
    /// App id → account id, for every app of the flow that needs an account.
    #[serde(default)]
    pub accounts: BTreeMap<String, String>,
    #[serde(default)]
    pub setup: Value,
    #[serde(default)]
    pub name: Option<String>,
}

/// What a user may change on an integration.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IntegrationChanges {
    pub name: Option<String>,
    pub setup: Option<Value>,
    pub enabled: Option<bool>,
}

/// An integration as its user's list shows it: with its latest run, so the list needs
/// no request per row.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ListedIntegration {
    #[serde(flatten)]
    pub integration: Integration,
    /// Absent before its first run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_run: Option<LastRun>,
}

/// The latest run in brief; its step log is at `GET /v1/runs/{id}`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LastRun {
    pub id: String,
    pub status: RunStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn problem(path: String, message: impl Into<String>) -> Problem {
    Problem {
        path,
        line: None,
        message: message.into(),
    }
}

/// App events the flow's blocks are triggered by.
pub(crate) fn events_of(flow: &FlowDefinition) -> Vec<String> {
    let mut events: Vec<String> = flow
        .blocks
        .iter()
        .filter_map(|b| match &b.trigger {
            Trigger::AppEvent { event } => Some(event.clone()),
            _ => None,
        })
        .collect();
    events.sort();
    events.dedup();
    events
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    /// Checks the accounts chosen for a flow's apps.
    async fn check_accounts(
        &self,
        ws: &str,
        user: &str,
        flow: &FlowDefinition,
        chosen: &BTreeMap<String, String>,
    ) -> Result<Vec<Problem>, ServiceError> {
        let mut problems = Vec::new();
        for app_id in chosen.keys().filter(|a| !flow.apps.contains(a)) {
            problems.push(problem(
                format!("accounts.{app_id}"),
                format!("the flow does not use app '{app_id}'"),
            ));
        }
        for app_id in &flow.apps {
            let app = self.app(ws, app_id).await?;
            let path = format!("accounts.{app_id}");
            match chosen.get(app_id) {
                None if matches!(app.auth, AuthScheme::None) => {}
                None => problems.push(problem(path, format!("choose an account for {}", app.name))),
                Some(id) => match self.store.get_account(ws, id).await? {
                    Some(a)
                        if a.user_id == user
                            && &a.app_id == app_id
                            && a.status == AccountStatus::Active => {}
                    Some(a) if a.user_id == user && &a.app_id == app_id => problems.push(problem(
                        path,
                        format!("account '{}' must be connected again", a.label),
                    )),
                    _ => problems.push(problem(
                        path,
                        format!("you have no {} account '{id}'", app.name),
                    )),
                },
            }
        }
        Ok(problems)
    }

    /// Creates an integration and queues its "integration created" blocks.
    pub async fn create_integration(
        &self,
        ws: &str,
        user: &str,
        new: NewIntegration,
    ) -> Result<(Integration, QueuedRuns), ServiceError> {
        let (version, flow) = self
            .published_flow(ws, &new.flow)
            .await
            .map_err(|e| match e {
                ServiceError::NotFound(_) => {
                    ServiceError::field("flow", format!("no published flow '{}'", new.flow))
                }
                other => other,
            })?;
        if !flow.multiple
            && self
                .store
                .integrations_of_user(ws, user)
                .await?
                .iter()
                .any(|i| i.flow_id == flow.id)
        {
            return Err(ServiceError::Conflict(format!(
                "you already have an integration of '{}', which allows one per user",
                flow.name
            )));
        }
        let mut problems = self.check_accounts(ws, user, &flow, &new.accounts).await?;
        let setup = match check_setup(&flow.setup, &new.setup) {
            Ok(values) => {
                problems.extend(
                    self.check_dynamic_values(ws, user, &flow, &new.accounts, &values)
                        .await?,
                );
                values
            }
            Err(more) => {
                problems.extend(more);
                Value::Null
            }
        };
        if !problems.is_empty() {
            return Err(ServiceError::invalid(
                "the integration cannot be created as it is",
                problems,
            ));
        }
        let mut integration = Integration {
            workspace_id: ws.into(),
            id: new_id("int"),
            user_id: user.into(),
            flow_id: flow.id.clone(),
            flow_version: version,
            name: new
                .name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| flow.name.clone()),
            accounts: new.accounts,
            setup,
            enabled: true,
            disabled_reason: None,
            events: events_of(&flow),
            webhook_token_hashes: Vec::new(),
            webhooks: BTreeMap::new(),
            created_at: self.clock.now(),
            version: 0,
        };
        self.assign_webhooks(&mut integration, &flow).await?;
        integration.version = self.store.put_integration(&integration, None).await?;
        // Stored first, so a subscription never points at an integration that does not exist.
        if !integration.webhooks.is_empty() {
            self.subscribe_webhooks(&mut integration, &flow).await?;
            integration.version = self
                .store
                .put_integration(&integration, Some(integration.version))
                .await?;
        }
        self.schedule_triggers(&integration, &flow).await?;
        let mut queued = QueuedRuns::default();
        for block in flow
            .blocks
            .iter()
            .filter(|b| matches!(b.trigger, Trigger::IntegrationCreated))
        {
            queued
                .run_ids
                .push(self.queue_run(&integration, &block.id, json!({})).await?);
        }
        Ok((integration, queued))
    }

    /// The user's integrations, each with its latest run (looked up concurrently).
    pub async fn integrations(
        &self,
        ws: &str,
        user: &str,
    ) -> Result<Vec<ListedIntegration>, ServiceError> {
        let integrations = self.store.integrations_of_user(ws, user).await?;
        let latest = futures::future::try_join_all(
            integrations
                .iter()
                .map(|i| self.store.runs_of_integration(ws, &i.id, 1, None)),
        )
        .await?;
        Ok(integrations
            .into_iter()
            .zip(latest)
            .map(|(integration, runs)| ListedIntegration {
                integration,
                last_run: runs.into_iter().next().map(|r| LastRun {
                    id: r.id,
                    status: r.status,
                    created_at: r.created_at,
                    updated_at: r.updated_at,
                }),
            })
            .collect())
    }

    /// The user's integration, or NotFound (also for another user's).
    pub async fn integration(
        &self,
        ws: &str,
        user: &str,
        id: &str,
    ) -> Result<Integration, ServiceError> {
        match self.store.get_integration(ws, id).await? {
            Some(i) if i.user_id == user => Ok(i),
            _ => Err(ServiceError::NotFound(format!("integration '{id}'"))),
        }
    }

    pub async fn update_integration(
        &self,
        ws: &str,
        user: &str,
        id: &str,
        changes: IntegrationChanges,
    ) -> Result<Integration, ServiceError> {
        let mut integration = self.integration(ws, user, id).await?;
        let expected = integration.version;
        if let Some(setup) = changes.setup {
            let Some(version) = self
                .flow_version(ws, &integration.flow_id, integration.flow_version)
                .await?
            else {
                return Err(ServiceError::Unknown(anyhow::anyhow!(
                    "integration {id} names a missing flow version"
                )));
            };
            let values = check_setup(&version.definition.setup, &setup)
                .map_err(|p| ServiceError::invalid("the setup values are invalid", p))?;
            let problems = self
                .check_dynamic_values(
                    ws,
                    user,
                    &version.definition,
                    &integration.accounts,
                    &values,
                )
                .await?;
            if !problems.is_empty() {
                return Err(ServiceError::invalid(
                    "the setup values are invalid",
                    problems,
                ));
            }
            integration.setup = values;
        }
        if let Some(name) = changes.name {
            if name.trim().is_empty() {
                return Err(ServiceError::field("name", "must not be empty"));
            }
            integration.name = name;
        }
        if let Some(enabled) = changes.enabled {
            if enabled && !integration.enabled {
                let Some(version) = self
                    .flow_version(ws, &integration.flow_id, integration.flow_version)
                    .await?
                else {
                    return Err(ServiceError::Unknown(anyhow::anyhow!(
                        "integration {id} names a missing flow version"
                    )));
                };
                let problems = self
                    .check_accounts(ws, user, &version.definition, &integration.accounts)
                    .await?;
                if !problems.is_empty() {
                    return Err(ServiceError::invalid(
                        "the integration cannot be enabled until its accounts are fixed",
                        problems,
                    ));
                }
                integration.disabled_reason = None;
            }
            if enabled {
                // Enabling (again) retries subscriptions that failed or were removed.
                if let Some(version) = self
                    .flow_version(ws, &integration.flow_id, integration.flow_version)
                    .await?
                {
                    self.subscribe_webhooks(&mut integration, &version.definition)
                        .await?;
                    if !integration.enabled {
                        self.schedule_triggers(&integration, &version.definition)
                            .await?;
                    }
                }
            } else if integration.enabled {
                self.unsubscribe_webhooks(&mut integration).await?;
            }
            integration.enabled = enabled;
        }
        integration.version = self
            .store
            .put_integration(&integration, Some(expected))
            .await?;
        Ok(integration)
    }

    pub async fn delete_integration(
        &self,
        ws: &str,
        user: &str,
        id: &str,
    ) -> Result<(), ServiceError> {
        let mut integration = self.integration(ws, user, id).await?;
        // The app stops sending first; a failure is logged, and its deliveries then
        // find no integration (404), after which providers stop retrying.
        self.unsubscribe_webhooks(&mut integration).await?;
        Ok(self.store.delete_integration(ws, id).await?)
    }
}
