//! Validation of app definitions.

use std::collections::BTreeSet;

use super::scope::Scope;
use super::{check_id, check_url, Report};
use crate::definition::{
    AppDefinition, AuthScheme, FieldPath, InputSpec, Pagination, RequestTemplate,
};
use crate::template::{contains_template, Templates};

/// Every problem in an app definition, by path.
pub fn validate_app(app: &AppDefinition, templates: &Templates) -> Vec<(FieldPath, String)> {
    let mut report = Report::default();
    let root = FieldPath::root();
    check_id(&mut report, &root.key("id"), &app.id);
    if app.name.trim().is_empty() {
        report.push(&root.key("name"), "must not be empty");
    }
    check_url(&mut report, &root.key("base_url"), &app.base_url);
    check_auth(&mut report, &root.key("auth"), &app.auth);
    if let Some(icon) = &app.icon {
        check_icon(&mut report, &root.key("icon"), icon);
    }
    if let Some(color) = &app.color {
        check_color(&mut report, &root.key("color"), color);
    }
    check_timeout(&mut report, &root.key("timeout"), app.timeout.as_deref());
    if let Some(limit) = &app.rate_limit {
        let path = root.key("rate_limit");
        if limit.requests == 0 {
            report.push(&path.key("requests"), "must be at least 1");
        }
        match humantime::parse_duration(&limit.per) {
            Ok(d)
                if d < std::time::Duration::from_secs(1)
                    || d > std::time::Duration::from_secs(3600) =>
            {
                report.push(
                    &path.key("per"),
                    format!("'{}' must be from 1s to 1h", limit.per),
                )
            }
            Ok(_) => {}
            Err(e) => report.push(
                &path.key("per"),
                format!(
                    "'{}' is not a duration ({e}); write it like 1s or 1m",
                    limit.per
                ),
            ),
        }
    }
    for (i, origin) in app.credential_origins.iter().enumerate() {
        check_origin(
            &mut report,
            &root.key("credential_origins").index(i),
            origin,
        );
    }

    if let Some(test) = &app.test {
        let path = root.key("test");
        check_request(
            templates,
            &mut report,
            app,
            &path.key("request"),
            &test.request,
            &Scope::with_roots(&[]),
        );
        if let Some(label) = &test.label {
            Scope::with_roots(&["response"]).check_str(
                templates,
                &mut report,
                &path.key("label"),
                label,
            );
        }
    }

    for (name, query) in &app.queries {
        let path = root.key("queries").key(name);
        check_id(&mut report, &path, name);
        let scope = input_scope(&mut report, &path.key("inputs"), &query.inputs);
        check_request(
            templates,
            &mut report,
            app,
            &path.key("request"),
            &query.request,
            &scope,
        );
        check_timeout(&mut report, &path.key("timeout"), query.timeout.as_deref());
        if query.max_pages == 0 {
            report.push(&path.key("max_pages"), "must be at least 1");
        }
        if let Some(p) = &query.pagination {
            if query.items.is_none() {
                report.push(
                    &path.key("pagination"),
                    "a paginated query needs 'items' (where the list is in each page)",
                );
            }
            check_pagination(&mut report, &path.key("pagination"), p);
        }
        for (field, value) in [("items", &query.items), ("id", &query.id)] {
            if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                report.push(&path.key(field), "must not be empty");
            }
        }
    }

    for (name, action) in &app.actions {
        let path = root.key("actions").key(name);
        check_id(&mut report, &path, name);
        let scope = input_scope(&mut report, &path.key("inputs"), &action.inputs);
        check_request(
            templates,
            &mut report,
            app,
            &path.key("request"),
            &action.request,
            &scope,
        );
        check_timeout(&mut report, &path.key("timeout"), action.timeout.as_deref());
    }

    if app
        .idempotency_header
        .as_deref()
        .is_some_and(|h| h.trim().is_empty())
    {
        report.push(&root.key("idempotency_header"), "must not be empty");
    }
    if let Some(spec) = &app.webhook {
        super::webhook::check_webhook(templates, &mut report, &root.key("webhook"), app, spec);
    }
    report.into_problems()
}

/// Longest request timeout a definition may set: beyond it a worker (or a Lambda
/// invocation) would wait on one call longer than a run should take.
const MAX_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

fn check_timeout(report: &mut Report, path: &FieldPath, timeout: Option<&str>) {
    let Some(raw) = timeout else { return };
    match humantime::parse_duration(raw) {
        Ok(d) if d < std::time::Duration::from_millis(100) => {
            report.push(path, format!("'{raw}' is too short: at least 100ms"))
        }
        Ok(d) if d > MAX_TIMEOUT => report.push(path, format!("'{raw}' is too long: at most 5m")),
        Ok(_) => {}
        Err(e) => report.push(
            path,
            format!("'{raw}' is not a duration ({e}); write it like 10s or 2m"),
        ),
    }
}

