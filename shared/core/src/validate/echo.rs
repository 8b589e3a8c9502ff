//! Validation of what keeps a two-way sync sane: a block's `echo:` (which app, which
//! object, which fields), the flow's `echo_window`, and a block's `order_by:`, so a
//! flow that could not recognise its own writes or order its updates is refused at
//! push time rather than looping or overwriting at run time.

use std::collections::BTreeSet;

use super::context::FlowContext;
use super::scope::Scope;
use super::Report;
use crate::definition::{parse_echo_window, Block, FieldPath, StepKind};
use crate::template::Templates;

/// Checks the flow's `echo_window` and each block's `echo:`.
pub(super) fn check_echoes(
    ctx: &FlowContext<'_>,
    t: &Templates,
    report: &mut Report,
    fields: &BTreeSet<String>,
) {
    let root = FieldPath::root();
    if let Some(window) = &ctx.flow.echo_window {
        if let Err(message) = parse_echo_window(window) {
            report.push(&root.key("echo_window"), message);
        }
    }
    for (i, block) in ctx.flow.blocks.iter().enumerate() {
        let path = root.key("blocks").index(i);
        if block.echo.is_some() {
            check_block(ctx, t, report, &path.key("echo"), block, fields);
        }
        if let Some(order) = &block.order_by {
            let scope = trigger_scope(block, fields);
            for (name, source) in [("id", &order.id), ("updated_at", &order.updated_at)] {
                let at = path.key("order_by").key(name);
                if source.trim().is_empty() {
                    report.push(&at, "must not be empty");
                }
                scope.check_str(t, report, &at, source);
            }
        }
    }
}

/// What templates evaluated before a block's first step may read.
fn trigger_scope(block: &Block, fields: &BTreeSet<String>) -> Scope {
    let mut scope = Scope::with_roots(&["trigger", "setup", "user", "run"]);
    scope.setup = Some(fields.clone());
    scope.trigger = block
        .trigger
        .gives()
        .map(|gives| (block.trigger.kind(), gives));
    scope
}

fn check_block(
    ctx: &FlowContext<'_>,
    t: &Templates,
    report: &mut Report,
    path: &FieldPath,
    block: &Block,
    fields: &BTreeSet<String>,
) {
    let Some(echo) = &block.echo else { return };
    let Some(app) = block.echo_app() else {
        report.push(
            &path.key("app"),
            format!(
                "a {} trigger reports no app's objects: name the app whose changes it reports (for your app's events, your app's id)",
                block.trigger.kind()
            ),
        );
        return;
    };
    let app_path = if echo.app.is_some() {
        path.key("app")
    } else {
        path.clone()
    };
    if let Some(found) = ctx.app(report, &app_path, app) {
        // Without an action that says where its object's id is, nothing this flow
        // writes to the app is remembered, so the check could never recognise one.
        let writes = writing_actions(ctx, app);
        let tracked = writes.iter().any(|action| {
            found
                .actions
                .get(*action)
                .is_some_and(|a| a.object_id.is_some())
        });
        if !tracked {
            let message = if writes.is_empty() {
                format!("no action step of this flow writes to '{app}', so there is no echo of it to recognise")
            } else {
                format!(
                    "none of the actions this flow calls on '{app}' ({}) says where the written object's id is in its answer (`object_id` in the app's action)",
                    writes.join(", ")
                )
            };
            report.push(path, message);
        }
    }
    let scope = trigger_scope(block, fields);
    scope.check_str(t, report, &path.key("object_id"), &echo.object_id);
    if echo.fields.is_empty() {
        report.push(
            &path.key("fields"),
            "name at least one field the flow writes: an echo is known by its values",
        );
    }
    for (name, value) in &echo.fields {
        scope.check_value(t, report, &path.key("fields").key(name), value);
    }
}

/// The actions this flow's action steps call on `app`, in any block, branch or loop.
fn writing_actions<'f>(ctx: &FlowContext<'f>, app: &str) -> Vec<&'f str> {
    fn walk<'f>(steps: &'f [crate::definition::Step], app: &str, out: &mut Vec<&'f str>) {
        for step in steps {
            if let StepKind::Action(action) = &step.kind {
                if action.app == app && !out.contains(&action.action.as_str()) {
                    out.push(&action.action);
                }
            }
            for (_, body) in step.children() {
                walk(body, app, out);
            }
        }
    }
    let mut out = Vec::new();
    for block in &ctx.flow.blocks {
        walk(&block.steps, app, &mut out);
    }
    out
}
