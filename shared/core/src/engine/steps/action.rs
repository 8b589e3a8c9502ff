//! `action:` writes to an app, with an idempotency key that stays the same when the
//! step is tried again, so an app that honours it applies the write once.

use super::{Next, StepRun};
use crate::definition::ActionStep;
use crate::engine::echo::Write;
use crate::engine::state::{Frame, RunState};
use crate::engine::StepError;

pub(super) async fn run(step: &ActionStep, at: &mut StepRun<'_, '_>) -> Result<Next, StepError> {
    let key = idempotency_key(at.state, at.step_id);
    let mut sent = None;
    let mut next = at
        .calls(async |calls, ctx| {
            let done = calls.action(step, ctx, &key).await?;
            let output = done.output.clone();
            sent = Some(done);
            Ok(output)
        })
        .await?;
    if let Some(done) = &sent {
        let write = Write {
            app: &step.app,
            input: &done.input,
            answer: &done.answer,
            object_id_at: done.object_id_at.as_deref(),
        };
        if let Some(note) = at.engine.remember_write(at.inv, at.state, write).await {
            if let Some(done) = next.done_mut() {
                done.message = Some(match done.message.take() {
                    Some(m) => format!("{m}; {note}"),
                    None => note,
                });
            }
        }
    }
    Ok(next)
}

/// The run, the step and its position in each enclosing loop.
fn idempotency_key(state: &RunState, step: &str) -> String {
    let mut key = format!("{}:{step}", state.run_id);
    for frame in &state.stack {
        if let Frame::Loop { index, .. } = frame {
            key.push_str(&format!(":{index}"));
        }
    }
    key
}
