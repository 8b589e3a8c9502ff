//! Running one script: a fresh runtime and context, the input as a frozen `ctx`
//! object, console capture, promises driven to their end, the result as JSON.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Instant;

use rquickjs::function::Rest;
use rquickjs::{
    CatchResultExt, CaughtError, Context, Ctx, Function, Object, Promise, Runtime, Value,
};

use crate::Limits;

/// Lines of the wrapper before the user's code, so positions can be reported in the
/// user's own line numbers.
const PRELUDE_LINES: u32 = 1;

/// A finished script: its JSON result and what it printed.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeOutput {
    pub value: serde_json::Value,
    pub console: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Syntax,
    /// The code threw (or its promise rejected).
    Exception,
    /// The result cannot be turned into JSON (a function, `undefined`, a cycle).
    NotJson,
    TimeLimit,
    MemoryLimit,
    StackLimit,
}

/// Why a script failed, with where when the engine says.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}{}", .line.map(|l| format!(" (line {l}{})", .column.map(|c| format!(", column {c}")).unwrap_or_default())).unwrap_or_default())]
pub struct CodeError {
    pub kind: ErrorKind,
    pub message: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub console: Vec<String>,
}

fn wrap(source: &str) -> String {
    format!("(async function (ctx) {{ const {{ trigger, steps, setup, user, item, index }} = ctx;\n{source}\n}})")
}

/// `<anonymous>:LINE:COL` or `code.js:LINE:COL` in a message or stack, in user lines.
fn position(text: &str) -> (Option<u32>, Option<u32>) {
    for part in text.split(|c: char| c == '(' || c == ')' || c.is_whitespace()) {
        let mut pieces = part.rsplitn(3, ':');
        let (Some(col), Some(line), Some(file)) = (pieces.next(), pieces.next(), pieces.next())
        else {
            continue;
        };
        if !file.ends_with("code.js") {
            continue;
        }
        if let (Ok(line), Ok(col)) = (line.parse::<u32>(), col.parse::<u32>()) {
            return (
                line.checked_sub(PRELUDE_LINES).filter(|l| *l > 0),
                Some(col),
            );
        }
    }
    (None, None)
}

fn describe(
    caught: CaughtError<'_>,
    started: Instant,
    limits: &Limits,
    console: Vec<String>,
) -> CodeError {
    let (message, stack) = match &caught {
        CaughtError::Exception(e) => (
            e.message().unwrap_or_else(|| "exception".into()),
            e.stack().unwrap_or_default(),
        ),
        CaughtError::Value(v) => (
            v.as_string()
                .and_then(|s| s.to_string().ok())
                .unwrap_or_else(|| format!("threw a non-Error value ({})", v.type_name())),
            String::new(),
        ),
        CaughtError::Error(e) => (e.to_string(), String::new()),
    };
    let name = match &caught {
        CaughtError::Exception(e) => e.get::<_, String>("name").unwrap_or_default(),
        _ => String::new(),
    };
    let (kind, message) = if message.contains("interrupted") || started.elapsed() >= limits.time {
        (
            ErrorKind::TimeLimit,
            format!(
                "the code ran longer than its {} ms limit",
                limits.time.as_millis()
            ),
        )
    } else if message.contains("out of memory") {
        (
            ErrorKind::MemoryLimit,
            format!(
                "the code used more than its {} MiB memory limit",
                limits.memory_bytes / (1024 * 1024)
            ),
        )
    } else if message.contains("stack overflow") || message.contains("call stack size exceeded") {
        (
            ErrorKind::StackLimit,
            "the code recursed too deeply (stack overflow)".to_string(),
        )
    } else if name == "SyntaxError" {
        (ErrorKind::Syntax, format!("SyntaxError: {message}"))
    } else if name.is_empty() {
        (ErrorKind::Exception, message)
    } else {
        (ErrorKind::Exception, format!("{name}: {message}"))
    };
    let (line, column) = position(&stack);
    CodeError {
        kind,
        message,
        line,
        column,
        console,
    }
}

