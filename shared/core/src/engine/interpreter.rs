//! Steps through a block one step at a time over an explicit stack of frames, so the
//! position in nested conditions and loops survives serialisation.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{json, Value};

use super::calls::StepCalls;
use super::compare::compare;
use super::state::{Body, Frame, ListAddr, RunError, RunState, RunStatus, StepLog, StepStatus};
use super::{Engine, Invocation, StepError};
use crate::definition::{Block, Comparison, MatchMode, Operator, Step, StepKind};
use crate::outbound::Redactor;
use crate::template::{Context, ContextValue, TemplateError};

/// The step list at `addr`, if the definition still has it.
fn resolve<'a>(block: &'a Block, addr: &ListAddr) -> Option<&'a [Step]> {
    let mut steps: &[Step] = &block.steps;
    for (index, body) in &addr.0 {
        let step = steps.get(*index)?;
        steps = match body {
            Body::Branch(b) => &step.condition.as_ref()?.branches.get(*b)?.steps,
            Body::Else => &step.condition.as_ref()?.otherwise,
            Body::Loop => &step.loop_.as_ref()?.steps,
        };
    }
    Some(steps)
}

/// The innermost loop frame's position and item.
fn innermost_loop(state: &RunState) -> Option<(usize, Option<&Value>)> {
    state.stack.iter().rev().find_map(|f| match f {
        Frame::Loop { items, index, .. } => {
            Some((*index, items.as_ref().and_then(|i| i.get(*index))))
        }
        Frame::Steps { .. } => None,
    })
}

/// Completed step result to record: output plus what the log should say.
struct Done {
    output: Value,
    message: Option<String>,
}

impl Engine {
    /// Completes one step (or one loop iteration's end). Returns whether the run is
    /// still running and has more to do.
    pub async fn advance(&self, inv: &Invocation<'_>, state: &mut RunState) -> bool {
        if state.status != RunStatus::Running {
            return false;
        }
        let Some(block) = inv.flow.block(&state.block_id) else {
            self.fail(
                state,
                None,
                StepError::terminal(format!(
                    "the flow has no block '{}' any more",
                    state.block_id
                )),
            );
            return false;
        };
        let (list, next) = match state.stack.last() {
            None => {
                self.finish(state, RunStatus::Succeeded);
                return false;
            }
            Some(Frame::Steps { list, next }) => (list.clone(), *next),
            Some(Frame::Loop { .. }) => {
                self.fail(
                    state,
                    None,
                    StepError::terminal("the run's saved position is inconsistent"),
                );
                return false;
            }
        };
        let Some(steps) = resolve(block, &list) else {
            self.fail(
                state,
                None,
                StepError::terminal("the run's saved position no longer matches the flow"),
            );
            return false;
        };
        if next >= steps.len() {
            state.stack.pop();
            self.end_of_list(inv, state, block);
            if state.stack.is_empty() && state.status == RunStatus::Running {
                self.finish(state, RunStatus::Succeeded);
            }
            return state.status == RunStatus::Running;
        }
        self.execute(inv, state, &list, next, &steps[next]).await;
        state.status == RunStatus::Running
    }

    fn context(&self, inv: &Invocation<'_>, state: &mut RunState) -> Context {
        let cache = &mut state.scope;
        let base = cache
            .base
            .get_or_insert_with(|| {
                [
                    ContextValue::from_json(&inv.input.trigger),
                    ContextValue::from_json(&inv.input.setup),
                    ContextValue::from_json(&inv.input.user),
                ]
            })
            .clone();
        if !cache.filled {
            cache.steps = state
                .outputs
                .iter()
                .map(|(id, output)| (id.clone(), step_value(output)))
                .collect();
            cache.filled = true;
        }
        let steps = ContextValue::map(cache.steps.iter().map(|(k, v)| (k.clone(), v.clone())));
        let [trigger, setup, user] = base;
        let mut entries = vec![
            ("trigger".to_string(), trigger),
            ("setup".to_string(), setup),
            ("user".to_string(), user),
            (
                "run".to_string(),
                ContextValue::from_json(&json!({ "id": state.run_id })),
            ),
            ("steps".to_string(), steps),
        ];
        if let Some((index, item)) = innermost_loop(state) {
            entries.push(("index".to_string(), ContextValue::from_json(&json!(index))));
            if let Some(item) = item {
                entries.push(("item".to_string(), ContextValue::from_json(item)));
            }
        }
        Context::from_values(entries)
    }

