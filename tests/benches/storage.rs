//! Local storage benchmark: queue send+receive+ack per second and store reads and
//! writes per second on the SQLite adapters, for both durability settings.
//! Run: `cargo bench -p junction-tests --bench storage`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use junction_core::engine::{RunInput, RunState, RunStatus};
use junction_core::ids::new_id;
use junction_core::model::RunRecord;
use junction_core::ports::{BookkeepingStore, RunStore};
use junction_core::ports::{RunQueue, SystemClock};
use junction_local::{Database, Durability, QueueConfig, SqliteQueue, SqliteStore};
use serde_json::json;

fn rate(n: usize, started: Instant) -> String {
    format!("{:>9.0}/s", n as f64 / started.elapsed().as_secs_f64())
}

async fn queue(durability: Durability) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("bench.db"), durability).unwrap();
    let q = SqliteQueue::new(db, Arc::new(SystemClock), QueueConfig::default());
    let body = json!({"run": "run_0190", "integration": "int_1", "block": "b", "trigger": {"email": "a@b.c"}}).to_string();
    let n = 20_000;
    let started = Instant::now();
    for i in 0..n {
        q.send(&body, Duration::ZERO, Some(&format!("d{i}")))
            .await
            .unwrap();
    }
    let send = rate(n, started);
    let started = Instant::now();
    let mut done = 0;
    while done < n {
        let batch = q.receive(10, Duration::from_secs(60)).await.unwrap();
        for m in &batch {
            q.ack(&m.receipt).await.unwrap();
        }
        done += batch.len();
    }
    let consume = rate(n, started);
    println!(
        "queue ({durability:?} durability): send with dedupe id {send}, receive+ack {consume}"
    );
}

async fn store(durability: Durability) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("bench.db"), durability).unwrap();
    let s = SqliteStore::new(db);
    let n = 20_000;
    let ids: Vec<String> = (0..n).map(|_| new_id("run")).collect();
    let record = |id: &str| RunRecord {
        workspace_id: "ws_1".into(),
        id: id.into(),
        integration_id: "int_1".into(),
        user_id: "u1".into(),
        status: RunStatus::Running,
        input: RunInput {
            trigger: json!({"email": "a@b.c"}),
            setup: json!({"list": "L1"}),
            user: json!({"id": "u1"}),
        },
        state: RunState::new(id, "f", "b", Utc::now()),
        created_at: Utc::now(),
        updated_at: Utc::now(),
        expires_at: Utc::now() + chrono::Duration::days(30),
        version: 0,
    };
    let started = Instant::now();
    for id in &ids {
        s.put_run(&record(id), None).await.unwrap();
    }
    let writes = rate(n, started);
    let started = Instant::now();
    for id in &ids {
        assert!(s.get_run("ws_1", id).await.unwrap().is_some());
    }
    let reads = rate(n, started);
    let started = Instant::now();
    for id in &ids {
        s.insert_dedupe(id, Utc::now(), Duration::from_secs(3600))
            .await
            .unwrap();
    }
    let dedupe = rate(n, started);
    let started = Instant::now();
    for i in 0..n {
        s.add_tasks("ws_1", if i % 2 == 0 { "u1" } else { "u2" }, "2026-11", 1)
            .await
            .unwrap();
    }
    let counters = rate(n, started);
    println!("store ({durability:?} durability): run writes {writes}, run reads {reads}, dedupe inserts {dedupe}, task counter adds {counters}");
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        println!("junction local storage benchmark (SQLite, WAL, one thread)");
        for durability in [Durability::Process, Durability::Power] {
            queue(durability).await;
            store(durability).await;
        }
    });
}
