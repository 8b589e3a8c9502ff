//! Code steps: the step's JavaScript in the sandbox, off the async workers (a script
//! may use its whole time limit), within the workspace's limits and the process's
//! memory budget, with its failures as step errors.

use serde_json::Value;

use super::{budget_permits, Engine, StepError};
use crate::definition::{CodeLimits, CodeStep};

/// What the step's code may use in the sandbox, when it runs and when it is compiled.
pub(crate) fn sandbox_limits(step: &CodeStep, max: &CodeLimits) -> junction_sandbox::Limits {
    junction_sandbox::Limits {
        time: max.time_for(step.time_ms),
        memory_bytes: (max.memory_mb_for(step.memory_mb) * 1024 * 1024) as usize,
        ..junction_sandbox::Limits::default()
    }
}

/// The step's output (or why it failed) and its console lines.
pub(crate) async fn run_code_step(
    engine: &Engine,
    step: &CodeStep,
    max: &CodeLimits,
    input: Value,
) -> (Result<Value, StepError>, Vec<String>) {
    let memory_mb = max.memory_mb_for(step.memory_mb);
    let limits = sandbox_limits(step, max);
    // The whole limit is reserved, since that is what the script may take; a step
    // above the budget takes all of it rather than waiting forever.
    let permits = (memory_mb as usize).clamp(1, budget_permits(&engine.limits)) as u32;
    // The semaphore is never closed; should that change, the run is tried again later.
    let Ok(_reserved) = engine.code_budget.clone().acquire_many_owned(permits).await else {
        let closed = StepError {
            transient: true,
            ..StepError::terminal("the code sandbox is shutting down")
        };
        return (Err(closed), Vec::new());
    };
    let source = step.source.clone();
    let ran =
        tokio::task::spawn_blocking(move || junction_sandbox::run(&source, &input, &limits)).await;
    match ran {
        Ok(Ok(out)) => (Ok(out.value), out.console),
        Ok(Err(e)) => {
            let console = e.console.clone();
            // Lines and columns count in the file the builder wrote, so name it.
            let named = step
                .file
                .as_ref()
                .map(|f| format!("{f}: "))
                .unwrap_or_default();
            (Err(StepError::terminal(format!("{named}{e}"))), console)
        }
        Err(e) => (
            Err(StepError::terminal(format!(
                "the code step stopped unexpectedly: {e}"
            ))),
            Vec::new(),
        ),
    }
}
