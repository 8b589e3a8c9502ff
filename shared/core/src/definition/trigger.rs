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
