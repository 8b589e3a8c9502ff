//! Outbound behaviour seen through runs: retries, Retry-After, refusal of internal
//! addresses, size caps, redaction, idempotency keys and typed bodies.

use std::time::Instant;

use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;

const ACTION: &str = "actions:\n  create:\n    request: {method: POST, path: /things, body: {n: '{{ input.n }}', tags: '{{ input.tags }}'}}\nidempotency_header: Idempotency-Key\n";

fn action_flow() -> crate::definition::FlowDefinition {
    flow("id: f\nname: F\napps: [crm]\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: make\n        action: {app: crm, action: create, input: {n: '{{ trigger.n }}', tags: '{{ trigger.tags }}'}}\n")
}

#[tokio::test]
async fn server_errors_are_retried_then_succeed_with_one_task() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/things"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/things"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "t1"})))
        .expect(1)
        .mount(&server)
        .await;
    let apps = catalog([key_app(&server.uri(), ACTION)]);
    let state = run(
        &engine(),
        &action_flow(),
        &apps,
        &key_credentials(),
        json!({"n": 1, "tags": []}),
    )
    .await;
    assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
    assert_eq!(state.outputs["make"], json!({"id": "t1"}));
    assert_eq!(state.log[0].requests[0].attempts, 3);
    assert_eq!(state.tasks, 1);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/things"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/things"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let apps = catalog([key_app(&server.uri(), ACTION)]);
    let started = Instant::now();
    let state = run(
        &engine(),
        &action_flow(),
        &apps,
        &key_credentials(),
        json!({"n": 1, "tags": []}),
    )
    .await;
    assert_eq!(state.status, RunStatus::Succeeded);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited only {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn long_retry_after_fails_transient_with_the_time_to_retry() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/things"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "120"))
        .expect(1)
        .mount(&server)
        .await;
    let apps = catalog([key_app(&server.uri(), ACTION)]);
    let state = run(
        &engine(),
        &action_flow(),
        &apps,
        &key_credentials(),
        json!({"n": 1, "tags": []}),
    )
    .await;
    assert_eq!(state.status, RunStatus::Failed);
    let error = state.error.unwrap();
    assert!(error.transient);
    assert_eq!(error.retry_after_ms, Some(120_000));
    assert_eq!(error.step.as_deref(), Some("make"));
}

#[tokio::test]
async fn a_429_holds_back_every_run_of_that_account_but_not_others() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/things"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "120"))
        .expect(2)
        .mount(&server)
        .await;
    let apps = catalog([key_app(&server.uri(), ACTION)]);
    let engine = engine();
    let account = key_credentials();
    let first = run(
        &engine,
        &action_flow(),
        &apps,
        &account,
        json!({"n": 1, "tags": []}),
    )
    .await;
    assert_eq!(first.error.unwrap().retry_after_ms, Some(120_000));
    // A second run of the same account does not call the app at all: the two
    // requests expected above are the first run's and the other account's.
    let second = run(
        &engine,
        &action_flow(),
        &apps,
        &account,
        json!({"n": 2, "tags": []}),
    )
    .await;
    let error = second.error.unwrap();
    assert!(error.transient, "{error:?}");
    assert!(
        error.message.contains("asked to slow down"),
        "{}",
        error.message
    );
    let wait = error.retry_after_ms.unwrap();
    assert!(wait > 100_000 && wait <= 120_000, "{wait}");
    assert_eq!(second.tasks, 0, "nothing was sent, nothing is metered");
    // Another account of the same app is not held back.
    let other = crate::credentials::MemoryCredentials::new().with_account(
        "crm",
        crate::credentials::Credentials::ApiKey {
            key: crate::credentials::Secret::new("other-key"),
        },
    );
    let third = run(
        &engine,
        &action_flow(),
        &apps,
        &other,
        json!({"n": 3, "tags": []}),
    )
    .await;
    assert!(
        third
            .error
            .as_ref()
            .is_some_and(|e| !e.message.contains("asked to slow down")),
        "{:?}",
        third.error
    );
    server.verify().await;
}

