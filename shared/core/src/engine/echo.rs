//! Echo suppression for flows that sync both ways: an action remembers what it wrote,
//! and a run whose trigger item reports exactly that write coming back is skipped
//! before its first step, so two apps never ping-pong one change between them.

use std::collections::BTreeMap;

use serde_json::Value;

use super::state::{RunState, RunStatus, Skipped};
use super::{Engine, Invocation, StepError};
use crate::definition::{Block, EchoCheck};
use crate::engine::get_path;
use crate::storage::Written;

/// What a run's action wrote, to remember once the app has answered.
pub(super) struct Write<'a> {
    pub app: &'a str,
    /// The action's rendered input: the fields it set, by input name.
    pub input: &'a Value,
    /// The app's answer, where the written object's id is.
    pub answer: &'a Value,
    /// The dot path of that id (`object_id` of the app's action).
    pub object_id_at: Option<&'a str>,
}

impl Engine {
    /// Remembers what an action wrote when a block of the flow checks for echoes of
    /// that app. Returns what the step log should add: a failure to remember is not
    /// the action's failure (the write happened and must not be sent again); at worst
    /// the echo runs once and writes the same values back, which is then recognised.
    pub(super) async fn remember_write(
        &self,
        inv: &Invocation<'_>,
        state: &RunState,
        write: Write<'_>,
    ) -> Option<String> {
        if !inv.flow.checks_echoes_of(write.app) {
            return None;
        }
        let id = write
            .object_id_at
            .and_then(|path| get_path(write.answer, path))
            .and_then(object_id)?;
        let written = Written::of(&state.run_id, write.input);
        match inv
            .storage
            .remember_write(write.app, &id, written, inv.flow.echo_window())
            .await
        {
            Ok(()) => None,
            Err(e) => {
                tracing::warn!(run = %state.run_id, app = write.app, error = %e, "could not remember a write for echo suppression");
                Some(format!(
                    "the write to {} '{id}' could not be remembered ({e}); its echo may run once",
                    write.app
                ))
            }
        }
    }

    /// Before a run's first step: whether its trigger item is an echo of a write this
    /// or another run of the account made, and if so the run ends `skipped`. Costs one
    /// store read, only for blocks with `echo:`.
    pub(super) async fn skip_if_echo(
        &self,
        inv: &Invocation<'_>,
        state: &mut RunState,
        block: &Block,
    ) -> Result<(), StepError> {
        let (Some(check), Some(app)) = (&block.echo, block.echo_app()) else {
            return Ok(());
        };
        let ctx = self.context(inv, state);
        let (id, reported) = self.reported(check, &ctx)?;
        let Some(id) = id else {
            return Ok(());
        };
        let written = inv
            .storage
            .last_write(app, &id)
            .await
            .map_err(|e| StepError {
                transient: true,
                ..StepError::terminal(format!("echo: the store failed: {e}"))
            })?;
        if let Some(written) = written.filter(|w| w.explains(&reported)) {
            state.skipped = Some(Skipped {
                reason: format!(
                    "an echo: {app} reported the change run {} made to '{id}'",
                    written.run_id
                ),
                echo_of: Some(written.run_id),
                superseded_by: None,
            });
            state.status = RunStatus::Skipped;
            state.finished_at = Some(self.clock.now());
        }
        Ok(())
    }

    /// The reported object's id (none when the item has none) and fields.
    fn reported(
        &self,
        check: &EchoCheck,
        ctx: &crate::template::Context,
    ) -> Result<(Option<String>, BTreeMap<String, Value>), StepError> {
        let failed = |field: &str, e: crate::template::TemplateError| {
            StepError::terminal(format!("echo.{field}: {e}"))
        };
        let id = self
            .templates
            .render_str(&check.object_id, ctx)
            .map_err(|e| failed("object_id", e))?;
        let mut fields = BTreeMap::new();
        for (name, template) in &check.fields {
            let value = self
                .templates
                .render(template, ctx)
                .map_err(|e| failed(&format!("fields.{name}"), e))?;
            fields.insert(name.clone(), value);
        }
        Ok((object_id(&id), fields))
    }
}

/// An object id as text: apps give ids as strings or numbers.
fn object_id(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
