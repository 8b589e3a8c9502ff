//! Incremental polls: a poll's input reads its own state (`poll.last_updated_at`),
//! boundary items of an inclusive `since` run once, the integration shows each poll's
//! health, and usage counts poll requests apart from tasks.

use chrono::Utc;
use junction_core::service::NewWorkspace;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::eventually;
use crate::integrations::{connect_acme, create, setup};
use crate::server::{Answer, TestServer};
use crate::triggers::finished_runs;
use junction_core::ports::DueStore;

/// New Acme contacts, fetched incrementally: only those created since the newest seen.
const NEW_CONTACTS: &str = r#"id: new-contacts
name: New contacts
apps: [acme]
blocks:
  - id: created
    trigger:
      type: poll
      app: acme
      query: contacts
      interval: 10m
      updated: created_at
      input:
        created_since: "{{ poll.last_updated_at | default(none) }}"
    steps:
      - {id: note, abort: {reason: "new {{ trigger.item.id }}"}}
"#;

/// Handles the poll due at `at` and waits until its state moved on; that state.
async fn poll_at(app: &TestServer, integration: &str, at: chrono::DateTime<Utc>) -> Value {
    let far = Utc::now() + chrono::Duration::days(1);
    let state = |due: Vec<junction_core::model::DueItem>| {
        due.into_iter()
            .find(|d| d.key.contains(integration))
            .map(|d| d.payload)
    };
    let before = state(app.junction.store.due_before(far, 100).await.unwrap());
    assert!(
        app.junction.poll_due(at).await.unwrap() >= 1,
        "a poll is due"
    );
    eventually(&format!("the poll of {integration} to run"), || async {
        let now = state(app.junction.store.due_before(far, 100).await.unwrap());
        now.filter(|n| Some(n) != before.as_ref())
    })
    .await
}

async fn poll_requests(app: &TestServer, ws: &NewWorkspace) -> u64 {
    let usage = app.admin_json(ws, "/v1/admin/usage").await;
    usage["poll_requests"]
        .as_u64()
        .unwrap_or_else(|| panic!("{usage}"))
}

