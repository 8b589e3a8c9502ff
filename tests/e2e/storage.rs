//! Memory between runs: `storage` steps keep values in the SQLite store from one run
//! to the next, each integration in its own scope and a user's shared, and your admins
//! list and remove them through the admin API.

use reqwest::Method;
use serde_json::{json, Value};

use crate::integrations::create;
use crate::runs::{event_run, finished};
use crate::server::{spawn_app, Answer};

const COUNTER: &str = r#"
id: counter
name: Count the contacts seen
multiple: true
apps: []
blocks:
  - id: on_contact
    trigger: {type: app_event, event: contact.seen}
    steps:
      - id: before
        storage: {op: get, key: "last:{{ trigger.contact.id }}"}
      - id: keep
        storage:
          op: set
          key: "last:{{ trigger.contact.id }}"
          value: {email: "{{ trigger.contact.email }}", seen: "{{ run.id }}"}
      - id: count
        storage: {op: increment, key: contacts, scope: user}
      - id: total
        storage: {op: increment, key: everyone, scope: workspace, by: "{{ trigger.weight }}"}
"#;

fn seen(id: &str, email: &str) -> Value {
    json!({"user_id": "alice", "payload": {"contact": {"id": id, "email": email}, "weight": 2}})
}

#[tokio::test]
async fn storage_steps_remember_between_runs_and_admins_see_and_remove_the_values() {
    let app = spawn_app().await;
    let ws = app.workspace("Acme").await;
    app.publish_flow(&ws, "counter", COUNTER).await;
    let (status, first) = create(&app, &ws, "alice", json!({"flow": "counter"})).await;
    assert_eq!(status, 201, "{first}");
    let (status, second) = create(&app, &ws, "alice", json!({"flow": "counter"})).await;
    assert_eq!(status, 201, "{second}");
    let (first, second) = (
        first["integration"]["id"].as_str().unwrap().to_string(),
        second["integration"]["id"].as_str().unwrap().to_string(),
    );

    // One event reaches both of alice's integrations: two runs.
    let queued: Value = app
        .admin(&ws, Method::POST, "/v1/events/contact.seen")
        .json(&seen("c_1", "a@example.com"))
        .answer_json()
        .await;
    let runs = queued["run_ids"].as_array().unwrap().clone();
    assert_eq!(runs.len(), 2, "{queued}");
    for run in &runs {
        let run = finished(&app, &ws, "alice", run.as_str().unwrap()).await;
        assert_eq!(run["status"], "succeeded", "{run}");
        assert_eq!(run["state"]["outputs"]["before"]["found"], false);
        assert_eq!(run["state"]["tasks"], 4, "each storage step is one task");
        let keep = run["state"]["log"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["step"] == "keep")
            .unwrap();
        assert_eq!(keep["storage"]["key"], "last:c_1", "{keep}");
        assert_eq!(keep["storage"]["scope"], "integration");
    }
    // The user's counter saw both runs; the workspace's added 2 for each.
    let run = event_run(&app, &ws, "contact.seen", &seen("c_1", "b@example.com")).await;
    assert_eq!(run["status"], "succeeded", "{run}");
    let outputs = &run["state"]["outputs"];
    assert_eq!(outputs["before"]["found"], true, "{outputs}");
    assert_eq!(outputs["before"]["value"]["email"], "a@example.com");
    let counts = [
        outputs["count"]["value"].as_i64(),
        outputs["total"]["value"].as_i64(),
    ];
    // The event's two runs go side by side, so each counter says this run was the
    // third or the fourth to reach it (the totals, 4 and 8, are checked below).
    assert!(
        matches!(counts[0], Some(3 | 4)) && matches!(counts[1], Some(6 | 8)),
        "third or fourth of four runs: {counts:?}"
    );
    app.queue_drained().await;

    // Each integration keeps its own; the admin pages through a scope in key order.
    let page: Value = app
        .admin_json(
            &ws,
            &format!("/v1/admin/storage?scope=integration&id={first}"),
        )
        .await;
    assert_eq!(page["scope"], format!("integration:{first}"));
    assert_eq!(page["values"][0]["key"], "last:c_1");
    assert_eq!(page["values"][0]["value"]["email"], "b@example.com");
    let user: Value = app
        .admin_json(&ws, "/v1/admin/storage?scope=user&id=alice&limit=1")
        .await;
    assert_eq!(user["values"][0]["value"], 4, "{user}");
    assert_eq!(user["next"], "contacts", "a full page says where to go on");
    let after: Value = app
        .admin_json(&ws, "/v1/admin/storage?scope=user&id=alice&after=contacts")
        .await;
    assert_eq!(after["values"], json!([]));
    let workspace: Value = app
        .admin_json(&ws, "/v1/admin/storage?scope=workspace")
        .await;
    assert_eq!(workspace["values"][0]["value"], 8);

    // Removal: once, then 404; the other integration keeps its value.
    let remove = |id: &str| {
        app.admin(
            &ws,
            Method::DELETE,
            &format!("/v1/admin/storage/last%3Ac_1?scope=integration&id={id}"),
        )
    };
    assert_eq!(remove(&first).status_of().await, 204);
    assert_eq!(remove(&first).status_of().await, 404);
    let kept: Value = app
        .admin_json(
            &ws,
            &format!("/v1/admin/storage?scope=integration&id={second}"),
        )
        .await;
    assert_eq!(kept["values"].as_array().unwrap().len(), 1, "{kept}");

    // Another workspace sees none of it, and bad scopes name the field.
    let other = app.workspace("Other").await;
    let theirs: Value = app
        .admin_json(&other, "/v1/admin/storage?scope=user&id=alice")
        .await;
    assert_eq!(theirs["values"], json!([]));
    let (status, problem) = app
        .admin(
            &other,
            Method::GET,
            &format!("/v1/admin/storage?scope=integration&id={first}"),
        )
        .status_json()
        .await;
    assert_eq!(status, 404, "{problem}");
    let (status, problem) = app
        .admin(&ws, Method::GET, "/v1/admin/storage?scope=integration")
        .status_json()
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["path"], "id", "{problem}");
    let (status, problem) = app
        .admin(&ws, Method::GET, "/v1/admin/storage?scope=galaxy")
        .status_json()
        .await;
    assert_eq!(status, 400, "{problem}");
    assert!(problem.to_string().contains("scope"), "{problem}");
    assert_eq!(
        app.user(
            &ws,
            "alice",
            Method::GET,
            "/v1/admin/storage?scope=workspace"
        )
        .status_of()
        .await,
        401,
        "end users never reach the admin API"
    );
}
