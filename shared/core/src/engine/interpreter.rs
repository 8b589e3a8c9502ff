//! Steps through a block one step at a time over an explicit stack of frames, so the
//! position in nested conditions and loops survives serialisation. What each kind does
//! is in `steps/`; here is only where the run is, what it keeps, and its log.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{json, Value};

use super::state::{Frame, ListAddr, RunError, RunState, RunStatus, StepLog, StepStatus};
use super::steps::{self, Next, StepRun};
use super::{Engine, Invocation, StepError};
use crate::definition::{Block, Body, FlowDefinition, Step};
use crate::template::{Context, ContextValue};

/// The step list at `addr`, if the definition still has it.
pub(super) fn resolve<'a>(block: &'a Block, addr: &ListAddr) -> Option<&'a [Step]> {
    let mut steps: &[Step] = &block.steps;
    for (index, body) in &addr.0 {
        steps = steps.get(*index)?.body(*body)?;
    }
    Some(steps)
}

/// The innermost loop frame's position and item.
pub(super) fn innermost_loop(state: &RunState) -> Option<(usize, Option<&Value>)> {
    state.stack.iter().rev().find_map(|f| match f {
        Frame::Loop { items, index, .. } => {
            Some((*index, items.as_ref().and_then(|i| i.get(*index))))
        }
        Frame::Steps { .. } => None,
    })
}

impl Engine {
    /// The step the next [`Engine::advance`] runs, if it runs one (rather than ending a
    /// body, a loop iteration or the run).
    pub fn next_step<'f>(&self, flow: &'f FlowDefinition, state: &RunState) -> Option<&'f Step> {
        if state.status != RunStatus::Running {
            return None;
        }
        let Some(Frame::Steps { list, next }) = state.stack.last() else {
            return None;
        };
        resolve(flow.block(&state.block_id)?, list)?.get(*next)
    }

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
        if block.echo.is_some() && state.before_first_step() {
            if let Err(e) = self.skip_if_echo(inv, state, block).await {
                self.fail(state, None, e);
            }
            if state.status != RunStatus::Running {
                return false;
            }
        }
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
            steps::end_of_iteration(self, inv, state, block);
            if state.stack.is_empty() && state.status == RunStatus::Running {
                self.finish(state, RunStatus::Succeeded);
            }
            return state.status == RunStatus::Running;
        }
        self.execute(inv, state, &list, next, &steps[next]).await;
        state.status == RunStatus::Running
    }

    pub(super) fn context(&self, inv: &Invocation<'_>, state: &mut RunState) -> Context {
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
        let ctx = self.context(inv, state);
        let clock = Instant::now();
        let iteration = innermost_loop(state).map(|(i, _)| i);
        let mut log = StepLog::new(&step.id, step.kind.name(), self.clock.now(), iteration);
        let mut at = StepRun {
            engine: self,
            inv,
            state,
            ctx: &ctx,
            log: &mut log,
            step_id: &step.id,
        };
        let result = steps::run(&step.kind, &mut at).await;
        log.duration_us = clock.elapsed().as_micros() as u64;
        // What the step keeps must fit, before it counts as done: a step whose
        // effect happened then fails in a record that can still be saved.
        let result = result.and_then(|mut next| {
            let logged = match next.done_mut() {
                Some(done) => {
                    self.keep(inv, state, step, &ctx, done, iteration.is_some(), &mut log)?
                }
                None => true,
            };
            Ok((next, logged))
        });
        match result {
            Ok((next, logged)) => {
                let log = logged.then_some(log);
                if log.is_none() {
                    state.log_dropped += 1;
                }
                self.move_on(state, list, index, step, next, log)
            }
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

    /// Fits what a completed step keeps into the run record, or says why it cannot;
    /// whether its log entry fits too.
    #[allow(clippy::too_many_arguments)]
    fn keep(
        &self,
        inv: &Invocation<'_>,
        state: &mut RunState,
        step: &Step,
        ctx: &Context,
        done: &mut steps::Done,
        in_loop: bool,
        log: &mut StepLog,
    ) -> Result<bool, StepError> {
        let size = if step.kind.has_answer() {
            let (kept, size) = self.kept_output(step, ctx, std::mem::take(&mut done.output))?;
            done.output = kept;
            size
        } else {
            super::kept::json_size(&done.output)
        };
        if log.message.is_none() {
            log.message = done.message.take();
        }
        self.make_room(inv, state, &step.id, size, in_loop, log)
    }

    /// Moves the run where the step said, records what it completed with and logs it
    /// (unless its entry did not fit the record).
    fn move_on(
        &self,
        state: &mut RunState,
        list: &ListAddr,
        index: usize,
        step: &Step,
        next: Next,
        mut log: Option<StepLog>,
    ) {
        let done = match next {
            Next::Following(done) => {
                set_next(state, index + 1);
                done
            }
            Next::Into(done, body) => {
                set_next(state, index + 1);
                state.stack.push(Frame::Steps {
                    list: list.child(index, body),
                    next: 0,
                });
                done
            }
            Next::Pause(done, until) => {
                set_next(state, index + 1);
                state.status = RunStatus::Waiting;
                state.resume_at = Some(until);
                if let Some(log) = &mut log {
                    log.status = StepStatus::Waiting;
                }
                done
            }
            // A loop that started logs itself when it ends, with its iteration count.
            Next::Repeat(items) => {
                set_next(state, index + 1);
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
                return;
            }
            Next::End(reason) => {
                if let Some(mut log) = log {
                    log.status = StepStatus::Aborted;
                    log.message = Some(reason.clone());
                    self.push_log(state, log);
                }
                state.abort_reason = Some(reason);
                self.finish(state, RunStatus::Aborted);
                return;
            }
        };
        self.record_output(state, &step.id, done.output);
        if let Some(log) = log {
            self.push_log(state, log);
        }
    }

    pub(super) fn record_output(&self, state: &mut RunState, step: &str, output: Value) {
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

    pub(super) fn push_log(&self, state: &mut RunState, entry: StepLog) {
        if state.log.len() < self.limits.log_entries || entry.status == StepStatus::Failed {
            state.log.push(entry);
        } else {
            state.log_dropped += 1;
        }
    }

    pub(super) fn fail(&self, state: &mut RunState, step: Option<&str>, e: StepError) {
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
