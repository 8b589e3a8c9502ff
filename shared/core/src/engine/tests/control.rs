//! Control steps, templates, task counting, and checkpoint/resume.

use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;

const NOTE: &str = "actions:\n  note:\n    request: {method: POST, path: /notes, body: {text: '{{ input.text }}'}}\n";

#[tokio::test]
async fn conditions_take_the_first_matching_branch() {
    let f = flow(
        "id: f\nname: F\napps: []\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: c\n        condition:\n          branches:\n            - when: [{left: '{{ trigger.n }}', op: gt, right: 10}]\n              steps: [{id: big, abort: {reason: big}}]\n            - when: [{left: '{{ trigger.n }}', op: gt, right: 5}, {left: '{{ trigger.tag }}', op: eq, right: x}]\n              match: any\n              steps: [{id: medium, abort: {reason: medium}}]\n          else: [{id: small, abort: {reason: small}}]\n",
    );
    let apps = catalog([]);
    for (trigger, expected) in [
        (json!({"n": 11, "tag": ""}), "big"),
        (json!({"n": 1, "tag": "x"}), "medium"),
        (json!({"n": "7", "tag": ""}), "medium"),
        (json!({"n": 1, "tag": ""}), "small"),
    ] {
        let state = run(&engine(), &f, &apps, &key_credentials(), trigger.clone()).await;
        assert_eq!(
            state.status,
            RunStatus::Aborted,
            "{trigger}: {:?}",
            state.error
        );
        assert_eq!(state.abort_reason.as_deref(), Some(expected), "{trigger}");
    }
}

#[tokio::test]
async fn loops_count_a_task_per_iteration_and_collect_outputs() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/notes"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": 1})))
        .expect(3)
        .mount(&server)
        .await;
    let apps = catalog([key_app(&server.uri(), NOTE)]);
    let f = flow("id: f\nname: F\napps: [crm]\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: each\n        loop:\n          for_each: '{{ trigger.items }}'\n          steps:\n            - id: write\n              action: {app: crm, action: note, input: {text: '{{ index }}:{{ item }}'}}\n");
    let state = run(
        &engine(),
        &f,
        &apps,
        &key_credentials(),
        json!({"items": ["a", "b", "c"]}),
    )
    .await;
    assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
    assert_eq!(state.tasks, 3);
    assert_eq!(
        state.outputs["each"],
        json!([{"write": {"ok": 1}}, {"write": {"ok": 1}}, {"write": {"ok": 1}}])
    );
    let iterations: Vec<_> = state
        .log
        .iter()
        .filter(|l| l.step == "write")
        .map(|l| l.iteration)
        .collect();
    assert_eq!(iterations, vec![Some(0), Some(1), Some(2)]);
    assert_eq!(
        state.log.last().unwrap().message.as_deref(),
        Some("3 iterations")
    );
}

#[tokio::test]
async fn loop_bounds_stop_runaway_loops() {
    let apps = catalog([]);
    let f = flow("id: f\nname: F\napps: []\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: each\n        loop:\n          for_each: '{{ trigger.items }}'\n          max_iterations: 2\n          steps: [{id: w, wait: {duration: 1s}}]\n");
    let state = run(
        &engine(),
        &f,
        &apps,
        &key_credentials(),
        json!({"items": [1, 2, 3]}),
    )
    .await;
    assert!(state.error.unwrap().message.contains("loop bound reached"));

    let f = flow("id: f\nname: F\napps: []\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: forever\n        loop:\n          while: [{left: 1, op: eq, right: 1}]\n          max_iterations: 4\n          steps: [{id: c, condition: {branches: [{when: [{left: 1, op: eq, right: 2}], steps: [{id: x, abort: {reason: x}}]}]}}]\n");
    let state = run(&engine(), &f, &apps, &key_credentials(), json!({})).await;
    assert_eq!(state.status, RunStatus::Failed);
    let error = state.error.unwrap();
    assert!(error.message.contains("loop bound reached"), "{error:?}");
    assert_eq!(error.step.as_deref(), Some("forever"));
}

