//! Effects happen once: an action whose first call failed (500), timed out after the
//! app acted, or whose worker was killed mid-call, is repeated with the same
//! idempotency key, so the app creates exactly one thing and the run succeeds once.

use std::sync::atomic::Ordering;
use std::time::Duration;

use junction_core::model::RunRecord;
use junction_core::service::NewWorkspace;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::eventually;
use crate::integrations::{connect_acme, create, oauth_account, setup};
use crate::server::{Answer, TestServer};
use junction_core::ports::RunStore;
use junction_tests::mock_apps::MockApps;

/// The run as stored now.
async fn stored_run(app: &TestServer, ws: &NewWorkspace, run_id: &str) -> RunRecord {
    app.junction
        .store
        .get_run(&ws.workspace.id, run_id)
        .await
        .unwrap()
        .expect("the run is recorded")
}

/// A run once it finished.
async fn finished(app: &TestServer, ws: &NewWorkspace, run_id: &str) -> RunRecord {
    eventually(&format!("run {run_id} to finish"), || async {
        Some(stored_run(app, ws, run_id).await).filter(|run| run.status.is_finished())
    })
    .await
}

/// Alice's contacts-to-Mailbird integration, its initial sync done; then one new
/// contact event, whose run id is returned.
async fn integration_and_event(app: &TestServer, ws: &NewWorkspace, arm: impl FnOnce()) -> String {
    let acme = connect_acme(app, ws, "alice").await;
    let mailbird = oauth_account(app, ws, "alice").await;
    let (status, created) = create(app, ws, "alice", json!({"flow": "contacts-to-mailbird", "accounts": {"acme": acme, "mailbird": mailbird}, "setup": {"list_id": "list_events"}})).await;
    assert_eq!(status, 201, "{created}");
    let sync = finished(app, ws, created["run_ids"][0].as_str().unwrap()).await;
    assert_eq!(sync.status.as_str(), "succeeded");
    arm();
    let event = json!({"user_id": "alice", "payload": {"contact": {"id": "c_7", "email": "new@example.com", "first_name": "New", "last_name": "Person", "plan": "team"}}});
    let queued: Value = app
        .admin(ws, Method::POST, "/v1/events/contact.created")
        .json(&event)
        .answer_json()
        .await;
    queued["run_ids"][0].as_str().unwrap().to_string()
}

/// The run succeeded, the app holds exactly one new member, and the rest of the run
/// (the note) happened once.
async fn succeeded_once(
    app: &TestServer,
    ws: &NewWorkspace,
    mock: &MockApps,
    run_id: &str,
    members_before: u64,
) -> RunRecord {
    let run = finished(app, ws, run_id).await;
    assert_eq!(run.status.as_str(), "succeeded", "{:?}", run.state.error);
    let stats = mock.state.stats();
    assert_eq!(
        stats.members_created,
        members_before + 1,
        "exactly one member"
    );
    assert_eq!(stats.notes_created, 1, "the rest of the run happened once");
    run
}

#[tokio::test]
async fn server_errors_then_success_give_one_run_and_one_member() {
    let (app, mock, ws) = setup().await;
    let before = std::cell::Cell::new(0);
    // Four 500s outlast the client's inline attempts: the run goes back to the queue.
    let run_id = integration_and_event(&app, &ws, || {
        before.set(mock.state.stats().members_created);
        mock.state.fail_member_adds.store(5, Ordering::SeqCst);
    })
    .await;
    // Between the attempts the run says it is retrying, why, and when: never failed.
    let retrying = eventually("the run to be seen retrying", || async {
        let run = stored_run(&app, &ws, &run_id).await;
        assert_ne!(run.status.as_str(), "failed", "{:?}", run.state.error);
        assert!(
            !run.status.is_finished(),
            "finished before it was seen retrying"
        );
        (run.status.as_str() == "retrying").then_some(run)
    })
    .await;
    assert_eq!(retrying.state.status.as_str(), "retrying");
    let note = retrying
        .state
        .retry
        .as_ref()
        .expect("the retry is described");
    assert_eq!((note.attempt, note.of), (1, 5));
    assert!(note.next_attempt_at > retrying.updated_at, "{note:?}");
    assert!(
        retrying.state.error.as_ref().is_some_and(|e| e.transient),
        "the error that held it up stays visible"
    );
    let run = succeeded_once(&app, &ws, &mock, &run_id, before.get()).await;
    assert_eq!(mock.state.fail_member_adds.load(Ordering::SeqCst), 0);
    assert!(run.state.retry.is_none(), "over once it succeeded");
    let subscribe = run
        .state
        .log
        .iter()
        .filter(|l| l.step == "subscribe")
        .count();
    assert_eq!(
        subscribe, 2,
        "one failed attempt through the queue, then success: {:?}",
        run.state.log
    );
}

