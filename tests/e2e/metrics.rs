//! The figures operators read: runs by status, calls to apps by app and status with
//! their durations, webhook deliveries by outcome, as the Prometheus text that
//! `junction serve --metrics-listen` serves.

use serde_json::json;

use crate::integrations::{deals_to_chatter, setup};
use crate::runs::event_run;

/// The value of the sample `line_start` (name and labels) in a Prometheus text page.
fn sample(page: &str, line_start: &str) -> Option<f64> {
    page.lines()
        .find(|l| l.starts_with(line_start))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn runs_calls_and_deliveries_are_counted() {
    // nextest runs each test in a process of its own, so this recorder sees this
    // test's figures (under `cargo test` others may add to them: hence `>=`).
    let handle = match metrics_exporter_prometheus::PrometheusBuilder::new().install_recorder() {
        Ok(h) => h,
        Err(e) => panic!("installing the recorder: {e}"),
    };
    junction_core::telemetry::describe();
    let (app, _mock, ws) = setup().await;
    deals_to_chatter(&app, &ws).await;
    let deal = json!({"user_id": "alice", "payload": {"deal": {"name": "Big", "amount": 50000, "owner": "Dana", "contact_id": "c_1"}}});
    for _ in 0..2 {
        let run = event_run(&app, &ws, "deal.won", &deal).await;
        assert_eq!(run["status"], "succeeded", "{run}");
    }
    let refused = app
        .http
        .post(format!("{}/hooks/wh_nobody", app.url))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 404);

    let page = handle.render();
    let runs = sample(&page, r#"junction_runs_total{status="succeeded"}"#);
    assert!(runs >= Some(2.0), "{page}");
    // Each run posts to Chatter and adds a note in Acme.
    let posts = sample(
        &page,
        r#"junction_outbound_requests_total{app="chatter",status="200"}"#,
    );
    assert!(posts >= Some(2.0), "{page}");
    let notes = sample(
        &page,
        r#"junction_outbound_requests_total{app="acme",status="201"}"#,
    );
    assert!(notes >= Some(2.0), "{page}");
    let timed = sample(
        &page,
        r#"junction_outbound_request_duration_seconds_count{app="chatter"}"#,
    );
    assert!(timed >= Some(2.0), "{page}");
    assert!(
        sample(
            &page,
            r#"junction_webhook_deliveries_total{outcome="refused"}"#
        ) >= Some(1.0),
        "{page}"
    );
    assert!(page.contains("# HELP junction_runs_total"), "{page}");
}