    async fn execute(
        &self,
        inv: &Invocation<'_>,
        state: &mut RunState,
        list: &ListAddr,
        index: usize,
        step: &Step,
    ) {
        let Some(kind) = step.kind() else {
            self.fail(
                state,
                Some(&step.id),
                StepError::terminal("the step has no single kind; validate the flow"),
            );
            return;
        };
        let ctx = self.context(inv, state);
        let started_at = self.clock.now();
        let clock = Instant::now();
        let iteration = innermost_loop(state).map(|(i, _)| i);
        let mut log = StepLog {
            step: step.id.clone(),
            kind: kind.name().into(),
            status: StepStatus::Succeeded,
            started_at,
            duration_us: 0,
            iteration,
            requests: Vec::new(),
            message: None,
            error: None,
            console: Vec::new(),
        };

        let result: Result<Option<Done>, StepError> = match kind {
            StepKind::Query(_) | StepKind::Action(_) | StepKind::Http(_) => {
                let mut redactor = Redactor::default();
                let key = self.idempotency_key(state, &step.id);
                let mut calls = StepCalls {
                    engine: self,
                    apps: inv.apps,
                    credentials: inv.credentials,
                    redactor: &mut redactor,
                    requests: Vec::new(),
                    tasks: 0,
                    message: None,
                };
                let out = match kind {
                    StepKind::Query(q) => calls.query(q, &ctx).await,
                    StepKind::Action(a) => calls.action(a, &ctx, &key).await,
                    StepKind::Http(h) => calls.http(h, &ctx).await,
                    _ => unreachable!("matched above"),
                };
                state.tasks += calls.tasks;
                log.requests = calls.requests;
                let message = calls.message;
                out.map(|output| Some(Done { output, message }))
            }
            StepKind::Condition(c) => self.choose_branch(c, &ctx).map(|chosen| {
                set_next(state, index + 1);
                let (output, message, body) = match chosen {
                    Some(b) => (
                        json!({ "branch": b }),
                        format!("took branch {b}"),
                        Some(Body::Branch(b)),
                    ),
                    None if !c.otherwise.is_empty() => (
                        json!({ "branch": "else" }),
                        "took else".to_string(),
                        Some(Body::Else),
                    ),
                    None => (
                        json!({ "branch": null }),
                        "no branch matched".to_string(),
                        None,
                    ),
                };
                if let Some(body) = body {
                    state.stack.push(Frame::Steps {
                        list: list.child(index, body),
                        next: 0,
                    });
                }
                Some(Done {
                    output,
                    message: Some(message),
                })
            }),
            StepKind::Loop(l) => self.start_loop(state, l, &ctx, list, index),
            StepKind::Wait(w) => match humantime::parse_duration(&w.duration) {
                Ok(d) => {
                    let at = self.clock.now()
                        + chrono::Duration::from_std(d).unwrap_or(chrono::Duration::zero());
                    state.status = RunStatus::Waiting;
                    state.resume_at = Some(at);
                    log.status = StepStatus::Waiting;
                    Ok(Some(Done {
                        output: json!({ "resume_at": at }),
                        message: Some(format!("waiting until {}", at.to_rfc3339())),
                    }))
                }
                Err(e) => Err(StepError::terminal(format!(
                    "invalid duration '{}': {e}",
                    w.duration
                ))),
            },
            StepKind::Code(c) => {
                let input = code_input(inv, state);
                let (output, console) =
                    super::code::run_code_step(self, c, &inv.code_limits, input).await;
                // Every executed code step is one task, in each loop iteration too.
                state.tasks += 1;
                log.console = console;
                output.map(|output| {
                    Some(Done {
                        output,
                        message: None,
                    })
                })
            }
            StepKind::Abort(a) => match self.templates.render_text(&a.reason, &ctx) {
                Ok(reason) => {
                    log.status = StepStatus::Aborted;
                    log.message = Some(reason.clone());
                    state.abort_reason = Some(reason);
                    self.finish(state, RunStatus::Aborted);
                    Ok(None)
                }
                Err(e) => Err(StepError::template(e)),
            },
        };
        log.duration_us = clock.elapsed().as_micros() as u64;

        // What the step keeps must fit, before it counts as done: a step whose
        // effect happened then fails in a record that can still be saved.
        let result = result.and_then(|done| {
            let Some(mut done) = done else {
                return Ok(None);
            };
            let size = if kind.has_answer() {
                let (kept, size) = self.kept_output(step, &ctx, done.output)?;
                done.output = kept;
                size
            } else {
                super::kept::json_size(&done.output)
            };
            if log.message.is_none() {
                log.message = done.message.take();
            }
            let in_loop = iteration.is_some();
            self.make_room(inv, state, &step.id, size, in_loop, &mut log)?;
            Ok(Some(done))
        });
        match result {
            Ok(Some(done)) => {
                if matches!(
                    kind,
                    StepKind::Query(_)
                        | StepKind::Action(_)
                        | StepKind::Http(_)
                        | StepKind::Wait(_)
                        | StepKind::Code(_)
                ) {
                    set_next(state, index + 1);
                }
                self.record_output(state, &step.id, done.output);
                self.push_log(state, log);
            }
            // A loop that started logs itself when it ends, with its iteration count.
            Ok(None) if matches!(kind, StepKind::Loop(_)) => {}
            Ok(None) => self.push_log(state, log),
            Err(e) => {
                // A held step made no call and runs again once the hold ends: its
                // entry says it waited, and why, rather than that it failed.
                if e.held {
                    log.status = StepStatus::Waiting;
                    log.message = Some(e.message.clone());
                } else {
                    log.status = StepStatus::Failed;
                    log.error = Some(e.message.clone());
                }
                self.push_log(state, log);
                self.fail(state, Some(&step.id), e);
            }
        }
    }