/// An origin is a scheme, host and optional port, and nothing more.
fn check_origin(report: &mut Report, path: &FieldPath, raw: &str) {
    match url::Url::parse(raw) {
        Ok(u)
            if matches!(u.scheme(), "http" | "https")
                && u.host().is_some()
                && u.path() == "/"
                && u.query().is_none()
                && u.fragment().is_none()
                && u.username().is_empty() => {}
        Ok(_) => report.push(
            path,
            format!("'{raw}' must be an origin: scheme, host and port only, like 'https://uploads.example.com'"),
        ),
        Err(e) => report.push(path, format!("'{raw}' is not a valid URL: {e}")),
    }
}

/// Icons are shown in the marketplace as images: a web URL or an image data URI, never
/// a `javascript:` or other URL a browser would act on.
fn check_icon(report: &mut Report, path: &FieldPath, icon: &str) {
    const MAX_ICON_BYTES: usize = 32 * 1024;
    if icon.len() > MAX_ICON_BYTES {
        report.push(
            path,
            format!("must be at most {MAX_ICON_BYTES} bytes (host a large icon and give its URL)"),
        );
    } else if icon.starts_with("data:image/") {
        if !icon.contains(',') {
            report.push(path, "a data URI needs its data after a ','");
        }
    } else if !matches!(url::Url::parse(icon), Ok(u) if matches!(u.scheme(), "https" | "http") && u.host().is_some())
    {
        report.push(
            path,
            format!(
                "'{}' must be an https URL or a data:image/... URI",
                icon.chars().take(80).collect::<String>()
            ),
        );
    }
}

fn check_color(report: &mut Report, path: &FieldPath, color: &str) {
    let hex = color.strip_prefix('#').unwrap_or("");
    if !matches!(hex.len(), 3 | 6) || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        report.push(
            path,
            format!("'{color}' must be a colour like #1a73e8 or #fa0"),
        );
    }
}

fn check_auth(report: &mut Report, path: &FieldPath, auth: &AuthScheme) {
    match auth {
        AuthScheme::ApiKey { name, .. } if name.trim().is_empty() => {
            report.push(&path.key("name"), "must name the header or query parameter")
        }
        AuthScheme::Oauth2 {
            authorize_url,
            token_url,
            ..
        } => {
            check_url(report, &path.key("authorize_url"), authorize_url);
            check_url(report, &path.key("token_url"), token_url);
        }
        _ => {}
    }
}

/// Declared inputs become the only `input.*` names templates may use.
fn input_scope(report: &mut Report, path: &FieldPath, inputs: &[InputSpec]) -> Scope {
    let mut scope = Scope::with_roots(&["input"]);
    if !inputs.is_empty() {
        let mut names = BTreeSet::new();
        for (i, input) in inputs.iter().enumerate() {
            if !names.insert(input.name.clone()) {
                report.push(
                    &path.index(i).key("name"),
                    format!("duplicate input '{}'", input.name),
                );
            }
        }
        scope.inputs = Some(names);
    }
    scope
}

pub(crate) fn check_request(
    t: &Templates,
    report: &mut Report,
    app: &AppDefinition,
    path: &FieldPath,
    request: &RequestTemplate,
    scope: &Scope,
) {
    if request.path.starts_with("http://") || request.path.starts_with("https://") {
        if !contains_template(&request.path) {
            check_url(report, &path.key("path"), &request.path);
        }
    } else if !request.path.is_empty() && !request.path.starts_with('/') {
        report.push(
            &path.key("path"),
            "must start with '/' (it is relative to the app's base_url)",
        );
    }
    super::check_credential_origin(report, &path.key("path"), app, &request.path);
    scope.check_str(t, report, &path.key("path"), &request.path);
    for (name, value) in &request.query {
        scope.check_value(t, report, &path.key("query").key(name), value);
    }
    for (name, value) in &request.headers {
        if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
            report.push(
                &path.key("headers").key(name),
                format!("'{name}' is not a valid header name"),
            );
        }
        scope.check_str(t, report, &path.key("headers").key(name), value);
    }
    if let Some(body) = &request.body {
        scope.check_value(t, report, &path.key("body"), body);
    }
}

fn check_pagination(report: &mut Report, path: &FieldPath, p: &Pagination) {
    let empty = |s: &str| s.trim().is_empty();
    match p {
        Pagination::Cursor { param, next } => {
            if empty(param) {
                report.push(&path.key("param"), "must not be empty");
            }
            if empty(next) {
                report.push(&path.key("next"), "must not be empty");
            }
        }
        Pagination::Page { param, size, .. } => {
            if empty(param) {
                report.push(&path.key("param"), "must not be empty");
            }
            if *size == Some(0) {
                report.push(&path.key("size"), "must be at least 1");
            }
        }
        Pagination::Offset {
            param,
            limit_param,
            limit,
        } => {
            if empty(param) || empty(limit_param) {
                report.push(path, "'param' and 'limit_param' must not be empty");
            }
            if *limit == 0 {
                report.push(&path.key("limit"), "must be at least 1");
            }
        }
        Pagination::LinkHeader => {}
    }
}
