//! `storage:` reads or changes one value the flow keeps between runs, through the
//! run's [`RunStorage`](crate::storage::RunStorage); each executed step is one task,
//! and its log entry shows the key and the value.

use std::time::Duration;

use serde_json::{json, Value};

use super::{Done, Next, StepRun};
use crate::definition::{StorageOp, StorageStep};
use crate::engine::calls::truncate;
use crate::engine::state::{Frame, StorageLog};
use crate::engine::{kept::json_size, StepError};
use crate::storage::{
    StorageError, MAX_STORAGE_KEY_BYTES, MAX_STORAGE_TTL, MAX_STORED_VALUE_BYTES,
};

pub(super) async fn run(step: &StorageStep, at: &mut StepRun<'_, '_>) -> Result<Next, StepError> {
    let templates = &at.engine.templates;
    let key = templates
        .render_text(&step.key, at.ctx)
        .map_err(StepError::template)?;
    check_key(&key)?;
    let ttl = step.ttl.as_deref().map(parse_ttl).transpose()?;
    let storage = at.inv.storage;
    let scope = step.scope;
    let (output, shown) = match step.op {
        StorageOp::Get => {
            let found = storage.get(scope, &key).await.map_err(failed)?;
            let shown = found.clone();
            let value = match (found.is_some(), &step.default) {
                (false, Some(default)) => templates
                    .render(default, at.ctx)
                    .map_err(StepError::template)?,
                _ => found.clone().unwrap_or(Value::Null),
            };
            (json!({ "found": found.is_some(), "value": value }), shown)
        }
        StorageOp::Set => {
            let template = step.value.as_ref().unwrap_or(&Value::Null);
            let value = templates
                .render(template, at.ctx)
                .map_err(StepError::template)?;
            check_size(&value)?;
            storage
                .set(scope, &key, value.clone(), ttl)
                .await
                .map_err(failed)?;
            (json!({ "value": value }), Some(value))
        }
        StorageOp::Delete => {
            let deleted = storage.delete(scope, &key).await.map_err(failed)?;
            (json!({ "deleted": deleted }), None)
        }
        StorageOp::Increment => {
            let by = match &step.by {
                Some(by) => {
                    whole_number(&templates.render(by, at.ctx).map_err(StepError::template)?)?
                }
                None => 1,
            };
            let op = op_id(at);
            let sum = storage
                .increment(scope, &key, by, ttl, &op)
                .await
                .map_err(failed)?;
            (json!({ "value": sum }), Some(Value::from(sum)))
        }
    };
    // Every executed storage step is one task, like a call or a code step.
    at.state.tasks += 1;
    let limit = at.engine.limits.logged_body_bytes;
    at.log.storage = Some(StorageLog {
        op: step.op,
        scope,
        key: key.clone(),
        value: shown.map(|v| truncate(&v.to_string(), limit)),
    });
    let message = match (step.op, output.get("found"), output.get("deleted")) {
        (StorageOp::Get, Some(Value::Bool(false)), _) => format!("no value at '{key}'"),
        (StorageOp::Delete, _, Some(Value::Bool(false))) => {
            format!("no value at '{key}' to delete")
        }
        (op, _, _) => format!("{} '{key}' ({} scope)", op.as_str(), scope.as_str()),
    };
    Ok(Next::Following(Done {
        output,
        message: Some(message),
    }))
}

fn check_key(key: &str) -> Result<(), StepError> {
    if key.is_empty() {
        return Err(StepError::terminal(
            "storage.key: the key rendered empty; a stored value needs a key",
        ));
    }
    if key.len() > MAX_STORAGE_KEY_BYTES {
        return Err(StepError::terminal(format!(
            "storage.key: the key is {} bytes; a key may take at most {MAX_STORAGE_KEY_BYTES}",
            key.len()
        )));
    }
    Ok(())
}

fn check_size(value: &Value) -> Result<(), StepError> {
    let size = json_size(value);
    if size > MAX_STORED_VALUE_BYTES {
        return Err(StepError::terminal(format!(
            "storage.value: the value is {size} bytes of JSON; a stored value may take at most {MAX_STORED_VALUE_BYTES} (keep ids and cursors, not whole records)"
        )));
    }
    Ok(())
}

/// A time to live: a duration such as `30d`, more than zero and at most 400 days.
pub(crate) fn parse_ttl(text: &str) -> Result<Duration, StepError> {
    match humantime::parse_duration(text) {
        Ok(d) if !d.is_zero() && d <= MAX_STORAGE_TTL => Ok(d),
        Ok(_) => Err(StepError::terminal(
            "storage.ttl: must be more than zero and at most 400 days",
        )),
        Err(e) => Err(StepError::terminal(format!(
            "storage.ttl: '{text}' is not a duration like '30d': {e}"
        ))),
    }
}

fn whole_number(value: &Value) -> Result<i64, StepError> {
    match value {
        Value::Number(n) if n.is_i64() => Ok(n.as_i64().unwrap_or_default()),
        Value::String(s) if s.trim().parse::<i64>().is_ok() => {
            Ok(s.trim().parse().unwrap_or_default())
        }
        other => Err(StepError::terminal(format!(
            "storage.by: an increment adds a whole number, not {other}"
        ))),
    }
}

/// Names this execution of the step: the run, the step and its loop iterations, so
/// a step tried again after a crash is known, and every iteration is its own.
fn op_id(at: &StepRun<'_, '_>) -> String {
    let mut id = format!("{}/{}", at.state.run_id, at.step_id);
    for frame in &at.state.stack {
        if let Frame::Loop { index, .. } = frame {
            id.push_str(&format!("#{index}"));
        }
    }
    id
}

fn failed(e: StorageError) -> StepError {
    match e {
        StorageError::Refused(message) => StepError::terminal(format!("storage: {message}")),
        StorageError::Unavailable(message) => StepError {
            transient: true,
            ..StepError::terminal(format!("storage: the store failed: {message}"))
        },
    }
}
