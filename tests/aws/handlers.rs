//! Each function's handler with its event shape: the API and webhook routers with
//! HTTP API v2 / Function URL requests, the poller with a scheduled event, the
//! executor with an SQS batch holding one good and one poisoned message.

use junction_core::ports::RunQueue;
use junction_lambdas::{executor, poller};
use serde_json::json;

use crate::events::{call, http_v2, scheduled, sqs, API_DOMAIN, HOOKS_DOMAIN};
use crate::stack::stack;

#[tokio::test]
async fn the_marketplace_api_answers_http_api_v2_requests() {
    let s = stack("https://hooks.example.test").await;
    let api = junction_http::api(s.backend.junction.clone());
    let (status, body) = call(&api, http_v2(API_DOMAIN, "GET", "/health", &[], None)).await;
    assert_eq!((status, body), (200, json!({"status": "ok"})));
    let (status, body) = call(&api, http_v2(API_DOMAIN, "GET", "/v1/flows", &[], None)).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["type"], "urn:junction:problem:unauthorized", "{body}");
    let (status, body) = call(
        &api,
        http_v2(
            API_DOMAIN,
            "POST",
            "/v1/events/x",
            &[
                ("authorization", "Bearer jsk.ws_nope.x"),
                ("content-type", "application/json"),
            ],
            Some("{}"),
        ),
    )
    .await;
    assert_eq!(status, 401, "{body}");
}

#[tokio::test]
async fn the_webhook_receiver_answers_function_url_requests() {
    let s = stack("https://hooks.example.test").await;
    let hooks = junction_http::webhooks(s.backend.junction.clone());
    let (status, body) = call(
        &hooks,
        http_v2(
            HOOKS_DOMAIN,
            "POST",
            "/hooks/wh_unknown",
            &[("content-type", "application/json")],
            Some("{\"a\": 1}"),
        ),
    )
    .await;
    assert_eq!(status, 404, "{body}");
    let (status, _) = call(&hooks, http_v2(HOOKS_DOMAIN, "GET", "/v1/flows", &[], None)).await;
    assert_eq!(status, 404, "the receiver serves nothing but hooks");
}

#[tokio::test]
async fn the_poller_queues_what_is_due_at_the_scheduled_time() {
    let s = stack("https://hooks.example.test").await;
    let answer = poller::handle_tick(&s.backend, scheduled("2026-11-28T19:00:00Z"))
        .await
        .unwrap();
    assert_eq!(answer, json!({"queued": 0}));
}

#[tokio::test]
async fn an_sqs_batch_reports_exactly_the_poisoned_message() {
    let s = stack("https://hooks.example.test").await;
    let queue = &s.backend.junction.queue;
    // A run message whose run no longer exists is done; a body that is no message is not.
    queue
        .send(
            &json!({"workspace_id": "ws_gone", "run_id": "run_gone"}).to_string(),
            std::time::Duration::ZERO,
            None,
        )
        .await
        .unwrap();
    queue
        .send("{not json", std::time::Duration::ZERO, None)
        .await
        .unwrap();
    let mut event = crate::events::drain(&s.sqs, &s.settings.queue_url).await;
    if event.records.len() < 2 {
        let more = crate::events::drain(&s.sqs, &s.settings.queue_url).await;
        event.records.extend(more.records);
    }
    assert_eq!(event.records.len(), 2);
    let poisoned = event
        .records
        .iter()
        .find(|r| r.body.as_deref() == Some("{not json"))
        .unwrap()
        .message_id
        .clone()
        .unwrap();
    let response = executor::handle_batch(&s.backend, event).await;
    let failed: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone())
        .collect();
    assert_eq!(failed, vec![poisoned]);
    let shape = serde_json::to_value(&response).unwrap();
    assert_eq!(
        shape["batchItemFailures"][0]["itemIdentifier"],
        json!(failed[0])
    );
    // The synthetic shape also parses (what the runtime hands over).
    let fixture = sqs(&[("m-1".into(), "r-1".into(), "{not json".into(), 1)]);
    assert_eq!(
        executor::handle_batch(&s.backend, fixture)
            .await
            .batch_item_failures
            .len(),
        1
    );
}

#[tokio::test]
async fn executor_logs_are_json_lines_carrying_the_run_ids() {
    #[derive(Clone, Default)]
    struct Lines(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let lines = Lines::default();
    let sink = lines.clone();
    let _guard =
        tracing::subscriber::set_default(junction_lambdas::logging::subscriber(move || {
            sink.clone()
        }));
    let s = stack("https://hooks.example.test").await;
    let body = json!({"workspace_id": "ws_logs", "run_id": "run_logs"}).to_string();
    let response =
        executor::handle_batch(&s.backend, sqs(&[("m-9".into(), "r-9".into(), body, 1)])).await;
    assert!(response.batch_item_failures.is_empty());
    let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("no longer exists"))
        .unwrap_or_else(|| panic!("no log line about the missing run: {text}"));
    let event: serde_json::Value = serde_json::from_str(line).expect("one JSON object per line");
    assert_eq!(event["level"], "WARN");
    assert_eq!(event["span"]["run"], "run_logs", "{event}");
    assert_eq!(event["span"]["workspace"], "ws_logs", "{event}");
}

#[tokio::test]
async fn a_batch_runs_its_messages_side_by_side() {
    let slow =
        junction_tests::slow_app::SlowApp::start(std::time::Duration::from_millis(300)).await;
    let s = stack("https://hooks.example.test").await;
    let j = &s.backend.junction;
    let ws = j.create_workspace("Slow Inc").await.unwrap().workspace.id;
    j.push_app(&ws, &slow.definition(), None).await.unwrap();
    j.push_flow(&ws, junction_tests::slow_app::SlowApp::FLOW, None, true)
        .await
        .unwrap();
    let new = serde_json::from_value(json!({"flow": "slow-work"})).unwrap();
    j.create_integration(&ws, "alice", new).await.unwrap();
    for _ in 0..3 {
        j.app_event(&ws, "work.requested", Some("alice"), json!({}), None)
            .await
            .unwrap();
    }
    let mut event = crate::events::drain(&s.sqs, &s.settings.queue_url).await;
    while event.records.len() < 3 {
        let more = crate::events::drain(&s.sqs, &s.settings.queue_url).await;
        event.records.extend(more.records);
    }
    let response = executor::handle_batch(&s.backend, event).await;
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(slow.answered(), 3);
    assert_eq!(
        slow.most_at_once(),
        3,
        "the three runs waited on the app together"
    );
}

#[tokio::test]
async fn the_marketplace_api_serves_the_widget_module() {
    use tower::ServiceExt;
    let s = stack("https://hooks.example.test").await;
    let api = junction_http::api(s.backend.junction.clone());
    let response = api
        .clone()
        .oneshot(http_v2(API_DOMAIN, "GET", "/widget/junction.js", &[], None))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let etag = response.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(
        response.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    assert_eq!(body, junction_http::WIDGET_JS.as_bytes());
    let (status, _) = call(
        &api,
        http_v2(
            API_DOMAIN,
            "GET",
            "/widget/junction.js",
            &[("if-none-match", &etag)],
            None,
        ),
    )
    .await;
    assert_eq!(status, 304, "the ETag is honoured behind API Gateway too");
}
