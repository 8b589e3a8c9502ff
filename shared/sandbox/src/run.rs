//! Running one script: a fresh runtime and context, the input as a frozen `ctx`
//! object, console capture, promises driven to their end, the result as JSON.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Instant;

use rquickjs::function::Rest;
use rquickjs::{
    qjs, CatchResultExt, CaughtError, Context, Ctx, Function, Object, Promise, Runtime, Value,
};

use crate::memory::BudgetedHeap;
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

/// The function a step's code becomes. The code sits in a block labelled with a name
/// drawn afresh each time, and a `break` to that label follows it: code that closes the
/// wrapper early (`}); evil(); (function(){`) leaves the `break` outside its label, a
/// syntax error, so whatever compiles is the body of this one function and nothing else.
fn wrap(source: &str) -> String {
    let label = fence_label();
    format!("(async function (ctx) {{ const {{ trigger, steps, setup, user, item, index }} = ctx; {label}: {{\n{source}\n;break {label}; }} }})")
}

/// A label no code can name: 64 bits from the process's random hasher keys.
fn fence_label() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u8(0);
    format!("__junction_{:016x}", hasher.finish())
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

impl Watch {
    /// The error a caught failure is, with the limit it hit when it hit one.
    fn describe(&self, caught: CaughtError<'_>, console: Vec<String>) -> CodeError {
        let limits = &self.limits;
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
            CaughtError::Error(rquickjs::Error::WouldBlock) => (
                "the returned promise never settled: the code awaits something that nothing resolves"
                    .to_string(),
                String::new(),
            ),
            CaughtError::Error(e) => (e.to_string(), String::new()),
        };
        let name = match &caught {
            CaughtError::Exception(e) => e.get::<_, String>("name").unwrap_or_default(),
            _ => String::new(),
        };
        let (kind, message) = if message.contains("interrupted")
            || self.started.elapsed() >= limits.time
        {
            (
                ErrorKind::TimeLimit,
                format!(
                    "the code ran longer than its {} ms limit",
                    limits.time.as_millis()
                ),
            )
        } else if self.out_of_memory.get() || message.contains("out of memory") {
            (
                ErrorKind::MemoryLimit,
                format!(
                    "the code ran out of its {} MiB of memory",
                    limits.memory_bytes / (1024 * 1024)
                ),
            )
        } else if message.contains("stack overflow") || message.contains("call stack size exceeded")
        {
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
        // A limit is the run's, not a place in the code.
        let (line, column) = match kind {
            ErrorKind::TimeLimit | ErrorKind::MemoryLimit => (None, None),
            _ => position(&stack),
        };
        CodeError {
            kind,
            message,
            line,
            column,
            console,
        }
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
        let f = Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, args: Rest<Value<'js>>| -> rquickjs::Result<()> {
                if lines.borrow().len() >= max {
                    return Ok(());
                }
                let mut text = Vec::with_capacity(args.0.len());
                for v in &args.0 {
                    text.push(match v.as_string() {
                        Some(s) => s.to_string().unwrap_or_default(),
                        // A `toJSON` that throws or runs past the time limit ends the
                        // step as it would anywhere else in the code.
                        None => ctx
                            .json_stringify(v.clone())?
                            .and_then(|s| s.to_string().ok())
                            .unwrap_or_else(|| v.type_name().to_string()),
                    });
                }
                let mut line = format!("{prefix}{}", text.join(" "));
                if line.len() > 1000 {
                    let mut cut = 1000;
                    while !line.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    line.truncate(cut);
                    line.push('…');
                }
                lines.borrow_mut().push(line);
                Ok(())
            },
        )?;
        console.set(name, f)?;
    }
    Ok(console)
}

/// Checks that `source` compiles as a step's function body, within `limits`. It only
/// compiles: nothing of the code runs, whatever it holds.
pub fn check_syntax(source: &str, limits: &Limits) -> Result<(), CodeError> {
    let (runtime, watch) = limited_runtime(limits)?;
    let context = Context::full(&runtime).map_err(|e| internal(e.to_string()))?;
    let wrapped = wrap(checked_text(source)?);
    context.with(|ctx| {
        compile_only(&ctx, &wrapped)
            .catch(&ctx)
            .map_err(|e| fenced(watch.describe(e, Vec::new()), source))
    })
}

