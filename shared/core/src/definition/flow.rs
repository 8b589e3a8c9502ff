//! Flow definitions: blocks of steps behind a setup form.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::form::SetupForm;
use super::step::{Step, StepKind};
use super::trigger::Trigger;

/// A flow a user can set up as an integration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowDefinition {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Ids of the apps the flow uses; the user connects an account for each.
    pub apps: Vec<String>,
    #[serde(default)]
    pub setup: SetupForm,
    /// Whether a user may have several integrations of this flow.
    #[serde(default)]
    pub multiple: bool,
    /// How long Junction remembers what an action wrote, for blocks with `echo:` to
    /// recognise it coming back (default 10m, at most 24h).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub echo_window: Option<String>,
    pub blocks: Vec<Block>,
}

impl FlowDefinition {
    pub fn block(&self, id: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.id == id)
    }

    /// Whether a block checks for echoes of writes to `app`: only then do its
    /// actions remember what they wrote (flows that sync one way pay nothing).
    pub fn checks_echoes_of(&self, app: &str) -> bool {
        self.blocks.iter().any(|b| b.echo_app() == Some(app))
    }

    /// How long writes are remembered for echo checks.
    pub fn echo_window(&self) -> std::time::Duration {
        self.echo_window
            .as_deref()
            .and_then(|w| super::parse_echo_window(w).ok())
            .unwrap_or(super::DEFAULT_ECHO_WINDOW)
    }

    /// Whether any step, in any block, branch or loop, is a code step.
    pub fn has_code_steps(&self) -> bool {
        fn any_code(steps: &[Step]) -> bool {
            steps.iter().any(|s| {
                matches!(s.kind, StepKind::Code(_))
                    || s.children().into_iter().any(|(_, body)| any_code(body))
            })
        }
        self.blocks.iter().any(|b| any_code(&b.steps))
    }
}

impl Block {
    /// The app whose reports the block's `echo:` checks: its own `app`, or the
    /// trigger's.
    pub fn echo_app(&self) -> Option<&str> {
        let echo = self.echo.as_ref()?;
        echo.app.as_deref().or(match &self.trigger {
            Trigger::Webhook { app, .. } | Trigger::Poll { app, .. } => Some(app.as_str()),
            _ => None,
        })
    }
}

/// One trigger and the steps that run when it fires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Block {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub trigger: Trigger,
    /// For a flow that syncs both ways: what a trigger item says about the object it
    /// reports, so Junction's own writes coming back start no run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub echo: Option<super::EchoCheck>,
    /// Runs for one object go one at a time, oldest update first; an older update
    /// than the last one processed is skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_by: Option<super::OrderBy>,
    pub steps: Vec<Step>,
}
