//! Readable text for run logs.

use junction_core::engine::{RunState, RunStatus, StepLog, StepStatus};

pub fn print_log_entry(entry: &StepLog) {
    let mark = match entry.status {
        StepStatus::Succeeded => "✓",
        StepStatus::Failed => "✗",
        StepStatus::Waiting => "…",
        StepStatus::Aborted => "■",
    };
    let iteration = entry
        .iteration
        .map(|i| format!("[{i}]"))
        .unwrap_or_default();
    let mut line = format!(
        "  {mark} {:<22} {:<9} {:>8}",
        format!("{}{iteration}", entry.step),
        entry.kind,
        format_duration(entry.duration_us)
    );
    if let Some(message) = &entry.message {
        line.push_str(&format!("  {message}"));
    }
    outln!("{line}");
    for request in &entry.requests {
        let status = request
            .status
            .map(|s| s.to_string())
            .unwrap_or_else(|| "—".into());
        let retries = if request.attempts > 1 {
            format!(" ({} attempts)", request.attempts)
        } else {
            String::new()
        };
        outln!(
            "      {} {} → {status}{retries}",
            request.method,
            request.url
        );
    }
    if let Some(error) = &entry.error {
        outln!("      error: {error}");
    }
}

pub fn print_summary(state: &RunState) {
    let took = state
        .finished_at
        .map(|f| {
            format!(
                " in {}",
                format_duration(
                    (f - state.started_at)
                        .num_microseconds()
                        .unwrap_or(0)
                        .max(0) as u64
                )
            )
        })
        .unwrap_or_default();
    let outcome = match state.status {
        RunStatus::Succeeded => "succeeded".to_string(),
        RunStatus::Aborted => format!("aborted: {}", state.abort_reason.as_deref().unwrap_or("")),
        RunStatus::Failed => {
            let e = state.error.as_ref();
            let step = e
                .and_then(|e| e.step.as_deref())
                .map(|s| format!(" at step '{s}'"))
                .unwrap_or_default();
            let hint = if e.is_some_and(|e| e.transient) {
                " (transient: retrying later may succeed)"
            } else {
                ""
            };
            format!(
                "failed{step}: {}{hint}",
                e.map(|e| e.message.as_str()).unwrap_or("")
            )
        }
        RunStatus::Waiting => format!(
            "waiting until {} (longer than --max-wait; `junction serve` resumes such runs)",
            state.resume_at.map(|t| t.to_rfc3339()).unwrap_or_default()
        ),
        RunStatus::Running => "still running".to_string(),
        RunStatus::Retrying => format!(
            "retrying: {} (attempt {} failed; the next is at {})",
            state
                .error
                .as_ref()
                .map(|e| e.message.as_str())
                .unwrap_or(""),
            state.retry.as_ref().map_or(0, |r| r.attempt),
            state
                .retry
                .as_ref()
                .map(|r| r.next_attempt_at.to_rfc3339())
                .unwrap_or_default()
        ),
        RunStatus::Queued => "queued".to_string(),
        RunStatus::Skipped => format!(
            "skipped: {}",
            state.skipped.as_ref().map_or("", |s| s.reason.as_str())
        ),
        RunStatus::Abandoned => format!(
            "abandoned: {}",
            state
                .error
                .as_ref()
                .map(|e| e.message.as_str())
                .unwrap_or("")
        ),
    };
    let tasks = counted(state.tasks as usize, "task");
    outln!("\n{outcome} · {tasks}{took}");
}

fn format_duration(us: u64) -> String {
    if us < 1000 {
        format!("{us} µs")
    } else if us < 1_000_000 {
        format!("{:.1} ms", us as f64 / 1000.0)
    } else {
        format!("{:.2} s", us as f64 / 1_000_000.0)
    }
}

/// "1 flow", "3 flows", "2 queries".
pub fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        return format!("1 {noun}");
    }
    let consonant_y = noun
        .strip_suffix('y')
        .filter(|stem| stem.ends_with(|c: char| !"aeiou".contains(c)));
    match consonant_y {
        Some(stem) => format!("{n} {stem}ies"),
        None => format!("{n} {noun}s"),
    }
}
