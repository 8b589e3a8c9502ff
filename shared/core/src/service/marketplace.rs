//! What the marketplace lists: the published flows a user may set up and the apps they
//! use, each with what the widget needs to draw it and the user's own counts.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{Junction, ServiceError};
use crate::definition::{AppDefinition, AuthScheme, FlowDefinition, SetupForm};
use crate::model::FlowHead;
use crate::ports::{RunQueue, Store, Vault};

/// How a user connects an account of an app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthKind {
    None,
    ApiKey,
    Basic,
    Oauth2,
}

/// An app as the marketplace draws it: never its URLs, requests or secrets.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AppSummary {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// An image URL or `data:image/...` URI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// `#rrggbb` or `#rgb`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    pub auth: AuthKind,
    /// What the app calls its key, for API-key apps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_label: Option<String>,
    /// Where the user finds the key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_help: Option<String>,
}

impl From<&AppDefinition> for AppSummary {
    fn from(app: &AppDefinition) -> Self {
        let (auth, key_label, key_help) = match &app.auth {
            AuthScheme::None => (AuthKind::None, None, None),
            AuthScheme::ApiKey { label, help, .. } => {
                (AuthKind::ApiKey, label.clone(), help.clone())
            }
            AuthScheme::Basic => (AuthKind::Basic, None, None),
            AuthScheme::Oauth2 { .. } => (AuthKind::Oauth2, None, None),
        };
        Self {
            id: app.id.clone(),
            name: app.name.clone(),
            description: app.description.clone(),
            icon: app.icon.clone(),
            color: app.color.clone(),
            auth,
            key_label,
            key_help,
        }
    }
}

/// A published flow as the marketplace lists it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FlowSummary {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub version: u32,
    pub multiple: bool,
    /// The apps it uses, in the flow's order.
    pub apps: Vec<AppSummary>,
    /// How many integrations of it the user has.
    pub integrations: usize,
}

/// A published flow as a user's setup form needs it: its form and the apps to connect,
/// never its blocks (their requests, templates and code are the workspace's own).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FlowForm {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub tags: Vec<String>,
    /// Ids of the apps the user connects an account of.
    pub apps: Vec<String>,
    pub setup: SetupForm,
    pub multiple: bool,
}

impl From<FlowDefinition> for FlowForm {
    fn from(d: FlowDefinition) -> Self {
        Self {
            id: d.id,
            name: d.name,
            description: d.description,
            tags: d.tags,
            apps: d.apps,
            setup: d.setup,
            multiple: d.multiple,
        }
    }
}

/// An app the visible flows use, with the user's accounts of it and the flows using it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MarketplaceApp {
    #[serde(flatten)]
    pub app: AppSummary,
    /// Ids of the listed flows that use it.
    pub flows: Vec<String>,
    /// How many accounts of it the user has connected.
    pub accounts: usize,
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    /// Published flows, with any of `tags` when tags are given, and the user's
    /// integration count of each.
    pub async fn flows_for_user(
        &self,
        ws: &str,
        user_id: &str,
        tags: &[String],
    ) -> Result<Vec<FlowSummary>, ServiceError> {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for integration in self.store.integrations_of_user(ws, user_id).await? {
            *counts.entry(integration.flow_id).or_default() += 1;
        }
        let mut apps: BTreeMap<String, Option<AppSummary>> = BTreeMap::new();
        let mut out = Vec::new();
        for head in self.heads(ws, tags).await? {
            let Some(number) = head.published else {
                continue;
            };
            let Some(version) = self.flow_version(ws, &head.flow_id, number).await? else {
                continue;
            };
            let d = &version.definition;
            let mut used = Vec::with_capacity(d.apps.len());
            for app_id in &d.apps {
                if !apps.contains_key(app_id) {
                    let summary = self
                        .store
                        .get_app(ws, app_id)
                        .await?
                        .map(|a| AppSummary::from(&a.definition));
                    apps.insert(app_id.clone(), summary);
                }
                // A flow names only apps that existed when it was pushed; one deleted
                // since is left out rather than failing the whole list.
                if let Some(Some(summary)) = apps.get(app_id) {
                    used.push(summary.clone());
                }
            }
            out.push(FlowSummary {
                integrations: counts.get(&d.id).copied().unwrap_or(0),
                id: d.id.clone(),
                name: d.name.clone(),
                description: d.description.clone(),
                tags: d.tags.clone(),
                version: number,
                multiple: d.multiple,
                apps: used,
            });
        }
        Ok(out)
    }

    /// The apps the flows listed for `tags` use, with the user's account count of each.
    pub async fn apps_for_user(
        &self,
        ws: &str,
        user_id: &str,
        tags: &[String],
    ) -> Result<Vec<MarketplaceApp>, ServiceError> {
        let flows = self.flows_for_user(ws, user_id, tags).await?;
        let mut accounts: BTreeMap<String, usize> = BTreeMap::new();
        for account in self.accounts(ws, user_id, None).await? {
            *accounts.entry(account.app_id).or_default() += 1;
        }
        let mut apps: BTreeMap<String, MarketplaceApp> = BTreeMap::new();
        for flow in flows {
            for app in flow.apps {
                apps.entry(app.id.clone())
                    .or_insert_with(|| MarketplaceApp {
                        accounts: accounts.get(&app.id).copied().unwrap_or(0),
                        app,
                        flows: Vec::new(),
                    })
                    .flows
                    .push(flow.id.clone());
            }
        }
        let mut apps: Vec<_> = apps.into_values().collect();
        apps.sort_by_key(|a| a.app.name.to_lowercase());
        Ok(apps)
    }

    pub(crate) async fn heads(
        &self,
        ws: &str,
        tags: &[String],
    ) -> Result<Vec<FlowHead>, ServiceError> {
        let mut heads: BTreeMap<String, FlowHead> = BTreeMap::new();
        if tags.is_empty() {
            heads.extend(
                self.store
                    .flows_by_tag(ws, None)
                    .await?
                    .into_iter()
                    .map(|h| (h.flow_id.clone(), h)),
            );
        } else {
            for tag in tags.iter().collect::<BTreeSet<_>>() {
                heads.extend(
                    self.store
                        .flows_by_tag(ws, Some(tag))
                        .await?
                        .into_iter()
                        .map(|h| (h.flow_id.clone(), h)),
                );
            }
        }
        Ok(heads.into_values().collect())
    }
}
