//! What the form and step checks know about the flow around them: its apps, the
//! catalog and the workspace's code limits.

use std::collections::BTreeSet;

use super::Report;
use crate::catalog::AppCatalog;
use crate::definition::{CodeLimits, FieldPath, FlowDefinition};

/// What step and form checks need to know about the flow around them.
pub(crate) struct FlowContext<'a> {
    pub flow: &'a FlowDefinition,
    pub apps: &'a AppCatalog,
    pub flow_apps: &'a BTreeSet<&'a str>,
    pub code_limits: &'a CodeLimits,
}

impl FlowContext<'_> {
    /// The app, if the flow lists it and the catalog has it; reports otherwise.
    pub(crate) fn app(
        &self,
        report: &mut Report,
        path: &FieldPath,
        id: &str,
    ) -> Option<&crate::definition::AppDefinition> {
        if !self.flow_apps.contains(id) {
            report.push(
                path,
                format!(
                    "app '{id}' is not among the flow's apps ({})",
                    list(&self.flow_apps.iter().copied().collect::<Vec<_>>())
                ),
            );
            return None;
        }
        self.apps.get(id)
    }

    /// Reports a query the app does not define.
    pub(crate) fn query_exists(
        &self,
        report: &mut Report,
        path: &FieldPath,
        app: &str,
        query: &str,
    ) -> bool {
        let Some(def) = self.app(report, &path.key("app"), app) else {
            return false;
        };
        if def.queries.contains_key(query) {
            return true;
        }
        let known: Vec<_> = def.queries.keys().map(String::as_str).collect();
        report.push(
            &path.key("query"),
            format!(
                "app '{app}' has no query '{query}' (its queries: {})",
                list(&known)
            ),
        );
        false
    }
}

/// Names for a message: `a, b`, or `none`.
pub(crate) fn list(items: &[&str]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}
