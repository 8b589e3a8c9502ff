//! What a run keeps: `output:` selects from an answer, an answer over the per-step limit
//! fails its step (its effect already happened, so the failure is final), and the run
//! record stays within what the store holds, its log giving way first.

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::engine::kept::json_size;

const ACTION: &str = "actions:\n  create:\n    request: {method: POST, path: /things}\n";

/// A flow whose one block runs `steps` (YAML, indented for the block).
fn steps_flow(steps: &str) -> crate::definition::FlowDefinition {
    flow(&format!("id: f\nname: F\napps: [crm]\nblocks:\n  - id: b\n    trigger: {{type: manual}}\n    steps:\n{steps}"))
}

async fn big_answer(bytes: usize) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/things"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"id": "t1", "blob": "x".repeat(bytes)})),
        )
        .expect(1)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn an_answer_over_the_step_limit_fails_for_good_and_is_not_kept() {
    let server = big_answer(500 * 1024).await;
    let apps = catalog([key_app(&server.uri(), ACTION)]);
    let flow = steps_flow("      - id: make\n        action: {app: crm, action: create}\n");
    let state = run(&engine(), &flow, &apps, &key_credentials(), json!({})).await;
    assert_eq!(state.status, RunStatus::Failed);
    let error = state.error.as_ref().unwrap();
    assert!(
        !error.transient,
        "the POST was sent: it must not be sent again"
    );
    assert_eq!(
        error.message,
        "the answer of step 'make' is 501 KB; a step may keep at most 128 KB: select what you need with `output:` or a code step"
    );
    assert!(!state.outputs.contains_key("make"));
    assert_eq!(state.tasks, 1, "the call happened and is metered");
    assert!(json_size(&state) < 16 * 1024, "{}", json_size(&state));
}

#[tokio::test]
async fn output_selects_what_the_step_keeps_and_later_steps_see() {
    let server = big_answer(500 * 1024).await;
    let apps = catalog([key_app(&server.uri(), ACTION)]);
    let flow = steps_flow("      - id: make\n        action: {app: crm, action: create}\n        output: {id: '{{ output.id }}', size: '{{ output.blob | length }}'}\n      - id: after\n        code: {source: 'return steps.make.output;'}\n");
    let state = run(&engine(), &flow, &apps, &key_credentials(), json!({})).await;
    assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
    assert_eq!(state.outputs["make"], json!({"id": "t1", "size": 512000}));
    assert_eq!(state.outputs["after"], state.outputs["make"]);
}

#[tokio::test]
async fn a_code_step_returning_megabytes_fails_with_the_limit() {
    let apps = catalog([]);
    let flow = flow("id: f\nname: F\napps: []\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: huge\n        code: {source: \"return 'x'.repeat(9 * 1024 * 1024);\"}\n");
    let state = run(&engine(), &flow, &apps, &key_credentials(), json!({})).await;
    assert_eq!(state.status, RunStatus::Failed);
    let message = &state.error.as_ref().unwrap().message;
    assert!(
        message.starts_with("the answer of step 'huge' is 9.0 MB; a step may keep at most 128 KB"),
        "{message}"
    );
}

#[tokio::test]
async fn the_run_record_stays_within_its_limit_and_the_log_gives_way_first() {
    let limits = EngineLimits {
        max_record_bytes: 64 * 1024,
        ..EngineLimits::default()
    };
    let engine = engine().with_limits(limits);
    let apps = catalog([]);
    // Each iteration keeps 10 KB and prints 10 KB: the log is trimmed, then the
    // outputs no longer fit and the iteration that overflows fails.
    let flow = flow("id: f\nname: F\napps: []\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: each\n        loop:\n          for_each: '{{ trigger.items }}'\n          steps:\n            - id: fill\n              code: {source: \"for (let i = 0; i < 10; i++) console.log('y'.repeat(1000)); return 'x'.repeat(10 * 1024);\"}\n");
    let items: Vec<u32> = (0..20).collect();
    let state = run(
        &engine,
        &flow,
        &apps,
        &key_credentials(),
        json!({"items": items}),
    )
    .await;
    assert_eq!(state.status, RunStatus::Failed);
    let error = state.error.as_ref().unwrap();
    assert!(
        error.message.starts_with("the run would keep"),
        "{}",
        error.message
    );
    assert!(error
        .message
        .contains("with the output of step 'fill' (11 KB)"));
    assert!(json_size(&state) <= 60 * 1024, "{}", json_size(&state));
    assert!(state.log.iter().any(|l| l
        .message
        .as_deref()
        .is_some_and(|m| m.contains("the run record is full"))));
}

/// A long loop of small steps fills its log, not its record: once the entries no
/// longer fit, they are left out (and counted), and the run goes on to succeed.
#[tokio::test]
async fn a_long_loop_leaves_log_entries_out_rather_than_failing() {
    let limits = EngineLimits {
        max_record_bytes: 64 * 1024,
        ..EngineLimits::default()
    };
    let engine = engine().with_limits(limits);
    let flow = flow("id: f\nname: F\napps: []\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: each\n        loop:\n          for_each: '{{ trigger.items }}'\n          steps:\n            - id: check\n              condition:\n                branches:\n                  - when: [{left: '{{ item }}', op: gt, right: 5}]\n                    steps: []\n");
    let items: Vec<u32> = (0..800).collect();
    let state = run(
        &engine,
        &flow,
        &catalog([]),
        &key_credentials(),
        json!({"items": items}),
    )
    .await;
    assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
    assert!(state.log_dropped > 0, "some entries were left out");
    assert_eq!(
        state.log.len() + state.log_dropped as usize,
        800 + 1,
        "each iteration's step and the loop itself: kept or counted"
    );
    assert_eq!(state.outputs["each"].as_array().unwrap().len(), 800);
    assert!(json_size(&state) <= 60 * 1024, "{}", json_size(&state));
}
