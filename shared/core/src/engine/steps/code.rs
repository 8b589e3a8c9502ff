//! Code steps: the step's JavaScript in the sandbox, off the async workers (a script
//! may use its whole time limit), within the workspace's limits and the process's
//! memory budget, with its failures as step errors.

use serde_json::{json, Value};

use super::{Done, Next, StepRun};
use crate::definition::{CodeLimits, CodeStep};
use crate::engine::interpreter::innermost_loop;
use crate::engine::state::RunState;
use crate::engine::{budget_permits, Engine, Invocation, StepError};

pub(super) async fn run(step: &CodeStep, at: &mut StepRun<'_, '_>) -> Result<Next, StepError> {
    let input = code_input(at.inv, at.state);
    let (output, console) = run_code_step(at.engine, step, &at.inv.code_limits, input).await;
    // Every executed code step is one task, in each loop iteration too.
    at.state.tasks += 1;
    at.log.console = console;
    output.map(|output| {
        Next::Following(Done {
            output,
            message: None,
        })
    })
}

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

/// What the step's code may use in the sandbox, when it runs and when it is compiled.
pub(crate) fn sandbox_limits(step: &CodeStep, max: &CodeLimits) -> junction_sandbox::Limits {
    junction_sandbox::Limits {
        time: max.time_for(step.time_ms),
        memory_bytes: (max.memory_mb_for(step.memory_mb) * 1024 * 1024) as usize,
        ..junction_sandbox::Limits::default()
    }
}

/// The step's output (or why it failed) and its console lines.
async fn run_code_step(
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
