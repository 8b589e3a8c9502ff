//! Stored record types.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::definition::{AppDefinition, CodeLimits, FlowDefinition};
use crate::engine::{RunInput, RunState, RunStatus};

/// The version a stored record is at; each successful write adds one.
pub type Version = u64;

/// Records whose version adapters keep beside them (a column, an attribute): the stored
/// version is the truth, and is set on the record when it is read.
pub trait Versioned {
    fn set_version(&mut self, version: Version);
}

macro_rules! versioned {
    ($($t:ty),*) => {$(
        impl Versioned for $t {
            fn set_version(&mut self, version: Version) {
                self.version = version;
            }
        }
    )*};
}
versioned!(
    Workspace,
    AppRecord,
    FlowHead,
    Account,
    Integration,
    RunRecord,
    StoredValue
);

/// One organisation's private space.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    pub id: String,
    pub name: String,
    /// Public key the marketplace widget sends (`App-Key`); the app secret that signs
    /// user ids lives in the vault.
    pub app_key: String,
    /// SHA-256 of the API secret your backend sends as a bearer token.
    pub api_secret_sha256: String,
    /// Origins of the pages that embed the marketplace widget (CORS, OAuth popups).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub widget_origins: Vec<String>,
    /// Tasks a month, when the workspace has a quota.
    pub task_quota: Option<u64>,
    /// The most one code step may ask for; the operator sets it.
    #[serde(default)]
    pub code_limits: CodeLimits,
    /// Only expiring identity tokens sign users in: a static `Hash`, which never
    /// expires, is refused. The workspace's backend turns it on once it issues tokens.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub require_identity_token: bool,
    /// A public key (PEM, RSA or Ed25519) whose private key your backend signs
    /// identity tokens with (RS256 / EdDSA), instead of the shared app secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_public_key: Option<String>,
    pub created_at: DateTime<Utc>,
    pub version: Version,
}

/// An app definition as pushed to a workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AppRecord {
    pub workspace_id: String,
    pub definition: AppDefinition,
    pub updated_at: DateTime<Utc>,
    pub version: Version,
}

/// One immutable version of a flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowVersion {
    pub workspace_id: String,
    pub flow_id: String,
    pub number: u32,
    pub definition: FlowDefinition,
    pub created_at: DateTime<Utc>,
}

/// What is current for a flow: its newest version, the published one, its tags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowHead {
    pub workspace_id: String,
    pub flow_id: String,
    pub latest: u32,
    pub published: Option<u32>,
    /// Tags of the published version (what the marketplace filters on).
    pub tags: Vec<String>,
    pub version: Version,
}

/// A user of your app, known by your app's id for them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub workspace_id: String,
    pub user_id: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    /// The provider refused the refresh token; the user must connect again.
    NeedsReauthorization,
}

/// A user's connection to an app; its secret is in the vault under `vault_key`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub workspace_id: String,
    pub id: String,
    pub user_id: String,
    pub app_id: String,
    pub label: String,
    pub status: AccountStatus,
    pub created_at: DateTime<Utc>,
    pub version: Version,
}

/// One user's instance of a flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Integration {
    pub workspace_id: String,
    pub id: String,
    pub user_id: String,
    pub flow_id: String,
    pub flow_version: u32,
    pub name: String,
    /// App id → account id.
    pub accounts: BTreeMap<String, String>,
    pub setup: Value,
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<String>,
    /// App events this integration's blocks are triggered by (`contact.created`).
    pub events: Vec<String>,
    /// Hashes of the tokens in its webhook URLs (never the tokens themselves).
    pub webhook_token_hashes: Vec<String>,
    /// App id → its webhook URL's subscription, for apps whose webhooks trigger blocks.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub webhooks: BTreeMap<String, WebhookSubscription>,
    pub created_at: DateTime<Utc>,
    pub version: Version,
}

/// Where an integration's webhook URL stands with one app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WebhookSubscription {
    /// SHA-256 of the URL's token.
    pub token_hash: String,
    pub status: SubscriptionStatus,
    /// The app's id for the subscription (from the subscribe action's answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
    /// Why the last subscribe or unsubscribe failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    /// The app subscribes nothing itself: the user pastes the URL into the app.
    Manual,
    /// The subscribe action has not answered yet.
    Pending,
    Subscribed,
    /// Subscribing failed; `error` says why. Enabling the integration again retries.
    Failed,
    Unsubscribed,
    /// Unsubscribing failed; the app may still send deliveries (they start nothing).
    UnsubscribeFailed,
}

/// A run as stored: the engine's state plus what it was started with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RunRecord {
    pub workspace_id: String,
    pub id: String,
    pub integration_id: String,
    pub user_id: String,
    pub status: RunStatus,
    pub input: RunInput,
    pub state: RunState,
    #[serde(with = "crate::model::timestamp")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "crate::model::timestamp")]
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: DateTime<Utc>,
    /// After this the run may be deleted (retention).
    #[serde(with = "crate::model::timestamp")]
    #[schemars(with = "DateTime<Utc>")]
    pub expires_at: DateTime<Utc>,
    pub version: Version,
}

/// A poll or schedule that is due at a time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DueItem {
    /// Unique per poll/schedule, e.g. `poll:<integration>:<block>`.
    pub key: String,
    pub workspace_id: String,
    pub due_at: DateTime<Utc>,
    pub payload: Value,
}

/// Tasks used in a month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Usage {
    pub month: String,
    pub total: u64,
    /// User id → tasks.
    pub per_user: BTreeMap<String, u64>,
    /// Requests made by polls, which are not tasks: a poll that finds nothing new
    /// still calls the app.
    #[serde(default)]
    pub poll_requests: u64,
}

/// A value a flow's `storage` step keeps between runs, in one scope
/// (`integration:<id>`, `user:<id>` or `workspace`) of a workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredValue {
    pub scope: String,
    pub key: String,
    pub value: Value,
    pub updated_at: DateTime<Utc>,
    /// After this it reads as absent (and the backend may delete it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    /// The latest increments applied, op id and the sum each made, so that a step
    /// tried again after a crash adds nothing twice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applied: Vec<(String, i64)>,
    pub version: Version,
}

impl StoredValue {
    /// Whether it has not expired at `now`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_none_or(|at| at > now)
    }
}
