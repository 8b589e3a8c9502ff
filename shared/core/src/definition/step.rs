//! Steps: the units of a run. A step is an id plus exactly one kind key, like
//! `query:` or `loop:`, so a document reads as what it does.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::request::{BodyFormat, HttpMethod};

/// One step as written in a flow document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Unique in the block; later steps read its output as `steps.<id>.output`.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What a query, action, http or code step keeps of its answer, as templates over
    /// `output` (the whole answer): `{id: "{{ output.id }}"}`. Later steps and the run
    /// record see only this, so a large answer need not fill the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<QueryStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<ActionStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<ConditionStep>,
    #[serde(default, rename = "loop", skip_serializing_if = "Option::is_none")]
    pub loop_: Option<LoopStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait: Option<WaitStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abort: Option<AbortStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<CodeStep>,
}

/// The kind of a step, borrowed from its one kind key.
#[derive(Debug, Clone, Copy)]
pub enum StepKind<'a> {
    Query(&'a QueryStep),
    Action(&'a ActionStep),
    Http(&'a HttpStep),
    Condition(&'a ConditionStep),
    Loop(&'a LoopStep),
    Wait(&'a WaitStep),
    Abort(&'a AbortStep),
    Code(&'a CodeStep),
}

impl StepKind<'_> {
    /// Whether the step has an answer of its own (from an app or its code), which
    /// `output:` may select from.
    pub fn has_answer(&self) -> bool {
        matches!(
            self,
            Self::Query(_) | Self::Action(_) | Self::Http(_) | Self::Code(_)
        )
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Query(_) => "query",
            Self::Action(_) => "action",
            Self::Http(_) => "http",
            Self::Condition(_) => "condition",
            Self::Loop(_) => "loop",
            Self::Wait(_) => "wait",
            Self::Abort(_) => "abort",
            Self::Code(_) => "code",
        }
    }
}

/// The names of the kind keys, for error messages.
pub const STEP_KINDS: &str = "query, action, http, condition, loop, wait, abort, code";

impl Step {
    /// Every kind key present on the step; a valid step has exactly one.
    pub fn kinds(&self) -> Vec<StepKind<'_>> {
        let mut kinds = Vec::with_capacity(1);
        if let Some(s) = &self.query {
            kinds.push(StepKind::Query(s));
        }
        if let Some(s) = &self.action {
            kinds.push(StepKind::Action(s));
        }
        if let Some(s) = &self.http {
            kinds.push(StepKind::Http(s));
        }
        if let Some(s) = &self.condition {
            kinds.push(StepKind::Condition(s));
        }
        if let Some(s) = &self.loop_ {
            kinds.push(StepKind::Loop(s));
        }
        if let Some(s) = &self.wait {
            kinds.push(StepKind::Wait(s));
        }
        if let Some(s) = &self.abort {
            kinds.push(StepKind::Abort(s));
        }
        if let Some(s) = &self.code {
            kinds.push(StepKind::Code(s));
        }
        kinds
    }

    /// The step's kind; `None` only for a step that failed validation.
    pub fn kind(&self) -> Option<StepKind<'_>> {
        let kinds = self.kinds();
        (kinds.len() == 1).then(|| kinds[0])
    }
}

/// Calls one of an app's queries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QueryStep {
    pub app: String,
    pub query: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub input: BTreeMap<String, Value>,
    /// Lowers the query's own page bound for this step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_pages: Option<u32>,
}

/// Calls one of an app's actions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionStep {
    pub app: String,
    pub action: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub input: BTreeMap<String, Value>,
}

/// A raw HTTP call. With `app`, the URL may be relative to the app's base URL and the
/// user's account for that app authenticates it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpStep {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    #[serde(default)]
    pub method: HttpMethod,
    pub url: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query: BTreeMap<String, Value>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    #[serde(default)]
    pub body_format: BodyFormat,
}

/// If / else if / else: the first branch whose `when` holds runs, else `else`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConditionStep {
    pub branches: Vec<Branch>,
    #[serde(default, rename = "else", skip_serializing_if = "Vec::is_empty")]
    pub otherwise: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Branch {
    pub when: Vec<Comparison>,
    /// `all` (default) or `any` of the comparisons must hold.
    #[serde(default, rename = "match")]
    pub mode: MatchMode,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchMode {
    #[default]
    All,
    Any,
}

/// `left op right`, on typed values (numbers compare as numbers, strings as strings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Comparison {
    pub left: Value,
    pub op: Operator,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub right: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    Eq,
    Ne,
    Gt,
    Gte,
    Lt,
    Lte,
    Contains,
    NotContains,
    StartsWith,
    EndsWith,
    /// `left` is one of the `right` list.
    In,
    NotIn,
    Exists,
    NotExists,
    Empty,
    NotEmpty,
}

impl Operator {
    /// Operators that look at `left` alone.
    pub fn is_unary(self) -> bool {
        matches!(
            self,
            Self::Exists | Self::NotExists | Self::Empty | Self::NotEmpty
        )
    }
}

/// Repeats its steps: once per item (`for_each`), or while `while` holds (`do_while`,
/// which must say `max_iterations`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoopStep {
    /// A template giving a list; each element is `item` (and its position `index`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_each: Option<Value>,
    /// Checked after each iteration; the loop goes on while it holds.
    #[serde(default, rename = "while", skip_serializing_if = "Option::is_none")]
    pub do_while: Option<Vec<Comparison>>,
    #[serde(default, rename = "match")]
    pub mode: MatchMode,
    /// Fails the run when more iterations would be needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_iterations: Option<u32>,
    pub steps: Vec<Step>,
}

/// Pauses the run; the engine hands back a time to resume at instead of sleeping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitStep {
    /// e.g. `30s`, `5m`, `2h`.
    pub duration: String,
}

/// Ends the run as aborted, with a reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AbortStep {
    pub reason: String,
}

/// Runs JavaScript in a sandbox; what it returns is the step's output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeStep {
    /// The body of an async function that sees `trigger`, `steps`, `setup`, `user`,
    /// and `item`/`index` in loops, e.g. `return { email: trigger.email.toLowerCase() };`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// Instead of `source`: a JavaScript file next to the flow file, like `reshape.js`.
    /// `junction validate`, `run` and `flows push` read it into `source`, so a pushed
    /// version holds the code; the admin API takes `source` itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Wall time in milliseconds (default 1,000, at most the workspace's maximum, 5,000
    /// unless the operator changed it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_ms: Option<u64>,
    /// Memory in MiB (default 64, at most the workspace's maximum, 128 unless the
    /// operator changed it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_mb: Option<u64>,
}

/// The most code one step may hold: code steps glue, they are not libraries, and a
/// flow version must fit in one stored record.
pub const MAX_CODE_SOURCE_BYTES: usize = 100_000;
