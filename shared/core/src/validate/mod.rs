//! Checks a definition once, before anything runs, and reports every problem with its
//! path: unknown references, bad templates, unbounded loops, invalid schedules.

mod app;
mod context;
mod cron;
mod echo;
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

/// The origin a URL template always has, when its scheme, host and port are written
/// out before any template syntax (`https://api.example.com/{{ id }}`).
pub(crate) fn fixed_origin(template: &str) -> Option<url::Origin> {
    let literal = template
        .find("{{")
        .into_iter()
        .chain(template.find("{%"))
        .min()
        .map_or(template, |at| &template[..at]);
    let after_scheme = literal.find("://")? + 3;
    let whole = literal.len() == template.len();
    let end = match literal[after_scheme..].find(['/', '?', '#']) {
        Some(i) => after_scheme + i,
        None if whole => literal.len(),
        None => return None,
    };
    url::Url::parse(&literal[..end]).ok().map(|u| u.origin())
}

/// An app's request or an `http` step bound to it must stay where its credentials go.
pub(crate) fn check_credential_origin(
    report: &mut Report,
    path: &FieldPath,
    app: &crate::definition::AppDefinition,
    target: &str,
) {
    if matches!(app.auth, crate::definition::AuthScheme::None) {
        return;
    }
    let Some(origin) = fixed_origin(target) else {
        return;
    };
    if !app.takes_credentials_from(&origin) {
        report.push(
            path,
            format!(
                "{} is not app '{}''s origin ({}), so it would get the account's credentials: list it in the app's credential_origins, or leave out 'app'",
                origin.ascii_serialization(),
                app.id,
                app.credential_origin()
            ),
        );
    }
}

#[cfg(test)]
mod tests;
