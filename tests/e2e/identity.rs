//! Expiring end-user identity over HTTP: a token your backend signs with the app
//! secret (HS256) stands in for User-ID and Hash; an expired one is told apart so the
//! widget can ask for a fresh one; a forged one is refused like a wrong Hash.

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use reqwest::Method;
use serde_json::{json, Value};

use crate::server::{spawn_app, Answer, TestServer};
use junction_core::service::NewWorkspace;

/// An HS256 JWT as a backend would make one, by hand: base64url of the header and
/// claims, and the HMAC-SHA256 of both with the app secret.
fn identity_token(secret: &str, claims: Value) -> String {
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let input = format!(
        "{}.{}",
        b64(br#"{"alg":"HS256","typ":"JWT"}"#),
        b64(claims.to_string().as_bytes())
    );
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(input.as_bytes());
    format!("{input}.{}", b64(&mac.finalize().into_bytes()))
}

fn with_token(
    app: &TestServer,
    ws: &NewWorkspace,
    path: &str,
    token: &str,
) -> reqwest::RequestBuilder {
    app.http
        .request(Method::GET, format!("{}{path}", app.url))
        .header("App-Key", &ws.workspace.app_key)
        .bearer_auth(token)
}

#[tokio::test]
async fn an_identity_token_signs_a_user_in_until_it_expires() {
    let app = spawn_app().await;
    let ws = app.workspace("Tokens").await;
    let now = chrono::Utc::now().timestamp();
    let fresh = identity_token(
        &ws.app_secret,
        json!({"sub": "alice", "exp": now + 600, "iat": now, "aud": ws.workspace.app_key}),
    );
    let (status, flows) = with_token(&app, &ws, "/v1/flows", &fresh)
        .status_json()
        .await;
    assert_eq!(status, 200, "{flows}");
    // The token's user is the one the Hash would name: alice sees her own integrations.
    let (status, listed) = with_token(&app, &ws, "/v1/integrations", &fresh)
        .status_json()
        .await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["integrations"], json!([]));
    let via_hash = app.user_json(&ws, "alice", "/v1/integrations").await;
    assert_eq!(via_hash, listed);

    let expired = identity_token(&ws.app_secret, json!({"sub": "alice", "exp": now - 3600}));
    let (status, problem) = with_token(&app, &ws, "/v1/flows", &expired)
        .status_json()
        .await;
    assert_eq!(status, 401);
    assert_eq!(
        problem["type"], "urn:junction:problem:identity-expired",
        "{problem}"
    );

    // Forged: another secret, another audience, no expiry, or a changed user.
    let forgeries = [
        identity_token(
            "not-the-app-secret",
            json!({"sub": "alice", "exp": now + 600}),
        ),
        identity_token(
            &ws.app_secret,
            json!({"sub": "alice", "exp": now + 600, "aud": "ak_other"}),
        ),
        identity_token(&ws.app_secret, json!({"sub": "alice"})),
        {
            let parts: Vec<&str> = fresh.split('.').collect();
            let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(json!({"sub": "mallory", "exp": now + 600}).to_string());
            format!("{}.{claims}.{}", parts[0], parts[2])
        },
    ];
    for forged in &forgeries {
        let (status, problem) = with_token(&app, &ws, "/v1/flows", forged)
            .status_json()
            .await;
        assert_eq!(status, 401, "{forged}");
        assert_eq!(
            problem["type"], "urn:junction:problem:unauthorized",
            "{problem}"
        );
    }

    // Browsers may send it: the preflight allows the header.
    let preflight = app
        .preflight(
            "/v1/flows",
            "https://app.example.com",
            "app-key,authorization",
        )
        .await;
    assert_eq!(preflight.status(), 204);
    let allowed = preflight.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(allowed.contains("authorization"), "{allowed}");
}