/// Compiles a script without evaluating it (QuickJS's compile-only flag, which rquickjs
/// offers for modules only; a module would make `await` reserved in plain functions).
fn compile_only(ctx: &Ctx<'_>, text: &str) -> rquickjs::Result<()> {
    let c_text = std::ffi::CString::new(text)?;
    let flags =
        qjs::JS_EVAL_TYPE_GLOBAL | qjs::JS_EVAL_FLAG_STRICT | qjs::JS_EVAL_FLAG_COMPILE_ONLY;
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: `raw` is the live context of `ctx`, `c_text` is NUL-terminated and
    // `text.len()` long, the file name is a static C string; the compiled function the
    // call returns is owned here and freed at once, an exception stays pending in the
    // context for `catch` to take.
    unsafe {
        let compiled = qjs::JS_Eval(
            raw,
            c_text.as_ptr(),
            text.len() as _,
            c"code.js".as_ptr(),
            flags as i32,
        );
        if qjs::JS_IsException(compiled) {
            return Err(rquickjs::Error::Exception);
        }
        qjs::JS_FreeValue(raw, compiled);
    }
    Ok(())
}

/// A runtime that stops at the memory, stack and time limits, and when it started.
fn limited_runtime(limits: &Limits) -> Result<(Runtime, Watch), CodeError> {
    let (heap, out_of_memory) = BudgetedHeap::new(limits.memory_bytes);
    let runtime = Runtime::new_with_alloc(heap).map_err(|e| internal(e.to_string()))?;
    runtime.set_max_stack_size(limits.stack_bytes);
    let started = Instant::now();
    let deadline = started + limits.time;
    runtime.set_interrupt_handler(Some(Box::new(move || Instant::now() >= deadline)));
    Ok((
        runtime,
        Watch {
            started,
            out_of_memory,
            limits: *limits,
        },
    ))
}

/// What tells a limit from the code's own failure, whatever the engine's message says.
struct Watch {
    started: Instant,
    /// Raised by the heap when it refused an allocation.
    out_of_memory: Rc<Cell<bool>>,
    limits: Limits,
}

/// The source, unless it holds a NUL character (the engine reads C strings).
fn checked_text(source: &str) -> Result<&str, CodeError> {
    match source.find('\0') {
        None => Ok(source),
        Some(at) => {
            let line = source[..at].matches('\n').count() as u32 + 1;
            Err(CodeError {
                kind: ErrorKind::Syntax,
                message: "SyntaxError: the code holds a NUL character".into(),
                line: Some(line),
                column: None,
                console: Vec::new(),
            })
        }
    }
}

/// A syntax error found past the code's last line is the wrapper's own end not
/// matching: the code closed a block or function it never opened.
fn fenced(mut e: CodeError, source: &str) -> CodeError {
    let last_line = source.lines().count().max(1) as u32;
    if e.kind == ErrorKind::Syntax && e.line.is_some_and(|l| l > last_line) {
        e.message = "SyntaxError: the code closes a block or function it did not open (a code step is the body of one function: check its `}` and `)`)".into();
        e.line = None;
        e.column = None;
    }
    e
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
    let (runtime, watch) = limited_runtime(limits)?;
    let wrapped = wrap(checked_text(source)?);
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
                    .map_err(|e| watch.describe(e, lines.borrow().clone()))?
            };
        }
        let console = attempt!(console_object(&ctx, &lines, limits.console_lines));
        let globals = ctx.globals();
        attempt!(globals.set("console", console));
        // Clocks finer than the time limit and shared memory have no use in a data step
        // and are what timing attacks are made of.
        for name in ["performance", "SharedArrayBuffer", "Atomics"] {
            attempt!(globals.remove(name));
        }
        // The run context, frozen deeply: the code reads it and cannot change it.
        let freeze: Function = attempt!(ctx.eval(
            "(function f(o) { if (o && typeof o === 'object') { Object.values(o).forEach(f); Object.freeze(o); } return o; })"
        ));
        let data: Value = attempt!(ctx.json_parse(input_text.as_str()));
        let data: Value = attempt!(freeze.call((data,)));
        let function: Function = ctx
            .eval_with_options(wrapped.as_str(), eval_options())
            .catch(&ctx)
            .map_err(|e| fenced(watch.describe(e, lines.borrow().clone()), source))?;
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
