//! The commands of an operator's day, as a script runs them: listing and inspecting
//! what a workspace holds, exit codes that say how a run ended, a closed pipe, logs.

use std::process::Output;
use std::time::Duration;

use junction_tests::mock_apps::MockApps;
use serde_json::{json, Value};
use tokio::io::AsyncBufReadExt as _;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");

/// Runs `junction` with `args` on `data` and workspace `ws`.
async fn junction(data: &str, ws: &str, args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_junction"))
        .args(args)
        .env("JUNCTION_DATA", data)
        .env("JUNCTION_WORKSPACE", ws)
        .output()
        .await
        .expect("the junction binary runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The command succeeded and said `needle`.
fn succeeded_saying(out: &Output, needle: &str) {
    assert!(out.status.success(), "{}", text(out));
    assert!(
        text(out).contains(needle),
        "wanted {needle:?} in: {}",
        text(out)
    );
}

/// The command failed with exit status 1 and said `needle`.
fn failed_saying(out: &Output, needle: &str) {
    assert_eq!(out.status.code(), Some(1), "{}", text(out));
    assert!(
        text(out).contains(needle),
        "wanted {needle:?} in: {}",
        text(out)
    );
}

/// The JSON a request is answered with.
async fn answer(request: reqwest::RequestBuilder) -> Value {
    request.send().await.unwrap().json().await.unwrap()
}

fn user_hash(secret: &str, user: &str) -> String {
    let out = std::process::Command::new("bash")
        .args([
            "-c",
            "printf %s \"$1\" | openssl dgst -sha256 -hmac \"$2\" | awk '{print $NF}'",
            "hash",
            user,
            secret,
        ])
        .output()
        .expect("openssl (the walk-through needs it too)");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A flow whose one step calls a URL that answers 404: its runs fail at once.
fn failing_flow(dir: &std::path::Path, mock: &str) -> String {
    let path = dir.join("failing.yaml");
    std::fs::write(
        &path,
        format!(
            "id: failing\nname: Always fails\napps: []\nblocks:\n  - id: b\n    trigger: {{type: app_event, event: fail.now}}\n    steps:\n      - id: call\n        http: {{url: \"{mock}/acme/nothing-here\"}}\n"
        ),
    )
    .unwrap();
    path.to_str().unwrap().to_string()
}

#[tokio::test]
async fn an_operators_day_lists_inspects_replays_and_exits_as_scripts_expect() {
    let mock = MockApps::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let made = junction(data, "", &["--json", "workspace", "create", "Day"]).await;
    assert!(made.status.success(), "{}", text(&made));
    let made: Value = serde_json::from_slice(&made.stdout).unwrap();
    let ws = made["workspace"]["id"].as_str().unwrap().to_string();

    // Nothing yet: lists say so, and an unknown workspace is an error that says so.
    succeeded_saying(
        &junction(data, &ws, &["apps", "list"]).await,
        "no apps in workspace",
    );
    failed_saying(
        &junction(data, "ws_nope", &["integrations", "list"]).await,
        "no workspace 'ws_nope'",
    );

    let acme = format!("{EXAMPLES}/apps/acme-crm.yaml");
    let flow = failing_flow(dir.path(), &mock.url());
    let pushed = junction(data, &ws, &["apps", "push", &acme]).await;
    succeeded_saying(&pushed, "pushed app 'acme'");
    let pushed = junction(data, &ws, &["flows", "push", &flow, "--publish"]).await;
    succeeded_saying(&pushed, "published");
    succeeded_saying(&junction(data, &ws, &["apps", "list"]).await, "api_key");
    succeeded_saying(
        &junction(data, &ws, &["flows", "list"]).await,
        "v1 published",
    );
    succeeded_saying(&junction(data, "", &["workspace", "list"]).await, &ws);
    let listed = junction(data, "", &["--json", "workspace", "list"]).await;
    assert!(
        !text(&listed).contains("sha256"),
        "no secret hashes: {}",
        text(&listed)
    );

    // The server, logging JSON lines.
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_junction"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--allow-network",
            "127.0.0.1",
        ])
        .args(["--data", data, "--log-format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut banner = tokio::io::BufReader::new(server.stdout.take().unwrap()).lines();
    let mut logs = tokio::io::BufReader::new(server.stderr.take().unwrap()).lines();
    let first = banner.next_line().await.unwrap().unwrap();
    let api = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_string();
    let http = junction_tests::http::client();
    let hash = user_hash(made["app_secret"].as_str().unwrap(), "ann");
    let key = made["workspace"]["app_key"].as_str().unwrap();
    let created = answer(
        http.post(format!("{api}/v1/integrations"))
            .header("App-Key", key)
            .header("User-ID", "ann")
            .header("Hash", &hash)
            .json(&json!({"flow": "failing"})),
    )
    .await;
    let integration = created["integration"]["id"].as_str().unwrap().to_string();
    let queued = answer(
        http.post(format!("{api}/v1/events/fail.now"))
            .bearer_auth(made["api_secret"].as_str().unwrap())
            .json(&json!({"user_id": "ann", "payload": {}})),
    )
    .await;
    let run = queued["run_ids"][0].as_str().unwrap().to_string();

    // A run that failed makes `runs show --wait` fail too.
    failed_saying(
        &junction(data, &ws, &["runs", "show", &run, "--wait"]).await,
        "failed",
    );

    let listed = junction(data, &ws, &["integrations", "list"]).await;
    assert!(
        text(&listed).contains(&integration) && text(&listed).contains("enabled"),
        "{}",
        text(&listed)
    );
    let disabled = junction(data, &ws, &["integrations", "list", "--status", "disabled"]).await;
    assert!(
        text(&disabled).contains("no integrations"),
        "{}",
        text(&disabled)
    );
    let by_user = junction(
        data,
        &ws,
        &["--json", "integrations", "list", "--user", "ann"],
    )
    .await;
    let by_user: Vec<Value> = serde_json::from_slice(&by_user.stdout).unwrap();
    assert_eq!(by_user.len(), 1);

    for filter in [&["--status", "failed"][..], &["--user", "ann"][..], &[][..]] {
        let mut args = vec!["--json", "runs", "list"];
        args.extend_from_slice(filter);
        let runs = junction(data, &ws, &args).await;
        let runs: Vec<Value> = serde_json::from_slice(&runs.stdout)
            .unwrap_or_else(|e| panic!("{filter:?}: {e}: {}", text(&runs)));
        assert_eq!(runs.len(), 1, "{filter:?}");
        assert_eq!(runs[0]["id"], run.as_str(), "{filter:?}");
    }
    let none = junction(data, &ws, &["runs", "list", "--status", "succeeded"]).await;
    assert!(text(&none).contains("no runs"), "{}", text(&none));
    failed_saying(
        &junction(data, &ws, &["runs", "list", "--status", "done"]).await,
        "--status: 'done' is not a run status",
    );
    failed_saying(
        &junction(data, &ws, &["runs", "list", "--integration", "int_nope"]).await,
        "no integration 'int_nope'",
    );

    succeeded_saying(&junction(data, &ws, &["usage"]).await, "usage of workspace");
    failed_saying(
        &junction(data, &ws, &["usage", "--month", "2026-13"]).await,
        "--month: '2026-13'",
    );

    // Replaying queues it again; the server runs it (and it fails again).
    succeeded_saying(
        &junction(data, &ws, &["runs", "replay", &run]).await,
        "queued again",
    );
    let again = junction(data, &ws, &["runs", "replay", "run_nope"]).await;
    assert_eq!(again.status.code(), Some(1));

    // One JSON line per request and per finished run.
    let (mut saw_request, mut saw_run) = (false, false);
    while !(saw_request && saw_run) {
        let line = tokio::time::timeout(Duration::from_secs(30), logs.next_line())
            .await
            .expect("the server logged in time")
            .unwrap()
            .expect("the server still runs");
        let Ok(event) = serde_json::from_str::<Value>(&line) else {
            panic!("not a JSON log line: {line}");
        };
        if event["target"] == "junction::requests" && event["path"] == "/v1/events/fail.now" {
            assert_eq!(event["status"], 202, "{event}");
            assert_eq!(event["method"], "POST", "{event}");
            saw_request = true;
        }
        if event["target"] == "junction::runs" && event["run"] == run.as_str() {
            assert_eq!(event["status"], "failed", "{event}");
            assert_eq!(event["flow"], "failing", "{event}");
            saw_run = true;
        }
    }
    server.kill().await.unwrap();
}

/// `junction … | head` must end quietly when the reader has gone: the write fails
/// with a broken pipe, which is not worth a panic.
#[tokio::test]
async fn a_closed_pipe_ends_a_command_quietly() {
    // The reader (`true`) exits at once; junction writes afterwards.
    let out = tokio::process::Command::new("bash")
        .args([
            "-c",
            "(sleep 0.3; exec \"$0\" schema flow) | true; echo \"status ${PIPESTATUS[0]}\"",
            env!("CARGO_BIN_EXE_junction"),
        ])
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "status 0",
        "{stderr}"
    );
}

/// `validate`'s messages say what to do next: pass the apps, fix the cron field.
#[tokio::test]
async fn validate_says_what_to_do_next() {
    let dir = tempfile::tempdir().unwrap();
    let flow = format!("{EXAMPLES}/flows/daily-digest.yaml");
    let alone = junction("", "", &["validate", &flow]).await;
    assert_eq!(alone.status.code(), Some(1));
    assert!(
        text(&alone).contains("no app definitions are known here")
            && text(&alone).contains("pass those too (e.g. `junction validate examples/apps"),
        "{}",
        text(&alone)
    );
    let cron = dir.path().join("cron.yaml");
    std::fs::write(
        &cron,
        std::fs::read_to_string(&flow)
            .unwrap()
            .replace("0 9 * * MON-FRI", "0 25 * * MON-FRI"),
    )
    .unwrap();
    let apps = format!("{EXAMPLES}/apps");
    let out = junction("", "", &["validate", &apps, cron.to_str().unwrap()]).await;
    assert!(
        text(&out).contains("the hour field '25' holds 25, out of range: hours go from 0 to 23"),
        "{}",
        text(&out)
    );
    // An unclosed bracket is reported where it opens, not where the parser gave up.
    let yaml = dir.path().join("unclosed.yaml");
    std::fs::write(&yaml, "id: x\nname: X\napps: [acme\nblocks: []\n").unwrap();
    let out = junction("", "", &["validate", yaml.to_str().unwrap()]).await;
    assert!(
        text(&out).contains("unclosed.yaml:3: (document): the '[' opened here is not closed"),
        "{}",
        text(&out)
    );
}
