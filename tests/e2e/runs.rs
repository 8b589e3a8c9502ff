//! Runs executed by the workers of the server: an app event becomes a run whose
//! actions reach the mock apps once, with a step log, metered tasks, and failures
//! shown on the run.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::eventually;
use crate::integrations::{connect_acme, create, deals_to_chatter, oauth_account, setup};
use crate::server::{Answer, TestServer};

/// Polls a run until it is over or stopped: not queued, running, retrying or waiting.
pub(crate) async fn finished(
    app: &TestServer,
    ws: &junction_core::service::NewWorkspace,
    user: &str,
    run_id: &str,
) -> Value {
    eventually(&format!("run {run_id} to finish"), || async {
        let run: Value = app
            .user(ws, user, Method::GET, &format!("/v1/runs/{run_id}"))
            .answer_json()
            .await;
        let going = matches!(
            run["status"].as_str(),
            Some("queued" | "running" | "retrying" | "waiting")
        );
        (!going).then_some(run)
    })
    .await
}

/// Sends an app event for alice and waits for the first run it started.
pub(crate) async fn event_run(
    app: &TestServer,
    ws: &junction_core::service::NewWorkspace,
    name: &str,
    event: &Value,
) -> Value {
    let queued: Value = app
        .admin(ws, Method::POST, &format!("/v1/events/{name}"))
        .json(event)
        .answer_json()
        .await;
    finished(app, ws, "alice", queued["run_ids"][0].as_str().unwrap()).await
}

