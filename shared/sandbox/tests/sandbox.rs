//! The sandbox as code steps use it: context in, JSON out, async code, console
//! capture, every failure kind with its message and position, limits that stop
//! runaway code, and nothing shared between runs or reachable outside.

use std::time::{Duration, Instant};

use junction_sandbox::{check_syntax, run, ErrorKind, Limits};
use serde_json::json;

fn input() -> serde_json::Value {
    json!({"trigger": {"contact": {"email": "ADA@Example.com", "tags": ["a", "b"]}}, "steps": {}, "setup": {"list": "L1"}, "user": {"id": "u1"}})
}

#[test]
fn reads_the_context_and_returns_json() {
    let out = run(
        "return { email: trigger.contact.email.toLowerCase(), n: trigger.contact.tags.length, list: setup.list };",
        &input(),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(
        out.value,
        json!({"email": "ada@example.com", "n": 2, "list": "L1"})
    );
}

#[test]
fn async_code_and_promises_resolve_before_the_step_ends() {
    let out = run(
        "const f = async (x) => x * 2; const v = await Promise.all([f(1), f(2)]); return v;",
        &input(),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(out.value, json!([2, 4]));
}

#[test]
fn console_lines_are_captured_and_bounded() {
    let limits = Limits {
        console_lines: 3,
        ..Limits::default()
    };
    let out = run(
        "console.log('hi', {a: 1}); console.warn('careful'); console.error('bad'); console.log('dropped'); return 1;",
        &input(),
        &limits,
    )
    .unwrap();
    assert_eq!(
        out.console,
        vec!["hi {\"a\":1}", "warn: careful", "error: bad"]
    );
}

#[test]
fn exceptions_name_their_line_and_column() {
    let e = run(
        "const a = 1;\nthrow new TypeError('no good');",
        &input(),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Exception);
    assert_eq!(e.message, "TypeError: no good");
    assert_eq!(e.line, Some(2), "{e:?}");
    assert!(e.to_string().contains("line 2"), "{e}");
}

#[test]
fn syntax_errors_are_found_before_anything_runs() {
    assert!(check_syntax("return trigger.contact;", &Limits::default()).is_ok());
    let e = check_syntax("const x = ;\nreturn x;", &Limits::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Syntax, "{e:?}");
    assert_eq!(e.line, Some(1), "{e:?}");
}

#[test]
fn checking_the_syntax_compiles_and_never_runs_the_code() {
    // Were any of it run, the loop would hit the time limit and the bomb the memory limit.
    let limits = Limits {
        time: Duration::from_millis(50),
        memory_bytes: 16 * 1024 * 1024,
        ..Limits::default()
    };
    for source in [
        "while (true) {}",
        "const a = []; while (true) { a.push('x'.repeat(1024 * 1024)); }",
        "await new Promise(() => {});",
    ] {
        assert_eq!(check_syntax(source, &limits), Ok(()), "{source}");
    }
}

/// Code written to close the function it is wrapped in and run at the top level.
const WRAPPER_ESCAPES: &[&str] = &[
    "}); while(true){} (function(){",
    "} }); while(true); (function(){ {",
    "} } }); while(true); ({",
    "}}); while (true) {} (async function (ctx) { l: {",
    "} } ); while(1); /*",
    "} } ); while(1); `",
    "} } ); while(1); '\\",
    "return 1; } }).call(); while(true); (function(){ { //",
];

#[test]
fn code_that_closes_its_wrapper_is_a_syntax_error_and_never_runs() {
    let limits = Limits {
        time: Duration::from_millis(200),
        ..Limits::default()
    };
    for source in WRAPPER_ESCAPES {
        let e = check_syntax(source, &limits).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Syntax, "{source}: {e:?}");
        let e = run(source, &input(), &limits).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Syntax, "{source} ran: {e:?}");
    }
    let e = check_syntax("} }); while(true); ({", &limits).unwrap_err();
    assert!(
        e.message
            .contains("closes a block or function it did not open"),
        "{e}"
    );
}

