//! `abort:` ends the run as aborted, with its reason rendered.

use super::{Next, StepRun};
use crate::definition::AbortStep;
use crate::engine::StepError;

pub(super) fn run(step: &AbortStep, at: &mut StepRun<'_, '_>) -> Result<Next, StepError> {
    let reason = at
        .engine
        .templates
        .render_text(&step.reason, at.ctx)
        .map_err(StepError::template)?;
    Ok(Next::End(reason))
}
