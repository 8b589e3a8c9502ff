//! Where a run that stopped stands before its last checkpoint: a step held back by its
//! account or failed for a transient reason makes the run wait or retry, so the record
//! written says so, in one write. A `failed` record followed by a second write that
//! says `waiting` would let a reader see a run fail that is not over.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::engine::{RetryNote, RunState, RunStatus};
use crate::outbound::RetryPolicy;

/// What is left to do once the stopped run is recorded.
#[derive(Debug, PartialEq)]
pub(super) enum AfterRun {
    /// The run is over, or was never going to go on here.
    Done,
    /// The run paused itself until a time (a `wait` step, a schedule).
    Paused(Duration),
    /// A step's account is held back: a new message, invisible for this long, carries
    /// the run on without spending an attempt.
    Held(Duration),
    /// A transient failure: this message comes back after this long.
    Retrying(Duration),
}

/// Sets the stopped run's state to what is recorded, and says what is left to do.
/// `receive_count` is this delivery's number, of at most `max_attempts`.
pub(super) fn end_of_run(
    state: &mut RunState,
    receive_count: u32,
    max_attempts: u32,
    now: DateTime<Utc>,
) -> AfterRun {
    match (&state.status, &state.error) {
        (RunStatus::Waiting, _) => {
            let at = state.resume_at.unwrap_or(now);
            AfterRun::Paused((at - now).to_std().unwrap_or_default())
        }
        (RunStatus::Failed, Some(e)) if e.held => {
            let wait = e
                .retry_after_ms
                .map_or(Duration::from_secs(1), Duration::from_millis);
            // The held step made no call: the run waits at it and tries it again.
            state.retry_failed_step();
            state.status = RunStatus::Waiting;
            state.resume_at = Some(now + chrono::Duration::from_std(wait).unwrap_or_default());
            AfterRun::Held(wait)
        }
        (RunStatus::Failed, Some(e)) if e.transient && receive_count < max_attempts => {
            let wait = e
                .retry_after_ms
                .map(Duration::from_millis)
                .unwrap_or_else(|| RetryPolicy::default().backoff(receive_count));
            // Not final: the run says so, with the error that held it up and when it
            // goes again; `failed` stays for runs that are over.
            state.status = RunStatus::Retrying;
            state.finished_at = None;
            state.retry = Some(RetryNote {
                attempt: receive_count,
                of: max_attempts,
                next_attempt_at: now + chrono::Duration::from_std(wait).unwrap_or_default(),
            });
            AfterRun::Retrying(wait)
        }
        _ => AfterRun::Done,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RunError;

    fn stopped(error: RunError) -> RunState {
        let mut state: RunState = serde_json::from_value(serde_json::json!({
            "run_id": "run_1", "flow_id": "f", "block_id": "b", "status": "running",
            "stack": [{"frame": "steps", "list": [], "next": 0}], "log": [], "outputs": {},
            "tasks": 0, "started_at": "2026-12-06T00:00:00Z"
        }))
        .unwrap();
        state.status = RunStatus::Failed;
        state.finished_at = Some(now());
        state.error = Some(error);
        state
    }

    fn now() -> DateTime<Utc> {
        "2026-12-06T00:00:10Z".parse().unwrap()
    }

    fn error(held: bool, transient: bool, retry_after_ms: Option<u64>) -> RunError {
        RunError {
            step: Some("post".into()),
            message: "no".into(),
            transient,
            held,
            retry_after_ms,
        }
    }

    #[test]
    fn a_held_step_is_recorded_waiting_never_failed() {
        let mut state = stopped(error(true, true, Some(800)));
        let after = end_of_run(&mut state, 7, 5, now());
        assert_eq!(after, AfterRun::Held(Duration::from_millis(800)));
        assert_eq!(state.status, RunStatus::Waiting);
        assert_eq!(state.error, None);
        assert_eq!(state.finished_at, None);
        assert_eq!(
            state.resume_at,
            Some(now() + chrono::Duration::milliseconds(800))
        );
        // Held runs spend no attempt: the receive count past the limit does not matter.
    }

    #[test]
    fn a_transient_failure_is_recorded_retrying_until_the_last_attempt() {
        let mut state = stopped(error(false, true, None));
        let after = end_of_run(&mut state, 2, 5, now());
        let AfterRun::Retrying(wait) = after else {
            panic!("{after:?}")
        };
        assert_eq!(state.status, RunStatus::Retrying);
        assert_eq!(state.finished_at, None);
        let note = state.retry.as_ref().unwrap();
        assert_eq!((note.attempt, note.of), (2, 5));
        assert_eq!(
            note.next_attempt_at,
            now() + chrono::Duration::from_std(wait).unwrap()
        );
        // The error stays: it says what the run is waiting out.
        assert!(state.error.is_some());

        let mut last = stopped(error(false, true, None));
        assert_eq!(end_of_run(&mut last, 5, 5, now()), AfterRun::Done);
        assert_eq!(last.status, RunStatus::Failed);
    }

    #[test]
    fn a_lasting_failure_or_a_success_is_final() {
        let mut failed = stopped(error(false, false, None));
        assert_eq!(end_of_run(&mut failed, 1, 5, now()), AfterRun::Done);
        assert_eq!(failed.status, RunStatus::Failed);

        let mut done = stopped(error(false, false, None));
        done.status = RunStatus::Succeeded;
        done.error = None;
        assert_eq!(end_of_run(&mut done, 1, 5, now()), AfterRun::Done);
        assert_eq!(done.status, RunStatus::Succeeded);
    }

    #[test]
    fn a_paused_run_comes_back_when_it_resumes() {
        let mut state = stopped(error(false, false, None));
        state.status = RunStatus::Waiting;
        state.error = None;
        state.resume_at = Some(now() + chrono::Duration::seconds(30));
        assert_eq!(
            end_of_run(&mut state, 1, 5, now()),
            AfterRun::Paused(Duration::from_secs(30))
        );
        assert_eq!(state.status, RunStatus::Waiting);
    }
}
