//! OAuth 2.0: refresh after a 401, proactive refresh, one refresh for many concurrent
//! calls, rotation, and `invalid_grant`.

use chrono::Utc;
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::credentials::{OAuthClient, OAuthTokens};

fn oauth_app(base: &str) -> crate::definition::AppDefinition {
    app(
        "id: mail\nname: Mail\nbase_url: BASE/api\nauth: {type: oauth2, authorize_url: 'BASE/authorize', token_url: 'BASE/token'}\nqueries:\n  me:\n    request: {path: /me}\n",
        base,
    )
}

fn oauth_flow() -> crate::definition::FlowDefinition {
    flow("id: f\nname: F\napps: [mail]\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: me\n        query: {app: mail, query: me}\n")
}

fn tokens(access: &str, expires_in_secs: i64) -> MemoryCredentials {
    MemoryCredentials::new()
        .with_account(
            "mail",
            Credentials::Oauth2(OAuthTokens {
                access_token: Secret::new(access),
                refresh_token: Some(Secret::new("refresh-1")),
                expires_at: Some(Utc::now() + chrono::Duration::seconds(expires_in_secs)),
            }),
        )
        .with_oauth_client(
            "mail",
            OAuthClient {
                client_id: "cid".into(),
                client_secret: Secret::new("client-secret"),
            },
        )
}

#[tokio::test]
async fn a_401_refreshes_once_and_retries_with_the_new_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/me"))
        .and(header("authorization", "Bearer revoked-token"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).and(path("/token"))
        .and(body_string_contains("grant_type=refresh_token")).and(body_string_contains("refresh_token=refresh-1"))
        .and(body_string_contains("client_secret=client-secret"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "fresh-token", "refresh_token": "refresh-2", "expires_in": 3600})))
        .expect(1).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/api/me"))
        .and(header("authorization", "Bearer fresh-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "me"})))
        .expect(1)
        .mount(&server)
        .await;
    let apps = catalog([oauth_app(&server.uri())]);
    let creds = tokens("revoked-token", 3600);
    let state = run(&engine(), &oauth_flow(), &apps, &creds, json!({})).await;
    assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
    match creds.current("mail").unwrap() {
        Credentials::Oauth2(t) => {
            assert_eq!(t.access_token.expose(), "fresh-token");
            assert_eq!(
                t.refresh_token.unwrap().expose(),
                "refresh-2",
                "rotated refresh token is kept"
            );
        }
        other => panic!("{other:?}"),
    }
    let log = serde_json::to_string(&state).unwrap();
    assert!(
        !log.contains("fresh-token") && !log.contains("revoked-token"),
        "{log}"
    );
}

#[tokio::test]
async fn many_concurrent_runs_share_one_refresh() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_delay(Duration::from_millis(100))
                .set_body_json(json!({"access_token": "fresh-token", "expires_in": 3600})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/me"))
        .and(header("authorization", "Bearer fresh-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(20)
        .mount(&server)
        .await;
    let apps = catalog([oauth_app(&server.uri())]);
    let creds = Arc::new(tokens("expired-token", -10));
    let engine = Arc::new(engine());
    let f = Arc::new(oauth_flow());
    let mut handles = Vec::new();
    for _ in 0..20 {
        let (engine, f, apps, creds) = (engine.clone(), f.clone(), apps.clone(), creds.clone());
        handles.push(tokio::spawn(async move {
            run(&engine, &f, &apps, &creds, json!({})).await
        }));
    }
    for h in handles {
        let state = h.await.unwrap();
        assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
    }
}

#[tokio::test]
async fn invalid_grant_asks_for_reauthorization() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"error": "invalid_grant", "error_description": "refresh token revoked"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/me"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let apps = catalog([oauth_app(&server.uri())]);
    let creds = tokens("expired-token", -10);
    let state = run(&engine(), &oauth_flow(), &apps, &creds, json!({})).await;
    assert_eq!(state.status, RunStatus::Failed);
    let error = state.error.unwrap();
    assert!(
        error.message.contains("re-authorized") && error.message.contains("refresh token revoked"),
        "{}",
        error.message
    );
    assert!(!error.transient);
    assert_eq!(creds.needing_reauthorization(), vec!["mail".to_string()]);
}
