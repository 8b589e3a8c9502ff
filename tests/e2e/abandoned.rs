//! Runs whose request was never acknowledged: recorded, then the process stopped
//! before their queue message was sent. A resend with the same idempotency key
//! revives one; the workspace's sweep marks the others abandoned, so nobody waits.

use chrono::Utc;
use junction_core::engine::{RunState, RunStatus};
use junction_core::model::RunRecord;
use junction_core::service::{event_once, run_once_claim, NewWorkspace, ABANDON_AFTER};
use reqwest::Method;
use serde_json::Value;

use crate::integrations::{deals_to_chatter, setup};
use crate::runs::{event_run, finished};
use crate::server::{Answer, TestServer};
use junction_core::ports::{BookkeepingStore, DueStore, RunStore};

const DEAL: &str = r#"{"user_id": "alice", "payload": {"deal": {"name": "Small", "amount": 10, "owner": "Dana", "contact_id": "c_1"}}}"#;

/// What an ingest that stopped between recording the run and queuing it leaves: the
/// claimed key and a queued run, last touched `ago`. The run's id.
async fn stopped_ingest(
    app: &TestServer,
    model: &RunRecord,
    key: &str,
    ago: chrono::Duration,
) -> String {
    let id = junction_core::ids::new_id("run");
    let at = Utc::now() - ago;
    let claim = run_once_claim(
        &model.workspace_id,
        &model.integration_id,
        &model.state.block_id,
        &event_once("deal.won", key),
    );
    let store = &app.junction.store;
    assert!(store
        .claim_key(&claim, &id, at, junction_core::service::ONCE_WINDOW)
        .await
        .unwrap()
        .is_none());
    let record = RunRecord {
        id: id.clone(),
        status: RunStatus::Queued,
        state: RunState::new(&id, &model.state.flow_id, &model.state.block_id, at),
        created_at: at,
        updated_at: at,
        version: 0,
        ..model.clone()
    };
    store.put_run(&record, None).await.unwrap();
    id
}

async fn send_with_key(app: &TestServer, ws: &NewWorkspace, key: &str) -> String {
    let event = app
        .admin(ws, Method::POST, "/v1/events/deal.won")
        .header("Idempotency-Key", key)
        .json(&serde_json::from_str::<Value>(DEAL).unwrap());
    let answer: serde_json::Value = event.answer_json().await;
    answer["run_ids"][0].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_run_never_queued_is_revived_by_a_resend_or_else_marked_abandoned() {
    let (app, mock, ws) = setup().await;
    deals_to_chatter(&app, &ws).await;
    let ok = event_run(&app, &ws, "deal.won", &serde_json::from_str(DEAL).unwrap()).await;
    assert_eq!(ok["status"], "succeeded", "{ok}");
    let model = app
        .junction
        .store
        .get_run(&ws.workspace.id, ok["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();

    // Two ingests stopped half-way 20 minutes ago; one fresh one a minute ago.
    let stale = chrono::Duration::minutes(20);
    let revived = stopped_ingest(&app, &model, "evt-resent", stale).await;
    let lost = stopped_ingest(&app, &model, "evt-lost", stale).await;
    let recent = stopped_ingest(&app, &model, "evt-recent", chrono::Duration::minutes(1)).await;

    // The sender of the first got no 2xx and sends again: the same run, revived.
    assert_eq!(send_with_key(&app, &ws, "evt-resent").await, revived);
    assert_eq!(
        finished(&app, &ws, "alice", &revived).await["status"],
        "succeeded"
    );

    // The workspace's sweep comes due: the stale one nobody resent is abandoned; the
    // recent one may still be resent and stays queued.
    let posted = mock.state.stats().messages_posted;
    let sweep_at = Utc::now() + chrono::Duration::minutes(11);
    assert!(app.junction.poll_due(sweep_at).await.unwrap() >= 1);
    let run = finished(&app, &ws, "alice", &lost).await;
    assert_eq!(run["status"], "abandoned", "{run}");
    let why = run["state"]["error"]["message"].as_str().unwrap();
    assert!(
        why.starts_with("its request was never acknowledged"),
        "{why}"
    );
    assert_eq!(
        app.junction
            .store
            .get_run(&ws.workspace.id, &recent)
            .await
            .unwrap()
            .unwrap()
            .status,
        RunStatus::Queued
    );
    assert_eq!(
        mock.state.stats().messages_posted,
        posted,
        "abandoning calls no app"
    );
    let far = Utc::now() + chrono::Duration::days(1);
    let sweep = app.junction.store.due_before(far, 100).await.unwrap();
    let sweep = sweep.iter().find(|d| d.key.starts_with("sweep:")).unwrap();
    assert!(
        sweep.due_at > Utc::now() + chrono::Duration::minutes(9),
        "the next sweep is scheduled"
    );
    assert!(ABANDON_AFTER < std::time::Duration::from_secs(20 * 60));

    // A resend after all still revives it: its effect happens once.
    assert_eq!(send_with_key(&app, &ws, "evt-lost").await, lost);
    assert_eq!(
        finished(&app, &ws, "alice", &lost).await["status"],
        "succeeded"
    );
    assert_eq!(mock.state.stats().messages_posted, posted + 1);
}
