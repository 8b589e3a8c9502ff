//! Definitions and answers written to hurt: code that tries to run when it is only
//! pushed, credentials sent to another host, directly or through a redirect. Each test
//! reproduces a hole found by probing a running server from outside, against local
//! listeners that record what reaches them.

use std::time::{Duration, Instant};

use junction_core::service::NewWorkspace;
use junction_tests::recorder::Recorder;
use reqwest::Method;
use serde_json::{json, Value};

use crate::integrations::{connect_api_key, create};
use crate::runs::event_run;
use crate::server::{spawn_app, TestServer};
use junction_core::ports::RunStore;

const KEY: &str = "sk_live_do_not_leak";

/// A flow whose one code step holds `source`.
fn code_flow(source: &str) -> String {
    let quoted = serde_json::to_string(source).unwrap();
    format!(
        "id: hostile\nname: Hostile\napps: []\nblocks:\n  - id: on_event\n    trigger: {{type: app_event, event: x.happened}}\n    steps:\n      - id: evil\n        code:\n          source: {quoted}\n"
    )
}

#[tokio::test]
async fn code_that_escapes_its_wrapper_is_refused_at_push_without_running() {
    let app = spawn_app().await;
    let ws = app.workspace("Acme").await;
    // Each once pinned a core or took the server to 1.4 GB when merely pushed.
    let escapes = [
        "}); while(true){} (function(){",
        "}); const a = []; while (true) { a.push('x'.repeat(1 << 20)); } (function(){",
        "} }); while(true); ({",
    ];
    for source in escapes {
        let started = Instant::now();
        let push = app
            .admin(&ws, Method::PUT, "/v1/admin/flows/hostile")
            .body(code_flow(source))
            .timeout(Duration::from_secs(20))
            .send();
        // The server keeps answering while it deals with the push.
        let health = app
            .http
            .get(format!("{}/health", app.url))
            .timeout(Duration::from_secs(5))
            .send();
        let (push, health) = tokio::join!(push, health);
        assert_eq!(health.unwrap().status(), 200);
        let push = push.expect("the push is answered");
        assert_eq!(push.status(), 422, "{source}");
        let problem: Value = push.json().await.unwrap();
        assert_eq!(
            problem["errors"][0]["path"], "blocks[0].steps[0].code.source",
            "{problem}"
        );
        let message = problem["errors"][0]["message"].as_str().unwrap();
        assert!(message.starts_with("SyntaxError: "), "{message}");
        eprintln!("refused {source:?} in {:?}", started.elapsed());
    }
    // Code that would loop or fill memory when run is only compiled at push.
    let r = app
        .admin(&ws, Method::PUT, "/v1/admin/flows/hostile")
        .body(code_flow(
            "const a = []; while (true) { a.push('x'.repeat(1 << 20)); }",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

/// Why a finished run failed; it must have.
fn failure(run: &Value) -> &str {
    assert_eq!(run["status"], "failed", "{run}");
    run["state"]["error"]["message"].as_str().unwrap()
}

/// Pushes `text` to `path`, which must take it.
async fn push(app: &TestServer, ws: &NewWorkspace, path: &str, text: String) {
    let r = app
        .admin(ws, Method::PUT, path)
        .body(text)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

/// Publishes `flow` (whose id is `id`) and gives alice an integration of it.
async fn integrate(
    app: &TestServer,
    ws: &NewWorkspace,
    id: &str,
    flow: String,
    accounts: Value,
) -> Value {
    push(app, ws, &format!("/v1/admin/flows/{id}?publish=true"), flow).await;
    let (status, created) =
        create(app, ws, "alice", json!({"flow": id, "accounts": accounts})).await;
    assert_eq!(status, 201, "{created}");
    created
}

/// An API-key app at `base` (the key in a header, or with `in_query` a query parameter),
/// alice's account for it, and her integration of a flow whose one `http` step, bound
/// to the app, calls `{{ trigger.url }}` when `fetch.<app>` happens.
async fn keyed_app(app: &TestServer, ws: &NewWorkspace, id: &str, base: &str, in_query: bool) {
    let auth = if in_query {
        "{type: api_key, in: query, name: api_key}"
    } else {
        "{type: api_key, in: header, name: X-Secret-Key}"
    };
    push(
        app,
        ws,
        &format!("/v1/admin/apps/{id}"),
        format!("id: {id}\nname: {id}\nbase_url: {base}/api\nauth: {auth}\n"),
    )
    .await;
    let flow = format!("fetch-{id}");
    let account = connect_api_key(app, ws, "alice", id, KEY).await;
    integrate(
        app,
        ws,
        &flow,
        format!("id: {flow}\nname: Fetch\napps: [{id}]\nblocks:\n  - id: on_event\n    trigger: {{type: app_event, event: fetch.{id}}}\n    steps:\n      - id: get\n        http: {{app: {id}, method: POST, url: '{{{{ trigger.url }}}}', body: {{hello: world}}}}\n"),
        json!({id: account}),
    )
    .await;
}

async fn fetch(app: &TestServer, ws: &NewWorkspace, id: &str, url: &str) -> Value {
    let event = json!({"user_id": "alice", "payload": {"url": url}});
    event_run(app, ws, &format!("fetch.{id}"), &event).await
}

#[tokio::test]
async fn an_app_bound_http_step_never_sends_the_credentials_to_another_host() {
    let app = spawn_app().await;
    let ws = app.workspace("Acme").await;
    let home = Recorder::start().await;
    let elsewhere = Recorder::start().await;
    keyed_app(&app, &ws, "keyed", &home.url, false).await;
    keyed_app(&app, &ws, "qkeyed", &home.url, true).await;

    for id in ["keyed", "qkeyed"] {
        // The webhook sender or app event chooses the URL: another host.
        let run = fetch(&app, &ws, id, &format!("{}/steal", elsewhere.url)).await;
        let message = failure(&run);
        assert!(
            message.contains(&format!("is not at app '{id}' ({})", home.url)),
            "{message}"
        );
        assert!(!message.contains(KEY));
    }
    assert!(elsewhere.seen().is_empty(), "{:?}", elsewhere.seen());
    assert!(home.seen().is_empty(), "{:?}", home.seen());

    // At the app's own origin the key goes with the call.
    let run = fetch(&app, &ws, "keyed", &format!("{}/api/ok", home.url)).await;
    assert_eq!(run["status"], "succeeded", "{run}");
    assert_eq!(home.seen_at("/api/ok")[0].header("x-secret-key"), Some(KEY));
}

#[tokio::test]
async fn redirects_to_another_origin_arrive_without_any_credential() {
    let app = spawn_app().await;
    let ws = app.workspace("Acme").await;
    let home = Recorder::start().await;
    let elsewhere = Recorder::start().await;
    keyed_app(&app, &ws, "keyed", &home.url, false).await;
    keyed_app(&app, &ws, "qkeyed", &home.url, true).await;

    for (id, status) in [("keyed", 302), ("keyed", 307), ("qkeyed", 307)] {
        let landing = format!("{}/landed/{id}/{status}", elsewhere.url);
        // The app echoes the request's query (the key, for qkeyed) onto its Location.
        let url = format!("{}/redirect/{status}?echo=1&to={landing}", home.url);
        let run = fetch(&app, &ws, id, &url).await;
        assert_eq!(run["status"], "succeeded", "{run}");
        let sent = &home.seen_at("/redirect/")[..];
        let first = sent.last().unwrap();
        let landed = elsewhere.seen_at(&format!("/landed/{id}/{status}"));
        assert_eq!(landed.len(), 1, "{:?}", elsewhere.seen());
        let landed = &landed[0];
        // 302 after a POST becomes a GET, as browsers do; 307 keeps method and body.
        let expected = if status == 302 { "GET" } else { "POST" };
        assert_eq!(landed.method, expected);
        if status == 307 {
            assert_eq!(&landed.body[..], br#"{"hello":"world"}"#);
        }
        if id == "keyed" {
            assert_eq!(first.header("x-secret-key"), Some(KEY));
        } else {
            assert!(first.uri.contains(KEY), "{}", first.uri);
        }
        assert!(landed.header("x-secret-key").is_none(), "{landed:?}");
        assert!(!landed.uri.contains(KEY), "{}", landed.uri);
        assert!(
            landed.headers.iter().all(|(_, v)| !v.contains(KEY)),
            "{landed:?}"
        );
    }
}

#[tokio::test]
async fn every_redirect_hop_is_checked_by_the_address_guard() {
    let app = spawn_app().await;
    let ws = app.workspace("Acme").await;
    let home = Recorder::start().await;
    keyed_app(&app, &ws, "keyed", &home.url, false).await;
    // Cloud metadata lives on a link-local address, which only the allowlist may open.
    let url = format!(
        "{}/redirect/302?to=http://169.254.169.254/latest/meta-data/",
        home.url
    );
    let run = fetch(&app, &ws, "keyed", &url).await;
    let message = failure(&run);
    assert!(message.contains("169.254.169.254"), "{message}");

    // A redirect to itself ends after 5 hops.
    let looping = format!(
        "{}/redirect/302?echo=1&to={}/redirect/302",
        home.url, home.url
    );
    let run = fetch(&app, &ws, "keyed", &looping).await;
    let message = failure(&run);
    assert!(
        message.contains("redirected more than 5 times"),
        "{message}"
    );
}

#[tokio::test]
async fn an_answer_too_big_to_keep_fails_the_run_once_and_is_never_sent_again() {
    let app = spawn_app().await;
    let ws = app.workspace("Acme").await;
    let home = Recorder::start().await;
    keyed_app(&app, &ws, "keyed", &home.url, false).await;
    // The POST's answer is 500 KB: once it was sent five times and the run stayed
    // `running` for ever.
    let run = fetch(
        &app,
        &ws,
        "keyed",
        &format!("{}/api/big?bytes=512000", home.url),
    )
    .await;
    let message = failure(&run);
    assert!(
        message.starts_with("the answer of step 'get' is 501 KB; a step may keep at most 128 KB"),
        "{message}"
    );
    // An unacknowledged message would still be on the queue, to come back after its
    // visibility timeout.
    app.queue_drained().await;
    assert_eq!(home.seen_at("/api/big").len(), 1);

    // A code step returning 9 MB fails the same way.
    integrate(
        &app,
        &ws,
        "hostile",
        code_flow("return 'x'.repeat(9 * 1024 * 1024);"),
        json!({}),
    )
    .await;
    let run = event_run(
        &app,
        &ws,
        "x.happened",
        &json!({"user_id": "alice", "payload": {}}),
    )
    .await;
    let message = failure(&run);
    assert!(
        message.starts_with("the answer of step 'evil' is 9.0 MB"),
        "{message}"
    );
}

#[tokio::test]
async fn a_run_whose_last_delivery_fails_shows_failed_with_the_reason() {
    use junction_core::engine::{Engine, RunInput, RunStatus};
    use junction_core::ports::QueueMessage;
    use junction_core::service::Outcome;

    let app = spawn_app().await;
    let ws = app.workspace("Acme").await;
    let created = integrate(&app, &ws, "hostile", code_flow("return 1;"), json!({})).await;
    let integration = created["integration"]["id"].as_str().unwrap().to_string();

    // A run recorded but not queued, so the test alone delivers its message.
    let engine = Engine::new(app.junction.http.clone());
    let flow = junction_core::definition::parse_flow(&code_flow("return 1;"))
        .unwrap()
        .definition;
    let now = chrono::Utc::now();
    let run_id = junction_core::ids::new_id("run");
    let record = junction_core::model::RunRecord {
        workspace_id: ws.workspace.id.clone(),
        id: run_id.clone(),
        integration_id: integration.clone(),
        user_id: "alice".into(),
        status: RunStatus::Queued,
        input: RunInput::default(),
        state: engine.start(&flow, "on_event", run_id.clone()).unwrap(),
        created_at: now,
        updated_at: now,
        expires_at: now + chrono::Duration::days(30),
        version: 0,
    };
    app.junction.store.put_run(&record, None).await.unwrap();
    // The integration's record is damaged: every delivery of the run fails.
    let db = rusqlite::Connection::open(app.data_dir().join("junction.db")).unwrap();
    db.execute(
        "UPDATE integrations SET body = '{' WHERE id = ?1",
        [&integration],
    )
    .unwrap();
    let delivery = |receive_count| QueueMessage {
        id: "m1".into(),
        body: json!({"workspace_id": ws.workspace.id, "run_id": run_id}).to_string(),
        receive_count,
        receipt: format!("r{receive_count}"),
    };
    let status = |app: &TestServer| {
        let (ws, run_id) = (ws.workspace.id.clone(), run_id.clone());
        let store = app.junction.store.clone();
        async move { store.get_run(&ws, &run_id).await.unwrap().unwrap() }
    };
    let outcome = app.junction.execute(&engine, &delivery(1)).await;
    assert!(matches!(outcome, Outcome::RetryAfter(_)), "{outcome:?}");
    assert_eq!(status(&app).await.status, RunStatus::Queued);

    // The last delivery before the dead letters: the run says it failed, and why.
    let outcome = app.junction.execute(&engine, &delivery(5)).await;
    assert!(matches!(outcome, Outcome::RetryAfter(_)), "{outcome:?}");
    let record = status(&app).await;
    assert_eq!(record.status, RunStatus::Failed);
    let message = &record.state.error.unwrap().message;
    assert!(
        message.starts_with("the run could not be continued after 5 attempts (server error err_"),
        "{message}"
    );
}

#[tokio::test]
async fn values_placed_in_a_path_stay_one_segment() {
    let app = spawn_app().await;
    let ws = app.workspace("Acme").await;
    let home = Recorder::start().await;
    push(
        &app,
        &ws,
        "/v1/admin/apps/poker",
        format!("id: poker\nname: Poker\nbase_url: {}/base\nauth: {{type: none}}\nactions:\n  poke:\n    request: {{method: POST, path: '/poke/{{{{ input.p }}}}?tag={{{{ input.p }}}}'}}\n  fetch:\n    request: {{method: POST, path: '/files/{{{{ input.p | raw_path }}}}'}}\n", home.url),
    )
    .await;
    integrate(
        &app,
        &ws,
        "poking",
        "id: poking\nname: Poking\napps: [poker]\nblocks:\n  - id: on_event\n    trigger: {type: app_event, event: poke.requested}\n    steps:\n      - id: poke\n        action: {app: poker, action: poke, input: {p: '{{ trigger.p }}'}}\n      - id: fetch\n        action: {app: poker, action: fetch, input: {p: '{{ trigger.file }}'}}\n".into(),
        json!({}),
    )
    .await;
    let (app, ws) = (&app, &ws);
    let poke = |p: &str, file: &str| {
        let event = json!({"user_id": "alice", "payload": {"p": p, "file": file}});
        async move { event_run(app, ws, "poke.requested", &event).await }
    };
    // Once `../../etc` made the path `/etc`, and `a?b=c#frag` added a query of its own.
    let run = poke("../../etc", "reports/2024 q1.pdf").await;
    assert_eq!(run["status"], "succeeded", "{run}");
    let run = poke("a?b=c#frag", "a").await;
    assert_eq!(run["status"], "succeeded", "{run}");
    let uris: Vec<String> = home.seen().into_iter().map(|s| s.uri).collect();
    assert_eq!(
        uris,
        [
            "/base/poke/..%2F..%2Fetc?tag=..%2F..%2Fetc",
            "/base/files/reports/2024%20q1.pdf",
            "/base/poke/a%3Fb%3Dc%23frag?tag=a%3Fb%3Dc%23frag",
            "/base/files/a",
        ]
    );
    // A raw path may still not climb out of the app's path.
    let run = poke("x", "../../admin").await;
    let message = failure(&run);
    assert!(message.contains("holds a '..' segment"), "{message}");
    assert_eq!(home.seen().len(), 5, "the poke went out, the fetch did not");
}

#[tokio::test]
async fn ipv6_spellings_of_an_internal_address_are_refused() {
    let app = spawn_app().await;
    let ws = app.workspace("Acme").await;
    // This server allows 127.0.0.1 only; 127.0.0.2 is this machine too, and internal.
    let inside = Recorder::start_on("127.0.0.2").await;
    let port = inside.url.rsplit(':').next().unwrap().to_string();
    integrate(
        &app,
        &ws,
        "reach",
        "id: reach\nname: Reach\napps: []\nblocks:\n  - id: on_event\n    trigger: {type: app_event, event: reach.requested}\n    steps:\n      - id: get\n        http: {url: '{{ trigger.url }}'}\n".into(),
        json!({}),
    )
    .await;
    for host in [
        "127.0.0.2",
        "[::ffff:127.0.0.2]",
        "[::7f00:2]",
        "[::127.0.0.2]",
        "[2002:7f00:2::]",
        "[64:ff9b::7f00:2]",
        "[::]",
    ] {
        let event =
            json!({"user_id": "alice", "payload": {"url": format!("http://{host}:{port}/x")}});
        let run = event_run(&app, &ws, "reach.requested", &event).await;
        let message = failure(&run);
        assert!(message.contains("internal address"), "{host}: {message}");
    }
    assert!(inside.seen().is_empty(), "{:?}", inside.seen());
}

/// Reads what the server says on `stream` until it closes it (at most 10 s).
async fn answer_of(stream: &mut tokio::net::TcpStream) -> String {
    use tokio::io::AsyncReadExt;
    let mut got = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut got)).await;
    String::from_utf8_lossy(&got).into_owned()
}

#[tokio::test]
async fn slow_clients_cannot_hold_connections_or_requests_open() {
    use tokio::io::AsyncWriteExt;
    let app = spawn_app().await;
    let ws = app.workspace("Acme").await;
    let addr = app.url.trim_start_matches("http://").to_string();

    // Slowloris: many connections that never finish their request head.
    let mut held = Vec::new();
    for _ in 0..200 {
        let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
        stream
            .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
        held.push(stream);
    }
    let health = app
        .http
        .get(format!("{}/health", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200, "the server answers meanwhile");
    let started = Instant::now();
    for stream in &mut held {
        answer_of(stream).await;
    }
    // The read timeout here is 1.5 s (10 s in `junction serve`).
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );

    // A body announced as 100 GB is refused at once, none of it read.
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "PUT /v1/admin/flows/x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Length: 107374182400\r\n\r\n",
        ws.api_secret
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = answer_of_head(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");

    // A body that stops arriving gets a 408.
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "PUT /v1/admin/flows/x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Length: 100\r\n\r\nid: x\n",
        ws.api_secret
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = answer_of_head(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("did not arrive within 1500 ms"), "{answer}");
}

/// The answer's first bytes, read until the server has said something (at most 10 s).
async fn answer_of_head(stream: &mut tokio::net::TcpStream) -> String {
    use tokio::io::AsyncReadExt;
    let mut got = vec![0; 4096];
    let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut got))
        .await
        .expect("an answer")
        .unwrap();
    String::from_utf8_lossy(&got[..n]).into_owned()
}
