//! `storage:` steps, as written: one operation on one key that a flow keeps between
//! runs, in a scope.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Reads or changes one value kept between runs: "last synced id", a mapping between
/// two apps' ids, a counter. Its output is `{found, value}` for `get`, `{value}` for
/// `set` and `increment`, and `{deleted}` for `delete`; each executed storage step is
/// one task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StorageStep {
    pub op: StorageOp,
    /// A template, e.g. `contact:{{ trigger.item.id }}` (at most 512 bytes once rendered).
    pub key: String,
    /// Whose values: the integration's own (default), the user's, or the workspace's.
    #[serde(default)]
    pub scope: StorageScope,
    /// For `set`: the JSON value, templates allowed (a single expression keeps its
    /// type); at most 64 KB of JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// For `increment`: the whole number to add (default 1), or a template giving one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<Value>,
    /// For `get`: the output's `value` when nothing is stored (default null).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// For `set` and `increment`: how long the value is kept from this write, e.g.
    /// `10m`, `30d` (at most 400 days); without it, until it is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<String>,
}

/// What a storage step does with its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StorageOp {
    Get,
    Set,
    Delete,
    Increment,
}

impl StorageOp {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "get",
            Self::Set => "set",
            Self::Delete => "delete",
            Self::Increment => "increment",
        }
    }
}

/// Whose values a step reads and writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StorageScope {
    /// This integration's own values (the default): another integration of the same
    /// flow, even the same user's, has its own.
    #[default]
    Integration,
    /// Every integration of the run's user shares them.
    User,
    /// Every integration of the workspace shares them.
    Workspace,
}

impl StorageScope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Integration => "integration",
            Self::User => "user",
            Self::Workspace => "workspace",
        }
    }

    /// The store's name for this scope of an integration's run: values of one scope
    /// are listed together, and a scope never sees another's.
    pub fn key_for(self, integration_id: &str, user_id: &str) -> String {
        match self {
            Self::Integration => format!("integration:{integration_id}"),
            Self::User => format!("user:{user_id}"),
            Self::Workspace => "workspace".into(),
        }
    }
}