    fn idempotency_key(&self, state: &RunState, step: &str) -> String {
        let mut key = format!("{}:{step}", state.run_id);
        for frame in &state.stack {
            if let Frame::Loop { index, .. } = frame {
                key.push_str(&format!(":{index}"));
            }
        }
        key
    }

    fn operand(&self, value: &Value, ctx: &Context, lenient: bool) -> Result<Value, StepError> {
        match self.templates.render(value, ctx) {
            Ok(v) => Ok(v),
            // `exists` asks whether something is there; missing is an answer, not an error.
            Err(TemplateError::Undefined { .. }) if lenient => Ok(Value::Null),
            Err(e) => Err(StepError::template(e)),
        }
    }

    fn holds(
        &self,
        comparisons: &[Comparison],
        mode: MatchMode,
        ctx: &Context,
    ) -> Result<bool, StepError> {
        for c in comparisons {
            let lenient = matches!(
                c.op,
                Operator::Exists | Operator::NotExists | Operator::Empty | Operator::NotEmpty
            );
            let left = self.operand(&c.left, ctx, lenient)?;
            let right = c
                .right
                .as_ref()
                .map(|r| self.operand(r, ctx, false))
                .transpose()?;
            let ok = compare(&left, c.op, right.as_ref()).map_err(StepError::terminal)?;
            match mode {
                MatchMode::All if !ok => return Ok(false),
                MatchMode::Any if ok => return Ok(true),
                _ => {}
            }
        }
        Ok(match mode {
            MatchMode::All => true,
            MatchMode::Any => false,
        })
    }

    fn choose_branch(
        &self,
        c: &crate::definition::ConditionStep,
        ctx: &Context,
    ) -> Result<Option<usize>, StepError> {
        for (b, branch) in c.branches.iter().enumerate() {
            if self.holds(&branch.when, branch.mode, ctx)? {
                return Ok(Some(b));
            }
        }
        Ok(None)
    }