#[tokio::test]
async fn a_workspace_that_requires_tokens_refuses_the_static_hash() {
    let app = spawn_app().await;
    let ws = app.workspace("Strict").await;
    let other = app.workspace("Relaxed").await;
    let policy: Value = app.admin_json(&ws, "/v1/admin/identity").await;
    assert_eq!(
        policy,
        json!({"require_token": false}),
        "off until asked for"
    );

    let (status, set) = app
        .admin(&ws, Method::PUT, "/v1/admin/identity")
        .json(&json!({"require_token": true}))
        .status_json()
        .await;
    assert_eq!((status, set), (200, json!({"require_token": true})));
    assert_eq!(
        app.admin_json(&ws, "/v1/admin/identity").await,
        json!({"require_token": true})
    );

    // A correct Hash is refused with a problem that says what to send instead.
    let (status, problem) = app
        .user(&ws, "alice", Method::GET, "/v1/integrations")
        .status_json()
        .await;
    assert_eq!(status, 401, "{problem}");
    assert_eq!(
        problem["type"], "urn:junction:problem:identity-token-required",
        "{problem}"
    );
    // A token still signs alice in; the other workspace still takes a Hash.
    let now = chrono::Utc::now().timestamp();
    let token = identity_token(&ws.app_secret, json!({"sub": "alice", "exp": now + 600}));
    assert_eq!(
        with_token(&app, &ws, "/v1/integrations", &token)
            .status_of()
            .await,
        200
    );
    assert_eq!(
        app.user(&other, "alice", Method::GET, "/v1/integrations")
            .status_of()
            .await,
        200
    );

    // A bad body names the field; turning it off lets the Hash in again.
    let (status, problem) = app
        .admin(&ws, Method::PUT, "/v1/admin/identity")
        .json(&json!({"require_token": "yes"}))
        .status_json()
        .await;
    assert_eq!(status, 400, "{problem}");
    assert!(problem.to_string().contains("require_token"), "{problem}");
    app.admin(&ws, Method::PUT, "/v1/admin/identity")
        .json(&json!({"require_token": false}))
        .status_of()
        .await;
    assert_eq!(
        app.user(&ws, "alice", Method::GET, "/v1/integrations")
            .status_of()
            .await,
        200
    );
}

/// An Ed25519 key pair made with openssl, as a workspace's backend would make one:
/// (private PEM, public PEM).
fn ed25519_pair() -> (String, String) {
    use std::io::Write;
    let private = std::process::Command::new("openssl")
        .args(["genpkey", "-algorithm", "ed25519"])
        .output()
        .expect("openssl (a prerequisite of the test command)");
    assert!(private.status.success());
    let mut public = std::process::Command::new("openssl")
        .args(["pkey", "-pubout"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    public
        .stdin
        .take()
        .unwrap()
        .write_all(&private.stdout)
        .unwrap();
    let public = public.wait_with_output().unwrap();
    (
        String::from_utf8(private.stdout).unwrap(),
        String::from_utf8(public.stdout).unwrap(),
    )
}

#[tokio::test]
async fn a_registered_public_key_signs_users_in_with_eddsa() {
    use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
    let app = spawn_app().await;
    let ws = app.workspace("Keys").await;
    let (private, public) = ed25519_pair();
    let now = chrono::Utc::now().timestamp();
    let key = EncodingKey::from_ed_pem(private.as_bytes()).unwrap();
    let token = encode(
        &Header::new(Algorithm::EdDSA),
        &json!({"sub": "alice", "exp": now + 600}),
        &key,
    )
    .unwrap();
    // Before the key is registered, the token is refused.
    assert_eq!(
        with_token(&app, &ws, "/v1/integrations", &token)
            .status_of()
            .await,
        401
    );
    // A private key is refused, naming the field, and nothing is stored.
    let (status, problem) = app
        .admin(&ws, Method::PUT, "/v1/admin/identity")
        .json(&json!({"require_token": true, "public_key": private}))
        .status_json()
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["path"], "public_key", "{problem}");
    assert!(
        !problem.to_string().contains("BEGIN PRIVATE"),
        "never echoed: {problem}"
    );
    assert_eq!(
        app.admin_json(&ws, "/v1/admin/identity").await,
        json!({"require_token": false})
    );

    let (status, set) = app
        .admin(&ws, Method::PUT, "/v1/admin/identity")
        .json(&json!({"require_token": true, "public_key": public}))
        .status_json()
        .await;
    assert_eq!(status, 200, "{set}");
    assert_eq!(set["public_key"], public.trim());
    let (status, listed) = with_token(&app, &ws, "/v1/integrations", &token)
        .status_json()
        .await;
    assert_eq!(status, 200, "{listed}");
    // Algorithm confusion: HS256 keyed with the (public) key is refused.
    let confused = encode(
        &Header::new(Algorithm::HS256),
        &json!({"sub": "alice", "exp": now + 600}),
        &EncodingKey::from_secret(public.as_bytes()).unwrap(),
    )
    .unwrap();
    assert_eq!(
        with_token(&app, &ws, "/v1/integrations", &confused)
            .status_of()
            .await,
        401
    );
    // The app secret's HS256 tokens still work beside the key.
    let hs = identity_token(&ws.app_secret, json!({"sub": "alice", "exp": now + 600}));
    assert_eq!(
        with_token(&app, &ws, "/v1/integrations", &hs)
            .status_of()
            .await,
        200
    );
}
