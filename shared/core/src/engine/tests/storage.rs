//! Storage steps: get, set, delete and increment through the run's storage, one task
//! each, logged with their key and value; a loop's iterations are each their own
//! increment; oversized values and bad numbers fail the step naming the field.

use super::*;
use crate::storage::{MemoryStorage, StorageScope};

const STEPS: &str = r#"
id: f
name: F
apps: []
blocks:
  - id: b
    trigger: {type: manual}
    steps:
      - id: before
        storage: {op: get, key: "last:{{ trigger.id }}", default: {seen: "{{ trigger.id }}-new"}}
      - id: keep
        storage: {op: set, key: "last:{{ trigger.id }}", value: {seen: "{{ trigger.id }}"}, ttl: 1d}
      - id: after
        storage: {op: get, key: "last:{{ trigger.id }}"}
      - id: each
        loop:
          for_each: "{{ [1, 2, 3] }}"
          steps:
            - id: count
              storage: {op: increment, key: total, by: "{{ item }}", scope: user}
      - id: gone
        storage: {op: delete, key: "last:{{ trigger.id }}"}
      - id: again
        storage: {op: delete, key: "last:{{ trigger.id }}"}
"#;

async fn run_steps(yaml: &str, trigger: Value, storage: &MemoryStorage) -> RunState {
    run_as("run-st", yaml, trigger, storage).await
}

async fn run_as(run_id: &str, yaml: &str, trigger: Value, storage: &MemoryStorage) -> RunState {
    let f = flow(yaml);
    let engine = engine();
    let input = RunInput {
        trigger,
        ..RunInput::default()
    };
    let creds = MemoryCredentials::new();
    let apps = catalog([]);
    let inv = Invocation {
        flow: &f,
        apps: &apps,
        input: &input,
        credentials: &creds,
        storage,
        code_limits: crate::definition::CodeLimits::default(),
    };
    let mut state = engine.start(&f, "b", run_id).unwrap();
    engine.run(&inv, &mut state).await;
    state
}

#[tokio::test]
async fn each_operation_does_what_it_says_and_is_one_task() {
    let storage = MemoryStorage::new();
    let state = run_steps(STEPS, json!({"id": "c1"}), &storage).await;
    assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
    assert_eq!(
        state.outputs["before"],
        json!({"found": false, "value": {"seen": "c1-new"}}),
        "the default, rendered"
    );
    assert_eq!(state.outputs["keep"], json!({"value": {"seen": "c1"}}));
    assert_eq!(
        state.outputs["after"],
        json!({"found": true, "value": {"seen": "c1"}})
    );
    assert_eq!(state.outputs["gone"], json!({"deleted": true}));
    assert_eq!(state.outputs["again"], json!({"deleted": false}));
    assert_eq!(storage.value(StorageScope::User, "total"), Some(json!(6)));
    assert_eq!(storage.value(StorageScope::Integration, "last:c1"), None);
    // 5 storage steps and 3 iterations of one: 8 tasks.
    assert_eq!(state.tasks, 8);
    let keep = state.log.iter().find(|l| l.step == "keep").unwrap();
    let logged = keep.storage.as_ref().unwrap();
    assert_eq!(logged.key, "last:c1");
    assert_eq!(logged.value.as_deref(), Some(r#"{"seen":"c1"}"#));
    // The same run delivered again (after a crash, say) adds nothing twice...
    let state = run_steps(STEPS, json!({"id": "c1"}), &storage).await;
    assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
    assert_eq!(storage.value(StorageScope::User, "total"), Some(json!(6)));
    // ...and another run counts on from what the first one kept.
    let state = run_as("run-2", STEPS, json!({"id": "c2"}), &storage).await;
    assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
    assert_eq!(storage.value(StorageScope::User, "total"), Some(json!(12)));
}

#[tokio::test]
async fn a_value_over_the_limit_or_a_bad_number_fails_naming_the_field() {
    let big = "id: f\nname: F\napps: []\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: big\n        storage: {op: set, key: k, value: \"{{ trigger.text }}\"}\n";
    let storage = MemoryStorage::new();
    let state = run_steps(big, json!({"text": "x".repeat(70_000)}), &storage).await;
    assert_eq!(state.status, RunStatus::Failed);
    let error = state.error.unwrap().message;
    assert!(error.starts_with("storage.value:"), "{error}");
    assert!(error.contains("65536"), "{error}");
    assert_eq!(storage.value(StorageScope::Integration, "k"), None);

    let bad = "id: f\nname: F\napps: []\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: add\n        storage: {op: increment, key: k, by: \"{{ trigger.n }}\"}\n";
    let state = run_steps(bad, json!({"n": "many"}), &storage).await;
    let error = state.error.unwrap().message;
    assert!(error.starts_with("storage.by:"), "{error}");
}