    fn start_loop(
        &self,
        state: &mut RunState,
        l: &crate::definition::LoopStep,
        ctx: &Context,
        list: &ListAddr,
        index: usize,
    ) -> Result<Option<Done>, StepError> {
        let items = match &l.for_each {
            Some(template) => match self
                .templates
                .render(template, ctx)
                .map_err(StepError::template)?
            {
                Value::Array(items) => {
                    let bound = l.max_iterations.unwrap_or(self.limits.loop_items) as usize;
                    if items.len() > bound {
                        return Err(StepError::terminal(format!(
                            "loop bound reached: the list has {} items and the loop allows {bound}",
                            items.len()
                        )));
                    }
                    Some(items)
                }
                Value::Null => Some(Vec::new()),
                other => {
                    return Err(StepError::terminal(format!(
                        "for_each needs a list, got {other}"
                    )))
                }
            },
            None => None,
        };
        set_next(state, index + 1);
        // The loop's list is kept with the run while it loops.
        if let (Some(kept), Some(items)) = (state.scope.kept_bytes.as_mut(), &items) {
            *kept += super::kept::json_size(items);
        }
        if items.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Some(Done {
                output: json!([]),
                message: Some("0 iterations".into()),
            }));
        }
        state.stack.push(Frame::Loop {
            list: list.clone(),
            step: index,
            items,
            index: 0,
            current: BTreeMap::new(),
            results: Vec::new(),
            started_at: self.clock.now(),
        });
        state.stack.push(Frame::Steps {
            list: list.child(index, Body::Loop),
            next: 0,
        });
        Ok(None)
    }

    /// A body finished: either a branch (nothing to do) or a loop iteration.
    fn end_of_list(&self, inv: &Invocation<'_>, state: &mut RunState, block: &Block) {
        let Some(Frame::Loop {
            list,
            step,
            items,
            index,
            ..
        }) = state.stack.last()
        else {
            return;
        };
        let (list, step_index, index, count) =
            (list.clone(), *step, *index, items.as_ref().map(Vec::len));
        let Some(step) = resolve(block, &list).and_then(|s| s.get(step_index)) else {
            self.fail(
                state,
                None,
                StepError::terminal("the run's saved position no longer matches the flow"),
            );
            return;
        };
        let Some(l) = step.loop_.as_ref() else { return };
        let more = match count {
            Some(n) => Ok(index + 1 < n),
            None => {
                let ctx = self.context(inv, state);
                let cond = l.do_while.as_deref().unwrap_or_default();
                match self.holds(cond, l.mode, &ctx) {
                    Ok(true)
                        if index + 1
                            >= l.max_iterations.unwrap_or(self.limits.loop_items) as usize =>
                    {
                        Err(StepError::terminal(format!(
                            "loop bound reached: still looping after max_iterations ({})",
                            index + 1
                        )))
                    }
                    other => other,
                }
            }
        };
        let more = match more {
            Ok(m) => m,
            Err(e) => {
                self.push_log(
                    state,
                    StepLog {
                        step: step.id.clone(),
                        kind: "loop".into(),
                        status: StepStatus::Failed,
                        started_at: self.clock.now(),
                        duration_us: 0,
                        iteration: None,
                        requests: Vec::new(),
                        message: None,
                        error: Some(e.message.clone()),
                        console: Vec::new(),
                    },
                );
                self.fail(state, Some(&step.id), e);
                return;
            }
        };
        let Some(Frame::Loop {
            index: i,
            current,
            results,
            started_at,
            ..
        }) = state.stack.last_mut()
        else {
            return;
        };
        results.push(Value::Object(std::mem::take(current).into_iter().collect()));
        if more {
            *i += 1;
            state.stack.push(Frame::Steps {
                list: list.child(step_index, Body::Loop),
                next: 0,
            });
            return;
        }
        let started = *started_at;
        let output = Value::Array(std::mem::take(results));
        state.stack.pop();
        let iterations = index + 1;
        self.record_output(state, &step.id, output);
        let iteration = innermost_loop(state).map(|(i, _)| i);
        self.push_log(
            state,
            StepLog {
                step: step.id.clone(),
                kind: "loop".into(),
                status: StepStatus::Succeeded,
                started_at: started,
                duration_us: (self.clock.now() - started)
                    .num_microseconds()
                    .unwrap_or(0)
                    .max(0) as u64,
                iteration,
                requests: Vec::new(),
                message: Some(if iterations == 1 {
                    "1 iteration".to_string()
                } else {
                    format!("{iterations} iterations")
                }),
                error: None,
                console: Vec::new(),
            },
        );
    }

    fn record_output(&self, state: &mut RunState, step: &str, output: Value) {
        if state.scope.filled {
            state
                .scope
                .steps
                .insert(step.to_string(), step_value(&output));
        }
        if let Some(Frame::Loop { current, .. }) = state
            .stack
            .iter_mut()
            .rev()
            .find(|f| matches!(f, Frame::Loop { .. }))
        {
            current.insert(step.to_string(), output.clone());
        }
        state.outputs.insert(step.to_string(), output);
    }

    fn push_log(&self, state: &mut RunState, entry: StepLog) {
        if state.log.len() < self.limits.log_entries || entry.status == StepStatus::Failed {
            state.log.push(entry);
        } else {
            state.log_dropped += 1;
        }
    }

    fn fail(&self, state: &mut RunState, step: Option<&str>, e: StepError) {
        state.error = Some(RunError {
            step: step.map(str::to_string),
            message: e.message,
            transient: e.transient,
            retry_after_ms: e.retry_after.map(|d| d.as_millis() as u64),
            held: e.held,
        });
        self.finish(state, RunStatus::Failed);
    }

    fn finish(&self, state: &mut RunState, status: RunStatus) {
        state.status = status;
        state.finished_at = Some(self.clock.now());
    }
}

/// How a step appears to templates: `steps.<id>.output`.
/// The run context as plain JSON, for code steps (never credentials: the run's input
/// and the steps' outputs only).
fn code_input(inv: &Invocation<'_>, state: &RunState) -> Value {
    let steps: serde_json::Map<String, Value> = state
        .outputs
        .iter()
        .map(|(id, output)| (id.clone(), json!({ "output": output })))
        .collect();
    let mut input = json!({
        "trigger": inv.input.trigger,
        "setup": inv.input.setup,
        "user": inv.input.user,
        "run": { "id": state.run_id },
        "steps": steps,
    });
    if let Some((index, item)) = innermost_loop(state) {
        input["index"] = json!(index);
        if let Some(item) = item {
            input["item"] = item.clone();
        }
    }
    input
}

fn step_value(output: &Value) -> ContextValue {
    ContextValue::map([("output".to_string(), ContextValue::from_json(output))])
}

/// Moves the innermost step list past a completed step.
fn set_next(state: &mut RunState, value: usize) {
    if let Some(Frame::Steps { next, .. }) = state
        .stack
        .iter_mut()
        .rev()
        .find(|f| matches!(f, Frame::Steps { .. }))
    {
        *next = value;
    }
}
