//! Code steps: the step's JavaScript in the sandbox, off the async workers (a script
//! may use its whole time limit), with its limits and its failures as step errors.

use serde_json::Value;

use super::StepError;
use crate::definition::CodeStep;

/// The step's output (or why it failed) and its console lines.
pub(crate) async fn run_code_step(
    step: &CodeStep,
    input: Value,
) -> (Result<Value, StepError>, Vec<String>) {
    let limits = junction_sandbox::Limits {
        time: std::time::Duration::from_millis(
            step.time_ms
                .unwrap_or(1_000)
                .min(crate::definition::MAX_CODE_TIME_MS),
        ),
        memory_bytes: (step
            .memory_mb
            .unwrap_or(64)
            .min(crate::definition::MAX_CODE_MEMORY_MB)
            * 1024
            * 1024) as usize,
        ..junction_sandbox::Limits::default()
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
