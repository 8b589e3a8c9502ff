//! How an app delivers webhooks: the signature it puts on them, where the delivery id
//! and event type are, the handshake it needs, and the actions that subscribe and
//! unsubscribe an integration's URL.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::webhooks::SignatureScheme;

/// An app's webhook deliveries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookSpec {
    /// How deliveries are signed; without it the unguessable URL is the only check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureScheme>,
    /// The signing secret, a template over `setup` (a form field) and `subscription`
    /// (the subscribe action's answer), e.g. `{{ subscription.secret }}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Where the delivery id is; deliveries with an id seen before start nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_id: Option<ValueAt>,
    /// Where the event type is (what a trigger's `events` filter matches).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<ValueAt>,
    /// A check the app makes before it sends events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handshake: Option<Handshake>,
    /// Called with the integration's URL when it is created or enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscribe: Option<Subscribe>,
    /// Called when the integration is disabled or deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsubscribe: Option<Unsubscribe>,
}

/// A value in a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ValueAt {
    /// A request header, e.g. `X-GitHub-Delivery`.
    Header(String),
    /// A dot path in the JSON body, e.g. `event.id`.
    Body(String),
}

/// Handshakes providers make before (or instead of) a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Handshake {
    /// Slack's `{"type": "url_verification", "challenge": …}`, answered with the challenge.
    SlackUrlVerification,
    /// A query parameter echoed back as plain text (`hub.challenge`, `validationToken`).
    EchoQuery { param: String },
}

/// The action that registers the integration's webhook URL with the app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subscribe {
    pub action: String,
    /// Templates over `webhook.url`, `webhook.events` and `setup`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub input: BTreeMap<String, Value>,
    /// Dot path of the subscription id in the action's output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// The action that removes the subscription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Unsubscribe {
    pub action: String,
    /// Templates over `subscription` (the subscribe answer) and `setup`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub input: BTreeMap<String, Value>,
}
