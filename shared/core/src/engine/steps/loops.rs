//! `loop:` repeats its body once per item of `for_each`, or while `while` holds (then
//! within `max_iterations`). It completes, with the list of each iteration's outputs,
//! when its body ends for the last time.

use serde_json::{json, Value};

use super::{holds, Done, Next, StepRun};
use crate::definition::{Block, Body, LoopStep, StepKind};
use crate::engine::interpreter::{innermost_loop, resolve};
use crate::engine::state::{Frame, RunState, StepLog, StepStatus};
use crate::engine::{Engine, Invocation, StepError};

pub(super) fn run(step: &LoopStep, at: &mut StepRun<'_, '_>) -> Result<Next, StepError> {
    let items = match &step.for_each {
        None => None,
        Some(template) => match at
            .engine
            .templates
            .render(template, at.ctx)
            .map_err(StepError::template)?
        {
            Value::Array(items) => {
                let bound = step.max_iterations.unwrap_or(at.engine.limits.loop_items) as usize;
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
    };
    // The loop's list is kept with the run while it loops.
    if let (Some(kept), Some(items)) = (at.state.scope.kept_bytes.as_mut(), &items) {
        *kept += crate::engine::kept::json_size(items);
    }
    if items.as_ref().is_some_and(Vec::is_empty) {
        return Ok(Next::Following(Done {
            output: json!([]),
            message: Some("0 iterations".into()),
        }));
    }
    Ok(Next::Repeat(items))
}

/// The loop's body has ended: go round again, or complete the loop step with every
/// iteration's outputs. Does nothing when the list that ended is a branch's.
pub(in crate::engine) fn end_of_iteration(
    engine: &Engine,
    inv: &Invocation<'_>,
    state: &mut RunState,
    block: &Block,
) {
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
        engine.fail(
            state,
            None,
            StepError::terminal("the run's saved position no longer matches the flow"),
        );
        return;
    };
    let StepKind::Loop(l) = &step.kind else {
        return;
    };
    let more = match count {
        Some(n) => Ok(index + 1 < n),
        None => {
            let ctx = engine.context(inv, state);
            let cond = l.do_while.as_deref().unwrap_or_default();
            match holds(engine, cond, l.mode, &ctx) {
                Ok(true)
                    if index + 1
                        >= l.max_iterations.unwrap_or(engine.limits.loop_items) as usize =>
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
            let mut log = StepLog::new(&step.id, "loop", engine.clock.now(), None);
            log.status = StepStatus::Failed;
            log.error = Some(e.message.clone());
            engine.push_log(state, log);
            engine.fail(state, Some(&step.id), e);
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
    engine.record_output(state, &step.id, output);
    let iteration = innermost_loop(state).map(|(i, _)| i);
    let mut log = StepLog::new(&step.id, "loop", started, iteration);
    log.duration_us = (engine.clock.now() - started)
        .num_microseconds()
        .unwrap_or(0)
        .max(0) as u64;
    log.message = Some(if iterations == 1 {
        "1 iteration".to_string()
    } else {
        format!("{iterations} iterations")
    });
    engine.push_log(state, log);
}
