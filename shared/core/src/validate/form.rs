//! Validation of a flow's setup form: field kinds, options sources, dependencies.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::context::FlowContext;
use super::scope::Scope;
use super::{check_id, Report};
use crate::definition::{FieldKind, FieldPath, FormField};
use crate::template::Templates;

/// Checks the form and returns the ids of its fields (what `setup.*` may name).
pub(crate) fn check_form(
    ctx: &FlowContext<'_>,
    t: &Templates,
    report: &mut Report,
    path: &FieldPath,
) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut located = Vec::new();
    for (p, page) in ctx.flow.setup.pages.iter().enumerate() {
        let page_path = path.key("pages").index(p);
        if page.fields.is_empty() {
            report.push(&page_path.key("fields"), "a page needs at least one field");
        }
        for (f, field) in page.fields.iter().enumerate() {
            let field_path = page_path.key("fields").index(f);
            check_id(report, &field_path.key("id"), &field.id);
            if !ids.insert(field.id.clone()) {
                report.push(
                    &field_path.key("id"),
                    format!("duplicate field id '{}'", field.id),
                );
            }
            located.push((field_path, field));
        }
    }
    for (field_path, field) in &located {
        check_field(ctx, t, report, field_path, field, &ids);
    }
    check_cycles(report, &located);
    ids
}

fn check_field(
    ctx: &FlowContext<'_>,
    t: &Templates,
    report: &mut Report,
    path: &FieldPath,
    field: &FormField,
    ids: &BTreeSet<String>,
) {
    let needs_source = matches!(
        field.kind,
        FieldKind::DynamicSelect | FieldKind::FieldMapping
    );
    let static_options = matches!(field.kind, FieldKind::Select);
    let kind = serde_json::to_value(field.kind).unwrap_or_default();
    let kind = kind.as_str().unwrap_or("field");

    if static_options && field.options.as_ref().is_none_or(Vec::is_empty) {
        report.push(
            &path.key("options"),
            format!("a {kind} needs a non-empty 'options' list"),
        );
    }
    if needs_source && field.source.is_none() {
        report.push(
            &path.key("source"),
            format!("a {kind} needs a 'source' query"),
        );
    }
    if field.kind == FieldKind::MultiSelect && field.options.is_none() == field.source.is_none() {
        report.push(
            path,
            "a multi_select needs either 'options' or 'source', not both",
        );
    }
    if field.allow_custom && field.kind != FieldKind::DynamicSelect {
        report.push(
            &path.key("allow_custom"),
            format!("only a dynamic_select takes 'allow_custom', not a {kind}"),
        );
    }
    if field.kind == FieldKind::Hidden && field.default.is_none() {
        report.push(&path.key("default"), "a hidden field needs a 'default'");
    }
    if !needs_source && field.kind != FieldKind::MultiSelect && field.source.is_some() {
        report.push(&path.key("source"), format!("a {kind} takes no 'source'"));
    }
    // A field mapping's options are the source fields a target may take its value from.
    let takes_options = matches!(field.kind, FieldKind::MultiSelect | FieldKind::FieldMapping);
    if !static_options && !takes_options && field.options.is_some() {
        report.push(&path.key("options"), format!("a {kind} takes no 'options'"));
    }

    if let Some(default) = &field.default {
        check_default(report, &path.key("default"), field, default);
    }

    for (i, dep) in field.depends_on.iter().enumerate() {
        if dep == &field.id {
            report.push(
                &path.key("depends_on").index(i),
                "a field cannot depend on itself",
            );
        } else if !ids.contains(dep) {
            report.push(
                &path.key("depends_on").index(i),
                format!("unknown field '{dep}'"),
            );
        }
    }

    if let Some(source) = &field.source {
        let source_path = path.key("source");
        ctx.query_exists(report, &source_path, &source.app, &source.query);
        let mut scope = Scope::with_roots(&["setup", "user"]);
        scope.setup = Some(field.depends_on.iter().cloned().collect());
        for (name, value) in &source.input {
            scope.check_value(t, report, &source_path.key("input").key(name), value);
        }
        for (key, value) in [("value", &source.value), ("label", &source.label)] {
            if value.trim().is_empty() {
                report.push(&source_path.key(key), "must be a dot path into each item");
            }
        }
    }
}

fn check_default(report: &mut Report, path: &FieldPath, field: &FormField, default: &Value) {
    let ok = match field.kind {
        FieldKind::Text => default.is_string(),
        FieldKind::Number => default.is_number(),
        FieldKind::Boolean => default.is_boolean(),
        FieldKind::Select => field
            .options
            .as_ref()
            .is_none_or(|opts| opts.iter().any(|o| &o.value == default)),
        FieldKind::MultiSelect => default.is_array(),
        FieldKind::FieldMapping => default.is_object(),
        FieldKind::DynamicSelect | FieldKind::Hidden => true,
    };
    if !ok {
        report.push(
            path,
            format!(
                "default {default} does not fit a field of this type (or is not among its options)"
            ),
        );
    }
}

/// `depends_on` must form no cycle, or a form could never be filled in.
fn check_cycles(report: &mut Report, fields: &[(FieldPath, &FormField)]) {
    let deps: BTreeMap<&str, Vec<&str>> = fields
        .iter()
        .map(|(_, f)| {
            (
                f.id.as_str(),
                f.depends_on.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    for (path, field) in fields {
        // Depth-first walk from each field, looking for a way back to it.
        let mut stack: Vec<&str> = deps.get(field.id.as_str()).cloned().unwrap_or_default();
        let mut seen = BTreeSet::new();
        while let Some(next) = stack.pop() {
            if next == field.id && !field.depends_on.iter().any(|d| d == &field.id) {
                report.push(
                    &path.key("depends_on"),
                    format!(
                        "field '{}' depends on itself through other fields",
                        field.id
                    ),
                );
                break;
            }
            if seen.insert(next) {
                stack.extend(deps.get(next).into_iter().flatten().copied());
            }
        }
    }
}