#[tokio::test]
async fn do_while_loops_until_the_condition_fails() {
    let apps = catalog([]);
    let f = flow("id: f\nname: F\napps: []\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: count\n        loop:\n          while: [{left: '{{ index }}', op: lt, right: 2}]\n          max_iterations: 10\n          steps: [{id: c, condition: {branches: [{when: [{left: 1, op: eq, right: 2}], steps: [{id: x, abort: {reason: x}}]}]}}]\n");
    let state = run(&engine(), &f, &apps, &key_credentials(), json!({})).await;
    assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
    assert_eq!(state.outputs["count"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn undefined_variables_fail_the_step_naming_them() {
    let apps = catalog([]);
    let f = flow("id: f\nname: F\napps: []\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: say\n        abort: {reason: 'hello {{ trigger.contact.name }}'}\n");
    let state = run(
        &engine(),
        &f,
        &apps,
        &key_credentials(),
        json!({"other": 1}),
    )
    .await;
    assert_eq!(state.status, RunStatus::Failed);
    let error = state.error.unwrap();
    assert_eq!(error.step.as_deref(), Some("say"));
    assert!(
        error.message.contains("unknown variable 'trigger.contact'"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn wait_hands_back_a_resume_time_and_resumes_after_it() {
    let apps = catalog([]);
    let f = flow("id: f\nname: F\napps: []\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - {id: pause, wait: {duration: 10m}}\n      - {id: done, abort: {reason: resumed}}\n");
    let engine = engine();
    let state = run(&engine, &f, &apps, &key_credentials(), json!({})).await;
    assert_eq!(state.status, RunStatus::Waiting);
    let at = state.resume_at.unwrap();
    assert!(at > chrono::Utc::now() + chrono::Duration::minutes(9));

    let mut resumed: RunState =
        serde_json::from_str(&serde_json::to_string(&state).unwrap()).unwrap();
    engine.resume(&mut resumed);
    let input = RunInput::default();
    let creds = key_credentials();
    engine
        .run(
            &Invocation {
                flow: &f,
                apps: &apps,
                input: &input,
                credentials: &creds,
                storage: &crate::storage::MemoryStorage::new(),
                code_limits: crate::definition::CodeLimits::default(),
            },
            &mut resumed,
        )
        .await;
    assert_eq!(resumed.abort_reason.as_deref(), Some("resumed"));
}

/// A wait resumes at the service's time, not the machine's: the engine reads its clock.
#[tokio::test]
async fn a_wait_is_timed_by_the_engines_clock() {
    let apps = catalog([]);
    let f = flow("id: f\nname: F\napps: []\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - {id: pause, wait: {duration: 10m}}\n");
    let start: chrono::DateTime<chrono::Utc> = "2030-01-01T00:00:00Z".parse().unwrap();
    let clock = crate::ports::ManualClock::new(start);
    let engine = engine().with_clock(std::sync::Arc::new(clock));
    let state = run(&engine, &f, &apps, &key_credentials(), json!({})).await;
    assert_eq!(state.resume_at, Some(start + chrono::Duration::minutes(10)));
    assert_eq!(state.started_at, start);
}

#[tokio::test]
async fn a_run_resumed_from_a_checkpoint_never_repeats_a_completed_action() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/notes"))
        .and(body_json(json!({"text": "first"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 1})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/notes"))
        .and(body_json(json!({"text": "second after 1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 2})))
        .expect(1)
        .mount(&server)
        .await;
    let apps = catalog([key_app(&server.uri(), NOTE)]);
    let f = flow("id: f\nname: F\napps: [crm]\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: one\n        action: {app: crm, action: note, input: {text: first}}\n      - id: two\n        action: {app: crm, action: note, input: {text: 'second after {{ steps.one.output.id }}'}}\n");
    let engine = engine();
    let input = RunInput::default();
    let creds = key_credentials();
    let inv = Invocation {
        flow: &f,
        apps: &apps,
        input: &input,
        credentials: &creds,
        storage: &crate::storage::MemoryStorage::new(),
        code_limits: crate::definition::CodeLimits::default(),
    };
    let mut state = engine.start(&f, "b", "run-9").unwrap();
    assert!(engine.advance(&inv, &mut state).await);
    // The process "dies" here; only the checkpoint survives.
    let checkpoint = serde_json::to_vec(&state).unwrap();
    drop(state);
    let mut restored: RunState = serde_json::from_slice(&checkpoint).unwrap();
    engine.run(&inv, &mut restored).await;
    assert_eq!(
        restored.status,
        RunStatus::Succeeded,
        "{:?}",
        restored.error
    );
    assert_eq!(restored.tasks, 2);
    assert_eq!(restored.outputs["two"], json!({"id": 2}));
}

#[tokio::test]
async fn unknown_block_is_a_clear_error() {
    let f = flow("id: f\nname: F\napps: []\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps: [{id: a, abort: {reason: x}}]\n");
    let err = engine().start(&f, "nope", "r").unwrap_err();
    assert!(err.to_string().contains("no block 'nope' (its blocks: b)"));
}
