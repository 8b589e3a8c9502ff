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

/// A run recorded while a worker slot is free goes to that worker with its record and
/// integration, its message delivered already (nobody else receives it); without a
/// free slot, or without workers, it waits on the queue like any other; one handed to
/// workers that stopped meanwhile goes back to the queue.
#[tokio::test]
async fn a_run_recorded_while_a_worker_is_free_is_handed_to_it() {
    use junction_core::ports::{QueueMessage, RunQueue, RunStore};
    use junction_core::service::hand_off::{HandOff, HandedRun};

    let SlowFlow {
        _dir,
        junction,
        slow,
        ws,
        integration,
    } = SlowFlow::open().await;
    let ws = ws.as_str();
    let event = || junction.app_event(ws, "work.requested", Some("alice"), json!({}), None);
    let visible = || junction.queue.receive(10, Duration::from_secs(60));

    // Two slots, three runs: two handed over, the third left on the queue.
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(2));
    let (to_workers, mut handed) = tokio::sync::mpsc::unbounded_channel();
    let visibility = Duration::from_secs(60);
    junction.hand_runs_to(Some(HandOff {
        slots: slots.clone(),
        visibility,
        to_workers,
    }));
    let mut run_ids = Vec::new();
    for _ in 0..3 {
        run_ids.extend(event().await.unwrap().run_ids);
    }
    let mut in_hand: Vec<HandedRun> = Vec::new();
    while let Ok(run) = handed.try_recv() {
        in_hand.push(run);
    }
    assert_eq!(in_hand.len(), 2, "one run per free slot");
    assert_eq!(
        slots.available_permits(),
        0,
        "each handed run holds its slot"
    );
    let queued: Vec<QueueMessage> = visible().await.unwrap();
    assert_eq!(
        queued.len(),
        1,
        "only the run without a slot is on the queue"
    );
    assert!(queued[0].body.contains(&run_ids[2]), "{}", queued[0].body);
    for (run, id) in in_hand.iter().zip(&run_ids) {
        assert_eq!(&run.run.run.id, id);
        assert_eq!(
            run.message.receive_count, 1,
            "delivered once, to its worker"
        );
        assert!(run.message.body.contains(id.as_str()));
        assert_eq!(run.run.integration, integration);
        // The record in hand is the stored one, at the stored version.
        let stored = junction.store.get_run(ws, id).await.unwrap().unwrap();
        assert_eq!(run.run.run, stored);
    }

    // A handed run executes from what it holds, and its receipt settles its message.
    let engine = junction.engine();
    for HandedRun { message, run, slot } in in_hand {
        let outcome = junction.execute_in_hand(&engine, &message, Some(run)).await;
        assert!(
            matches!(outcome, junction_core::service::Outcome::Done),
            "{outcome:?}"
        );
        junction.queue.ack(&message.receipt).await.unwrap();
        drop(slot);
    }
    for id in &run_ids[..2] {
        let run = junction.store.get_run(ws, id).await.unwrap().unwrap();
        assert_eq!(run.status.as_str(), "succeeded", "{run:?}");
    }
    assert_eq!(slow.answered(), 2);

    // Workers that stopped after giving a slot: the run goes back to the queue.
    drop(handed);
    let stopped = event().await.unwrap().run_ids;
    let back = visible().await.unwrap();
    assert_eq!(back.len(), 1, "the run for stopped workers is on the queue");
    assert!(back[0].body.contains(&stopped[0]));

    // No workers: every run waits on the queue.
    junction.hand_runs_to(None);
    let unhanded = event().await.unwrap().run_ids;
    let waiting = visible().await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert!(waiting[0].body.contains(&unhanded[0]));
}

/// A request that finds every worker slot taken waits a little for one: a slot freed
/// meanwhile takes its run straight to a worker; when none frees up, the run waits on
/// the queue, and the request is not held up any longer.
#[tokio::test]
async fn a_request_waits_briefly_for_a_slot_then_queues_its_run() {
    use junction_core::ports::RunQueue;
    use junction_core::service::hand_off::{HandOff, SLOT_WAIT};

    let SlowFlow {
        _dir, junction, ws, ..
    } = SlowFlow::open().await;
    let ws = ws.as_str();
    let event = || junction.app_event(ws, "work.requested", Some("alice"), json!({}), None);
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(1));
    let (to_workers, mut handed) = tokio::sync::mpsc::unbounded_channel();
    junction.hand_runs_to(Some(HandOff {
        slots: slots.clone(),
        visibility: Duration::from_secs(60),
        to_workers,
    }));

    // The one slot is taken, and freed while the request waits.
    let taken = slots.clone().try_acquire_owned().unwrap();
    let free_soon = tokio::spawn(async move {
        tokio::time::sleep(SLOT_WAIT / 4).await;
        drop(taken);
    });
    let waited = event().await.unwrap().run_ids;
    free_soon.await.unwrap();
    let run = handed.try_recv().expect("the freed slot took the run");
    assert_eq!(run.run.run.id, waited[0]);
    let queued = junction.queue.receive(10, Duration::from_secs(60)).await;
    assert!(queued.unwrap().is_empty(), "nothing went to the queue");

    // The slot stays taken (by the run above): the next run is queued.
    let started = std::time::Instant::now();
    let queued_id = event().await.unwrap().run_ids;
    assert!(
        started.elapsed() >= SLOT_WAIT,
        "the request waited for a slot first"
    );
    assert!(handed.try_recv().is_err(), "no slot, no hand-off");
    let queued = junction
        .queue
        .receive(10, Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(queued.len(), 1);
    assert!(queued[0].body.contains(&queued_id[0]));
    drop(run);
}