#[tokio::test]
async fn a_timeout_after_the_app_acted_is_retried_without_a_second_member() {
    let (app, mock, ws) = setup().await;
    let before = std::cell::Cell::new(0);
    let run_id = integration_and_event(&app, &ws, || {
        before.set(mock.state.stats().members_created);
        // Longer than the 3 s client timeout of the test server.
        mock.state
            .stall_next_member_add
            .store(5_000, Ordering::SeqCst);
    })
    .await;
    succeeded_once(&app, &ws, &mock, &run_id, before.get()).await;
    let stats = mock.state.stats();
    assert_eq!(
        stats.idempotent_replays, 1,
        "the retry was answered from the first call"
    );
}

/// A run whose member add the app has done but not answered (it stalls a minute),
/// and the members before it: the moment to kill the server.
async fn stalled_mid_action(app: &TestServer, ws: &NewWorkspace, mock: &MockApps) -> (String, u64) {
    let before = std::cell::Cell::new(0);
    let run_id = integration_and_event(app, ws, || {
        before.set(mock.state.stats().members_created);
        mock.state
            .stall_next_member_add
            .store(60_000, Ordering::SeqCst);
    })
    .await;
    eventually("the stalled action to reach the app", || async {
        (mock.state.stats().members_created > before.get()).then_some(())
    })
    .await;
    assert_eq!(mock.state.stats().members_created, before.get() + 1);
    // The steps before the action change nothing outside, so nothing was recorded
    // since the run was queued: the action's checkpoint is the first.
    let mid = stored_run(app, ws, &run_id).await;
    assert_eq!(
        (mid.status.as_str(), mid.state.log.len()),
        ("queued", 0),
        "killed before the action's checkpoint"
    );
    (run_id, before.get())
}

#[tokio::test]
async fn a_worker_killed_mid_action_does_not_repeat_it() {
    let (mut app, mock, ws) = setup().await;
    let (run_id, before) = stalled_mid_action(&app, &ws, &mock).await;
    // Back after the message's visibility timeout has passed.
    app.crash_and_restart(chrono::Duration::minutes(6)).await;
    succeeded_once(&app, &ws, &mock, &run_id, before).await;
    let stats = mock.state.stats();
    assert_eq!(stats.idempotent_replays, 1);
}

#[tokio::test]
async fn a_server_restarted_after_a_kill_takes_over_its_in_flight_runs_at_once() {
    // Messages stay hidden a minute, as `junction serve` hides them for five: waiting
    // that out after a crash would leave the run stuck that long.
    let mut app = crate::server::spawn_app_with_visibility(Duration::from_secs(60)).await;
    let mock = MockApps::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let ws = app.workspace("A").await;
    app.push_examples_at(&ws, &mock.url()).await;
    let (run_id, before) = stalled_mid_action(&app, &ws, &mock).await;
    // Killed mid-action; started again at once over the same data folder.
    app.crash_and_restart(chrono::Duration::zero()).await;
    let run = succeeded_once(&app, &ws, &mock, &run_id, before).await;
    assert_eq!(
        mock.state.stats().idempotent_replays,
        1,
        "{:?}",
        run.state.log
    );
}

#[tokio::test]
async fn a_run_longer_than_the_visibility_timeout_stays_with_one_worker() {
    let (app, mock, ws) = setup().await;
    let before = std::cell::Cell::new(0);
    // The action takes 2.5 s, beyond the test server's 2 s visibility (but within its
    // 3 s client timeout): without the heartbeat a second worker would take the run.
    let run_id = integration_and_event(&app, &ws, || {
        before.set(mock.state.stats().members_created);
        mock.state
            .stall_next_member_add
            .store(2_500, Ordering::SeqCst);
    })
    .await;
    succeeded_once(&app, &ws, &mock, &run_id, before.get()).await;
    app.queue_drained().await;
    assert_eq!(
        mock.state.stats().idempotent_replays,
        0,
        "no second worker repeated the action"
    );
}
