//! What starts a block.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The trigger of a block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Trigger {
    /// An event your app sends (`POST /v1/events/{event}`).
    AppEvent { event: String },
    /// A webhook delivery from a third-party app; `events` filters by event type.
    Webhook {
        app: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        events: Vec<String>,
    },
    /// Runs a query on an interval and starts a run for each new item.
    Poll {
        app: String,
        query: String,
        /// At least one minute, e.g. `5m`.
        interval: String,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        input: BTreeMap<String, Value>,
        /// Dot path of an item's updated-at (or version) field: an item seen before
        /// starts a run again when this value changed. Without it, only new ids do.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        updated: Option<String>,
        /// One run with all new items (`trigger.items`) instead of one run per item.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        batch: bool,
    },
    /// A cron expression (five fields) in an IANA time zone.
    Schedule {
        cron: String,
        #[serde(default = "utc")]
        timezone: String,
    },
    /// Once, when the integration is created.
    IntegrationCreated,
    /// When the user presses "run" in the marketplace.
    Manual,
}

fn utc() -> String {
    "UTC".into()
}

impl Trigger {
    /// What a run of this trigger finds under `trigger`, when the trigger decides it
    /// (`None`: the sender's own payload, for app events and manual runs). The
    /// validator holds templates to it, so `trigger.since` in a schedule block fails
    /// at push time instead of on the first tick.
    pub fn gives(&self) -> Option<&'static [&'static str]> {
        match self {
            Self::AppEvent { .. } | Self::Manual => None,
            Self::Webhook { .. } => Some(&["body", "event", "delivery_id", "headers", "query"]),
            Self::Poll { batch: true, .. } => Some(&["items"]),
            Self::Poll { .. } => Some(&["item"]),
            Self::Schedule { .. } => Some(&["scheduled_at", "previous_at", "fired_at"]),
            Self::IntegrationCreated => Some(&[]),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Self::AppEvent { .. } => "app_event",
            Self::Webhook { .. } => "webhook",
            Self::Poll { .. } => "poll",
            Self::Schedule { .. } => "schedule",
            Self::IntegrationCreated => "integration_created",
            Self::Manual => "manual",
        }
    }
}
