//! An integration's webhook URLs and their subscriptions: one URL per app whose
//! webhooks trigger its blocks, subscribed with the app's action when the integration
//! is created or enabled and unsubscribed when it is disabled or deleted. Failures are
//! kept on the integration, where the user sees them.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};

use super::vault_credentials::VaultCredentials;
use super::webhook_token::WebhookToken;
use super::workspaces::app_secret_key;
use super::{Junction, ServiceError};
use crate::definition::{FlowDefinition, Trigger};
use crate::engine::get_path;
use crate::model::{Integration, SubscriptionStatus, WebhookSubscription};
use crate::ports::{RunQueue, SecretKey, Store, Vault};
use crate::template::Context;

/// An integration's URL for one app's webhooks, as shown to its user.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WebhookEndpoint {
    pub app: String,
    pub url: String,
    #[serde(flatten)]
    pub subscription: WebhookSubscription,
}

/// Where the subscribe action's answer (which may hold a signing secret) is kept.
pub(crate) fn subscription_key(ws: &str, integration_id: &str, app_id: &str) -> SecretKey {
    SecretKey::new(ws, format!("webhook/{integration_id}/{app_id}"))
}

/// App id → the event types its webhook blocks want (empty: every event).
pub(crate) fn webhook_apps(flow: &FlowDefinition) -> BTreeMap<String, Vec<String>> {
    let mut apps: BTreeMap<String, Option<Vec<String>>> = BTreeMap::new();
    for block in &flow.blocks {
        if let Trigger::Webhook { app, events } = &block.trigger {
            let entry = apps.entry(app.clone()).or_insert_with(|| Some(Vec::new()));
            match (entry.as_mut(), events.is_empty()) {
                (Some(_), true) => *entry = None,
                (Some(list), false) => list.extend(events.iter().cloned()),
                (None, _) => {}
            }
        }
    }
    apps.into_iter()
        .map(|(app, events)| {
            let mut events = events.unwrap_or_default();
            events.sort();
            events.dedup();
            (app, events)
        })
        .collect()
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    async fn app_secret(&self, ws: &str) -> Result<Vec<u8>, ServiceError> {
        self.vault.get(&app_secret_key(ws)).await?.ok_or_else(|| {
            ServiceError::Unknown(anyhow::anyhow!(
                "workspace {ws} has no app secret in the vault"
            ))
        })
    }

    fn webhook_url(&self, token: &WebhookToken) -> String {
        let base = self.webhook_base_url.as_deref().unwrap_or(&self.public_url);
        format!("{}/hooks/{}", base.trim_end_matches('/'), token.expose())
    }

    /// Gives a new integration a URL per webhook app, each pending its subscription
    /// (or manual, when the app subscribes nothing itself).
    pub(crate) async fn assign_webhooks(
        &self,
        integration: &mut Integration,
        flow: &FlowDefinition,
    ) -> Result<(), ServiceError> {
        let apps = webhook_apps(flow);
        if apps.is_empty() {
            return Ok(());
        }
        let secret = self.app_secret(&integration.workspace_id).await?;
        let now = self.clock.now();
        for app_id in apps.keys() {
            let app = self.app(&integration.workspace_id, app_id).await?;
            let token_hash = WebhookToken::derive(&secret, &integration.id, app_id).hash();
            let subscribes = app.webhook.as_ref().is_some_and(|w| w.subscribe.is_some());
            integration.webhook_token_hashes.push(token_hash.clone());
            integration.webhooks.insert(
                app_id.clone(),
                WebhookSubscription {
                    token_hash,
                    status: if subscribes {
                        SubscriptionStatus::Pending
                    } else {
                        SubscriptionStatus::Manual
                    },
                    subscription_id: None,
                    error: None,
                    updated_at: now,
                },
            );
        }
        Ok(())
    }

    /// Calls the subscribe action of every app not subscribed yet; the outcome of each
    /// is recorded on the integration (not stored: the caller stores it).
    pub(crate) async fn subscribe_webhooks(
        &self,
        integration: &mut Integration,
        flow: &FlowDefinition,
    ) -> Result<(), ServiceError> {
        let ws = integration.workspace_id.clone();
        let wanted = webhook_apps(flow);
        let secret = self.app_secret(&ws).await?;
        let apps = self.catalog(&ws).await?;
        let credentials =
            VaultCredentials::new(&self.store, &self.vault, &ws, integration.accounts.clone());
        let engine = self.engine();
        for (app_id, events) in &wanted {
            let Some(state) = integration.webhooks.get(app_id) else {
                continue;
            };
            if matches!(
                state.status,
                SubscriptionStatus::Manual | SubscriptionStatus::Subscribed
            ) {
                continue;
            }
            let Some(sub) = apps
                .get(app_id)
                .and_then(|a| a.webhook.as_ref())
                .and_then(|w| w.subscribe.as_ref())
            else {
                continue;
            };
            let url = self.webhook_url(&WebhookToken::derive(&secret, &integration.id, app_id));
            let ctx = Context::from_json(&json!({
                "webhook": {"url": url, "events": events},
                "setup": integration.setup,
            }));
            let outcome = match self.render_map(&sub.input, &ctx) {
                Ok(input) => engine
                    .action(&apps, &credentials, app_id, &sub.action, input)
                    .await
                    .map_err(|e| e.message),
                Err(e) => Err(e),
            };
            let now = self.clock.now();
            let state = integration.webhooks.get_mut(app_id).expect("checked above");
            state.updated_at = now;
            match outcome {
                Ok(answer) => {
                    self.vault
                        .put(
                            &subscription_key(&ws, &integration.id, app_id),
                            answer.to_string().as_bytes(),
                        )
                        .await?;
                    state.subscription_id = sub
                        .id
                        .as_deref()
                        .and_then(|p| get_path(&answer, p))
                        .map(|v| {
                            v.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| v.to_string())
                        });
                    state.status = SubscriptionStatus::Subscribed;
                    state.error = None;
                }
                Err(message) => {
                    tracing::warn!(integration = %integration.id, app = %app_id, error = %message, "webhook subscription failed");
                    state.status = SubscriptionStatus::Failed;
                    state.error = Some(format!(
                        "subscribing to {app_id} webhooks failed: {message}"
                    ));
                }
            }
        }
        Ok(())
    }

    /// Calls the unsubscribe action of every subscribed app, recording each outcome.
    pub(crate) async fn unsubscribe_webhooks(
        &self,
        integration: &mut Integration,
    ) -> Result<(), ServiceError> {
        let ws = integration.workspace_id.clone();
        if !integration
            .webhooks
            .values()
            .any(|s| s.status == SubscriptionStatus::Subscribed)
        {
            return Ok(());
        }
        let apps = self.catalog(&ws).await?;
        let credentials =
            VaultCredentials::new(&self.store, &self.vault, &ws, integration.accounts.clone());
        let engine = self.engine();
        let ids: Vec<String> = integration.webhooks.keys().cloned().collect();
        for app_id in ids {
            if integration.webhooks[&app_id].status != SubscriptionStatus::Subscribed {
                continue;
            }
            let key = subscription_key(&ws, &integration.id, &app_id);
            let unsub = apps
                .get(&app_id)
                .and_then(|a| a.webhook.as_ref())
                .and_then(|w| w.unsubscribe.as_ref());
            let outcome = match unsub {
                None => Ok(Value::Null),
                Some(unsub) => {
                    let answer = self
                        .vault
                        .get(&key)
                        .await?
                        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                        .unwrap_or(Value::Null);
                    let ctx = Context::from_json(&json!({
                        "subscription": answer,
                        "setup": integration.setup,
                    }));
                    match self.render_map(&unsub.input, &ctx) {
                        Ok(input) => engine
                            .action(&apps, &credentials, &app_id, &unsub.action, input)
                            .await
                            .map_err(|e| e.message),
                        Err(e) => Err(e),
                    }
                }
            };
            let state = integration.webhooks.get_mut(&app_id).expect("listed above");
            state.updated_at = self.clock.now();
            match outcome {
                Ok(_) => {
                    self.vault.delete(&key).await?;
                    state.status = SubscriptionStatus::Unsubscribed;
                    state.error = None;
                }
                Err(message) => {
                    tracing::warn!(integration = %integration.id, app = %app_id, error = %message, "webhook unsubscription failed");
                    state.status = SubscriptionStatus::UnsubscribeFailed;
                    state.error = Some(format!(
                        "unsubscribing from {app_id} webhooks failed: {message}"
                    ));
                }
            }
        }
        Ok(())
    }

    fn render_map(&self, input: &BTreeMap<String, Value>, ctx: &Context) -> Result<Value, String> {
        let mut out = serde_json::Map::new();
        for (k, v) in input {
            let rendered = self
                .templates
                .render(v, ctx)
                .map_err(|e| format!("input '{k}': {e}"))?;
            out.insert(k.clone(), rendered);
        }
        Ok(Value::Object(out))
    }

    /// The user's webhook URLs of an integration, to paste into apps that do not
    /// subscribe by themselves.
    pub async fn webhook_endpoints(
        &self,
        ws: &str,
        user: &str,
        integration_id: &str,
    ) -> Result<Vec<WebhookEndpoint>, ServiceError> {
        let integration = self.integration(ws, user, integration_id).await?;
        let secret = self.app_secret(ws).await?;
        Ok(integration
            .webhooks
            .into_iter()
            .map(|(app, subscription)| WebhookEndpoint {
                url: self.webhook_url(&WebhookToken::derive(&secret, integration_id, &app)),
                app,
                subscription,
            })
            .collect())
    }
}