/// Erin's integration of [`NEW_CONTACTS`]; its id.
async fn new_contacts(app: &TestServer, ws: &NewWorkspace) -> String {
    app.publish_flow(ws, "new-contacts", NEW_CONTACTS).await;
    let acme = connect_acme(app, ws, "erin").await;
    let (status, created) = create(
        app,
        ws,
        "erin",
        json!({"flow": "new-contacts", "accounts": {"acme": acme}}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    created["integration"]["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn an_incremental_poll_asks_only_since_the_newest_item_and_runs_boundary_items_once() {
    let (app, mock, ws) = setup().await;
    let id = new_contacts(&app, &ws).await;
    let path = format!("/v1/integrations/{id}");
    let health = app.user_json(&ws, "erin", &path).await;
    assert_eq!(health["polls"][0]["status"], "pending", "{health}");

    // The baseline: no `since` yet, so every contact in three pages; nothing runs.
    let state = poll_at(&app, &id, Utc::now()).await;
    assert_eq!(state["items"], 120, "{state}");
    assert_eq!(state["last_updated_at"], "2026-11-28T09:00:00Z");
    assert_eq!(poll_requests(&app, &ws).await, 3);
    let health = app.user_json(&ws, "erin", &path).await;
    let poll = &health["polls"][0];
    assert_eq!(poll["block"], "created");
    assert_eq!(poll["status"], "ok", "{health}");
    assert_eq!(
        (poll["items"].as_u64(), poll["new_items"].as_u64()),
        (Some(120), Some(0))
    );
    let next: chrono::DateTime<Utc> = serde_json::from_value(poll["next_poll_at"].clone()).unwrap();
    assert!(next > Utc::now() + chrono::Duration::minutes(8), "{health}");

    // One contact is created. The next poll asks since 2026-11-28T09:00:00Z, which the
    // app takes inclusively: the four contacts of that instant come back with the new
    // one, in one page, and only the new one runs.
    mock.state.contacts.lock().unwrap().push(json!({"id": "c_121", "email": "new@example.com", "first_name": "New", "last_name": "One", "plan": "pro", "created_at": "2026-11-30T11:00:00Z"}));
    let state = poll_at(&app, &id, Utc::now() + chrono::Duration::minutes(11)).await;
    assert_eq!(
        state["items"], 5,
        "only what is new since the newest seen: {state}"
    );
    assert_eq!(state["new_items"], 1, "{state}");
    assert_eq!(state["last_updated_at"], "2026-11-30T11:00:00Z");
    assert_eq!(poll_requests(&app, &ws).await, 4, "one page this time");
    let runs = finished_runs(&app, &ws, &id, 1).await;
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].state.abort_reason.as_deref(), Some("new c_121"));

    // Again: the newest contact is on the boundary and does not run twice.
    let state = poll_at(&app, &id, Utc::now() + chrono::Duration::minutes(22)).await;
    assert_eq!(
        (state["items"].as_u64(), state["new_items"].as_u64()),
        (Some(1), Some(0))
    );
    app.queue_drained().await;
    assert_eq!(finished_runs(&app, &ws, &id, 1).await.len(), 1);

    // Polls made requests but no task: usage keeps them apart.
    let usage = app.admin_json(&ws, "/v1/admin/usage").await;
    assert_eq!(usage["poll_requests"], 5, "{usage}");
    assert_eq!(usage["total"], 0, "an abort step is no task: {usage}");
}

#[tokio::test]
async fn a_poll_that_keeps_failing_says_so_on_its_integration() {
    let (app, mock, ws) = setup().await;
    let id = new_contacts(&app, &ws).await;
    // Acme asks for an hour of quiet: the poll fails, and so does the next one,
    // without calling Acme again.
    mock.state
        .throttle_next_s
        .store(3600, std::sync::atomic::Ordering::SeqCst);
    poll_at(&app, &id, Utc::now()).await;
    let state = poll_at(&app, &id, Utc::now() + chrono::Duration::minutes(11)).await;
    assert_eq!(state["failures"], 2, "{state}");
    let health = app
        .user_json(&ws, "erin", &format!("/v1/integrations/{id}"))
        .await;
    let poll = &health["polls"][0];
    assert_eq!(poll["status"], "failing", "{health}");
    assert_eq!(poll["failures"], 2);
    let error = poll["last_error"].as_str().unwrap();
    assert!(error.contains("429") || error.contains("wait"), "{error}");
    assert!(poll["last_succeeded_at"].is_null(), "{health}");
    assert_eq!(
        poll_requests(&app, &ws).await,
        1,
        "the held poll did not call Acme"
    );

    // Disabled, it is paused, with no next poll.
    assert_eq!(
        app.user(
            &ws,
            "erin",
            Method::PATCH,
            &format!("/v1/integrations/{id}"),
        )
        .json(&json!({"enabled": false}))
        .status_of()
        .await,
        200
    );
    let health = app
        .user_json(&ws, "erin", &format!("/v1/integrations/{id}"))
        .await;
    assert_eq!(health["polls"][0]["status"], "paused", "{health}");
    assert!(health["polls"][0]["next_poll_at"].is_null(), "{health}");
}

/// With every worker slot taken, a poll that finds many new items waits for a slot
/// once for all of them (`SLOT_WAIT`), as an app event's runs do, not once per item:
/// their runs go to the queue and the poll's state moves on.
#[tokio::test]
async fn a_poll_waits_for_a_worker_slot_once_for_all_its_new_items() {
    use junction_core::service::hand_off::{HandOff, SLOT_WAIT};

    let (app, mock, ws) = setup().await;
    let id = new_contacts(&app, &ws).await;
    poll_at(&app, &id, Utc::now()).await;
    // One slot, taken for the whole test.
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(1));
    let _taken = slots.clone().try_acquire_owned().unwrap();
    let (to_workers, mut handed) = tokio::sync::mpsc::unbounded_channel();
    app.junction.hand_runs_to(Some(HandOff {
        slots,
        visibility: std::time::Duration::from_secs(60),
        to_workers,
    }));
    let new = 100;
    mock.state.contacts.lock().unwrap().extend((0..new).map(|i| {
        json!({"id": format!("c_new{i}"), "email": format!("new{i}@example.com"), "first_name": "New", "last_name": "One", "plan": "pro", "created_at": "2026-11-30T11:00:00Z"})
    }));
    let started = std::time::Instant::now();
    let state = poll_at(&app, &id, Utc::now() + chrono::Duration::minutes(11)).await;
    let took = started.elapsed();
    assert_eq!(state["new_items"], new, "{state}");
    // One item at a time, the poll would wait SLOT_WAIT for each: a second in all.
    assert!(
        took < SLOT_WAIT * new / 2,
        "the poll waited for a slot per item: {took:?}"
    );
    assert!(handed.try_recv().is_err(), "no slot, no hand-off");
    let runs = finished_runs(&app, &ws, &id, new as usize).await;
    assert_eq!(
        runs.len(),
        new as usize,
        "every new item ran, from the queue"
    );
}
