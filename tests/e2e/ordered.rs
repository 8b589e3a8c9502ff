//! Ordered updates (`order_by:`): runs for one object of an integration go one at a
//! time, an update older than the last one processed is skipped naming the run that
//! processed the newer one, and other objects are not held up.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::eventually;
use crate::integrations::create;
use crate::runs::finished;
use crate::server::{spawn_app, Answer, TestServer};
use junction_core::service::NewWorkspace;

const LATEST_NAME: &str = r#"
id: latest-name
name: Keep each contact's latest name
apps: []
blocks:
  - id: on_update
    trigger: {type: app_event, event: contact.updated}
    order_by:
      id: "{{ trigger.contact.id }}"
      updated_at: "{{ trigger.contact.updated_at }}"
    steps:
      - id: slow
        condition:
          branches:
            - when: [{left: "{{ trigger.pause }}", op: eq, right: true}]
              steps:
                - id: pause
                  wait: {duration: 1s}
      - id: keep
        storage: {op: set, key: "name:{{ trigger.contact.id }}", value: "{{ trigger.contact.name }}"}
"#;

async fn update(
    app: &TestServer,
    ws: &NewWorkspace,
    id: &str,
    name: &str,
    at: &str,
    pause: bool,
) -> String {
    let event = json!({"user_id": "alice", "payload": {"pause": pause, "contact": {"id": id, "name": name, "updated_at": at}}});
    let queued: Value = app
        .admin(ws, Method::POST, "/v1/events/contact.updated")
        .json(&event)
        .answer_json()
        .await;
    queued["run_ids"][0].as_str().unwrap().to_string()
}

#[tokio::test]
async fn updates_of_one_object_run_in_turn_and_an_older_one_is_skipped() {
    let app = spawn_app().await;
    let ws = app.workspace("Acme").await;
    app.publish_flow(&ws, "latest-name", LATEST_NAME).await;
    let (status, created) = create(&app, &ws, "alice", json!({"flow": "latest-name"})).await;
    assert_eq!(status, 201, "{created}");
    let integration = created["integration"]["id"].as_str().unwrap().to_string();

    // c1 at 10:00 pauses a second; c1 at 11:00 comes meanwhile and waits its turn;
    // c2 is another object and goes at once. (Were 11:00 taken up first, 10:00 would
    // rightly be skipped: the first is let in before the second is sent.)
    let first = update(&app, &ws, "c1", "Ann", "2026-12-05T10:00:00Z", true).await;
    eventually("the first update of c1 to hold its object", || async {
        let run: Value = app
            .user(&ws, "alice", Method::GET, &format!("/v1/runs/{first}"))
            .answer_json()
            .await;
        (run["status"] == "waiting").then_some(())
    })
    .await;
    let second = update(&app, &ws, "c1", "Annie", "2026-12-05T11:00:00Z", false).await;
    let other = update(&app, &ws, "c2", "Bob", "2026-12-05T09:00:00Z", false).await;
    let (first, second, other) = (
        finished(&app, &ws, "alice", &first).await,
        finished(&app, &ws, "alice", &second).await,
        finished(&app, &ws, "alice", &other).await,
    );
    for run in [&first, &second, &other] {
        assert_eq!(run["status"], "succeeded", "{run}");
    }
    let started = |run: &Value| {
        chrono::DateTime::parse_from_rfc3339(run["state"]["log"][0]["started_at"].as_str().unwrap())
            .unwrap()
    };
    let ended = |run: &Value| {
        chrono::DateTime::parse_from_rfc3339(run["state"]["finished_at"].as_str().unwrap()).unwrap()
    };
    assert!(
        started(&second) >= ended(&first),
        "the second update of c1 waited for the first: {} < {}",
        started(&second),
        ended(&first)
    );
    assert!(ended(&other) < ended(&first), "c2 was not held up by c1");

    // An update of c1 older than the one processed is skipped, naming that run.
    let stale = update(&app, &ws, "c1", "Old", "2026-12-05T10:30:00Z", false).await;
    let stale = finished(&app, &ws, "alice", &stale).await;
    assert_eq!(stale["status"], "skipped", "{stale}");
    assert_eq!(stale["state"]["skipped"]["superseded_by"], second["id"]);
    assert_eq!(stale["state"]["log"], json!([]), "no step ran");
    let kept: Value = app
        .admin_json(
            &ws,
            &format!("/v1/admin/storage?scope=integration&id={integration}"),
        )
        .await;
    let names: Vec<(&str, &str)> = kept["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["key"].as_str().unwrap(), v["value"].as_str().unwrap()))
        .collect();
    assert_eq!(names, [("name:c1", "Annie"), ("name:c2", "Bob")]);

    // A newer one still runs.
    let newer = update(&app, &ws, "c1", "Anne", "2026-12-05T12:00:00Z", false).await;
    assert_eq!(
        finished(&app, &ws, "alice", &newer).await["status"],
        "succeeded"
    );
}