#[tokio::test]
async fn client_errors_fail_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/things"))
        .respond_with(
            ResponseTemplate::new(422).set_body_json(json!({"error": "email is invalid"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let apps = catalog([key_app(&server.uri(), ACTION)]);
    let state = run(
        &engine(),
        &action_flow(),
        &apps,
        &key_credentials(),
        json!({"n": 1, "tags": []}),
    )
    .await;
    let error = state.error.unwrap();
    assert!(!error.transient);
    assert!(
        error.message.contains("HTTP 422") && error.message.contains("email is invalid"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn single_expressions_keep_their_type_in_bodies_and_send_an_idempotency_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/things"))
        .and(body_json(json!({"n": 7, "tags": ["a", "b"]})))
        .and(header("idempotency-key", "run-1:make"))
        .and(header("x-key", "crm-secret-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    let apps = catalog([key_app(&server.uri(), ACTION)]);
    let state = run(
        &engine(),
        &action_flow(),
        &apps,
        &key_credentials(),
        json!({"n": 7, "tags": ["a", "b"]}),
    )
    .await;
    assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
}

#[tokio::test]
async fn internal_addresses_are_refused_without_an_allowlist() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let f = flow(&format!(
        "id: f\nname: F\napps: []\nblocks:\n  - id: b\n    trigger: {{type: manual}}\n    steps:\n      - id: call\n        http: {{url: '{}/x'}}\n      - id: by_name\n        http: {{url: 'http://localhost:{}/x'}}\n",
        server.uri(),
        server.address().port()
    ));
    let apps = catalog([]);
    let state = run(
        &engine_with(AddressPolicy::public_only()),
        &f,
        &apps,
        &key_credentials(),
        json!({}),
    )
    .await;
    assert_eq!(state.status, RunStatus::Failed);
    assert!(
        state
            .error
            .as_ref()
            .unwrap()
            .message
            .contains("internal address"),
        "{:?}",
        state.error
    );
    assert_eq!(state.tasks, 0);

    // A host name that resolves to loopback is refused as well.
    let f2 = flow(&format!(
        "id: f\nname: F\napps: []\nblocks:\n  - id: b\n    trigger: {{type: manual}}\n    steps:\n      - id: by_name\n        http: {{url: 'http://localhost:{}/x'}}\n",
        server.address().port()
    ));
    let state = run(
        &engine_with(AddressPolicy::public_only()),
        &f2,
        &apps,
        &key_credentials(),
        json!({}),
    )
    .await;
    assert!(
        state
            .error
            .as_ref()
            .unwrap()
            .message
            .contains("internal address"),
        "{:?}",
        state.error
    );
}

#[tokio::test]
async fn secrets_never_reach_the_step_log() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/echo"))
        .and(query_param("api_key", "crm-secret-key"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"you_sent": "crm-secret-key"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let apps = catalog([app(
        "id: crm\nname: CRM\nbase_url: BASE\nauth: {type: api_key, in: query, name: api_key}\nqueries:\n  echo:\n    request: {path: /echo}\n",
        &server.uri(),
    )]);
    let f = flow("id: f\nname: F\napps: [crm]\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: e\n        query: {app: crm, query: echo}\n");
    let state = run(&engine(), &f, &apps, &key_credentials(), json!({})).await;
    assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
    let log = serde_json::to_string(&state.log).unwrap();
    assert!(!log.contains("crm-secret-key"), "{log}");
    assert!(
        log.contains("api_key=%5Bredacted%5D") || log.contains("[redacted]"),
        "{log}"
    );
}

#[tokio::test]
async fn oversized_responses_are_refused() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/things"))
        .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(2048)))
        .mount(&server)
        .await;
    let apps = catalog([key_app(&server.uri(), ACTION)]);
    let config = HttpConfig {
        max_response_bytes: 1024,
        policy: AddressPolicy::parse_allowlist(&["127.0.0.1".into()]).unwrap(),
        ..HttpConfig::default()
    };
    let engine = Engine::new(OutboundClient::new(config).unwrap());
    let state = run(
        &engine,
        &action_flow(),
        &apps,
        &key_credentials(),
        json!({"n": 1, "tags": []}),
    )
    .await;
    assert!(state.error.unwrap().message.contains("1024 byte limit"));
}

#[tokio::test]
async fn timeouts_are_retried_then_reported_as_transient() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/things"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(800)))
        .expect(3)
        .mount(&server)
        .await;
    let apps = catalog([key_app(&server.uri(), ACTION)]);
    let config = HttpConfig {
        timeout: Duration::from_millis(200),
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(10),
            max_inline_wait: Duration::from_secs(1),
        },
        policy: AddressPolicy::parse_allowlist(&["127.0.0.1".into()]).unwrap(),
        ..HttpConfig::default()
    };
    let engine = Engine::new(OutboundClient::new(config).unwrap());
    let state = run(
        &engine,
        &action_flow(),
        &apps,
        &key_credentials(),
        json!({"n": 1, "tags": []}),
    )
    .await;
    let error = state.error.unwrap();
    assert!(
        error.transient && error.message.contains("timed out"),
        "{error:?}"
    );
    assert_eq!(state.tasks, 1);
}

#[tokio::test]
async fn an_app_timeout_cuts_a_slow_call_short_and_a_query_may_set_its_own() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/things"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"id": "t1"}))
                .set_delay(Duration::from_millis(700)),
        )
        .mount(&server)
        .await;
    // The app allows 150 ms per request: every attempt times out, the run fails transiently.
    let quick = key_app(&server.uri(), &format!("timeout: 150ms\n{ACTION}"));
    let started = Instant::now();
    let state = run(
        &engine(),
        &action_flow(),
        &catalog([quick]),
        &key_credentials(),
        json!({"n": 1, "tags": []}),
    )
    .await;
    assert_eq!(state.status, RunStatus::Failed);
    let error = state.error.unwrap();
    assert!(error.transient, "{error:?}");
    assert!(
        error.message.contains("timed out after 150ms"),
        "{}",
        error.message
    );
    assert!(
        started.elapsed() < Duration::from_millis(650),
        "three attempts of 150 ms, not the 2 s client default: {:?}",
        started.elapsed()
    );
    // The action's own timeout wins over the app's.
    let patient = key_app(
        &server.uri(),
        &format!(
            "timeout: 150ms\n{}",
            ACTION.replace(
                "\nidempotency_header",
                "\n    timeout: 2s\nidempotency_header"
            )
        ),
    );
    let state = run(
        &engine(),
        &action_flow(),
        &catalog([patient]),
        &key_credentials(),
        json!({"n": 1, "tags": []}),
    )
    .await;
    assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
}
