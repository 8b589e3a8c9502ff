//! `kill -9` of `junction serve` under a load of webhook deliveries, then a restart on
//! the same data folder: every delivery that was answered 2xx reaches the app within
//! seconds of the restart (not after the queue's 5-minute visibility timeout), and an
//! app that honours the idempotency key sees each effect once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use junction_core::service::secrets::user_hash;
use junction_tests::mock_apps::MockApps;
use serde_json::{json, Value};

mod common;

const APP: &str = "id: hooktest\nname: Hook test\nbase_url: http://127.0.0.1:9/unused\nauth: {type: none}\nwebhook:\n  delivery_id: {header: webhook-id}\n";
const FLOW: &str = "id: hook-notes\nname: Hook notes\napps: [hooktest, acme]\nblocks:\n  - id: on_hook\n    trigger: {type: webhook, app: hooktest}\n    steps:\n      - id: note\n        action:\n          app: acme\n          action: add_note\n          input: {contact_id: c_1, text: \"{{ trigger.delivery_id }}\"}\n";
/// Deliveries sent, and how many may be in flight at once.
const DELIVERIES: usize = 400;
const SENDERS: usize = 16;

fn junction(data: &Path, args: &[&str]) -> Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_junction"))
        .args(args)
        .arg("--data")
        .arg(data)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

/// `junction serve` over `data`, allowed to call the mock apps; the child and its URL.
async fn serve(data: &Path) -> (tokio::process::Child, String) {
    let (child, mut lines) = common::spawn_serve(data, &["--allow-network", "127.0.0.1"]);
    let url = common::api_url(&mut lines).await;
    // Keep reading its output, so that a full pipe never blocks it.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url)
}

/// Sends a request; its answer as JSON.
async fn json_of(request: reqwest::RequestBuilder) -> Value {
    request.send().await.unwrap().json().await.unwrap()
}

fn notes(mock: &MockApps) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    for note in mock.state.notes.lock().unwrap().iter() {
        *seen
            .entry(note["text"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_kill_9_every_acknowledged_delivery_reaches_the_app_once_soon_after_restart() {
    let mock = MockApps::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let ws = junction(data, &["workspace", "create", "Crash"]);
    let ws_id = ws["workspace"]["id"].as_str().unwrap();
    let acme = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/apps/acme-crm.yaml"
    ))
    .unwrap()
    .replace("http://127.0.0.1:4010", &mock.url());
    for (name, text) in [
        ("acme.yaml", acme.as_str()),
        ("hooktest.yaml", APP),
        ("flow.yaml", FLOW),
    ] {
        std::fs::write(data.join(name), text).unwrap();
    }
    let file = |n: &str| data.join(n).to_str().unwrap().to_string();
    junction(
        data,
        &[
            "apps",
            "push",
            &file("acme.yaml"),
            &file("hooktest.yaml"),
            "--workspace",
            ws_id,
        ],
    );
    junction(
        data,
        &[
            "flows",
            "push",
            &file("flow.yaml"),
            "--publish",
            "--workspace",
            ws_id,
        ],
    );

    let (mut server, url) = serve(data).await;
    let http = junction_tests::http::client();
    let app_key = ws["workspace"]["app_key"].as_str().unwrap().to_string();
    let hash = user_hash(ws["app_secret"].as_str().unwrap(), "alice");
    let user = |method: reqwest::Method, path: &str| {
        http.request(method, format!("{url}{path}"))
            .header("App-Key", &app_key)
            .header("User-ID", "alice")
            .header("Hash", &hash)
    };
    let account = json_of(
        user(reqwest::Method::POST, "/v1/apps/acme/accounts")
            .json(&json!({"credentials": {"type": "api_key", "key": "acme-demo-key"}})),
    )
    .await;
    let created = json_of(
        user(reqwest::Method::POST, "/v1/integrations")
            .json(&json!({"flow": "hook-notes", "accounts": {"acme": account["id"]}})),
    )
    .await;
    let integration = created["integration"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"));
    let hooks = json_of(user(
        reqwest::Method::GET,
        &format!("/v1/integrations/{integration}/webhooks"),
    ))
    .await;
    let hook_url = hooks["webhooks"][0]["url"].as_str().unwrap().to_string();

    // Deliveries from several senders; the server is killed once a third are answered.
    let acknowledged = Arc::new(std::sync::Mutex::new(BTreeSet::new()));
    let next = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let senders: Vec<_> = (0..SENDERS)
        .map(|_| {
            let (http, hook_url) = (http.clone(), hook_url.clone());
            let (acknowledged, next, killed) = (acknowledged.clone(), next.clone(), killed.clone());
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= DELIVERIES || killed.load(Ordering::SeqCst) {
                        return;
                    }
                    let id = format!("d_{i}");
                    let answer = http
                        .post(&hook_url)
                        .header("webhook-id", &id)
                        .json(&json!({"n": i}))
                        .timeout(Duration::from_secs(10))
                        .send()
                        .await;
                    match answer {
                        Ok(r) if r.status().is_success() => {
                            acknowledged.lock().unwrap().insert(id);
                        }
                        // Refused or cut off by the kill: the sender knows it was not taken.
                        _ => {}
                    }
                }
            })
        })
        .collect();
    while acknowledged.lock().unwrap().len() < DELIVERIES / 3 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let pid = server.id().unwrap().to_string();
    let status = std::process::Command::new("kill")
        .args(["-KILL", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    killed.store(true, Ordering::SeqCst);
    server.wait().await.unwrap();
    for s in senders {
        s.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let reached_before = notes(&mock).len();

    // Restart on the same folder: what was in flight goes straight back to the workers.
    let restarted = Instant::now();
    let (_server, _url) = serve(data).await;
    let deadline = restarted + Duration::from_secs(60);
    loop {
        let seen = notes(&mock);
        if acknowledged.iter().all(|id| seen.contains_key(id)) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{} of {} acknowledged deliveries reached the app a minute after the restart",
            acknowledged
                .iter()
                .filter(|id| seen.contains_key(*id))
                .count(),
            acknowledged.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let took = restarted.elapsed();
    // Let any duplicate that would come, come.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let seen = notes(&mock);
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "notes written more than once: {twice:?}");
    println!(
        "kill -9 after {} acknowledged deliveries ({} had reached the app): all reached it {:.2} s after the restart (process start included); replays the app answered from its idempotency keys: {}",
        acknowledged.len(),
        reached_before,
        took.as_secs_f64(),
        mock.state.stats().idempotent_replays
    );
}
