//! `echo:` on a block of a flow that syncs both ways: how its trigger item names the
//! object it reports and the fields the flow syncs, so that Junction's own write to
//! that object, reported back by the app, starts no run.

use std::collections::BTreeMap;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How long a write is remembered when the flow does not say (`echo_window`).
pub const DEFAULT_ECHO_WINDOW: Duration = Duration::from_secs(600);
/// The longest `echo_window`: an app that reports a change later than this reports it
/// too late to tell an echo from an edit.
pub const MAX_ECHO_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// What a trigger item says about the object it reports. When Junction wrote to that
/// object of that app (through the integration's account) within the flow's
/// `echo_window`, and each of `fields` has the value that write gave it, the item is
/// Junction's own write coming back: the run is skipped and names the run that wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EchoCheck {
    /// The app that reports the object: the trigger's app unless given (an app event
    /// block names your app here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// A template giving the object's id, as the writing action's app answers it
    /// (its `object_id`), e.g. `{{ trigger.body.member.id }}`.
    pub object_id: String,
    /// Templates giving the reported values of the fields the flow writes, named as
    /// the writing action names its inputs, e.g. `{fields: "{{ trigger.body.member.merge_fields }}"}`.
    pub fields: BTreeMap<String, Value>,
}

/// A time to live for remembered writes: a duration such as `10m`, from one second to
/// a day.
pub fn parse_echo_window(text: &str) -> Result<Duration, String> {
    match humantime::parse_duration(text) {
        Ok(d) if d >= Duration::from_secs(1) && d <= MAX_ECHO_WINDOW => Ok(d),
        Ok(_) => Err("must be from 1s to 24h".into()),
        Err(e) => Err(format!("'{text}' is not a duration like '10m': {e}")),
    }
}
