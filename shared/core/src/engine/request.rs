//! Renders request templates into outbound requests.

use std::collections::BTreeMap;

use serde_json::Value;

use super::StepError;
use crate::definition::{BodyFormat, HttpMethod};
use crate::outbound::{OutboundRequest, RequestBody};
use crate::template::{Context, Templates};

/// The parts of a request, before rendering.
pub(crate) struct RequestParts<'a> {
    pub method: HttpMethod,
    /// A path relative to `base`, or an absolute URL.
    pub target: &'a str,
    pub query: &'a BTreeMap<String, Value>,
    pub headers: &'a BTreeMap<String, String>,
    pub body: Option<&'a Value>,
    pub body_format: BodyFormat,
}

pub(crate) fn render_request(
    t: &Templates,
    ctx: &Context,
    base: Option<&str>,
    parts: RequestParts<'_>,
) -> Result<OutboundRequest, StepError> {
    let target = t
        .render_url(parts.target, ctx)
        .map_err(StepError::template)?;
    let raw = if target.starts_with("http://") || target.starts_with("https://") {
        target
    } else if let Some(base) = base {
        format!("{}{}", base.trim_end_matches('/'), target)
    } else {
        return Err(StepError::terminal(format!(
            "'{target}' is not an absolute http(s) URL"
        )));
    };
    let mut url = url::Url::parse(&raw)
        .map_err(|e| StepError::terminal(format!("'{raw}' is not a valid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(StepError::terminal(format!(
            "'{raw}' is not an http(s) URL"
        )));
    }
    for (name, template) in parts.query {
        let value = t.render(template, ctx).map_err(StepError::template)?;
        append_query(&mut url, name, &value);
    }
    let mut headers = Vec::with_capacity(parts.headers.len());
    for (name, template) in parts.headers {
        headers.push((
            name.clone(),
            t.render_text(template, ctx).map_err(StepError::template)?,
        ));
    }
    let body = match parts.body {
        None => None,
        Some(template) => {
            let value = t.render(template, ctx).map_err(StepError::template)?;
            Some(match parts.body_format {
                BodyFormat::Json => RequestBody::Json(value),
                BodyFormat::Form => RequestBody::Form(form_fields(&value)?),
            })
        }
    };
    Ok(OutboundRequest {
        method: parts.method,
        url,
        headers,
        body,
        confidential: Default::default(),
        timeout: None,
    })
}

/// Adds a query parameter: null leaves it out, a list repeats it, anything else is text.
pub(crate) fn append_query(url: &mut url::Url, name: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            for item in items {
                append_query(url, name, item);
            }
        }
        Value::String(s) => {
            url.query_pairs_mut().append_pair(name, s);
        }
        other => {
            url.query_pairs_mut().append_pair(name, &other.to_string());
        }
    }
}

/// Replaces (or adds) one query parameter, for pagination.
pub(crate) fn set_query(url: &mut url::Url, name: &str, value: &str) {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != name)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair(name, value);
}

fn form_fields(value: &Value) -> Result<Vec<(String, String)>, StepError> {
    let Value::Object(map) = value else {
        return Err(StepError::terminal(
            "a form body must be an object of fields",
        ));
    };
    Ok(map
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect())
}

/// Renders one of an app's request templates with `input`, with the app's timeout
/// (or `timeout`, the query's or action's own).
pub(crate) fn render_app_request(
    t: &Templates,
    app: &crate::definition::AppDefinition,
    template: &crate::definition::RequestTemplate,
    input: &Value,
    timeout: Option<&str>,
) -> Result<OutboundRequest, StepError> {
    let ctx = Context::from_json(&serde_json::json!({ "input": input }));
    let mut request = render_request(
        t,
        &ctx,
        Some(&app.base_url),
        RequestParts {
            method: template.method,
            target: &template.path,
            query: &template.query,
            headers: &template.headers,
            body: template.body.as_ref(),
            body_format: template.body_format,
        },
    )?;
    request.timeout = app.request_timeout(timeout);
    Ok(request)
}
