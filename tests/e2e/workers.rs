//! The server's workers: runs that wait on a slow app go on side by side, never more
//! at once than there are worker slots.

use std::time::Duration;

use junction_tests::slow_app::SlowApp;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::eventually;
use crate::integrations::{create, setup};
use crate::server::Answer;

#[tokio::test]
async fn runs_waiting_on_a_slow_app_run_side_by_side_up_to_the_slots() {
    let (app, _mock, ws) = setup().await;
    let slow = SlowApp::start(Duration::from_millis(300)).await;
    for (path, body) in [
        ("/v1/admin/apps/slow", slow.definition()),
        (
            "/v1/admin/flows/slow-work?publish=true",
            SlowApp::FLOW.into(),
        ),
    ] {
        let r = app
            .admin(&ws, Method::PUT, path)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }
    let (status, created) = create(&app, &ws, "alice", json!({"flow": "slow-work"})).await;
    assert_eq!(status, 201, "{created}");

    for _ in 0..12 {
        let queued: Value = app
            .admin(&ws, Method::POST, "/v1/events/work.requested")
            .json(&json!({"user_id": "alice", "payload": {}}))
            .answer_json()
            .await;
        assert_eq!(queued["run_ids"].as_array().unwrap().len(), 1);
    }
    eventually("every run to call the app", || async {
        (slow.answered() >= 12).then_some(())
    })
    .await;
    assert_eq!(slow.answered(), 12, "every run called the app");
    // The test server has 4 slots: they were all used, and never exceeded.
    assert_eq!(slow.most_at_once(), 4, "calls in flight at most");
}
