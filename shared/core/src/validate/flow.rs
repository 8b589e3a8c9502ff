//! Validation of flow definitions: apps, blocks and triggers (forms and steps have
//! their own modules).

use std::collections::BTreeSet;
use std::str::FromStr;

use super::context::{list, FlowContext};
use super::scope::Scope;
use super::{check_id, echo, form, steps, Report};
use crate::catalog::AppCatalog;
use crate::definition::{CodeLimits, FieldPath, FlowDefinition, Trigger};
use crate::template::Templates;

/// Shortest poll interval: polling faster hurts the apps more than it helps the user.
pub const MIN_POLL_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);

/// Every problem in a flow definition, checked against the apps it uses.
pub fn validate_flow(
    flow: &FlowDefinition,
    apps: &AppCatalog,
    t: &Templates,
) -> Vec<(FieldPath, String)> {
    validate_flow_within(flow, apps, t, &CodeLimits::default())
}

/// [`validate_flow`] for a workspace whose code steps have their own maximum.
pub fn validate_flow_within(
    flow: &FlowDefinition,
    apps: &AppCatalog,
    t: &Templates,
    code_limits: &CodeLimits,
) -> Vec<(FieldPath, String)> {
    let mut report = Report::default();
    let root = FieldPath::root();
    check_id(&mut report, &root.key("id"), &flow.id);
    if flow.name.trim().is_empty() {
        report.push(&root.key("name"), "must not be empty");
    }
    for (i, tag) in flow.tags.iter().enumerate() {
        if tag.trim().is_empty() || tag.contains(',') {
            report.push(
                &root.key("tags").index(i),
                "a tag must be non-empty and hold no ','",
            );
        }
    }

    let mut flow_apps = BTreeSet::new();
    for (i, app) in flow.apps.iter().enumerate() {
        let path = root.key("apps").index(i);
        if apps.get(app).is_none() {
            let known: Vec<_> = apps.ids().collect();
            let message = if known.is_empty() {
                format!("unknown app '{app}': no app definitions are known here (give or push the flow's apps too)")
            } else {
                format!("unknown app '{app}' (known apps: {})", list(&known))
            };
            report.push(&path, message);
        }
        if !flow_apps.insert(app.as_str()) {
            report.push(&path, format!("app '{app}' is listed twice"));
        }
    }
    let ctx = FlowContext {
        flow,
        apps,
        flow_apps: &flow_apps,
        code_limits,
    };

    let fields = form::check_form(&ctx, t, &mut report, &root.key("setup"));

    if flow.blocks.is_empty() {
        report.push(&root.key("blocks"), "a flow needs at least one block");
    }
    let mut block_ids = BTreeSet::new();
    for (i, block) in flow.blocks.iter().enumerate() {
        let path = root.key("blocks").index(i);
        check_id(&mut report, &path.key("id"), &block.id);
        if !block_ids.insert(block.id.as_str()) {
            report.push(
                &path.key("id"),
                format!("duplicate block id '{}'", block.id),
            );
        }
        check_trigger(
            &ctx,
            t,
            &mut report,
            &path.key("trigger"),
            &block.trigger,
            &fields,
        );
        if block.steps.is_empty() {
            report.push(&path.key("steps"), "a block needs at least one step");
        }
        steps::check_block_steps(&ctx, t, &mut report, &path.key("steps"), block, &fields);
    }
    echo::check_echoes(&ctx, t, &mut report, &fields);
    report.into_problems()
}

fn check_trigger(
    ctx: &FlowContext<'_>,
    t: &Templates,
    report: &mut Report,
    path: &FieldPath,
    trigger: &Trigger,
    fields: &BTreeSet<String>,
) {
    match trigger {
        Trigger::AppEvent { event } => {
            if event.trim().is_empty() || event.contains('/') {
                report.push(
                    &path.key("event"),
                    "an event name must be non-empty and hold no '/'",
                );
            }
        }
        Trigger::Webhook { app, events } => {
            let found = ctx.app(report, &path.key("app"), app);
            let typed = found
                .and_then(|a| a.webhook.as_ref())
                .is_some_and(|w| w.event_type.is_some());
            if found.is_some() && !events.is_empty() && !typed {
                report.push(
                    &path.key("events"),
                    format!("app '{app}' does not say where its webhooks carry the event type (webhook.event_type), so they cannot be filtered"),
                );
            }
        }
        Trigger::Poll {
            app,
            query,
            interval,
            input,
            updated,
            ..
        } => {
            ctx.query_exists(report, path, app, query);
            if updated.as_deref().is_some_and(|u| u.trim().is_empty()) {
                report.push(&path.key("updated"), "must not be empty");
            }
            match humantime::parse_duration(interval) {
                Ok(d) if d < MIN_POLL_INTERVAL => report.push(
                    &path.key("interval"),
                    format!("'{interval}' is shorter than the 1 minute minimum"),
                ),
                Ok(_) => {}
                Err(e) => report.push(
                    &path.key("interval"),
                    format!("'{interval}' is not a duration like '5m': {e}"),
                ),
            }
            // `poll` is the poll's own state: last_polled_at, last_updated_at, last_id.
            let mut scope = Scope::with_roots(&["setup", "user", "poll"]);
            scope.setup = Some(fields.clone());
            for (name, value) in input {
                scope.check_value(t, report, &path.key("input").key(name), value);
            }
        }
        Trigger::Schedule { cron, timezone } => {
            if let Some(problem) = super::cron::check(cron) {
                report.push(&path.key("cron"), problem);
            }
            if chrono_tz::Tz::from_str(timezone).is_err() {
                report.push(
                    &path.key("timezone"),
                    format!("'{timezone}' is not an IANA time zone like 'Europe/Paris'"),
                );
            }
        }
        Trigger::IntegrationCreated | Trigger::Manual => {}
    }
}
