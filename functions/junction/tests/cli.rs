//! The `junction` binary as a user runs it: exit codes, readable and JSON output, and
//! a walk-through run against the mock apps.

use std::path::{Path, PathBuf};
use std::process::Output;

use junction_tests::mock_apps::MockApps;

mod common;
use common::{api_url, next_line, spawn_serve, url_in};
use junction_core::ports::WorkspaceStore;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");

async fn junction(args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_junction"))
        .args(args)
        .output()
        .await
        .expect("the junction binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Copies the examples into `dir`, pointing the apps at `mock_url`.
fn examples_for(dir: &Path, mock_url: &str) -> PathBuf {
    let root = dir.join("examples");
    for sub in ["apps", "flows", "accounts", "payloads", "setup"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
        for entry in std::fs::read_dir(format!("{EXAMPLES}/{sub}")).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path)
                .unwrap()
                .replace("http://127.0.0.1:4010", mock_url);
            std::fs::write(root.join(sub).join(path.file_name().unwrap()), text).unwrap();
        }
    }
    root
}

#[tokio::test]
async fn validate_accepts_the_examples() {
    let out = junction(&["validate", EXAMPLES]).await;
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("3 apps and 5 flows checked: no problems."),
        "{}",
        stdout(&out)
    );
}

#[tokio::test]
async fn validate_reports_file_line_and_path_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let flow = std::fs::read_to_string(format!("{EXAMPLES}/flows/daily-digest.yaml")).unwrap();
    let broken = dir.path().join("digest.yaml");
    std::fs::write(&broken, flow.replace("Europe/Paris", "Europe/Nowhere")).unwrap();
    let apps = format!("{EXAMPLES}/apps");
    let out = junction(&["validate", &apps, broken.to_str().unwrap()]).await;
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "{}:29: blocks[0].trigger.timezone: 'Europe/Nowhere' is not an IANA time zone",
            broken.display()
        )),
        "{text}"
    );

    let out = junction(&["validate", "--json", &apps, broken.to_str().unwrap()]).await;
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], false);
    assert_eq!(report["problems"], 1);
}

#[tokio::test]
async fn validate_compiles_code_without_running_it() {
    let dir = tempfile::tempdir().unwrap();
    let flow = dir.path().join("hostile.yaml");
    // Once this closed the wrapper around the code and looped forever at validation.
    std::fs::write(
        &flow,
        "id: hostile\nname: Hostile\napps: []\nblocks:\n  - id: b\n    trigger: {type: app_event, event: x.happened}\n    steps:\n      - id: evil\n        code:\n          source: \"}); while(true){} (function(){\"\n",
    )
    .unwrap();
    let out = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        junction(&["validate", flow.to_str().unwrap()]),
    )
    .await
    .expect("validate answers");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("hostile.yaml:10: blocks[0].steps[0].code.source: SyntaxError: "),
        "{}",
        stdout(&out)
    );
}

#[tokio::test]
async fn run_executes_a_block_and_writes_rotated_tokens_back() {
    let mock = MockApps::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ex = examples_for(dir.path(), &mock.url());
    let p = |s: &str| ex.join(s).to_string_lossy().into_owned();
    let account = p("accounts/mailbird.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&account, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let args = [
        "run",
        &p("flows/contacts-to-mailbird.yaml"),
        "--app",
        &p("apps"),
        "--block",
        "new_contact",
        "--trigger",
        &p("payloads/contact-created.json"),
        "--setup",
        &p("setup/contacts-to-mailbird.json"),
        "--account",
        &format!("acme={}", p("accounts/acme.json")),
        "--account",
        &format!("mailbird={account}"),
        "--allow-network",
        "127.0.0.1",
    ];
    let out = junction(&args).await;
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("✓ subscribe") && text.contains("succeeded · 2 tasks"),
        "{text}"
    );
    assert!(!text.contains("mb-access"), "tokens never print: {text}");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&account).unwrap()).unwrap();
    assert_eq!(saved["refresh_token"], "mb-refresh-2");
    assert_eq!(saved["client_id"], "junction-demo");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&account).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    // JSON output carries the whole run record.
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let out = junction(&json_args).await;
    let run: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(run["status"], "succeeded");
    assert_eq!(run["tasks"], 2);
    assert_eq!(mock.state.stats().members_created, 2);
}

