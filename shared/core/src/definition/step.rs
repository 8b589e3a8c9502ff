//! Steps: the units of a run. A step is an id plus exactly one kind key, like
//! `query:` or `loop:`, so a document reads as what it does.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::path::FieldPath;
use super::request::{BodyFormat, HttpMethod};
use super::storage_step::StorageStep;

/// One step of a block: its id, optional name and kept output, and what it does.
/// In a document the kind is one key beside `id` (`query:`, `loop:`, ...); a step
/// with none or several is refused when the document is read, at the step's path.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Unique in the block; later steps read its output as `steps.<id>.output`.
    pub id: String,
    pub name: Option<String>,
    /// What a query, action, http or code step keeps of its answer, as templates over
    /// `output` (the whole answer): `{id: "{{ output.id }}"}`. Later steps and the run
    /// record see only this, so a large answer need not fill the run.
    pub output: Option<Value>,
    pub kind: StepKind,
}

/// What a step does. A new kind is a variant here, a field of [`StepDocument`], an
/// arm in `validate/steps.rs` and a file in `engine/steps/`; the compiler points at
/// each match that needs it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Query(QueryStep),
    Action(ActionStep),
    Http(HttpStep),
    Condition(ConditionStep),
    Loop(LoopStep),
    Wait(WaitStep),
    Abort(AbortStep),
    Code(CodeStep),
    Storage(StorageStep),
}

impl StepKind {
    /// Whether running the step changes something outside the run: an app's data, a
    /// request the other side acts on, a stored value. A checkpoint records such a step
    /// before the run calls out again, so that a redelivery does not repeat it.
    pub fn has_effect(&self) -> bool {
        match self {
            Self::Action(_) | Self::Http(_) => true,
            Self::Storage(s) => s.op != super::StorageOp::Get,
            _ => false,
        }
    }

    /// Whether the step leaves the interpreter (an app, the store, the sandbox), so it
    /// may take a while or fail: unrecorded effects are checkpointed before it.
    pub fn calls_out(&self) -> bool {
        matches!(
            self,
            Self::Query(_) | Self::Action(_) | Self::Http(_) | Self::Code(_) | Self::Storage(_)
        )
    }

    /// Whether the step has an answer of its own (from an app or its code), which
    /// `output:` may select from.
    pub fn has_answer(&self) -> bool {
        matches!(
            self,
            Self::Query(_) | Self::Action(_) | Self::Http(_) | Self::Code(_)
        )
    }

    /// The kind's key in a document.
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
            Self::Storage(_) => "storage",
        }
    }
}

/// The names of the kind keys, for error messages.
pub const STEP_KINDS: &str = "query, action, http, condition, loop, wait, abort, code, storage";

/// Where a list of steps nested in a step sits: a condition's branch or its `else`,
/// or a loop's body. A run's saved position names lists this way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    Branch(usize),
    Else,
    Loop,
}

impl Body {
    /// The path of this body's list under the step at `step`.
    pub fn path(self, step: &FieldPath) -> FieldPath {
        match self {
            Self::Branch(b) => step.key("condition").key("branches").index(b).key("steps"),
            Self::Else => step.key("condition").key("else"),
            Self::Loop => step.key("loop").key("steps"),
        }
    }
}

impl Step {
    /// The steps of one of this step's bodies, if it has that body.
    pub fn body(&self, body: Body) -> Option<&[Step]> {
        match (&self.kind, body) {
            (StepKind::Condition(c), Body::Branch(b)) => Some(&c.branches.get(b)?.steps),
            (StepKind::Condition(c), Body::Else) => Some(&c.otherwise),
            (StepKind::Loop(l), Body::Loop) => Some(&l.steps),
            _ => None,
        }
    }

    /// Every list of steps nested in this step, for walks over a whole block.
    pub fn children(&self) -> Vec<(Body, &[Step])> {
        match &self.kind {
            StepKind::Condition(c) => c
                .branches
                .iter()
                .enumerate()
                .map(|(b, branch)| (Body::Branch(b), branch.steps.as_slice()))
                .chain([(Body::Else, c.otherwise.as_slice())])
                .collect(),
            StepKind::Loop(l) => vec![(Body::Loop, l.steps.as_slice())],
            _ => Vec::new(),
        }
    }

    /// [`Step::children`], to change them in place.
    pub fn children_mut(&mut self) -> Vec<(Body, &mut Vec<Step>)> {
        match &mut self.kind {
            StepKind::Condition(c) => c
                .branches
                .iter_mut()
                .enumerate()
                .map(|(b, branch)| (Body::Branch(b), &mut branch.steps))
                .chain([(Body::Else, &mut c.otherwise)])
                .collect(),
            StepKind::Loop(l) => vec![(Body::Loop, &mut l.steps)],
            _ => Vec::new(),
        }
    }
}

