//! Template expressions in definitions (`{{ steps.find.output.id }}`), evaluated with
//! minijinja in strict mode: a value that is one expression keeps its JSON type, and an
//! undefined variable is an error naming it, never an empty string.

mod compiled;
mod mapping;
mod scan;
mod url;

use std::collections::BTreeSet;
use std::sync::LazyLock;

use minijinja::{Environment, ErrorKind, UndefinedBehavior, Value as JinjaValue};
use serde_json::Value;

pub use scan::{contains_template, single_expression};

/// Work a single template may do before it is stopped (minijinja "fuel").
const TEMPLATE_FUEL: u64 = 100_000;

/// Why a template could not be compiled or evaluated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TemplateError {
    #[error("template '{template}' does not parse: {detail}")]
    Syntax { template: String, detail: String },
    #[error("template '{template}' uses unknown variable '{variable}'")]
    Undefined { template: String, variable: String },
    #[error("template '{template}' failed: {detail}")]
    Eval { template: String, detail: String },
}

/// The template environments, configured once for the process: nothing in them
/// varies, and compiled templates may then borrow them for as long as they are kept.
struct Environments {
    text: Environment<'static>,
    /// The same, for request targets: values encoded where they land (see `url`).
    url: Environment<'static>,
}

static ENVIRONMENTS: LazyLock<Environments> = LazyLock::new(|| {
    let mut text = Environment::new();
    text.set_undefined_behavior(UndefinedBehavior::Strict);
    text.set_fuel(Some(TEMPLATE_FUEL));
    text.set_recursion_limit(64);
    text.add_filter("raw_path", url::raw_path_identity);
    text.add_filter("mapped", mapping::mapped);
    let url = url::url_environment(&text);
    Environments { text, url }
});

/// Templates, evaluated with the shared environments, and the compiled forms of those
/// rendered so far; shared by validation and the engine.
pub struct Templates {
    env: &'static Environment<'static>,
    url_env: &'static Environment<'static>,
    expressions: compiled::Compiled<compiled::OwnedExpression>,
    texts: compiled::Compiled<compiled::OwnedTemplate>,
    url_texts: compiled::Compiled<compiled::OwnedTemplate>,
}

impl Default for Templates {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Templates")
    }
}

/// A template context built once per step from JSON and reused for every template in it.
#[derive(Debug, Clone)]
pub struct Context(JinjaValue);

impl Context {
    pub fn from_json(value: &Value) -> Self {
        Self(JinjaValue::from_serialize(value))
    }

    /// A context whose top-level names are already-converted values (cheap to clone),
    /// so a step does not convert every earlier output again.
    pub fn from_values(entries: impl IntoIterator<Item = (String, ContextValue)>) -> Self {
        Self(JinjaValue::from_iter(
            entries.into_iter().map(|(k, v)| (k, v.0)),
        ))
    }
}

impl Context {
    /// This context with one more top-level name (an answer a step selects from).
    pub fn with(&self, name: &str, value: &Value) -> Self {
        let mut entries: Vec<(JinjaValue, JinjaValue)> = match self.0.try_iter() {
            Ok(keys) => keys
                .filter_map(|k| self.0.get_item(&k).ok().map(|v| (k, v)))
                .collect(),
            Err(_) => Vec::new(),
        };
        entries.push((JinjaValue::from(name), JinjaValue::from_serialize(value)));
        Self(JinjaValue::from_iter(entries))
    }
}

/// A JSON value converted once for templates; clones share the data.
#[derive(Debug, Clone, Default)]
pub struct ContextValue(JinjaValue);

impl ContextValue {
    pub fn from_json(value: &Value) -> Self {
        Self(JinjaValue::from_serialize(value))
    }

    /// A map of already-converted values.
    pub fn map(entries: impl IntoIterator<Item = (String, ContextValue)>) -> Self {
        Self(JinjaValue::from_iter(
            entries.into_iter().map(|(k, v)| (k, v.0)),
        ))
    }
}

impl Templates {
    pub fn new() -> Self {
        Self {
            env: &ENVIRONMENTS.text,
            url_env: &ENVIRONMENTS.url,
            expressions: Default::default(),
            texts: Default::default(),
            url_texts: Default::default(),
        }
    }