/// A local Junction (no server, no workers) with the slow app's flow published and
/// an integration of it for alice.
struct SlowFlow {
    _dir: tempfile::TempDir,
    junction: junction_local::LocalJunction,
    slow: SlowApp,
    ws: String,
    integration: junction_core::model::Integration,
}

impl SlowFlow {
    async fn open() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let junction = junction_local::LocalBuilder::new(dir.path())
            .key(junction_local::MasterKey::parse(&"42".repeat(32), "test").unwrap())
            .allow_networks(&["127.0.0.1".into()])
            .open()
            .unwrap();
        let slow = SlowApp::start(Duration::ZERO).await;
        let ws = junction.create_workspace("A").await.unwrap().workspace.id;
        junction
            .push_app(&ws, &slow.definition(), None)
            .await
            .unwrap();
        junction
            .push_flow(&ws, SlowApp::FLOW, None, true)
            .await
            .unwrap();
        let new = junction_core::service::NewIntegration {
            flow: "slow-work".into(),
            accounts: Default::default(),
            setup: json!({}),
            name: None,
        };
        let (integration, _) = junction
            .create_integration(&ws, "alice", new)
            .await
            .unwrap();
        Self {
            _dir: dir,
            junction,
            slow,
            ws,
            integration,
        }
    }
}

/// An app pushed through another process (the CLI) a moment ago: a delivery to an
/// integration of it is accepted, though this process read its catalog of apps less
/// than a second before, when the app did not exist yet.
#[tokio::test]
async fn a_delivery_for_an_app_pushed_through_another_process_is_accepted_at_once() {
    use junction_core::service::{Delivery, NewIntegration, WebhookReply};

    let dir = tempfile::tempdir().unwrap();
    let open = || {
        junction_local::LocalBuilder::new(dir.path())
            .key(junction_local::MasterKey::parse(&"42".repeat(32), "test").unwrap())
            .open()
            .unwrap()
    };
    let (server, cli) = (open(), open());
    let ws = server.create_workspace("A").await.unwrap().workspace.id;
    let catalog = server.runtime_catalog(&ws).await.unwrap();
    assert!(catalog.get("late").is_none(), "no app yet");

    let app = "id: late\nname: Late\nbase_url: http://127.0.0.1:9/\nauth:\n  type: none\n\
               webhook:\n  delivery_id:\n    header: webhook-id\n\
               actions:\n  ping:\n    request:\n      method: POST\n      path: /ping\n";
    let flow = "id: late-hooks\nname: Late hooks\napps: [late]\nblocks:\n  - id: on_hook\n    \
                trigger:\n      type: webhook\n      app: late\n    steps:\n      - id: ping\n        \
                action:\n          app: late\n          action: ping\n";
    cli.push_app(&ws, app, None).await.unwrap();
    cli.push_flow(&ws, flow, None, true).await.unwrap();
    let new = NewIntegration {
        flow: "late-hooks".into(),
        accounts: Default::default(),
        setup: json!({}),
        name: None,
    };
    let (integration, _) = server.create_integration(&ws, "alice", new).await.unwrap();
    let url = &server
        .webhook_endpoints(&ws, "alice", &integration.id)
        .await
        .unwrap()[0]
        .url;
    let token = url.rsplit('/').next().unwrap();

    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("webhook-id", "d1".parse().unwrap());
    let delivery = Delivery {
        query: vec![],
        headers,
        body: br#"{"type": "thing.done"}"#.to_vec(),
    };
    match server.receive_webhook(token, delivery).await {
        Ok(WebhookReply::Accepted { run_ids, duplicate }) => {
            assert_eq!(run_ids.len(), 1);
            assert!(!duplicate);
        }
        other => panic!("the delivery was not accepted: {other:?}"),
    }
}