/// A step as written in a document: each kind is an optional key, so that a typo
/// gets serde's "unknown field, expected one of" message at its path, and the rule
/// of exactly one kind is checked when it becomes a [`Step`].
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    rename = "Step",
    description = "One step as written in a flow document."
)]
pub struct StepDocument {
    /// Unique in the block; later steps read its output as `steps.<id>.output`.
    id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    /// What a query, action, http or code step keeps of its answer, as templates over
    /// `output` (the whole answer): `{id: "{{ output.id }}"}`. Later steps and the run
    /// record see only this, so a large answer need not fill the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    output: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    query: Option<QueryStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    action: Option<ActionStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    http: Option<HttpStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    condition: Option<ConditionStep>,
    #[serde(default, rename = "loop", skip_serializing_if = "Option::is_none")]
    loop_: Option<LoopStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    wait: Option<WaitStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    abort: Option<AbortStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code: Option<CodeStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    storage: Option<StorageStep>,
}

impl TryFrom<StepDocument> for Step {
    type Error = String;

    fn try_from(doc: StepDocument) -> Result<Self, String> {
        // Destructured without `..`, so a new kind key cannot be forgotten here.
        let StepDocument {
            id,
            name,
            output,
            query,
            action,
            http,
            condition,
            loop_,
            wait,
            abort,
            code,
            storage,
        } = doc;
        let mut kinds: Vec<StepKind> = [
            query.map(StepKind::Query),
            action.map(StepKind::Action),
            http.map(StepKind::Http),
            condition.map(StepKind::Condition),
            loop_.map(StepKind::Loop),
            wait.map(StepKind::Wait),
            abort.map(StepKind::Abort),
            code.map(StepKind::Code),
            storage.map(StepKind::Storage),
        ]
        .into_iter()
        .flatten()
        .collect();
        match kinds.len() {
            1 => Ok(Step {
                id,
                name,
                output,
                kind: kinds.remove(0),
            }),
            0 => Err(format!("a step needs one of: {STEP_KINDS}")),
            _ => {
                let names: Vec<_> = kinds.iter().map(StepKind::name).collect();
                Err(format!(
                    "a step has exactly one kind, found {}",
                    names.join(" and ")
                ))
            }
        }
    }
}

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        Step::try_from(StepDocument::deserialize(de)?).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Step {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        /// The document shape: the kind as one key beside the others.
        #[derive(Serialize)]
        struct Written<'a> {
            id: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            name: &'a Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            output: &'a Option<Value>,
            #[serde(flatten)]
            kind: &'a StepKind,
        }
        Written {
            id: &self.id,
            name: &self.name,
            output: &self.output,
            kind: &self.kind,
        }
        .serialize(ser)
    }
}

impl JsonSchema for Step {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        StepDocument::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        StepDocument::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        StepDocument::json_schema(generator)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// One step of every kind, as a document writes them.
    const EVERY_KIND: &str = r#"[
        {"id": "q", "query": {"app": "a", "query": "list"}, "output": {"n": "{{ output }}"}},
        {"id": "a", "name": "Write", "action": {"app": "a", "action": "add"}},
        {"id": "h", "http": {"url": "https://example.test/"}},
        {"id": "c", "condition": {"branches": [{"when": [{"left": 1, "op": "exists"}], "steps": [
            {"id": "l", "loop": {"for_each": "{{ trigger.items }}", "steps": [
                {"id": "w", "wait": {"duration": "1s"}}]}}]}],
            "else": [{"id": "x", "abort": {"reason": "no"}}]}},
        {"id": "js", "code": {"source": "return 1;"}},
        {"id": "kv", "storage": {"op": "increment", "key": "seen", "scope": "user", "ttl": "1d"}}
    ]"#;

    fn every_kind() -> Vec<Step> {
        serde_json::from_str(EVERY_KIND).unwrap()
    }

    /// Reading and writing are two matches over the kinds; a kind missing from either
    /// would not survive the trip, and the names in messages would not list it.
    #[test]
    fn every_kind_survives_a_round_trip_and_is_named_in_messages() {
        let steps = every_kind();
        let written = serde_json::to_value(&steps).unwrap();
        let read: Vec<Step> = serde_json::from_value(written.clone()).unwrap();
        assert_eq!(read, steps);
        assert_eq!(written[1]["name"], "Write");
        assert!(
            written[2].get("name").is_none(),
            "no null for an absent name"
        );
        let mut names = Vec::new();
        fn walk(steps: &[Step], names: &mut Vec<&'static str>) {
            for step in steps {
                names.push(step.kind.name());
                for (_, body) in step.children() {
                    walk(body, names);
                }
            }
        }
        walk(&steps, &mut names);
        let mut listed: Vec<_> = STEP_KINDS.split(", ").collect();
        listed.sort_unstable();
        names.sort_unstable();
        assert_eq!(names, listed);
    }

    #[test]
    fn bodies_are_found_by_their_address() {
        let steps = every_kind();
        let condition = &steps[3];
        assert_eq!(condition.body(Body::Branch(0)).unwrap()[0].id, "l");
        assert_eq!(condition.body(Body::Else).unwrap()[0].id, "x");
        assert!(condition.body(Body::Branch(1)).is_none());
        assert!(condition.body(Body::Loop).is_none());
        let inner = &condition.body(Body::Branch(0)).unwrap()[0];
        assert_eq!(inner.body(Body::Loop).unwrap()[0].id, "w");
        assert!(steps[0].children().is_empty());
        assert_eq!(
            Body::Branch(0)
                .path(&FieldPath::root().key("s"))
                .to_string(),
            "s.condition.branches[0].steps"
        );
    }
}