#[tokio::test]
async fn run_refuses_local_addresses_unless_allowed() {
    let mock = MockApps::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ex = examples_for(dir.path(), &mock.url());
    let p = |s: &str| ex.join(s).to_string_lossy().into_owned();
    let out = junction(&[
        "run",
        &p("flows/contacts-to-mailbird.yaml"),
        "--app",
        &p("apps"),
        "--block",
        "resync_one",
        "--trigger",
        r#"{"email": "person1@example.com"}"#,
        "--setup",
        &p("setup/contacts-to-mailbird.json"),
        "--account",
        &format!("acme={}", p("accounts/acme.json")),
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("internal address"),
        "{}",
        stdout(&out)
    );
    assert_eq!(mock.state.stats().requests, 0);
}

#[tokio::test]
async fn bad_arguments_say_what_to_do() {
    let flow = format!("{EXAMPLES}/flows/contacts-to-mailbird.yaml");
    let apps = format!("{EXAMPLES}/apps");
    let out = junction(&[
        "run",
        &flow,
        "--app",
        &apps,
        "--block",
        "new_contact",
        "--account",
        "mailbird",
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("must look like APP=FILE"),
        "{}",
        stderr(&out)
    );

    let out = junction(&["run", &flow, "--app", &apps]).await;
    assert!(
        stderr(&out).contains("choose one with --block (new_contact, initial_sync, resync_one)"),
        "{}",
        stderr(&out)
    );

    let out = junction(&[
        "run",
        &flow,
        "--app",
        &apps,
        "--block",
        "new_contact",
        "--trigger",
        "{not json",
    ])
    .await;
    assert!(
        stderr(&out).contains("--trigger is not valid JSON"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn schema_prints_json_schema() {
    let out = junction(&["schema", "flow"]).await;
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["title"], "FlowDefinition");
    // Editors validate against the committed copies, and the server answers its
    // committed OpenAPI document, so none may fall behind the types.
    for (kind, file) in [
        ("app", "docs/schema/app.schema.json"),
        ("flow", "docs/schema/flow.schema.json"),
        ("openapi", "docs/openapi.json"),
    ] {
        let out = junction(&["schema", kind]).await;
        let committed = std::fs::read_to_string(format!("{EXAMPLES}/../{file}")).unwrap();
        assert!(
            String::from_utf8_lossy(&out.stdout) == committed,
            "{file} is stale: run `junction schema {kind} > {file}`"
        );
    }
}

#[tokio::test]
async fn operator_commands_create_a_workspace_and_push_definitions() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let out = junction(&["workspace", "create", "Acme Inc", "--data", data, "--json"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let created: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ws = created["workspace"]["id"].as_str().unwrap().to_string();
    assert!(created["api_secret"]
        .as_str()
        .unwrap()
        .starts_with(&format!("jsk.{ws}.")));

    let apps: Vec<String> = ["acme-crm", "mailbird", "chatter"]
        .iter()
        .map(|a| format!("{EXAMPLES}/apps/{a}.yaml"))
        .collect();
    let mut args = vec!["apps", "push"];
    args.extend(apps.iter().map(String::as_str));
    args.extend(["--data", data, "--workspace", &ws]);
    let out = junction(&args).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("pushed app 'mailbird'"),
        "{}",
        stdout(&out)
    );

    let flow = format!("{EXAMPLES}/flows/daily-digest.yaml");
    let out = junction(&[
        "flows",
        "push",
        &flow,
        "--publish",
        "--data",
        data,
        "--workspace",
        &ws,
    ])
    .await;
    assert!(
        stdout(&out).contains("pushed flow 'daily-digest' version 1")
            && stdout(&out).contains("published"),
        "{}",
        stdout(&out)
    );

    // A flow using an app the workspace lacks is refused with the path of the problem.
    let other = tempfile::tempdir().unwrap();
    let bare = other.path().join("bare");
    let out = junction(&[
        "workspace",
        "create",
        "Bare",
        "--data",
        bare.to_str().unwrap(),
        "--json",
    ])
    .await;
    let bare_ws: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let out = junction(&[
        "flows",
        "push",
        &flow,
        "--data",
        bare.to_str().unwrap(),
        "--workspace",
        bare_ws["workspace"]["id"].as_str().unwrap(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("apps[0]: unknown app 'acme'"),
        "{}",
        stderr(&out)
    );

    let out = junction(&[
        "flows",
        "push",
        &flow,
        "--data",
        data,
        "--workspace",
        "ws_nope",
    ])
    .await;
    assert!(
        stderr(&out).contains("no workspace 'ws_nope'"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn serve_answers_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, mut lines) = spawn_serve(dir.path(), &[]);
    let url = api_url(&mut lines).await;
    let health = http_get(&format!("{url}/health")).await;
    assert!(health.contains("\"ok\""), "{health}");
    let pid = child.id().unwrap().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    let status = tokio::time::timeout(std::time::Duration::from_secs(10), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());
    let mut rest = Vec::new();
    while let Ok(Some(line)) = lines.next_line().await {
        rest.push(line);
    }
    assert!(rest.iter().any(|l| l == "stopped"), "{rest:?}");
}

#[tokio::test]
async fn a_second_server_on_one_data_folder_is_refused_while_commands_work_beside_it() {
    use tokio::io::AsyncBufReadExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_string();
    let serve = || {
        let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_junction"));
        c.args(["serve", "--listen", "127.0.0.1:0", "--data", &data])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        c
    };
    let mut first = serve().spawn().unwrap();
    let mut lines = tokio::io::BufReader::new(first.stdout.take().unwrap()).lines();
    tokio::time::timeout(std::time::Duration::from_secs(30), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let second = tokio::time::timeout(std::time::Duration::from_secs(30), serve().output())
        .await
        .unwrap()
        .unwrap();
    assert!(!second.status.success());
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(
        err.contains("another `junction serve`")
            && err.contains(&format!("pid {}", first.id().unwrap())),
        "{err}"
    );
    let out = junction(&["workspace", "create", "Beside", "--data", &data, "--json"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    first.kill().await.unwrap();
}

/// A GET over a plain TCP connection, to keep the CLI crate free of an HTTP client.
async fn http_get(url: &str) -> String {
    http_request("GET", url).await
}

/// A request without a body over a plain TCP connection; the whole answer.
async fn http_request(method: &str, url: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    stream
        .write_all(
            format!("{method} /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

/// A flow whose code step is the file `code/greet.js` next to it.
fn flow_with_code_file(dir: &Path, js: &str) -> PathBuf {
    std::fs::create_dir_all(dir.join("code")).unwrap();
    std::fs::write(dir.join("code/greet.js"), js).unwrap();
    let flow = dir.join("greet.yaml");
    std::fs::write(
        &flow,
        "id: greet\nname: Greet\napps: []\nblocks:\n  - id: hello\n    trigger: {type: manual}\n    steps:\n      - id: shout\n        code:\n          file: code/greet.js\n",
    )
    .unwrap();
    flow
}

#[tokio::test]
async fn code_files_next_to_a_flow_are_checked_run_and_bundled_on_push() {
    let dir = tempfile::tempdir().unwrap();
    let good = "const name = trigger.name;\nreturn { greeting: 'Hello, ' + name.toUpperCase() };\n";
    let flow = flow_with_code_file(
        dir.path(),
        "const name = trigger.name;\nreturn { greeting: ,, };\n",
    );
    let flow_arg = flow.to_str().unwrap();

    // A syntax error names the flow line of `file:`, the file, and the line in the file.
    let out = junction(&["validate", flow_arg]).await;
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("greet.yaml:10: blocks[0].steps[0].code.file: code/greet.js: SyntaxError")
            && text.contains("(line 2, column"),
        "{text}"
    );

    std::fs::write(dir.path().join("code/greet.js"), good).unwrap();
    let out = junction(&["validate", flow_arg]).await;
    assert!(out.status.success(), "{}", stdout(&out));
    let apps = format!("{EXAMPLES}/apps");
    let out = junction(&[
        "run",
        flow_arg,
        "--app",
        &apps,
        "--trigger",
        r#"{"name": "ada"}"#,
        "--json",
    ])
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let run: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(run["outputs"]["shout"]["greeting"], "Hello, ADA");

    // The pushed version holds the code: editing the file afterwards changes nothing.
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let out = junction(&["workspace", "create", "Code", "--data", data, "--json"]).await;
    let created: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ws = created["workspace"]["id"].as_str().unwrap();
    let out = junction(&["flows", "push", flow_arg, "--data", data, "--workspace", ws]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::write(dir.path().join("code/greet.js"), "return 'edited';").unwrap();
    let db = junction_local::Database::open(
        &dir.path().join("data/junction.db"),
        junction_local::Durability::Process,
    )
    .unwrap();
    let version = junction_local::SqliteStore::new(db)
        .get_flow_version(ws, "greet", 1)
        .await
        .unwrap()
        .expect("version 1 was pushed");
    let junction_core::definition::StepKind::Code(code) =
        &version.definition.blocks[0].steps[0].kind
    else {
        panic!("step 0 of greet is a code step");
    };
    assert_eq!(code.source, good);
    assert_eq!(code.file.as_deref(), Some("code/greet.js"));

    // A missing file is refused before anything is stored, with where it was looked for.
    std::fs::remove_file(dir.path().join("code/greet.js")).unwrap();
    let out = junction(&["flows", "push", flow_arg, "--data", data, "--workspace", ws]).await;
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("code.file: 'code/greet.js' does not exist next to the flow")
            && err.contains(&dir.path().join("code/greet.js").display().to_string()),
        "{err}"
    );
}

#[tokio::test]
async fn workspace_limits_are_shown_changed_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let out = junction(&["workspace", "create", "Limited", "--data", data, "--json"]).await;
    let created: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ws = created["workspace"]["id"].as_str().unwrap();
    let target = ["--data", data, "--workspace", ws];

    let out = junction(&[&["workspace", "limits"][..], &target].concat()).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("code step time     at most 5000 ms"),
        "{}",
        stdout(&out)
    );

    let change = [
        "workspace",
        "limits",
        "--task-quota",
        "500",
        "--code-max-time-ms",
        "250",
        "--json",
    ];
    let out = junction(&[&change[..], &target].concat()).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let limits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        limits,
        serde_json::json!({"task_quota": 500, "code": {"max_time_ms": 250, "max_memory_mb": 128}})
    );

    // Above the ceiling: refused, naming the flag, and nothing changes.
    let too_much = ["workspace", "limits", "--code-max-memory-mb", "4096"];
    let out = junction(&[&too_much[..], &target].concat()).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--code-max-memory-mb: must be 1 to 256 MiB"),
        "{}",
        stderr(&out)
    );
    let out = junction(&[&["workspace", "limits", "--json"][..], &target].concat()).await;
    let limits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(limits["code"]["max_memory_mb"], 128);
    assert_eq!(limits["task_quota"], 500);
}

#[tokio::test]
async fn metrics_are_served_on_their_own_listener_only() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, mut lines) = spawn_serve(dir.path(), &["--metrics-listen", "127.0.0.1:0"]);
    let (mut api, mut metrics) = (None, None);
    while metrics.is_none() {
        let line = next_line(&mut lines).await;
        let url = url_in(&line);
        if line.starts_with("Junction is serving") {
            api = url;
        } else if line.trim_start().starts_with("metrics:") {
            metrics = url;
        }
    }
    let (api, metrics) = (api.unwrap(), metrics.unwrap());
    // A delivery to a URL nobody has is refused, and counted.
    let refused = http_request("POST", &format!("{api}/hooks/wh_nobody")).await;
    assert!(refused.starts_with("HTTP/1.1 404"), "{refused}");
    let page = http_get(&metrics).await;
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("text/plain; version=0.0.4"), "{page}");
    assert!(
        page.contains("junction_webhook_deliveries_total{outcome=\"refused\"} 1"),
        "{page}"
    );
    assert!(page.contains("junction_queue_messages 0"), "{page}");
    assert!(page.contains("junction_queue_dead_letters 0"), "{page}");
    // The API's listener has no /metrics.
    let api_metrics = http_get(&format!("{api}/metrics")).await;
    assert!(api_metrics.starts_with("HTTP/1.1 404"), "{api_metrics}");
    child.kill().await.unwrap();
}
