//! Definitions and answers written to hurt: code that tries to run when it is only
//! pushed. Each test reproduces a hole found by probing a running server from outside.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::Value;

use crate::server::spawn_app;

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