#[tokio::test]
async fn an_app_event_runs_the_flow_against_the_apps_once() {
    let (app, mock, ws) = setup().await;
    let acme = connect_acme(&app, &ws, "alice").await;
    let mailbird = oauth_account(&app, &ws, "alice").await;
    let (status, created) = create(&app, &ws, "alice", json!({"flow": "contacts-to-mailbird", "accounts": {"acme": acme, "mailbird": mailbird}, "setup": {"list_id": "list_events"}})).await;
    assert_eq!(status, 201);
    let sync = finished(&app, &ws, "alice", created["run_ids"][0].as_str().unwrap()).await;
    assert_eq!(sync["status"], "succeeded", "{sync}");
    assert_eq!(
        mock.state.stats().members_created,
        80,
        "the initial sync subscribed the pro and team contacts"
    );

    let event = json!({"user_id": "alice", "payload": {"contact": {"id": "c_7", "email": "new@example.com", "first_name": "New", "last_name": "Person", "plan": "team"}}});
    let run = event_run(&app, &ws, "contact.created", &event).await;
    assert_eq!(run["status"], "succeeded", "{run}");
    let steps: Vec<_> = run["state"]["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["plan_check", "subscribe", "note"]);
    assert_eq!(run["state"]["tasks"], 2);
    let stats = mock.state.stats();
    assert_eq!((stats.members_created, stats.notes_created), (81, 1));

    let usage: Value = app
        .user(&ws, "alice", Method::GET, "/v1/usage")
        .answer_json()
        .await;
    assert_eq!(
        usage["tasks"],
        3 + 80 + 2,
        "3 pages + 80 subscriptions + 2 actions"
    );
    let text = serde_json::to_string(&run).unwrap();
    assert!(
        !text.contains("mb-access") && !text.contains(junction_tests::mock_apps::ACME_KEY),
        "no secret in the run: {text}"
    );
}

#[tokio::test]
async fn a_refused_action_fails_the_run_with_the_step_and_reason() {
    let (app, mock, ws) = setup().await;
    let acme = connect_acme(&app, &ws, "alice").await;
    let mailbird = oauth_account(&app, &ws, "alice").await;
    let (_, created) = create(&app, &ws, "alice", json!({"flow": "contacts-to-mailbird", "accounts": {"acme": acme, "mailbird": mailbird}, "setup": {"list_id": "list_news", "plans": ["team"]}})).await;
    finished(&app, &ws, "alice", created["run_ids"][0].as_str().unwrap()).await;
    let before = mock.state.stats().members_created;

    let event = json!({"user_id": "alice", "payload": {"contact": {"id": "c_7", "email": "not-an-email", "first_name": "A", "last_name": "B", "plan": "team"}}});
    let run = event_run(&app, &ws, "contact.created", &event).await;
    assert_eq!(run["status"], "failed");
    assert_eq!(run["state"]["error"]["step"], "subscribe");
    assert!(
        run["state"]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("HTTP 400"),
        "{run}"
    );
    assert_eq!(mock.state.stats().members_created, before);
    assert_eq!(
        mock.state.stats().notes_created,
        0,
        "later steps did not run"
    );
}

#[tokio::test]
async fn failed_runs_are_listed_for_the_admin_and_replay_from_the_failed_step() {
    let (app, mock, ws) = setup().await;
    let acme = connect_acme(&app, &ws, "alice").await;
    let mailbird = oauth_account(&app, &ws, "alice").await;
    let (_, created) = create(&app, &ws, "alice", json!({"flow": "contacts-to-mailbird", "accounts": {"acme": acme, "mailbird": mailbird}, "setup": {"list_id": "list_news", "plans": ["team"]}})).await;
    let sync = finished(&app, &ws, "alice", created["run_ids"][0].as_str().unwrap()).await;
    let r = app
        .admin(
            &ws,
            Method::POST,
            &format!("/v1/admin/runs/{}/replay", sync["id"].as_str().unwrap()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409, "only failed runs replay");

    let event = json!({"user_id": "alice", "payload": {"contact": {"id": "c_7", "email": "broken", "first_name": "A", "last_name": "B", "plan": "team"}}});
    let queued: Value = app
        .admin(&ws, Method::POST, "/v1/events/contact.created")
        .json(&event)
        .answer_json()
        .await;
    let run_id = queued["run_ids"][0].as_str().unwrap().to_string();
    assert_eq!(
        finished(&app, &ws, "alice", &run_id).await["status"],
        "failed"
    );

    let failed: Value = app
        .admin(&ws, Method::GET, "/v1/admin/runs?status=failed")
        .answer_json()
        .await;
    assert_eq!(
        failed["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        [run_id.as_str()]
    );
    let all: Value = app
        .admin(&ws, Method::GET, "/v1/admin/integrations")
        .answer_json()
        .await;
    assert_eq!(all["integrations"].as_array().unwrap().len(), 1);

    let requests_before = mock.state.stats().requests;
    assert_eq!(
        app.admin(
            &ws,
            Method::POST,
            &format!("/v1/admin/runs/{run_id}/replay"),
        )
        .status_of()
        .await,
        202
    );
    let again = finished(&app, &ws, "alice", &run_id).await;
    assert_eq!(again["status"], "failed", "the same bad input fails again");
    let steps: Vec<_> = again["state"]["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        ["plan_check", "subscribe", "subscribe"],
        "resumed at the failed step, the condition not run twice"
    );
    assert_eq!(
        mock.state.stats().requests - requests_before,
        1,
        "one more call to the app"
    );
    assert_eq!(
        app.admin(&ws, Method::GET, "/v1/admin/runs?status=sideways")
            .status_of()
            .await,
        400
    );
}

#[tokio::test]
async fn runs_do_not_start_once_the_monthly_quota_is_used_up() {
    let app = crate::server::spawn_app().await;
    let mock = junction_tests::mock_apps::MockApps::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let ws = app.workspace_with_quota("Small plan", 2).await;
    app.push_examples_at(&ws, &mock.url()).await;
    deals_to_chatter(&app, &ws).await;
    let deal = json!({"user_id": "alice", "payload": {"deal": {"name": "Big", "amount": 50000, "owner": "Dana", "contact_id": "c_1"}}});
    let run = event_run(&app, &ws, "deal.won", &deal).await;
    assert_eq!(
        (run["status"].as_str(), run["state"]["tasks"].as_u64()),
        (Some("succeeded"), Some(2))
    );

    let run = event_run(&app, &ws, "deal.won", &deal).await;
    assert_eq!(run["status"], "failed");
    assert!(
        run["state"]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("quota of 2 tasks is used up"),
        "{run}"
    );
    assert_eq!(
        mock.state.stats().messages_posted,
        1,
        "the second run made no call"
    );
}

#[tokio::test]
async fn a_workspace_maximum_bounds_code_steps_at_push_and_at_run() {
    let (app, _mock, ws) = setup().await;
    let limits = |app: &TestServer| app.admin(&ws, Method::GET, "/v1/admin/limits").send();
    let shown: Value = limits(&app).await.unwrap().json().await.unwrap();
    assert_eq!(
        shown["code"],
        json!({"max_time_ms": 5000, "max_memory_mb": 128})
    );

    let flow = |time: &str| {
        format!("id: busy\nname: Busy\napps: []\nblocks:\n  - id: on_event\n    trigger: {{type: app_event, event: busy.started}}\n    steps:\n      - id: spin\n        code:\n{time}          source: 'const end = Date.now() + 400; while (Date.now() < end) {{}} return 1;'\n")
    };
    let push = |text: String| {
        app.admin(&ws, Method::PUT, "/v1/admin/flows/busy?publish=true")
            .body(text)
            .send()
    };
    let r = push(flow("")).await.unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let (status, created) = create(&app, &ws, "alice", json!({"flow": "busy"})).await;
    assert_eq!(status, 201, "{created}");

    // The operator lowers the maximum below what the pushed step gets by default.
    let change = junction_core::service::LimitsChange {
        code_max_time_ms: Some(100),
        ..Default::default()
    };
    app.junction
        .change_workspace_limits(&ws.workspace.id, &change)
        .await
        .unwrap();
    let shown: Value = limits(&app).await.unwrap().json().await.unwrap();
    assert_eq!(shown["code"]["max_time_ms"], 100);

    // New pushes may not ask for more ...
    let r = push(flow("          time_ms: 1000\n")).await.unwrap();
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(
        problem["errors"][0]["path"],
        "blocks[0].steps[0].code.time_ms"
    );
    assert_eq!(
        problem["errors"][0]["message"],
        "must be 1 to 100 milliseconds (the workspace's maximum)"
    );

    // ... and the version already pushed runs within the new maximum.
    let run = event_run(
        &app,
        &ws,
        "busy.started",
        &json!({"user_id": "alice", "payload": {}}),
    )
    .await;
    assert_eq!(run["status"], "failed", "{run}");
    let message = run["state"]["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("the code ran longer than its 100 ms limit"),
        "{run}"
    );
}
