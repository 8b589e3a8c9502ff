//! The steps that call apps: queries (with pagination), actions and raw HTTP, each call
//! logged with secrets redacted and counted as a task.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{json, Value};

use super::jsonpath::get_path;
use super::request::{render_app_request, render_request, set_query, RequestParts};
use super::{Engine, StepError};
use crate::catalog::AppCatalog;
use crate::credentials::CredentialStore;
use crate::definition::{
    ActionDefinition, ActionStep, AppDefinition, HttpStep, Pagination, QueryDefinition, QueryStep,
};
use crate::engine::state::HttpLog;
use crate::outbound::{
    call_app, CallError, OutboundRequest, OutboundResponse, Redactor, RequestBody,
};
use crate::template::Context;

/// The calls one step makes: what it logs, and how many tasks it used.
pub(crate) struct StepCalls<'e, 'i> {
    pub engine: &'e Engine,
    pub apps: &'i AppCatalog,
    pub credentials: &'i dyn CredentialStore,
    pub redactor: &'e mut Redactor,
    pub requests: Vec<HttpLog>,
    pub tasks: u32,
    pub message: Option<String>,
}

impl<'e, 'i> StepCalls<'e, 'i> {
    /// The calls of one step, or of work outside a run (dropdown options, polls,
    /// webhook subscriptions).
    pub fn new(
        engine: &'e Engine,
        apps: &'i AppCatalog,
        credentials: &'i dyn CredentialStore,
        redactor: &'e mut Redactor,
    ) -> Self {
        Self {
            engine,
            apps,
            credentials,
            redactor,
            requests: Vec::new(),
            tasks: 0,
            message: None,
        }
    }
}

