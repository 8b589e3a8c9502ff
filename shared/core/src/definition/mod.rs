//! Definition documents (apps and flows) as data: their types, and reading them from
//! YAML or JSON with errors that carry a field path and a line.

mod app;
mod auth;
mod bundle;
mod code_limits;
mod echo;
mod flow;
mod form;
mod order;
mod pagination;
mod path;
mod request;
mod source;
mod step;
mod storage_step;
mod trigger;
mod webhook;

pub use app::{
    ActionDefinition, AppDefinition, CredentialTest, QueryDefinition, RateLimit, RateScope,
};
pub use auth::{AuthScheme, ClientAuth, KeyLocation};
pub use bundle::{bundle_code_files, CodeFiles};
pub use code_limits::{
    CodeLimits, CODE_MEMORY_CEILING_MB, CODE_TIME_CEILING_MS, DEFAULT_CODE_MEMORY_MB,
    DEFAULT_CODE_TIME_MS,
};
pub use echo::{parse_echo_window, EchoCheck, DEFAULT_ECHO_WINDOW, MAX_ECHO_WINDOW};
pub use flow::{Block, FlowDefinition};
pub use form::{FieldKind, FormField, FormPage, OptionsSource, SelectOption, SetupForm};
pub use order::{updated_before, OrderBy};
pub use pagination::Pagination;
pub use path::{FieldPath, Segment};
pub use request::{BodyFormat, HttpMethod, InputSpec, RequestTemplate};
pub use source::{parse_document, Location, SourceDocument, SourceMap, SyntaxError};
pub use step::{
    AbortStep, ActionStep, Body, Branch, CodeStep, Comparison, ConditionStep, HttpStep, LoopStep,
    MatchMode, Operator, QueryStep, Step, StepKind, WaitStep, MAX_CODE_SOURCE_BYTES, STEP_KINDS,
};
pub use storage_step::{StorageOp, StorageScope, StorageStep};
pub use trigger::Trigger;
pub use webhook::{Handshake, Subscribe, Unsubscribe, ValueAt, WebhookSpec};

use serde::de::DeserializeOwned;
use serde_json::Value;

/// One thing wrong with a document: where, and what.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Problem {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}: {}", self.path, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// Which kind of definition a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    App,
    Flow,
}

/// A document read from text, typed, with its source map for locating later problems.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    pub definition: T,
    pub map: SourceMap,
}

impl<T> Loaded<T> {
    /// Turns path-only problems into located ones.
    pub fn locate(&self, problems: Vec<(FieldPath, String)>) -> Vec<Problem> {
        locate(&self.map, problems)
    }
}

pub(crate) fn locate(map: &SourceMap, problems: Vec<(FieldPath, String)>) -> Vec<Problem> {
    problems
        .into_iter()
        .map(|(path, message)| Problem {
            line: map.locate(&path).map(|l| l.line),
            path: path.to_string(),
            message,
        })
        .collect()
}

/// A parsed document of either kind.
#[derive(Debug, Clone)]
pub enum AnyDefinition {
    App(Box<Loaded<AppDefinition>>),
    Flow(Box<Loaded<FlowDefinition>>),
}

/// Tells an app from a flow by its fields (`blocks` for flows, `base_url` for apps).
pub fn detect_kind(value: &Value) -> Option<DocumentKind> {
    let obj = value.as_object()?;
    if obj.contains_key("blocks") {
        Some(DocumentKind::Flow)
    } else if obj.contains_key("base_url") || obj.contains_key("auth") {
        Some(DocumentKind::App)
    } else {
        None
    }
}

/// Reads an app or a flow, whichever the text holds.
pub fn parse_any(text: &str) -> Result<AnyDefinition, Vec<Problem>> {
    let doc = parse_text(text)?;
    match detect_kind(&doc.value) {
        Some(DocumentKind::App) => typed(doc).map(|d| AnyDefinition::App(Box::new(d))),
        Some(DocumentKind::Flow) => typed(doc).map(|d| AnyDefinition::Flow(Box::new(d))),
        None => Err(vec![Problem {
            path: FieldPath::root().to_string(),
            line: Some(1),
            message: "not an app (no 'base_url') nor a flow (no 'blocks')".into(),
        }]),
    }
}

/// Reads an app definition.
pub fn parse_app(text: &str) -> Result<Loaded<AppDefinition>, Vec<Problem>> {
    typed(parse_text(text)?)
}

