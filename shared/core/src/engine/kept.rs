//! What a run keeps: the part of an answer a step selects with `output:`, and the bounds
//! that keep each step's output and the whole run record storable. Both are checked
//! before the step counts as done, so a step whose effect has happened fails with a
//! clear error in a record that still fits, and is never repeated for want of space.

use serde::Serialize;
use serde_json::Value;

use super::state::{RunState, StepLog};
use super::{Engine, Invocation, StepError};
use crate::definition::Step;
use crate::template::Context;

/// Room left in a run record for what is not its input or state: ids, times, status.
const RECORD_OVERHEAD: usize = 4 * 1024;

/// Bytes of JSON a value takes, counted without building the text.
pub(crate) fn json_size<T: Serialize + ?Sized>(value: &T) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

/// A size as people read it: `512 bytes`, `64 KB`, `9.5 MB` (of 1,024).
pub(crate) fn human_size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

impl Engine {
    /// The step's answer as the run keeps it: what `output:` selects, within the
    /// per-step limit. Returns it with its size.
    pub(crate) fn kept_output(
        &self,
        step: &Step,
        ctx: &Context,
        answer: Value,
    ) -> Result<(Value, usize), StepError> {
        let kept = match &step.output {
            None => answer,
            Some(template) => self
                .templates
                .render(template, &ctx.with("output", &answer))
                .map_err(|e| StepError::terminal(format!("output: {e}")))?,
        };
        let size = json_size(&kept);
        let limit = self.limits.max_output_bytes;
        if size > limit {
            return Err(StepError::terminal(format!(
                "the answer of step '{}' is {}; a step may keep at most {}: select what you need with `output:` or a code step",
                step.id,
                human_size(size),
                human_size(limit)
            )));
        }
        Ok((kept, size))
    }

    /// Makes room in the run record for a step's output (`output_size` bytes, kept
    /// twice inside a loop: as the step's output and in the loop's results) and its log
    /// entry. The log gives way first, and never takes more than half the record: its
    /// bodies and console lines are left out, then the entry itself (counted in
    /// `log_dropped`), so a long loop fills its log rather than failing. Returns
    /// whether the entry is kept.
    pub(crate) fn make_room(
        &self,
        inv: &Invocation<'_>,
        state: &mut RunState,
        step: &str,
        output_size: usize,
        in_loop: bool,
        log: &mut StepLog,
    ) -> Result<bool, StepError> {
        let input = *state
            .scope
            .input_bytes
            .get_or_insert_with(|| json_size(inv.input));
        let budget = self
            .limits
            .max_record_bytes
            .saturating_sub(input + RECORD_OVERHEAD);
        let output = if in_loop {
            2 * output_size
        } else {
            output_size
        };
        // The log may take half of the record at most, so a long loop leaves entries
        // out while its outputs still have room.
        let log_room = budget / 2;
        let log_bytes = *state
            .scope
            .log_bytes
            .get_or_insert_with(|| json_size(&state.log));
        let mut entry = json_size(log);
        // An upper bound, kept up as steps add to the record; measured when it is
        // first needed after loading and whenever it comes near the budget.
        let mut kept = match state.scope.kept_bytes {
            Some(k) => k,
            None => json_size(state),
        };
        if kept + output + entry > budget {
            kept = json_size(state);
        }
        let full = |kept: usize, entry: usize| {
            kept + output + entry > budget || log_bytes + entry > log_room
        };
        let has_bodies =
            !(log.requests.is_empty() && log.console.is_empty()) || log.storage.is_some();
        if full(kept, entry) && has_bodies {
            for request in &mut log.requests {
                request.request_body = None;
                request.response_body = None;
            }
            log.console.clear();
            if let Some(storage) = &mut log.storage {
                storage.value = None;
            }
            log.message = Some(match log.message.take() {
                Some(m) => format!("{m} (bodies and console left out: the run record is full)"),
                None => "bodies and console left out: the run record is full".into(),
            });
            entry = json_size(log);
        }
        if full(kept, entry) && kept + output <= budget {
            state.scope.kept_bytes = Some(kept + output);
            return Ok(false);
        }
        if kept + output > budget {
            state.scope.kept_bytes = Some(kept);
            return Err(StepError::terminal(format!(
                "the run would keep {} with the output of step '{step}' ({}); a run may keep at most {} besides its trigger input: select what steps keep with `output:`",
                human_size(kept + output + entry),
                human_size(output_size),
                human_size(budget)
            )));
        }
        state.scope.log_bytes = Some(log_bytes + entry);
        state.scope.kept_bytes = Some(kept + output + entry);
        Ok(true)
    }
}
