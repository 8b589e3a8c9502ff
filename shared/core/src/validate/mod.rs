//! Checks a definition once, before anything runs, and reports every problem with its
//! path: unknown references, bad templates, unbounded loops, invalid schedules.

mod app;
mod flow;
mod form;
mod scope;
mod steps;
mod webhook;

use crate::definition::FieldPath;

pub use app::validate_app;
pub use flow::{validate_flow, validate_flow_within};

/// Problems found so far, by path.
#[derive(Debug, Default)]
pub(crate) struct Report {
    problems: Vec<(FieldPath, String)>,
}

impl Report {
    pub(crate) fn push(&mut self, path: &FieldPath, message: impl Into<String>) {
        self.problems.push((path.clone(), message.into()));
    }

    pub(crate) fn into_problems(self) -> Vec<(FieldPath, String)> {
        self.problems
    }
}

/// Ids are what templates and URLs refer to: keep them to a safe alphabet.
pub(crate) fn check_id(report: &mut Report, path: &FieldPath, id: &str) {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        && id.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    if !ok {
        report.push(
            path,
            format!("'{id}' is not a valid id: use 1 to 64 lowercase letters, digits, '_' or '-', starting with a letter"),
        );
    }
}

/// An absolute http(s) URL without template syntax.
pub(crate) fn check_url(report: &mut Report, path: &FieldPath, raw: &str) {
    match url::Url::parse(raw) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
        Ok(_) => report.push(path, format!("'{raw}' must be an http or https URL")),
        Err(e) => report.push(path, format!("'{raw}' is not a valid URL: {e}")),
    }
}

#[cfg(test)]
mod tests;
