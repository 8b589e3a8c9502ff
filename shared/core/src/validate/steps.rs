//! Validation of a block's steps (one arm per kind): known apps and endpoints, declared
//! inputs, bounded loops, and templates that only name what exists at that point.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::context::{list, FlowContext};
use super::scope::Scope;
use super::{check_id, Report};
use crate::definition::{
    CodeStep, Comparison, FieldPath, InputSpec, Operator, Step, StepKind, StorageStep,
};
use crate::template::{contains_template, Templates};

/// Longest wait a step may ask for; longer pauses belong in a schedule.
const MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);

struct Walker<'a, 'b> {
    ctx: &'a FlowContext<'b>,
    t: &'a Templates,
    report: &'a mut Report,
    fields: &'a BTreeSet<String>,
    /// Step ids in document order so far: later steps may read their output.
    earlier: BTreeSet<String>,
    /// What the block's trigger gives its runs (see `Trigger::gives`).
    trigger: Option<(&'static str, &'static [&'static str])>,
}

pub(crate) fn check_block_steps(
    ctx: &FlowContext<'_>,
    t: &Templates,
    report: &mut Report,
    path: &FieldPath,
    block: &crate::definition::Block,
    fields: &BTreeSet<String>,
) {
    let steps = &block.steps;
    let mut walker = Walker {
        ctx,
        t,
        report,
        fields,
        earlier: BTreeSet::new(),
        trigger: block
            .trigger
            .gives()
            .map(|gives| (block.trigger.kind(), gives)),
    };
    walker.steps(path, steps, false);
}

impl Walker<'_, '_> {
    fn scope(&self, in_loop: bool) -> Scope {
        let mut roots = vec!["trigger", "steps", "setup", "user", "run"];
        if in_loop {
            roots.extend(["item", "index"]);
        }
        let mut scope = Scope::with_roots(&roots);
        scope.steps = Some(self.earlier.clone());
        scope.setup = Some(self.fields.clone());
        scope.trigger = self.trigger;
        scope
    }

    fn steps(&mut self, path: &FieldPath, steps: &[Step], in_loop: bool) {
        for (i, step) in steps.iter().enumerate() {
            self.step(&path.index(i), step, in_loop);
        }
    }

    fn step(&mut self, path: &FieldPath, step: &Step, in_loop: bool) {
        check_id(self.report, &path.key("id"), &step.id);
        if self.earlier.contains(&step.id) {
            self.report.push(
                &path.key("id"),
                format!(
                    "duplicate step id '{}' (ids are unique in a block)",
                    step.id
                ),
            );
        }
        let scope = self.scope(in_loop);
        self.kind(path, &step.kind, &scope, in_loop);
        if let Some(output) = &step.output {
            self.kept_output(&path.key("output"), &step.kind, output, &scope);
        }
        self.earlier.insert(step.id.clone());
    }

    fn kind(&mut self, path: &FieldPath, kind: &StepKind, scope: &Scope, in_loop: bool) {
        let path = path.key(kind.name());
        match kind {
            StepKind::Query(q) => {
                if self.ctx.query_exists(self.report, &path, &q.app, &q.query) {
                    let def = &self.ctx.apps.get(&q.app).expect("checked").queries[&q.query];
                    self.inputs(&path.key("input"), &q.input, &def.inputs, scope);
                } else {
                    self.values(&path.key("input"), &q.input, scope);
                }
                if q.max_pages == Some(0) {
                    self.report
                        .push(&path.key("max_pages"), "must be at least 1");
                }
            }
            StepKind::Action(a) => {
                let def = self
                    .ctx
                    .app(self.report, &path.key("app"), &a.app)
                    .map(|app| (app.actions.get(&a.action), app));
                match def {
                    Some((Some(action), _)) => {
                        self.inputs(&path.key("input"), &a.input, &action.inputs, scope)
                    }
                    Some((None, app)) => {
                        let known: Vec<_> = app.actions.keys().map(String::as_str).collect();
                        self.report.push(
                            &path.key("action"),
                            format!(
                                "app '{}' has no action '{}' (its actions: {})",
                                a.app,
                                a.action,
                                list(&known)
                            ),
                        );
                        self.values(&path.key("input"), &a.input, scope);
                    }
                    None => self.values(&path.key("input"), &a.input, scope),
                }
            }
            StepKind::Http(h) => {
                if let Some(id) = &h.app {
                    if let Some(app) = self.ctx.app(self.report, &path.key("app"), id) {
                        super::check_credential_origin(self.report, &path.key("url"), app, &h.url);
                    }
                } else if !contains_template(&h.url) {
                    super::check_url(self.report, &path.key("url"), &h.url);
                }
                scope.check_str(self.t, self.report, &path.key("url"), &h.url);
                self.values(&path.key("query"), &h.query, scope);
                for (name, value) in &h.headers {
                    scope.check_str(self.t, self.report, &path.key("headers").key(name), value);
                }
                if let Some(body) = &h.body {
                    scope.check_value(self.t, self.report, &path.key("body"), body);
                }
            }
            StepKind::Condition(c) => {
                if c.branches.is_empty() {
                    self.report.push(
                        &path.key("branches"),
                        "a condition needs at least one branch",
                    );
                }
                for (b, branch) in c.branches.iter().enumerate() {
                    let bpath = path.key("branches").index(b);
                    self.comparisons(&bpath.key("when"), &branch.when, scope);
                    self.steps(&bpath.key("steps"), &branch.steps, in_loop);
                }
                self.steps(&path.key("else"), &c.otherwise, in_loop);
            }
            StepKind::Loop(l) => {
                match (&l.for_each, &l.do_while) {
                    (Some(items), None) => {
                        scope.check_value(self.t, self.report, &path.key("for_each"), items)
                    }
                    (None, Some(_)) => {
                        if l.max_iterations.is_none() {
                            self.report.push(
                                &path.key("max_iterations"),
                                "a while loop needs 'max_iterations' so it always ends",
                            );
                        }
                    }
                    _ => self
                        .report
                        .push(&path, "a loop needs either 'for_each' or 'while'"),
                }
                if l.max_iterations == Some(0) {
                    self.report
                        .push(&path.key("max_iterations"), "must be at least 1");
                }
                if l.steps.is_empty() {
                    self.report
                        .push(&path.key("steps"), "a loop needs at least one step");
                }
                self.steps(&path.key("steps"), &l.steps, true);
                // The condition is checked after an iteration, so it sees the body's steps.
                if let Some(cond) = &l.do_while {
                    let inner = self.scope(true);
                    self.comparisons(&path.key("while"), cond, &inner);
                }
            }
            StepKind::Wait(w) => match humantime::parse_duration(&w.duration) {
                Ok(d) if d.is_zero() || d > MAX_WAIT => self.report.push(
                    &path.key("duration"),
                    "must be more than zero and at most 30 days",
                ),
                Ok(_) => {}
                Err(e) => self.report.push(
                    &path.key("duration"),
                    format!("'{}' is not a duration like '10m': {e}", w.duration),
                ),
            },
            StepKind::Abort(a) => {
                scope.check_str(self.t, self.report, &path.key("reason"), &a.reason);
            }
            StepKind::Code(c) => {
                self.code_source(&path, c);
                let max = self.ctx.code_limits;
                if c.time_ms.is_some_and(|t| t == 0 || t > max.max_time_ms) {
                    self.report.push(
                        &path.key("time_ms"),
                        format!(
                            "must be 1 to {} milliseconds (the workspace's maximum)",
                            max.max_time_ms
                        ),
                    );
                }
                if c.memory_mb.is_some_and(|m| m == 0 || m > max.max_memory_mb) {
                    self.report.push(
                        &path.key("memory_mb"),
                        format!(
                            "must be 1 to {} MiB (the workspace's maximum)",
                            max.max_memory_mb
                        ),
                    );
                }
            }
            StepKind::Storage(st) => self.storage(&path, st, scope),
        }
    }

    /// A storage step's fields: each belongs to the operations that use it.
    fn storage(&mut self, path: &FieldPath, st: &StorageStep, scope: &Scope) {
        use crate::definition::StorageOp::{Get, Increment, Set};
        scope.check_str(self.t, self.report, &path.key("key"), &st.key);
        if st.key.trim().is_empty() {
            self.report.push(&path.key("key"), "must not be empty");
        }
        let fields: [(&str, Option<&Value>, &[_], &str); 3] = [
            ("value", st.value.as_ref(), &[Set], "set"),
            ("by", st.by.as_ref(), &[Increment], "increment"),
            ("default", st.default.as_ref(), &[Get], "get"),
        ];
        for (name, value, ops, which) in fields {
            match value {
                Some(v) if ops.contains(&st.op) => {
                    scope.check_value(self.t, self.report, &path.key(name), v)
                }
                Some(_) => self.report.push(
                    &path.key(name),
                    format!(
                        "only a '{which}' step takes '{name}' (this one is '{}')",
                        st.op.as_str()
                    ),
                ),
                None => {}
            }
        }
        if st.op == Set && st.value.is_none() {
            self.report
                .push(&path.key("value"), "a 'set' step needs the 'value' to keep");
        }
        if let Some(Value::Number(n)) = &st.by {
            if !n.is_i64() {
                self.report
                    .push(&path.key("by"), "an increment adds a whole number");
            }
        }
        if let Some(ttl) = &st.ttl {
            if !matches!(st.op, Set | Increment) {
                self.report.push(
                    &path.key("ttl"),
                    "only 'set' and 'increment' steps take 'ttl' (how long what they write is kept)",
                );
            } else if let Err(e) = crate::engine::parse_storage_ttl(ttl) {
                let message = e.message.trim_start_matches("storage.ttl: ").to_string();
                self.report.push(&path.key("ttl"), message);
            }
        }
    }

    /// `output:` selects from an answer, so only steps with one may have it; its
    /// templates see `output` besides the step's usual names.
    fn kept_output(&mut self, path: &FieldPath, kind: &StepKind, output: &Value, scope: &Scope) {
        if !kind.has_answer() {
            self.report.push(
                path,
                format!(
                    "a {} step has no answer to select from: only query, action, http and code steps take 'output'",
                    kind.name()
                ),
            );
            return;
        }
        let mut scope = scope.clone();
        scope.roots.insert("output");
        scope.check_value(self.t, self.report, path, output);
    }

    /// The code must be there and compile; a problem in a bundled file names the file.
    fn code_source(&mut self, path: &FieldPath, c: &CodeStep) {
        let (at, named) = match &c.file {
            Some(file) => (path.key("file"), format!("{file}: ")),
            None => (path.key("source"), String::new()),
        };
        if c.source.trim().is_empty() {
            let message = match &c.file {
                Some(file) => format!("'{file}' was not read into 'source': `junction validate`, `run` and `flows push` read code files next to the flow; through the API, send the code as 'source'"),
                None => "must not be empty (or name a JavaScript 'file' next to the flow)".into(),
            };
            self.report.push(&at, message);
        } else if c.source.len() > crate::definition::MAX_CODE_SOURCE_BYTES {
            self.report.push(
                &at,
                format!(
                    "{named}the code is {} bytes; a step holds at most {} (move shared work into an action)",
                    c.source.len(),
                    crate::definition::MAX_CODE_SOURCE_BYTES
                ),
            );
        } else if let Err(e) = junction_sandbox::check_syntax(
            &c.source,
            &crate::engine::sandbox_limits(c, self.ctx.code_limits),
        ) {
            self.report.push(&at, format!("{named}{e}"));
        }
    }

    fn values(&mut self, path: &FieldPath, values: &BTreeMap<String, Value>, scope: &Scope) {
        for (name, value) in values {
            scope.check_value(self.t, self.report, &path.key(name), value);
        }
    }

    /// Checks input values, and against the declared inputs when there are any.
    fn inputs(
        &mut self,
        path: &FieldPath,
        given: &BTreeMap<String, Value>,
        declared: &[InputSpec],
        scope: &Scope,
    ) {
        self.values(path, given, scope);
        if declared.is_empty() {
            return;
        }
        for name in given.keys() {
            if !declared.iter().any(|d| &d.name == name) {
                let known: Vec<_> = declared.iter().map(|d| d.name.as_str()).collect();
                self.report.push(
                    &path.key(name),
                    format!("unknown input '{name}' (inputs: {})", list(&known)),
                );
            }
        }
        for d in declared.iter().filter(|d| d.required) {
            if !given.contains_key(&d.name) {
                self.report
                    .push(path, format!("missing required input '{}'", d.name));
            }
        }
    }

    fn comparisons(&mut self, path: &FieldPath, comparisons: &[Comparison], scope: &Scope) {
        if comparisons.is_empty() {
            self.report.push(path, "needs at least one comparison");
        }
        for (i, c) in comparisons.iter().enumerate() {
            let cpath = path.index(i);
            scope.check_value(self.t, self.report, &cpath.key("left"), &c.left);
            match (&c.right, c.op.is_unary()) {
                (Some(_), true) => self.report.push(
                    &cpath.key("right"),
                    format!("'{}' takes no 'right'", op_name(c.op)),
                ),
                (None, false) => self
                    .report
                    .push(&cpath, format!("'{}' needs a 'right' value", op_name(c.op))),
                (Some(right), false) => {
                    scope.check_value(self.t, self.report, &cpath.key("right"), right);
                    let is_list_or_template =
                        right.is_array() || right.as_str().is_some_and(contains_template);
                    if matches!(c.op, Operator::In | Operator::NotIn) && !is_list_or_template {
                        self.report
                            .push(&cpath.key("right"), "'in' and 'not_in' need a list");
                    }
                }
                (None, true) => {}
            }
        }
    }
}

fn op_name(op: Operator) -> String {
    serde_json::to_value(op)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}
