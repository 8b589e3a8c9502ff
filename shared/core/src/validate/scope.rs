//! What a template may refer to at a given place: which roots, which earlier steps,
//! which setup fields. Checked statically so typos fail at push time, not at 3 a.m.

use std::collections::BTreeSet;

use serde_json::Value;

use super::Report;
use crate::definition::FieldPath;
use crate::template::Templates;

/// What a poll's input may read of the poll's own state (`service::messages::DueWork`).
const POLL_STATE: &[&str] = &["last_polled_at", "last_updated_at", "last_id"];

/// The names visible to templates at one place in a definition.
#[derive(Debug, Clone, Default)]

pub(crate) struct Scope {
    /// Top-level variables allowed here (`trigger`, `setup`, `input`, ...).
    pub roots: BTreeSet<&'static str>,
    /// Step ids that ran before this point.
    pub steps: Option<BTreeSet<String>>,
    /// Setup field ids that exist, and if set, the only ones allowed.
    pub setup: Option<BTreeSet<String>>,
    /// Declared inputs, when the query or action lists them.
    pub inputs: Option<BTreeSet<String>>,
    /// The block's trigger kind and what its runs find under `trigger`, when the
    /// trigger decides it (see `Trigger::gives`).
    pub trigger: Option<(&'static str, &'static [&'static str])>,
}

impl Scope {
    pub(crate) fn with_roots(roots: &[&'static str]) -> Self {
        Self {
            roots: roots.iter().copied().collect(),
            ..Self::default()
        }
    }

    /// Checks every template in `value`, reporting at `path` (and deeper).
    pub(crate) fn check_value(
        &self,
        t: &Templates,
        report: &mut Report,
        path: &FieldPath,
        value: &Value,
    ) {
        match value {
            Value::String(s) => self.check_str(t, report, path, s),
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.check_value(t, report, &path.index(i), v);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    self.check_value(t, report, &path.key(k), v);
                }
            }
            _ => {}
        }
    }

    pub(crate) fn check_str(
        &self,
        t: &Templates,
        report: &mut Report,
        path: &FieldPath,
        source: &str,
    ) {
        let vars = match t.variables(source) {
            Ok(v) => v,
            Err(e) => return report.push(path, e.to_string()),
        };
        for var in vars {
            if let Some(message) = self.problem_with(&var) {
                report.push(path, format!("{message} in '{source}'"));
            }
        }
    }

    fn problem_with(&self, var: &str) -> Option<String> {
        let mut parts = var.split('.');
        let root = parts.next().unwrap_or_default();
        if !self.roots.contains(root) {
            let allowed: Vec<_> = self.roots.iter().copied().collect();
            return Some(format!(
                "unknown variable '{root}' (here you can use: {})",
                allowed.join(", ")
            ));
        }
        let name = parts.next();
        match (root, name) {
            ("steps", Some(id)) => match &self.steps {
                Some(known) if !known.contains(id) => Some(format!(
                    "unknown variable 'steps.{id}': no earlier step has id '{id}'"
                )),
                _ => match parts.next() {
                    Some("output") | None => None,
                    Some(other) => Some(format!(
                        "unknown variable 'steps.{id}.{other}': a step exposes 'output'"
                    )),
                },
            },
            ("setup", Some(field)) => match &self.setup {
                Some(known) if !known.contains(field) => Some(format!(
                    "unknown variable 'setup.{field}': the setup form has no field '{field}' here"
                )),
                _ => None,
            },
            ("poll", Some(name)) if !POLL_STATE.contains(&name) => Some(format!(
                "unknown variable 'poll.{name}' (a poll knows: {})",
                POLL_STATE.join(", ")
            )),
            ("trigger", Some(name)) => match self.trigger {
                Some((kind, gives)) if !gives.contains(&name) => Some(if gives.is_empty() {
                    format!("unknown variable 'trigger.{name}': an {kind} run's trigger is empty")
                } else {
                    format!(
                        "unknown variable 'trigger.{name}': a {kind} run's trigger has {}",
                        gives.join(", ")
                    )
                }),
                _ => None,
            },
            ("input", Some(input)) => match &self.inputs {
                Some(known) if !known.contains(input) => Some(format!(
                    "unknown variable 'input.{input}': it is not among the declared inputs"
                )),
                _ => None,
            },
            _ => None,
        }
    }
}