fn console_object<'js>(
    ctx: &Ctx<'js>,
    lines: &Rc<RefCell<Vec<String>>>,
    max: usize,
) -> rquickjs::Result<Object<'js>> {
    let console = Object::new(ctx.clone())?;
    for (name, prefix) in [
        ("log", ""),
        ("info", ""),
        ("warn", "warn: "),
        ("error", "error: "),
    ] {
        let lines = lines.clone();
        let f = Function::new(ctx.clone(), move |ctx: Ctx<'js>, args: Rest<Value<'js>>| {
            let mut lines = lines.borrow_mut();
            if lines.len() >= max {
                return;
            }
            let text: Vec<String> = args
                .0
                .iter()
                .map(|v| match v.as_string() {
                    Some(s) => s.to_string().unwrap_or_default(),
                    None => ctx
                        .json_stringify(v.clone())
                        .ok()
                        .flatten()
                        .and_then(|s| s.to_string().ok())
                        .unwrap_or_else(|| v.type_name().to_string()),
                })
                .collect();
            let mut line = format!("{prefix}{}", text.join(" "));
            if line.len() > 1000 {
                let mut cut = 1000;
                while !line.is_char_boundary(cut) {
                    cut -= 1;
                }
                line.truncate(cut);
                line.push('…');
            }
            lines.push(line);
        })?;
        console.set(name, f)?;
    }
    Ok(console)
}

/// Checks that `source` compiles; the error names the line and column.
pub fn check_syntax(source: &str) -> Result<(), CodeError> {
    let runtime = Runtime::new().map_err(|e| internal(e.to_string()))?;
    let context = Context::full(&runtime).map_err(|e| internal(e.to_string()))?;
    context.with(|ctx| {
        let compiled: rquickjs::Result<Value> = ctx.eval_with_options(wrap(source), eval_options());
        compiled
            .catch(&ctx)
            .map(|_| ())
            .map_err(|e| describe(e, Instant::now(), &Limits::default(), Vec::new()))
    })
}

fn eval_options() -> rquickjs::context::EvalOptions {
    let mut options = rquickjs::context::EvalOptions::default();
    options.global = true;
    options.strict = true;
    options.filename = Some("code.js".into());
    options
}

fn internal(message: String) -> CodeError {
    CodeError {
        kind: ErrorKind::Exception,
        message: format!("the sandbox could not start: {message}"),
        line: None,
        column: None,
        console: Vec::new(),
    }
}

/// Runs `source` with `input` (a JSON object whose fields become `trigger`, `steps`,
/// `setup`, `user`, `item`, `index`), within `limits`.
pub fn run(
    source: &str,
    input: &serde_json::Value,
    limits: &Limits,
) -> Result<CodeOutput, CodeError> {
    let runtime = Runtime::new().map_err(|e| internal(e.to_string()))?;
    runtime.set_memory_limit(limits.memory_bytes);
    runtime.set_max_stack_size(limits.stack_bytes);
    let started = Instant::now();
    let deadline = started + limits.time;
    runtime.set_interrupt_handler(Some(Box::new(move || Instant::now() >= deadline)));
    // A full context is the language and its built-ins (JSON, Math, Promise, ...);
    // rquickjs adds nothing that reaches outside: no timers, modules, files or I/O.
    let context = Context::full(&runtime).map_err(|e| internal(e.to_string()))?;
    let lines = Rc::new(RefCell::new(Vec::new()));
    let input_text = input.to_string();
    let outcome = context.with(|ctx| -> Result<Option<String>, CodeError> {
        // Each step's exception becomes a CodeError while the context is still alive.
        macro_rules! attempt {
            ($e:expr) => {
                $e.catch(&ctx)
                    .map_err(|e| describe(e, started, limits, lines.borrow().clone()))?
            };
        }
        let console = attempt!(console_object(&ctx, &lines, limits.console_lines));
        attempt!(ctx.globals().set("console", console));
        // The run context, frozen deeply: the code reads it and cannot change it.
        let freeze: Function = attempt!(ctx.eval(
            "(function f(o) { if (o && typeof o === 'object') { Object.values(o).forEach(f); Object.freeze(o); } return o; })"
        ));
        let data: Value = attempt!(ctx.json_parse(input_text.as_str()));
        let data: Value = attempt!(freeze.call((data,)));
        let function: Function = attempt!(ctx.eval_with_options(wrap(source), eval_options()));
        let promise: Promise = attempt!(function.call((data,)));
        let value: Value = attempt!(promise.finish());
        let text = attempt!(ctx.json_stringify(value));
        Ok(text.map(|s| s.to_string().unwrap_or_default()))
    });
    let console = lines.borrow().clone();
    let text = outcome?;
    let Some(text) = text else {
        return Err(CodeError {
            kind: ErrorKind::NotJson,
            message:
                "the code returned nothing JSON can hold (undefined or a function); return a value"
                    .into(),
            line: None,
            column: None,
            console,
        });
    };
    let value = serde_json::from_str(&text).map_err(|e| CodeError {
        kind: ErrorKind::NotJson,
        message: format!("the result is not JSON: {e}"),
        line: None,
        column: None,
        console: console.clone(),
    })?;
    Ok(CodeOutput { value, console })
}
