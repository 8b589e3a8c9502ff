//! `condition:` takes the first branch whose comparisons hold, else `else`; the same
//! comparisons decide whether a `while` loop goes on.

use serde_json::{json, Value};

use super::{Done, Next, StepRun};
use crate::definition::{Body, Comparison, ConditionStep, MatchMode};
use crate::engine::compare::compare;
use crate::engine::{Engine, StepError};
use crate::template::{Context, TemplateError};

pub(super) fn run(step: &ConditionStep, at: &mut StepRun<'_, '_>) -> Result<Next, StepError> {
    let mut chosen = None;
    for (b, branch) in step.branches.iter().enumerate() {
        if holds(at.engine, &branch.when, branch.mode, at.ctx)? {
            chosen = Some(b);
            break;
        }
    }
    Ok(match chosen {
        Some(b) => Next::Into(
            done(json!({ "branch": b }), format!("took branch {b}")),
            Body::Branch(b),
        ),
        None if !step.otherwise.is_empty() => Next::Into(
            done(json!({ "branch": "else" }), "took else".into()),
            Body::Else,
        ),
        None => Next::Following(done(json!({ "branch": null }), "no branch matched".into())),
    })
}

fn done(output: Value, message: String) -> Done {
    Done {
        output,
        message: Some(message),
    }
}

/// Whether `all` (or `any`) of the comparisons hold in `ctx`.
pub(in crate::engine) fn holds(
    engine: &Engine,
    comparisons: &[Comparison],
    mode: MatchMode,
    ctx: &Context,
) -> Result<bool, StepError> {
    for c in comparisons {
        // `exists` asks whether something is there; missing is an answer, not an error.
        let lenient = c.op.is_unary();
        let left = operand(engine, &c.left, ctx, lenient)?;
        let right = c
            .right
            .as_ref()
            .map(|r| operand(engine, r, ctx, false))
            .transpose()?;
        let ok = compare(&left, c.op, right.as_ref()).map_err(StepError::terminal)?;
        match mode {
            MatchMode::All if !ok => return Ok(false),
            MatchMode::Any if ok => return Ok(true),
            _ => {}
        }
    }
    Ok(match mode {
        MatchMode::All => true,
        MatchMode::Any => false,
    })
}

fn operand(
    engine: &Engine,
    value: &Value,
    ctx: &Context,
    lenient: bool,
) -> Result<Value, StepError> {
    match engine.templates.render(value, ctx) {
        Ok(v) => Ok(v),
        Err(TemplateError::Undefined { .. }) if lenient => Ok(Value::Null),
        Err(e) => Err(StepError::template(e)),
    }
}
