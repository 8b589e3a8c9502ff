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
    pub blocks: Vec<Block>,
}

impl FlowDefinition {
    pub fn block(&self, id: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.id == id)
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

/// One trigger and the steps that run when it fires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Block {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub trigger: Trigger,
    pub steps: Vec<Step>,
}
