//! `action:` writes to an app, with an idempotency key that stays the same when the
//! step is tried again, so an app that honours it applies the write once.

use super::{Next, StepRun};
use crate::definition::ActionStep;
use crate::engine::state::{Frame, RunState};
use crate::engine::StepError;

pub(super) async fn run(step: &ActionStep, at: &mut StepRun<'_, '_>) -> Result<Next, StepError> {
    let key = idempotency_key(at.state, at.step_id);
    at.calls(async |calls, ctx| calls.action(step, ctx, &key).await)
        .await
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
