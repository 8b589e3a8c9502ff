//! Behaviour under pressure: an app's request to slow down (429 with `Retry-After`)
//! holds back every run of that account until its time, also while the call that got
//! it waits the delay out itself, and in every process sharing the store; an app's
//! declared rate limit is never exceeded by a burst of runs.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use junction_core::definition::parse_flow;
use junction_core::engine::{Engine, Invocation, RunInput};
use junction_core::service::{NewWorkspace, VaultCredentials};
use junction_tests::mock_apps::MockApps;
use junction_tests::refresh::run_block;
use serde_json::json;

use crate::helpers::eventually;
use crate::integrations::{connect_chatter, create, setup};
use crate::server::TestServer;

const PING: &str = "id: ping\nname: Ping\napps: [chatter]\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: post\n        action: {app: chatter, action: post_message, input: {channel: \"#general\", text: hi}}\n";

/// A published one-call flow and alice's integration of it: (integration, account).
async fn ping_integration(app: &TestServer, ws: &NewWorkspace) -> (String, String) {
    app.publish_flow(ws, "ping", PING).await;
    let account = connect_chatter(app, ws, "alice").await;
    let (status, body) = create(
        app,
        ws,
        "alice",
        json!({"flow": "ping", "accounts": {"chatter": account}}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    (body["integration"]["id"].as_str().unwrap().into(), account)
}

async fn start_run(app: &TestServer, ws: &NewWorkspace, integration: &str) -> String {
    let r = app
        .user_post_json(
            ws,
            "alice",
            &format!("/v1/integrations/{integration}/blocks/b/run"),
            json!({}),
        )
        .await;
    r["run_id"].as_str().unwrap().to_string()
}

/// Asks the app to answer its next call with a 429 and `Retry-After: 3`, and waits
/// for `run` to get it; returns when the app answered it.
async fn throttled_run(
    app: &TestServer,
    mock: &MockApps,
    ws: &NewWorkspace,
    integration: &str,
    quiet_s: u64,
) -> (String, SystemTime) {
    mock.state.throttle_next_s.store(quiet_s, Ordering::SeqCst);
    let run = start_run(app, ws, integration).await;
    let at = eventually("the app to throttle a call", || async {
        let calls = mock.state.authorized_calls.lock().unwrap();
        calls
            .iter()
            .find(|(_, status)| *status == 429)
            .map(|(at, _)| *at)
    })
    .await;
    (run, at)
}

#[tokio::test]
async fn a_429_holds_back_every_run_of_the_account_while_its_own_call_waits_it_out() {
    let (app, mock, ws) = setup().await;
    let (integration, _) = ping_integration(&app, &ws).await;
    mock.state.authorized_calls.lock().unwrap().clear();
    let (first, throttled_at) = throttled_run(&app, &mock, &ws, &integration, 3).await;
    // The first run waits its 3 s inline; meanwhile the account's other runs start.
    let mut runs = vec![first];
    for _ in 0..8 {
        runs.push(start_run(&app, &ws, &integration).await);
    }
    for run in &runs {
        let done = crate::runs::finished(&app, &ws, "alice", run).await;
        assert_eq!(done["status"], "succeeded", "{done}");
    }
    let calls = mock.state.authorized_calls.lock().unwrap().clone();
    let after: Vec<_> = calls
        .iter()
        .filter(|(at, status)| *status != 429 && *at > throttled_at)
        .map(|(at, _)| at.duration_since(throttled_at).unwrap())
        .collect();
    assert_eq!(after.len(), 9, "each run's call, once: {after:?}");
    let soonest = after.iter().min().unwrap();
    assert!(
        *soonest >= Duration::from_millis(2900),
        "a call reached the app {soonest:?} after it asked for 3 s of quiet"
    );
}

#[tokio::test]
async fn another_process_sharing_the_store_holds_back_too() {
    let (app, mock, ws) = setup().await;
    let (integration, account) = ping_integration(&app, &ws).await;
    mock.state.authorized_calls.lock().unwrap().clear();
    // 8 s of quiet, so that a busy machine still reaches the second process's call
    // while the hold stands (with 3 s it once ran out first under load).
    let (first, _) = throttled_run(&app, &mock, &ws, &integration, 8).await;

    // A second process: its own engine, so its own per-process hold, over the same store.
    let ws_id = &ws.workspace.id;
    let flow = parse_flow(PING).unwrap().definition;
    let apps = app.junction.runtime_catalog(ws_id).await.unwrap();
    let input = RunInput::default();
    let credentials = VaultCredentials::new(
        &app.junction.store,
        &app.junction.vault,
        ws_id,
        BTreeMap::from([("chatter".to_string(), account)]),
    );
    // The first process records the hold once the 429 reaches it, a moment after the
    // mock answered (on a busy machine, after this test saw the answer): a second
    // process starting then is what this is about.
    eventually("the first process to record the hold", || async {
        use junction_core::credentials::CredentialStore;
        credentials.held_until("chatter").await.unwrap().map(|_| ())
    })
    .await;
    let engine = Engine::new(app.junction.http.clone());
    let inv = Invocation {
        flow: &flow,
        apps: &apps,
        input: &input,
        credentials: &credentials,
        storage: &junction_core::storage::MemoryStorage::new(),
        code_limits: Default::default(),
    };
    let state = run_block(&engine, &inv, "other-process").await;
    let error = state.error.expect("the run is held back");
    assert!(error.transient, "held, to be retried: {error:?}");
    assert!(error.message.contains("slow down"), "{}", error.message);
    assert!(
        error.retry_after_ms.is_some_and(|ms| ms > 2000),
        "{error:?}"
    );
    assert_eq!(
        mock.state.authorized_calls.lock().unwrap().len(),
        1,
        "only the throttled call reached the app"
    );
    let done = crate::runs::finished(&app, &ws, "alice", &first).await;
    assert_eq!(done["status"], "succeeded", "{done}");
}

#[tokio::test]
async fn a_declared_rate_limit_is_never_exceeded_by_a_burst_of_runs() {
    let (app, mock, ws) = setup().await;
    // Chatter declares 3 requests a second per account.
    let text = std::fs::read_to_string(format!("{}/apps/chatter.yaml", crate::helpers::EXAMPLES))
        .unwrap()
        .replace("http://127.0.0.1:4010", &mock.url())
        .replace("auth:\n", "rate_limit: {requests: 3, per: 1s}\nauth:\n");
    let r = app
        .admin(&ws, reqwest::Method::PUT, "/v1/admin/apps/chatter")
        .body(text)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let (integration, _) = ping_integration(&app, &ws).await;
    mock.state.authorized_calls.lock().unwrap().clear();
    // Start just after a window opens, so the burst is counted inside one.
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
        % 1000;
    tokio::time::sleep(Duration::from_millis(((1100 - ms) % 1000) as u64)).await;
    let mut runs = Vec::new();
    for _ in 0..12 {
        runs.push(start_run(&app, &ws, &integration).await);
    }
    for run in &runs {
        let done = crate::runs::finished(&app, &ws, "alice", run).await;
        assert_eq!(done["status"], "succeeded", "{done}");
    }
    let calls = mock.state.authorized_calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 12, "one call per run, none refused");
    let mut per_window = std::collections::BTreeMap::<u128, u32>::new();
    for (at, _) in &calls {
        *per_window
            .entry(at.duration_since(UNIX_EPOCH).unwrap().as_millis() / 1000)
            .or_default() += 1;
    }
    eprintln!("declared 3 requests/s; the app saw per second: {per_window:?}");
    // A run that waited for a window says so in its log, and never that it failed.
    let mut waited = 0;
    for run in &runs {
        let run = app
            .user_json(&ws, "alice", &format!("/v1/runs/{run}"))
            .await;
        for entry in run["state"]["log"].as_array().unwrap() {
            assert_ne!(entry["status"], "failed", "{entry}");
            if entry["status"] == "waiting" {
                assert!(
                    entry["message"]
                        .as_str()
                        .unwrap()
                        .contains("3 requests per 1s"),
                    "{entry}"
                );
                waited += 1;
            }
        }
    }
    assert!(
        waited >= 9,
        "9 of the 12 runs waited at least once: {waited}"
    );
    assert!(
        per_window.values().all(|n| *n <= 3),
        "calls per second: {per_window:?}"
    );
    assert!(
        per_window.len() >= 4,
        "12 calls at 3 a second take 4 windows: {per_window:?}"
    );
}