impl<'i> StepCalls<'_, 'i> {
    /// The app, borrowed from the run's catalog rather than from these calls, so that
    /// a step need not copy its whole definition to make calls with it.
    fn app(&self, id: &str) -> Result<&'i AppDefinition, StepError> {
        let apps: &'i AppCatalog = self.apps;
        apps.get(id)
            .ok_or_else(|| StepError::terminal(format!("app '{id}' is not available to this run")))
    }

    /// One call: authenticated when an app is given; logged and metered either way.
    async fn call(
        &mut self,
        app: Option<&AppDefinition>,
        request: OutboundRequest,
    ) -> Result<OutboundResponse, StepError> {
        let started = Instant::now();
        let account = app
            .filter(|a| !matches!(a.auth, crate::definition::AuthScheme::None))
            .map(|a| self.credentials.account_id(&a.id));
        if let Some(app) = app {
            let held = super::hold::check(
                &self.engine.backoff,
                self.credentials,
                app,
                account.as_deref(),
                self.engine.clock.now(),
            );
            if let Some(error) = held.await {
                return Err(error);
            }
        }
        let result = match app {
            Some(app) => {
                let throttle = account
                    .as_deref()
                    .map(|account| super::hold::AccountThrottle {
                        backoff: &self.engine.backoff,
                        credentials: self.credentials,
                        app: &app.id,
                        account,
                        clock: self.engine.clock.as_ref(),
                    });
                call_app(
                    &self.engine.client,
                    &self.engine.refresher,
                    self.credentials,
                    app,
                    request.clone(),
                    throttle
                        .as_ref()
                        .map(|t| t as &dyn crate::outbound::Throttle),
                )
                .await
            }
            None => self
                .engine
                .client
                .send(&request)
                .await
                .map(|response| crate::outbound::Called {
                    response,
                    secrets: Vec::new(),
                })
                .map_err(CallError::from),
        };
        let limit = self.engine.limits.logged_body_bytes;
        let mut entry = HttpLog {
            method: request.method.as_str().to_string(),
            url: String::new(),
            status: None,
            attempts: 1,
            duration_ms: started.elapsed().as_millis() as u64,
            request_body: request.body.as_ref().map(|b| match b {
                RequestBody::Json(v) => truncate(&v.to_string(), limit),
                RequestBody::Form(f) => truncate(&format!("{f:?}"), limit),
            }),
            response_body: None,
        };
        let outcome = match result {
            Ok(called) => {
                for s in &called.secrets {
                    self.redactor.add(s);
                }
                self.tasks += 1;
                entry.status = Some(called.response.status);
                entry.attempts = called.response.attempts;
                entry.response_body = Some(truncate(
                    &String::from_utf8_lossy(&called.response.body),
                    limit,
                ));
                Ok(called.response)
            }
            Err(e) => {
                if let CallError::Outbound(crate::outbound::OutboundError::Exhausted {
                    attempts,
                    status,
                    body,
                    ..
                }) = &e
                {
                    self.tasks += 1;
                    entry.attempts = *attempts;
                    entry.status = *status;
                    entry.response_body = body
                        .as_ref()
                        .map(|b| truncate(&String::from_utf8_lossy(b), limit));
                }
                Err(StepError::from(e))
            }
        };
        crate::telemetry::outbound_call(
            app.map_or("none", |a| a.id.as_str()),
            entry.status,
            started.elapsed(),
        );
        entry.url = self.redactor.redact(request.url.as_str());
        entry.request_body = entry.request_body.map(|b| self.redactor.redact(&b));
        entry.response_body = entry.response_body.map(|b| self.redactor.redact(&b));
        self.requests.push(entry);
        outcome
    }

    fn expect_success(&self, response: &OutboundResponse) -> Result<(), StepError> {
        if response.is_success() {
            return Ok(());
        }
        let body = self
            .redactor
            .redact(&truncate(&String::from_utf8_lossy(&response.body), 300));
        Err(StepError::terminal(format!(
            "the app answered HTTP {}: {body}",
            response.status
        )))
    }

    fn render_input(
        &self,
        input: &BTreeMap<String, Value>,
        ctx: &Context,
    ) -> Result<Value, StepError> {
        let mut out = serde_json::Map::new();
        for (k, v) in input {
            out.insert(
                k.clone(),
                self.engine
                    .templates
                    .render(v, ctx)
                    .map_err(|e| StepError::terminal(format!("input.{k}: {e}")))?,
            );
        }
        Ok(Value::Object(out))
    }

    pub async fn query(&mut self, step: &QueryStep, ctx: &Context) -> Result<Value, StepError> {
        let app = self.app(&step.app)?;
        let def = app.queries.get(&step.query).ok_or_else(|| {
            StepError::terminal(format!("app '{}' has no query '{}'", app.id, step.query))
        })?;
        let input = self.render_input(&step.input, ctx)?;
        let max_pages = step
            .max_pages
            .map_or(def.max_pages, |m| m.min(def.max_pages));
        self.run_query(app, def, input, max_pages).await
    }

    /// Runs a query's pages and gathers its items (or returns the body when it has no `items`).
    pub async fn run_query(
        &mut self,
        app: &AppDefinition,
        def: &QueryDefinition,
        input: Value,
        max_pages: u32,
    ) -> Result<Value, StepError> {
        let mut request = render_app_request(
            &self.engine.templates,
            app,
            &def.request,
            &input,
            def.timeout.as_deref(),
        )?;
        let Some(items_path) = def.items.as_deref() else {
            let response = self.call(Some(app), request).await?;
            self.expect_success(&response)?;
            return Ok(response.json());
        };
        let mut items = Vec::new();
        let mut page = 0;
        let (mut number, mut offset) = match &def.pagination {
            Some(Pagination::Page {
                param,
                start,
                size_param,
                size,
            }) => {
                set_query(&mut request.url, param, &start.to_string());
                if let (Some(p), Some(s)) = (size_param, size) {
                    set_query(&mut request.url, p, &s.to_string());
                }
                (*start, 0)
            }
            Some(Pagination::Offset {
                param,
                limit_param,
                limit,
            }) => {
                set_query(&mut request.url, param, "0");
                set_query(&mut request.url, limit_param, &limit.to_string());
                (0, 0)
            }
            _ => (0, 0),
        };
        // Every page is held until the last: bound them together as one answer is.
        let max_gathered = self.engine.client.config().max_response_bytes;
        let mut gathered = 0;
        loop {
            page += 1;
            let response = self.call(Some(app), request.clone()).await?;
            self.expect_success(&response)?;
            gathered += response.body.len();
            if gathered > max_gathered {
                return Err(StepError::terminal(format!(
                    "the query answered more than {} in {page} pages; lower max_pages or filter with the query's inputs",
                    super::kept::human_size(max_gathered)
                )));
            }
            let body = response.json();
            let page_items = match get_path(&body, items_path) {
                Some(Value::Array(list)) => list.clone(),
                Some(Value::Null) | None => Vec::new(),
                Some(other) => {
                    return Err(StepError::terminal(format!(
                        "'{items_path}' in the response is not a list but {other}"
                    )))
                }
            };
            let count = page_items.len() as u64;
            items.extend(page_items);
            let next = match &def.pagination {
                None => None,
                Some(Pagination::Cursor { param, next }) => match get_path(&body, next) {
                    Some(Value::String(c)) if !c.is_empty() => Some((param.clone(), c.clone())),
                    Some(Value::Number(n)) => Some((param.clone(), n.to_string())),
                    _ => None,
                },
                Some(Pagination::Page { param, size, .. }) => {
                    let full = size.is_none_or(|s| count >= s);
                    number += 1;
                    (count > 0 && full).then(|| (param.clone(), number.to_string()))
                }
                Some(Pagination::Offset { param, limit, .. }) => {
                    offset += count;
                    (count >= *limit).then(|| (param.clone(), offset.to_string()))
                }
                Some(Pagination::LinkHeader) => match response.header("link").and_then(next_link) {
                    Some(link) => {
                        request.url = request.url.join(&link).map_err(|e| {
                            StepError::terminal(format!("bad Link header URL '{link}': {e}"))
                        })?;
                        if page >= max_pages {
                            self.message = Some(format!(
                                "stopped at the {max_pages} page limit; more pages remain"
                            ));
                            break;
                        }
                        continue;
                    }
                    None => None,
                },
            };
            let Some((param, value)) = next else { break };
            if page >= max_pages {
                self.message = Some(format!(
                    "stopped at the {max_pages} page limit; more pages remain"
                ));
                break;
            }
            set_query(&mut request.url, &param, &value);
        }
        if self.message.is_none() && page > 1 {
            self.message = Some(format!("{} items from {page} pages", items.len()));
        }
        Ok(Value::Array(items))
    }

    pub async fn action(
        &mut self,
        step: &ActionStep,
        ctx: &Context,
        idempotency_key: &str,
    ) -> Result<ActionDone, StepError> {
        let app = self.app(&step.app)?;
        let def = app.actions.get(&step.action).ok_or_else(|| {
            StepError::terminal(format!("app '{}' has no action '{}'", app.id, step.action))
        })?;
        let input = self.render_input(&step.input, ctx)?;
        let answer = self
            .send_action(app, def, &input, Some(idempotency_key))
            .await?;
        Ok(ActionDone {
            output: action_output(def, &answer),
            object_id_at: def.object_id.clone(),
            input,
            answer,
        })
    }

    /// Calls an action with rendered input; its output (or the whole body).
    pub async fn run_action(
        &mut self,
        app: &AppDefinition,
        def: &ActionDefinition,
        input: Value,
        idempotency_key: Option<&str>,
    ) -> Result<Value, StepError> {
        let answer = self.send_action(app, def, &input, idempotency_key).await?;
        Ok(action_output(def, &answer))
    }

    /// Sends an action's request; the app's whole answer.
    async fn send_action(
        &mut self,
        app: &AppDefinition,
        def: &ActionDefinition,
        input: &Value,
        idempotency_key: Option<&str>,
    ) -> Result<Value, StepError> {
        let mut request = render_app_request(
            &self.engine.templates,
            app,
            &def.request,
            input,
            def.timeout.as_deref(),
        )?;
        if let (Some(header), Some(key)) = (&app.idempotency_header, idempotency_key) {
            request.headers.push((header.clone(), key.to_string()));
        }
        let response = self.call(Some(app), request).await?;
        self.expect_success(&response)?;
        Ok(response.json())
    }

    pub async fn http(&mut self, step: &HttpStep, ctx: &Context) -> Result<Value, StepError> {
        let app = step.app.as_deref().map(|id| self.app(id)).transpose()?;
        let request = render_request(
            &self.engine.templates,
            ctx,
            app.map(|a| a.base_url.as_str()),
            RequestParts {
                method: step.method,
                target: &step.url,
                query: &step.query,
                headers: &step.headers,
                body: step.body.as_ref(),
                body_format: step.body_format,
            },
        )?;
        let response = self.call(app, request).await?;
        self.expect_success(&response)?;
        Ok(json!({ "status": response.status, "body": response.json() }))
    }
}

