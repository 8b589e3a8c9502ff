//! Code steps in runs: reshaping, metering, failures, the workspace's limits and the
//! process's memory budget.

use std::time::Instant;

use super::*;
use crate::definition::CodeLimits;

#[tokio::test]
async fn code_steps_reshape_data_for_later_steps_and_count_a_task_each() {
    let f = flow("id: f\nname: F\napps: []\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: shape\n        code:\n          source: |\n            console.log('items', trigger.items.length);\n            return { emails: trigger.items.map(i => i.email.toLowerCase()) };\n      - id: each\n        loop:\n          for_each: '{{ steps.shape.output.emails }}'\n          steps:\n            - id: tag\n              code: {source: 'return item + \"#\" + index;'}\n      - id: done\n        abort: {reason: '{{ steps.shape.output.emails | length }} reshaped'}\n");
    let state = run(
        &engine(),
        &f,
        &catalog([]),
        &MemoryCredentials::new(),
        json!({"items": [{"email": "A@X.COM"}, {"email": "b@y.com"}]}),
    )
    .await;
    assert_eq!(
        state.abort_reason.as_deref(),
        Some("2 reshaped"),
        "{:?}",
        state.error
    );
    assert_eq!(
        state.outputs["shape"],
        json!({"emails": ["a@x.com", "b@y.com"]})
    );
    assert_eq!(
        state.tasks, 3,
        "one for the reshape, one per loop iteration"
    );
    let shape = state.log.iter().find(|l| l.step == "shape").unwrap();
    assert_eq!(shape.console, vec!["items 2"]);
}

#[tokio::test]
async fn a_failing_code_step_fails_the_run_with_its_line() {
    let f = flow("id: f\nname: F\napps: []\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: boom\n        code:\n          source: \"const a = 1;\\nnull.x;\"\n");
    let state = run(
        &engine(),
        &f,
        &catalog([]),
        &MemoryCredentials::new(),
        json!({}),
    )
    .await;
    assert_eq!(state.status, RunStatus::Failed);
    let error = state.error.unwrap();
    assert!(!error.transient);
    assert!(
        error.message.contains("TypeError") && error.message.contains("line 2"),
        "{}",
        error.message
    );
    assert_eq!(
        state.tasks, 1,
        "an executed code step counts even when it fails"
    );
}

/// A flow of one code step that keeps its thread busy for `busy_ms`.
/// The busy loop runs until the clock has passed `busy_ms` whole milliseconds, so it
/// never ends early by the rounding of `Date.now()`.
fn busy_flow(busy_ms: u64, time_ms: u64) -> crate::definition::FlowDefinition {
    flow(&format!("id: f\nname: F\napps: []\nblocks:\n  - id: b\n    trigger: {{type: manual}}\n    steps:\n      - id: busy\n        code:\n          time_ms: {time_ms}\n          memory_mb: 64\n          source: 'const end = Date.now() + {busy_ms}; while (Date.now() <= end) {{}} return \"done\";'\n"))
}

async fn run_within(
    engine: &Engine,
    f: &crate::definition::FlowDefinition,
    code_limits: CodeLimits,
) -> RunState {
    let input = RunInput::default();
    let creds = MemoryCredentials::new();
    let apps = catalog([]);
    let inv = Invocation {
        flow: f,
        apps: &apps,
        input: &input,
        credentials: &creds,
        storage: &crate::storage::MemoryStorage::new(),
        code_limits,
    };
    let mut state = engine.start(f, "b", "run-code").unwrap();
    engine.run(&inv, &mut state).await;
    state
}

#[tokio::test]
async fn a_maximum_lowered_after_the_push_bounds_the_steps_already_pushed() {
    // The step asks for 2 s; the workspace now allows 100 ms.
    let f = busy_flow(1_000, 2_000);
    let lowered = CodeLimits {
        max_time_ms: 100,
        ..CodeLimits::default()
    };
    let state = run_within(&engine(), &f, lowered).await;
    assert_eq!(state.status, RunStatus::Failed);
    let message = state.error.unwrap().message;
    assert!(
        message.contains("longer than its 100 ms limit"),
        "{message}"
    );
    let state = run_within(&engine(), &f, CodeLimits::default()).await;
    assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
}

#[tokio::test]
async fn code_steps_beyond_the_memory_budget_wait_without_spending_their_time() {
    // Room for one 64 MiB step at a time: the second waits for the first, and its
    // 450 ms of time start only when it runs, so both succeed.
    let engine = engine().with_limits(EngineLimits {
        code_memory_budget_mb: 64,
        ..EngineLimits::default()
    });
    let f = busy_flow(300, 450);
    let started = Instant::now();
    let (a, b) = tokio::join!(
        run_within(&engine, &f, CodeLimits::default()),
        run_within(&engine, &f, CodeLimits::default())
    );
    assert_eq!(a.status, RunStatus::Succeeded, "{:?}", a.error);
    assert_eq!(b.status, RunStatus::Succeeded, "{:?}", b.error);
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "the steps ran one after the other ({:?})",
        started.elapsed()
    );
    assert_eq!(engine.code_budget.available_permits(), 64, "all given back");
}

#[tokio::test]
async fn runaway_code_ends_at_its_limit_while_other_runs_go_on() {
    let engine = engine();
    let forever = flow("id: f\nname: F\napps: []\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: spin\n        code: {source: 'while (true) {}', time_ms: 1000}\n");
    let quick = busy_flow(0, 1_000);
    let started = Instant::now();
    let runaway = async {
        let state = run_within(&engine, &forever, CodeLimits::default()).await;
        (state, started.elapsed())
    };
    let others = async {
        // Give the runaway step its thread first.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut states = Vec::new();
        for _ in 0..5 {
            states.push(run_within(&engine, &quick, CodeLimits::default()).await);
        }
        (states, started.elapsed())
    };
    let ((stopped, stopped_at), (states, others_done_at)) = tokio::join!(runaway, others);
    assert!(states.iter().all(|s| s.status == RunStatus::Succeeded));
    assert!(
        others_done_at < stopped_at,
        "five runs finished ({others_done_at:?}) while the loop ran ({stopped_at:?})"
    );
    assert_eq!(stopped.status, RunStatus::Failed);
    let message = stopped.error.unwrap().message;
    assert!(
        message.contains("longer than its 1000 ms limit"),
        "{message}"
    );
    assert!(stopped_at >= Duration::from_millis(1_000));
}

#[tokio::test]
async fn the_code_sees_outputs_but_never_the_accounts_credentials() {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({"id": 7})))
        .mount(&server)
        .await;
    let note = "actions:\n  note:\n    request: {method: POST, path: /notes, body: {text: hi}}\n";
    let apps = catalog([key_app(&server.uri(), note)]);
    let f = flow("id: f\nname: F\napps: [crm]\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: noted\n        action: {app: crm, action: note}\n      - id: raw\n        http: {app: crm, method: POST, url: /raw}\n      - id: look\n        code: {source: 'return JSON.stringify({ trigger, steps, setup, user, globals: Object.getOwnPropertyNames(globalThis) });'}\n");
    let state = run(&engine(), &f, &apps, &key_credentials(), json!({})).await;
    assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
    let seen = state.outputs["look"].as_str().unwrap();
    assert!(seen.contains(r#""id":7"#), "the outputs are there: {seen}");
    assert!(!seen.contains("crm-secret-key"), "the key leaked: {seen}");
    // The app did get the key: it is the run that holds it, not the code.
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().all(|r| r
        .headers
        .get("x-key")
        .is_some_and(|v| v == "crm-secret-key")));
}