    /// Compiles `source` (a string that may hold template syntax) and returns the
    /// variables it reads, as dotted paths (`steps.find.output.id`).
    pub fn variables(&self, source: &str) -> Result<BTreeSet<String>, TemplateError> {
        if !contains_template(source) {
            return Ok(BTreeSet::new());
        }
        let vars = if let Some(expr) = single_expression(source) {
            self.env
                .compile_expression(expr)
                .map_err(|e| syntax(source, &e))?
                .undeclared_variables(true)
        } else {
            self.env
                .template_from_str(source)
                .map_err(|e| syntax(source, &e))?
                .undeclared_variables(true)
        };
        Ok(vars.into_iter().collect())
    }

    /// Every template string inside a JSON value (object keys are never templates).
    pub fn variables_in(&self, value: &Value) -> Result<BTreeSet<String>, TemplateError> {
        let mut out = BTreeSet::new();
        let mut pending = vec![value];
        while let Some(v) = pending.pop() {
            match v {
                Value::String(s) => out.extend(self.variables(s)?),
                Value::Array(items) => pending.extend(items),
                Value::Object(map) => pending.extend(map.values()),
                _ => {}
            }
        }
        Ok(out)
    }

    /// Renders one string: a lone expression keeps its type, anything else is text.
    pub fn render_str(&self, source: &str, ctx: &Context) -> Result<Value, TemplateError> {
        if !contains_template(source) {
            return Ok(Value::String(source.to_string()));
        }
        if let Some(expr) = single_expression(source) {
            let compiled = self
                .expressions
                .get_or_compile(expr, |expr| compiled::expression(self.env, expr))
                .map_err(|e| syntax(source, &e))?;
            let result = compiled
                .eval(&ctx.0)
                .map_err(|e| self.eval_error(source, &e, ctx))?;
            if result.is_undefined() {
                return Err(TemplateError::Undefined {
                    template: source.to_string(),
                    variable: self
                        .missing_variable(source, ctx)
                        .unwrap_or_else(|| expr.trim().to_string()),
                });
            }
            return serde_json::to_value(&result).map_err(|e| TemplateError::Eval {
                template: source.to_string(),
                detail: e.to_string(),
            });
        }
        let template = self
            .texts
            .get_or_compile(source, |source| compiled::text(self.env, source))
            .map_err(|e| syntax(source, &e))?;
        template
            .render(&ctx.0)
            .map(Value::String)
            .map_err(|e| self.eval_error(source, &e, ctx))
    }

    /// Renders every string inside a JSON value, keeping its shape.
    pub fn render(&self, value: &Value, ctx: &Context) -> Result<Value, TemplateError> {
        Ok(match value {
            Value::String(s) => self.render_str(s, ctx)?,
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.render(v, ctx))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), self.render(v, ctx)?)))
                    .collect::<Result<_, TemplateError>>()?,
            ),
            other => other.clone(),
        })
    }

    /// Renders a template that must produce text (a URL path, a header value).
    pub fn render_text(&self, source: &str, ctx: &Context) -> Result<String, TemplateError> {
        Ok(match self.render_str(source, ctx)? {
            Value::String(s) => s,
            Value::Null => String::new(),
            other => other.to_string(),
        })
    }

    fn eval_error(&self, source: &str, error: &minijinja::Error, ctx: &Context) -> TemplateError {
        if error.kind() == ErrorKind::UndefinedError {
            if let Some(variable) = self.missing_variable(source, ctx) {
                return TemplateError::Undefined {
                    template: source.to_string(),
                    variable,
                };
            }
        }
        TemplateError::Eval {
            template: source.to_string(),
            detail: describe(error),
        }
    }

    /// The shortest prefix of a variable the template reads that the context lacks.
    fn missing_variable(&self, source: &str, ctx: &Context) -> Option<String> {
        let vars = self.variables(source).ok()?;
        vars.iter().find_map(|var| {
            let mut current = ctx.0.clone();
            let mut walked = Vec::new();
            for part in var.split('.') {
                walked.push(part);
                let next = current.get_attr(part).ok()?;
                if next.is_undefined() {
                    return Some(walked.join("."));
                }
                current = next;
            }
            None
        })
    }
}

fn syntax(source: &str, error: &minijinja::Error) -> TemplateError {
    TemplateError::Syntax {
        template: source.to_string(),
        detail: describe(error),
    }
}

/// minijinja's message without the template name it invents for inline strings.
fn describe(error: &minijinja::Error) -> String {
    let mut detail = error
        .detail()
        .map(|d| format!("{}: {d}", error.kind()))
        .unwrap_or_else(|| error.kind().to_string());
    if let Some(line) = error.line() {
        if line > 1 {
            detail.push_str(&format!(" (template line {line})"));
        }
    }
    detail
}

#[cfg(test)]
mod tests;