#[test]
fn braces_inside_strings_comments_and_blocks_are_fine() {
    let out = run(
        "const s = '})'; /* }) */ // })\nif (s) { return `${s}}`; }",
        &input(),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(out.value, json!("})}"));
    // The context's names may be shadowed, as in any block.
    let out = run(
        "let trigger = 2; return trigger;",
        &input(),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(out.value, json!(2));
    let e = check_syntax("return 1;\0", &Limits::default()).unwrap_err();
    assert!(e.message.contains("NUL"), "{e}");
}

#[test]
fn results_that_are_not_json_fail_the_step() {
    let e = run("return undefined;", &input(), &Limits::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotJson);
    let e = run(
        "const a = {}; a.self = a; return a;",
        &input(),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::Exception,
        "a cycle is refused by JSON.stringify: {e:?}"
    );
}

#[test]
fn an_infinite_loop_stops_at_the_time_limit() {
    let limits = Limits {
        time: Duration::from_millis(200),
        ..Limits::default()
    };
    let started = Instant::now();
    let e = run("while (true) {}", &input(), &limits).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TimeLimit, "{e:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_memory_bomb_stops_at_the_memory_limit() {
    let limits = Limits {
        memory_bytes: 16 * 1024 * 1024,
        ..Limits::default()
    };
    let e = run(
        "const a = []; while (true) { a.push('x'.repeat(1024 * 1024)); }",
        &input(),
        &limits,
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::MemoryLimit, "{e:?}");
}

#[test]
fn running_out_of_memory_on_many_small_objects_says_so() {
    // The heap is too full to allocate the engine's own "out of memory" error here.
    let limits = Limits {
        memory_bytes: 16 * 1024 * 1024,
        ..Limits::default()
    };
    let e = run(
        "const a = []; while (true) { a.push({x: [1, 2, 3], y: 'abc' + a.length}); }",
        &input(),
        &limits,
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::MemoryLimit, "{e:?}");
    assert_eq!(e.message, "the code ran out of its 16 MiB of memory");
}

#[test]
fn a_promise_that_never_settles_says_so() {
    let e = run(
        "await new Promise(() => {}); return 1;",
        &input(),
        &Limits::default(),
    )
    .unwrap_err();
    assert!(
        e.message.contains("the returned promise never settled"),
        "{e}"
    );
}

#[test]
fn logging_an_object_whose_to_json_loops_stops_at_the_time_limit() {
    let limits = Limits {
        time: Duration::from_millis(200),
        ..Limits::default()
    };
    let e = run(
        "console.log({ toJSON() { while (true) {} } }); return 1;",
        &input(),
        &limits,
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::TimeLimit, "{e:?}");
    let e = run(
        "console.log({ toJSON() { throw new Error('nope'); } }); return 1;",
        &input(),
        &limits,
    )
    .unwrap_err();
    assert_eq!(e.message, "Error: nope");
}

#[test]
fn deep_recursion_stops_at_the_stack_limit() {
    let e = run(
        "function f(n) { return f(n + 1) + 1; } return f(0);",
        &input(),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::StackLimit, "{e:?}");
}

#[test]
fn nothing_leaks_between_runs_and_the_context_is_frozen() {
    run(
        "globalThis.leak = 1; Object.prototype.polluted = true; return 1;",
        &input(),
        &Limits::default(),
    )
    .unwrap();
    let out = run(
        "return [typeof leak, ({}).polluted === undefined];",
        &input(),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(out.value, json!(["undefined", true]));
    let e = run(
        "trigger.contact.email = 'x'; return 1;",
        &input(),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::Exception,
        "strict mode refuses writes to the frozen context"
    );
}

#[test]
fn there_is_no_network_file_environment_or_timer() {
    let out = run(
        "return [typeof fetch, typeof require, typeof process, typeof setTimeout, typeof XMLHttpRequest, typeof std, typeof os, typeof performance, typeof SharedArrayBuffer, typeof Atomics];",
        &input(),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(
        out.value,
        json!([
            "undefined",
            "undefined",
            "undefined",
            "undefined",
            "undefined",
            "undefined",
            "undefined",
            "undefined",
            "undefined",
            "undefined"
        ])
    );
}

#[test]
fn code_cannot_reach_a_local_server_or_read_a_file() {
    // A server the code would love to call, and a module file it would love to load.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = std::env::temp_dir().join(format!("junction-sandbox-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let secret = dir.join("secret.js");
    std::fs::write(&secret, "export default 'the secret';").unwrap();
    let source = format!(
        r#"
        const tries = {{
          import_http: () => import("http://127.0.0.1:{port}/steal"),
          import_file: () => import("{file}"),
          import_file_url: () => import("file://{file}"),
          fetch: () => fetch("http://127.0.0.1:{port}/steal"),
          xhr: () => new XMLHttpRequest(),
          worker: () => new Worker("{file}"),
          load: () => load("{file}"),
          read: () => std.loadFile("{file}"),
          open: () => os.open("{file}"),
        }};
        const outcomes = {{}};
        for (const [name, attempt] of Object.entries(tries)) {{
          try {{ outcomes[name] = "got " + JSON.stringify(await attempt()); }}
          catch (e) {{ outcomes[name] = "refused"; }}
        }}
        return outcomes;
        "#,
        file = secret.display()
    );
    let out = run(&source, &input(), &Limits::default()).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    for (name, outcome) in out.value.as_object().unwrap() {
        assert_eq!(outcome, "refused", "{name} was not refused: {outcome}");
    }
    assert_eq!(out.value.as_object().unwrap().len(), 9);
    assert!(
        matches!(listener.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "the code connected to the local server"
    );
}
