//! `wait:` pauses the run: the engine hands back when to resume instead of sleeping.

use serde_json::json;

use super::{Done, Next, StepRun};
use crate::definition::WaitStep;
use crate::engine::StepError;

pub(super) fn run(step: &WaitStep, at: &mut StepRun<'_, '_>) -> Result<Next, StepError> {
    let d = humantime::parse_duration(&step.duration)
        .map_err(|e| StepError::terminal(format!("invalid duration '{}': {e}", step.duration)))?;
    let until = at.engine.clock.now() + chrono::Duration::from_std(d).unwrap_or_default();
    Ok(Next::Pause(
        Done {
            output: json!({ "resume_at": until }),
            message: Some(format!("waiting until {}", until.to_rfc3339())),
        },
        until,
    ))
}
