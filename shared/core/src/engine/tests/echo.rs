//! Echo suppression in the engine: an action in a flow that syncs both ways remembers
//! what it wrote, and a run whose trigger item reports that write back is skipped
//! before its first step, naming the run that wrote; an edit still runs.

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::storage::{MemoryStorage, RunStorage};

const UPDATE: &str = "actions:\n  update:\n    request: {method: PATCH, path: '/contacts/{{ input.id }}', body: '{{ input.fields }}'}\n    object_id: contact.id\n";

const TWO_WAY: &str = r#"
id: sync
name: Sync
apps: [crm]
blocks:
  - id: from_crm
    trigger: {type: manual}
    echo: {app: crm, object_id: "{{ trigger.id }}", fields: {fields: "{{ trigger.fields }}"}}
    steps:
      - id: write
        action: {app: crm, action: update, input: {id: "{{ trigger.id }}", fields: "{{ trigger.fields }}"}}
"#;

async fn run_as(
    run_id: &str,
    flow: &crate::definition::FlowDefinition,
    apps: &AppCatalog,
    storage: &MemoryStorage,
    trigger: Value,
) -> RunState {
    let engine = engine();
    let input = RunInput {
        trigger,
        ..RunInput::default()
    };
    let creds = key_credentials();
    let inv = Invocation {
        flow,
        apps,
        input: &input,
        credentials: &creds,
        storage,
        code_limits: crate::definition::CodeLimits::default(),
    };
    let mut state = engine.start(flow, &flow.blocks[0].id, run_id).unwrap();
    engine.run(&inv, &mut state).await;
    state
}

async fn crm() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/contacts/c1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"contact": {"id": "c1"}})))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_report_of_its_own_write_is_skipped_and_an_edit_is_not() {
    let server = crm().await;
    let apps = catalog([key_app(&server.uri(), UPDATE)]);
    let flow = flow(TWO_WAY);
    let storage = MemoryStorage::new();
    let change = json!({"id": "c1", "fields": {"name": "Ann", "plan": "pro"}});

    let first = run_as("run-1", &flow, &apps, &storage, change.clone()).await;
    assert_eq!(first.status, RunStatus::Succeeded, "{:?}", first.error);
    let wrote = storage.last_write("crm", "c1").await.unwrap().unwrap();
    assert_eq!(wrote.run_id, "run-1");

    // The app reports the change back (keys in another order): no step runs.
    let echo = json!({"id": "c1", "fields": {"plan": "pro", "name": "Ann"}});
    let skipped = run_as("run-2", &flow, &apps, &storage, echo).await;
    assert_eq!(skipped.status, RunStatus::Skipped);
    assert!(skipped.log.is_empty() && skipped.tasks == 0);
    let why = skipped.skipped.unwrap();
    assert_eq!(why.echo_of.as_deref(), Some("run-1"));
    assert!(
        why.reason.contains("run-1") && why.reason.contains("'c1'"),
        "{}",
        why.reason
    );

    // The user edits the same object within the window: that runs.
    let edit = json!({"id": "c1", "fields": {"name": "Anne", "plan": "pro"}});
    let edited = run_as("run-3", &flow, &apps, &storage, edit).await;
    assert_eq!(edited.status, RunStatus::Succeeded, "{:?}", edited.error);
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        2,
        "run-1 and run-3 wrote"
    );
}

#[tokio::test]
async fn a_flow_that_syncs_one_way_remembers_nothing() {
    let server = crm().await;
    let apps = catalog([key_app(&server.uri(), UPDATE)]);
    let one_way = flow(&TWO_WAY.replace(
        "    echo: {app: crm, object_id: \"{{ trigger.id }}\", fields: {fields: \"{{ trigger.fields }}\"}}\n",
        "",
    ));
    let storage = MemoryStorage::new();
    let change = json!({"id": "c1", "fields": {"name": "Ann"}});
    let state = run_as("run-1", &one_way, &apps, &storage, change).await;
    assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
    assert_eq!(storage.last_write("crm", "c1").await.unwrap(), None);
}
