//! The server's workers: runs that wait on a slow app go on side by side, never more
//! at once than there are worker slots.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::integrations::{create, setup};

/// An app that takes 300 ms per call and counts the calls it holds at once.
async fn slow_app() -> (String, Arc<(AtomicUsize, AtomicUsize, AtomicUsize)>) {
    let gauge = Arc::new((
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
    ));
    let state = gauge.clone();
    let app = axum::Router::new().route(
        "/work",
        axum::routing::post(move || {
            let g = state.clone();
            async move {
                let now = g.0.fetch_add(1, Ordering::SeqCst) + 1;
                g.1.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(300)).await;
                g.0.fetch_sub(1, Ordering::SeqCst);
                g.2.fetch_add(1, Ordering::SeqCst);
                axum::Json(json!({"ok": true}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, gauge)
}

#[tokio::test]
async fn runs_waiting_on_a_slow_app_run_side_by_side_up_to_the_slots() {
    let (app, _mock, ws) = setup().await;
    let (url, gauge) = slow_app().await;
    let slow = format!("id: slow\nname: Slow\nbase_url: {url}\nauth: {{type: none}}\nactions:\n  work:\n    request: {{method: POST, path: /work}}\n");
    let r = app
        .admin(&ws, Method::PUT, "/v1/admin/apps/slow")
        .body(slow)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let flow = "id: slow-work\nname: Slow work\napps: [slow]\nblocks:\n  - id: on_event\n    trigger: {type: app_event, event: work.requested}\n    steps:\n      - id: work\n        action: {app: slow, action: work}\n";
    let r = app
        .admin(&ws, Method::PUT, "/v1/admin/flows/slow-work?publish=true")
        .body(flow)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let (status, created) = create(&app, &ws, "alice", json!({"flow": "slow-work"})).await;
    assert_eq!(status, 201, "{created}");

    for _ in 0..12 {
        let queued: Value = app
            .admin(&ws, Method::POST, "/v1/events/work.requested")
            .json(&json!({"user_id": "alice", "payload": {}}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(queued["run_ids"].as_array().unwrap().len(), 1);
    }
    for _ in 0..200 {
        if gauge.2.load(Ordering::SeqCst) == 12 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        gauge.2.load(Ordering::SeqCst),
        12,
        "every run called the app"
    );
    // The test server has 4 slots: they were all used, and never exceeded.
    assert_eq!(gauge.1.load(Ordering::SeqCst), 4, "calls in flight at most");
}
