//! What the marketplace widget stands on: the module served with its ETag, the apps
//! and flow summaries it draws (icons, colours, how each app connects), the app's own
//! words when a key is refused, and the OAuth page's answer carrying its state.

use reqwest::Method;
use serde_json::{json, Value};

use junction_tests::mock_apps::MockApps;

use crate::server::{spawn_app, Answer};
use junction_core::ports::AccountStore;

#[tokio::test]
async fn the_widget_module_is_served_with_a_long_cache_and_an_etag() {
    let app = spawn_app().await;
    let r = app
        .http
        .get(format!("{}/widget/junction.js", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "text/javascript; charset=utf-8");
    assert!(h["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age=86400"));
    assert_eq!(
        h["access-control-allow-origin"], "*",
        "a module from another origin loads in CORS mode"
    );
    let etag = h["etag"].to_str().unwrap().to_string();
    assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");
    let body = r.text().await.unwrap();
    assert_eq!(body, junction_http::WIDGET_JS);
    assert!(
        body.contains("junction-marketplace"),
        "the element is in the module"
    );

    let again = app
        .http
        .get(format!("{}/widget/junction.js", app.url))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert!(again.text().await.unwrap().is_empty());
    let other = app
        .http
        .get(format!("{}/widget/junction.js", app.url))
        .header("If-None-Match", "\"something-else\"")
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200);

    let types = app
        .http
        .get(format!("{}/widget/junction.d.ts", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(types.status(), 200);
    assert!(types.text().await.unwrap().contains("JunctionEventMap"));
}

#[tokio::test]
async fn flows_and_apps_carry_what_the_widget_draws() {
    let app = spawn_app().await;
    let ws = app.workspace("Acme").await;
    let mock = MockApps::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    app.push_examples_at(&ws, &mock.url()).await;
    let flows: Value = app
        .user(&ws, "alice", Method::GET, "/v1/flows?tags=marketing")
        .answer_json()
        .await;
    let flow = flows["flows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "contacts-to-mailbird")
        .expect("the marketing flow is listed");
    let apps = flow["apps"].as_array().unwrap();
    assert_eq!(apps.len(), 2, "{flow}");
    assert_eq!(apps[0]["id"], "acme");
    assert_eq!(apps[0]["auth"], "api_key");
    assert_eq!(apps[0]["key_label"], "Acme API key");
    assert_eq!(apps[0]["color"], "#2f6fe0");
    assert!(apps[0]["icon"]
        .as_str()
        .unwrap()
        .starts_with("data:image/svg+xml,"));
    assert_eq!(apps[1]["auth"], "oauth2");
    assert!(
        apps[1].get("base_url").is_none(),
        "no URLs or requests go to the browser: {}",
        apps[1]
    );

    // The apps grid: the apps of the listed flows, with the user's account counts.
    crate::integrations::connect_api_key(
        &app,
        &ws,
        "alice",
        "acme",
        junction_tests::mock_apps::ACME_KEY,
    )
    .await;
    let listed: Value = app
        .user(&ws, "alice", Method::GET, "/v1/apps")
        .answer_json()
        .await;
    let names: Vec<&str> = listed["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Acme CRM", "Chatter", "Mailbird"],
        "by name: {listed}"
    );
    let acme = &listed["apps"][0];
    assert_eq!(acme["accounts"], 1);
    assert!(acme["flows"]
        .as_array()
        .unwrap()
        .contains(&json!("deals-to-chatter")));
    assert_eq!(listed["apps"][2]["accounts"], 0);
    let chatter_only: Value = app
        .user(&ws, "alice", Method::GET, "/v1/apps?tags=notifications")
        .answer_json()
        .await;
    let names: Vec<&str> = chatter_only["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["acme", "chatter"], "{chatter_only}");
}

#[tokio::test]
async fn an_icon_must_be_an_image_and_a_colour_a_colour() {
    let app = spawn_app().await;
    let ws = app.workspace("Acme").await;
    let r = app
        .admin(&ws, Method::PUT, "/v1/admin/apps/bad")
        .body("id: bad\nname: Bad\nbase_url: https://bad.example.com\nauth: {type: none}\nicon: \"javascript:alert(1)\"\ncolor: red\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    let paths: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"icon") && paths.contains(&"color"),
        "{problem}"
    );
}

#[tokio::test]
async fn a_refused_key_is_answered_with_the_apps_own_words() {
    let app = spawn_app().await;
    let ws = app.workspace("Acme").await;
    let mock = MockApps::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    app.push_examples_at(&ws, &mock.url()).await;
    let r = app
        .user(&ws, "alice", Method::POST, "/v1/apps/acme/accounts")
        .json(&json!({"credentials": {"type": "api_key", "key": "wrong"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    let error = &problem["errors"][0];
    assert_eq!(error["path"], "credentials");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("HTTP 401") && message.contains("This key is not valid"),
        "{message}"
    );
}

#[tokio::test]
async fn the_oauth_page_answers_with_the_state_it_was_given() {
    let app = spawn_app().await;
    let r = app
        .http
        .get(format!(
            "{}/v1/oauth/callback?error=access_denied&state=ws_x.nonce",
            app.url
        ))
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(html.contains(r#""state":"ws_x.nonce""#), "{html}");
}

#[tokio::test]
async fn reconnecting_renews_the_same_account_so_its_integrations_keep_it() {
    use junction_core::ports::{SecretKey, Vault};
    let app = spawn_app().await;
    let ws = app.workspace("Acme").await;
    let mock = MockApps::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    app.push_examples_at(&ws, &mock.url()).await;
    app.set_mailbird_client(&ws).await;
    let start = |user: &str, body: Value| {
        app.user(&ws, user, Method::POST, "/v1/apps/mailbird/oauth/start")
            .json(&body)
            .send()
    };
    let consent_to = |body: Value| async {
        let started: Value = start("alice", body).await.unwrap().json().await.unwrap();
        app.consent(started["authorization_url"].as_str().unwrap())
            .await
    };
    let page = consent_to(json!({})).await;
    assert!(page.contains(r#""status":"connected""#), "{page}");
    let account = app
        .junction
        .store
        .accounts_of_user(&ws.workspace.id, "alice", Some("mailbird"))
        .await
        .unwrap()
        .remove(0);

    // The provider refused a refresh: the account waits for its user.
    let mut stale = account.clone();
    stale.status = junction_core::model::AccountStatus::NeedsReauthorization;
    app.junction
        .store
        .put_account(&stale, Some(account.version))
        .await
        .unwrap();
    let key = SecretKey::account(&ws.workspace.id, &account.id);
    let before = app.junction.vault.get(&key).await.unwrap().unwrap();

    // Someone else's account, or one of another app, cannot be renewed.
    let r = start("bob", json!({"account": account.id})).await.unwrap();
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["path"], "account", "{problem}");
    let r = start("alice", json!({"acount": account.id})).await.unwrap();
    assert_eq!(r.status(), 400, "a misspelt field is named");

    let page = consent_to(json!({"account": account.id})).await;
    assert!(page.contains(&account.id), "{page}");
    let accounts = app
        .user_json(&ws, "alice", "/v1/apps/mailbird/accounts")
        .await;
    let list = accounts["accounts"].as_array().unwrap();
    assert_eq!(list.len(), 1, "renewed, not added: {accounts}");
    assert_eq!(list[0]["id"], account.id.as_str());
    assert_eq!(list[0]["status"], "active");
    let after = app.junction.vault.get(&key).await.unwrap().unwrap();
    assert_ne!(before, after, "the new consent's tokens are stored");
}