/// Reads a flow definition.
pub fn parse_flow(text: &str) -> Result<Loaded<FlowDefinition>, Vec<Problem>> {
    typed(parse_text(text)?)
}

fn parse_text(text: &str) -> Result<SourceDocument, Vec<Problem>> {
    let mut doc = parse_document(text).map_err(|e| {
        vec![Problem {
            path: FieldPath::root().to_string(),
            line: e.location.map(|l| l.line),
            message: e.message,
        }]
    })?;
    // `$schema` lets editors find the JSON Schema; it is not part of the definition.
    if let Some(obj) = doc.value.as_object_mut() {
        obj.remove("$schema");
    }
    Ok(doc)
}

/// Deserialises the typed definition. Unknown fields are the most common mistake
/// (typos), so each one is reported, dropped and decoding retried: a document with
/// several typos gets them all in one pass, plus the first problem of another kind.
fn typed<T: DeserializeOwned>(doc: SourceDocument) -> Result<Loaded<T>, Vec<Problem>> {
    const MAX_REPORTED: usize = 50;
    let mut value = doc.value.clone();
    let mut problems = Vec::new();
    loop {
        match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(definition) if problems.is_empty() => {
                return Ok(Loaded {
                    definition,
                    map: doc.map,
                })
            }
            Ok(_) => break,
            Err(e) => {
                let path = FieldPath::parse_serde(&e.path().to_string());
                let message = e.inner().to_string();
                let unknown = message.starts_with("unknown field");
                problems.push((path.clone(), message));
                if !unknown || problems.len() >= MAX_REPORTED || !remove(&mut value, &path) {
                    break;
                }
            }
        }
    }
    let mut located = locate(&doc.map, problems);
    located.sort_by_key(|p| p.line);
    Err(located)
}

/// Removes the value at `path`; false if there was none.
fn remove(value: &mut Value, path: &FieldPath) -> bool {
    let Some((last, parents)) = path.segments().split_last() else {
        return false;
    };
    let mut current = value;
    for segment in parents {
        current = match (segment, current) {
            (Segment::Key(k), Value::Object(map)) => match map.get_mut(k) {
                Some(v) => v,
                None => return false,
            },
            (Segment::Index(i), Value::Array(items)) => match items.get_mut(*i) {
                Some(v) => v,
                None => return false,
            },
            _ => return false,
        };
    }
    match (last, current) {
        (Segment::Key(k), Value::Object(map)) => map.remove(k).is_some(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn unknown_field_names_path_and_line() {
        let text = "id: x\nname: X\napps: []\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: s\n        wait: {duration: 1s, extra: 1}\n";
        let problems = parse_flow(text).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "blocks[0].steps[0].wait.extra");
        assert_eq!(problems[0].line, Some(9));
        assert!(
            problems[0].message.contains("unknown field `extra`"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn every_unknown_field_is_reported_in_one_pass() {
        let text = "id: x\nname: X\ncolour: red\napps: []\nblocks:\n  - id: b\n    trigger: {type: manual}\n    stepz: []\n    steps:\n      - id: s\n        abort: {reason: r, why: 1}\n";
        let problems = parse_flow(text).unwrap_err();
        let paths: Vec<_> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            ["colour", "blocks[0].stepz", "blocks[0].steps[0].abort.why"],
            "{problems:?}"
        );
        assert_eq!(problems[2].line, Some(11));
    }

    #[test]
    fn missing_field_is_named() {
        let problems = parse_app("id: a\nname: A\nauth: {type: none}\n").unwrap_err();
        assert!(
            problems[0].message.contains("missing field `base_url`"),
            "{:?}",
            problems
        );
    }

    #[test]
    fn schema_key_is_ignored() {
        let app = parse_app(r#"{"$schema": "x", "id": "a", "name": "A", "base_url": "https://a.test", "auth": {"type": "none"}}"#).unwrap();
        assert_eq!(app.definition.id, "a");
    }

    proptest! {
        #[test]
        fn parser_never_panics(text in "\\PC{0,200}") {
            let _ = parse_any(&text);
        }

        #[test]
        fn yaml_like_input_never_panics(text in "[a-z:\\[\\]{}\\-'\"&*!|>#, \n0-9]{0,200}") {
            let _ = parse_any(&text);
        }
    }
}