/// The `rel="next"` target of an RFC 8288 `Link` header.
/// What an action step's call gave: the output the step keeps, and what the echo
/// check needs (the input it sent and the app's whole answer).
pub(crate) struct ActionDone {
    pub output: Value,
    pub input: Value,
    pub answer: Value,
    pub object_id_at: Option<String>,
}

/// An action's output: the answer at its `output` path, or all of it.
fn action_output(def: &ActionDefinition, answer: &Value) -> Value {
    match &def.output {
        Some(path) => get_path(answer, path).cloned().unwrap_or(Value::Null),
        None => answer.clone(),
    }
}

fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim().replace(' ', "");
            p == "rel=\"next\"" || p == "rel=next"
        });
        is_next.then(|| {
            target
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}

pub(crate) fn truncate(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_string();
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..end], text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_next_link() {
        let h = r#"<https://api.test/items?page=2>; rel="next", <https://api.test/items?page=9>; rel="last""#;
        assert_eq!(
            next_link(h).as_deref(),
            Some("https://api.test/items?page=2")
        );
        assert_eq!(
            next_link(r#"<https://api.test/items?page=9>; rel="last""#),
            None
        );
    }

    #[test]
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate("héllo", 2), "h… (6 bytes in all)");
        assert_eq!(truncate("abc", 10), "abc");
    }
}
