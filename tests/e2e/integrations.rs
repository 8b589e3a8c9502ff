//! Accounts, integrations, app events and runs through the HTTP API, with the mock
//! apps answering the credential checks.

use junction_core::credentials::{Credentials, OAuthTokens, Secret};
use junction_core::model::{Account, AccountStatus};
use junction_core::ports::{SecretKey, Vault};
use junction_core::service::NewWorkspace;
use junction_tests::mock_apps::{MockApps, ACME_KEY};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::eventually;
use crate::server::{spawn_app, Answer, TestServer};
use junction_core::ports::AccountStore;

pub async fn setup() -> (TestServer, MockApps, NewWorkspace) {
    let app = spawn_app().await;
    let mock = MockApps::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let ws = app.workspace("A").await;
    app.push_examples_at(&ws, &mock.url()).await;
    (app, mock, ws)
}

pub async fn connect_acme(app: &TestServer, ws: &NewWorkspace, user: &str) -> String {
    connect_api_key(app, ws, user, "acme", ACME_KEY).await
}

pub async fn connect_chatter(app: &TestServer, ws: &NewWorkspace, user: &str) -> String {
    connect_api_key(
        app,
        ws,
        user,
        "chatter",
        junction_tests::mock_apps::CHATTER_TOKEN,
    )
    .await
}

/// Connects `user`'s API-key account for `app_id`; its id.
pub async fn connect_api_key(
    app: &TestServer,
    ws: &NewWorkspace,
    user: &str,
    app_id: &str,
    key: &str,
) -> String {
    let r = app
        .user(
            ws,
            user,
            Method::POST,
            &format!("/v1/apps/{app_id}/accounts"),
        )
        .json(&json!({"credentials": {"type": "api_key", "key": key}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// An OAuth account as the OAuth callback will store it (that flow is not built yet).
pub async fn oauth_account(app: &TestServer, ws: &NewWorkspace, user: &str) -> String {
    let account = Account {
        workspace_id: ws.workspace.id.clone(),
        id: junction_core::ids::new_id("acc"),
        user_id: user.into(),
        app_id: "mailbird".into(),
        label: "Demo Newsletter Co".into(),
        status: AccountStatus::Active,
        created_at: chrono::Utc::now(),
        version: 0,
    };
    let tokens = Credentials::Oauth2(OAuthTokens {
        access_token: Secret::new("mb-access-0"),
        refresh_token: Some(Secret::new("mb-refresh-1")),
        expires_at: None,
    });
    app.junction
        .vault
        .put(
            &SecretKey::account(&ws.workspace.id, &account.id),
            &serde_json::to_vec(&tokens).unwrap(),
        )
        .await
        .unwrap();
    app.junction
        .store
        .put_account(&account, None)
        .await
        .unwrap();
    account.id
}

/// Alice's integration of the deals-to-chatter example (Acme and Chatter by API key).
pub async fn deals_to_chatter(app: &TestServer, ws: &NewWorkspace) {
    let acme = connect_acme(app, ws, "alice").await;
    let chatter = connect_chatter(app, ws, "alice").await;
    let (status, created) = create(
        app,
        ws,
        "alice",
        json!({"flow": "deals-to-chatter", "accounts": {"acme": acme, "chatter": chatter}}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
}

pub async fn create(app: &TestServer, ws: &NewWorkspace, user: &str, body: Value) -> (u16, Value) {
    app.user(ws, user, Method::POST, "/v1/integrations")
        .json(&body)
        .status_json()
        .await
}

#[tokio::test]
async fn api_key_accounts_are_checked_labelled_and_kept_secret() {
    let (app, mock, ws) = setup().await;
    let r = app
        .user(&ws, "alice", Method::POST, "/v1/apps/acme/accounts")
        .json(&json!({"credentials": {"type": "api_key", "key": "wrong-key"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["path"], "credentials");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("refused these credentials (HTTP 401)"));
    assert_eq!(
        app.junction
            .store
            .accounts_of_user(&ws.workspace.id, "alice", None)
            .await
            .unwrap()
            .len(),
        0,
        "nothing stored"
    );

    let r = app
        .user(&ws, "alice", Method::POST, "/v1/apps/acme/accounts")
        .json(&json!({"credentials": {"type": "api_key", "key": ACME_KEY}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let text = r.text().await.unwrap();
    assert!(!text.contains(ACME_KEY), "the key never comes back: {text}");
    let account: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(account["label"], "Acme Demo Co (owner@acme.test)");
    let listed: Value = app
        .user(&ws, "alice", Method::GET, "/v1/apps/acme/accounts")
        .answer_json()
        .await;
    assert_eq!(listed["accounts"].as_array().unwrap().len(), 1);
    let theirs: Value = app
        .user(&ws, "bob", Method::GET, "/v1/apps/acme/accounts")
        .answer_json()
        .await;
    assert_eq!(theirs["accounts"], json!([]));
    assert_eq!(mock.state.stats().unauthorized, 1);

    let r = app
        .user(&ws, "alice", Method::POST, "/v1/apps/mailbird/accounts")
        .json(&json!({"credentials": {"type": "api_key", "key": "x"}}))
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("oauth/start"),
        "{body}"
    );
}

#[tokio::test]
async fn integrations_check_accounts_and_setup_and_queue_their_created_blocks() {
    let (app, _mock, ws) = setup().await;
    let (status, body) = create(
        &app,
        &ws,
        "alice",
        json!({"flow": "contacts-to-mailbird", "setup": {"plans": ["gold"]}}),
    )
    .await;
    assert_eq!(status, 422);
    let paths: Vec<_> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "accounts.acme",
            "accounts.mailbird",
            "setup.list_id",
            "setup.plans"
        ],
        "{body}"
    );

    let acme = connect_acme(&app, &ws, "alice").await;
    let bobs_acme = connect_acme(&app, &ws, "bob").await;
    let mailbird = oauth_account(&app, &ws, "alice").await;
    let (status, body) = create(&app, &ws, "alice", json!({"flow": "contacts-to-mailbird", "accounts": {"acme": bobs_acme, "mailbird": mailbird}, "setup": {"list_id": "list_news"}})).await;
    assert_eq!(status, 422);
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("you have no Acme CRM account"),
        "{body}"
    );

    let (status, body) = create(&app, &ws, "alice", json!({"flow": "contacts-to-mailbird", "accounts": {"acme": acme, "mailbird": mailbird}, "setup": {"list_id": "list_news"}})).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body["integration"]["setup"]["plans"],
        json!(["pro", "team"]),
        "defaults filled in"
    );
    assert_eq!(body["integration"]["events"], json!(["contact.created"]));
    let run_id = body["run_ids"][0].as_str().unwrap().to_string();
    let run: Value = app
        .user(&ws, "alice", Method::GET, &format!("/v1/runs/{run_id}"))
        .answer_json()
        .await;
    assert_eq!(run["state"]["block_id"], "initial_sync");
    // Recorded and queued before the answer; the server's workers then run it.
    let status = run["status"].as_str().unwrap().to_string();
    assert!(
        matches!(status.as_str(), "queued" | "running" | "succeeded"),
        "{status}"
    );
    eventually("the initial sync to succeed", || async {
        let run: Value = app
            .user(&ws, "alice", Method::GET, &format!("/v1/runs/{run_id}"))
            .answer_json()
            .await;
        let status = run["status"].as_str().unwrap();
        assert!(
            matches!(status, "queued" | "running" | "retrying" | "succeeded"),
            "{status}"
        );
        (status == "succeeded").then_some(())
    })
    .await;
    // The list carries each integration's latest run, so the widget needs no request per row.
    let listed = app.user_json(&ws, "alice", "/v1/integrations").await;
    let last = &listed["integrations"][0]["last_run"];
    assert_eq!(last["id"], run_id.as_str(), "{listed}");
    assert_eq!(last["status"], "succeeded");
    assert!(
        last.get("state").is_none(),
        "in brief, without the step log: {last}"
    );
    let bobs = app.user_json(&ws, "bob", "/v1/integrations").await;
    assert_eq!(bobs["integrations"], json!([]));

    assert_eq!(
        app.user(&ws, "bob", Method::GET, &format!("/v1/runs/{run_id}"))
            .status_of()
            .await,
        404,
        "another user's run"
    );
    let id = body["integration"]["id"].as_str().unwrap();
    assert_eq!(
        app.user(&ws, "bob", Method::GET, &format!("/v1/integrations/{id}"))
            .status_of()
            .await,
        404
    );
}

#[tokio::test]
async fn flows_allowing_one_integration_refuse_a_second() {
    let (app, _mock, ws) = setup().await;
    let acme = connect_acme(&app, &ws, "alice").await;
    let chatter = connect_chatter(&app, &ws, "alice").await;
    let body = json!({"flow": "daily-digest", "accounts": {"acme": acme, "chatter": chatter}, "setup": {"channel": "#sales"}});
    assert_eq!(create(&app, &ws, "alice", body.clone()).await.0, 201);
    let (status, problem) = create(&app, &ws, "alice", body).await;
    assert_eq!(status, 409);
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("allows one per user"));
}

#[tokio::test]
async fn app_events_queue_runs_for_subscribed_enabled_integrations() {
    let (app, _mock, ws) = setup().await;
    let mut ids = Vec::new();
    for user in ["alice", "bob"] {
        let acme = connect_acme(&app, &ws, user).await;
        let mailbird = oauth_account(&app, &ws, user).await;
        let (status, body) = create(&app, &ws, user, json!({"flow": "contacts-to-mailbird", "accounts": {"acme": acme, "mailbird": mailbird}, "setup": {"list_id": "list_news"}})).await;
        assert_eq!(status, 201);
        ids.push(body["integration"]["id"].as_str().unwrap().to_string());
    }
    let event = |body: Value| {
        app.admin(&ws, Method::POST, "/v1/events/contact.created")
            .json(&body)
            .send()
    };
    let r = event(json!({"user_id": "alice", "payload": {"contact": {"email": "x@y.z"}}}))
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let one: Value = r.json().await.unwrap();
    assert_eq!(one["run_ids"].as_array().unwrap().len(), 1);
    let all: Value = event(json!({"payload": {}}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all["run_ids"].as_array().unwrap().len(), 2);

    assert_eq!(
        app.user(
            &ws,
            "bob",
            Method::PATCH,
            &format!("/v1/integrations/{}", ids[1]),
        )
        .json(&json!({"enabled": false}))
        .status_of()
        .await,
        200
    );
    let after: Value = event(json!({})).await.unwrap().json().await.unwrap();
    assert_eq!(
        after["run_ids"].as_array().unwrap().len(),
        1,
        "disabled integrations start nothing"
    );
    let none: Value = app
        .admin(&ws, Method::POST, "/v1/events/deal.won")
        .json(&json!({}))
        .answer_json()
        .await;
    assert_eq!(none["run_ids"], json!([]));

    let run_id = one["run_ids"][0].as_str().unwrap();
    let run: Value = app
        .user(&ws, "alice", Method::GET, &format!("/v1/runs/{run_id}"))
        .answer_json()
        .await;
    assert_eq!(
        run["input"]["trigger"],
        json!({"contact": {"email": "x@y.z"}})
    );

    let page: Value = app
        .user(
            &ws,
            "alice",
            Method::GET,
            &format!("/v1/integrations/{}/runs?limit=2", ids[0]),
        )
        .answer_json()
        .await;
    assert_eq!(page["runs"].as_array().unwrap().len(), 2);
    let next = page["next"].as_str().unwrap();
    let rest: Value = app
        .user(
            &ws,
            "alice",
            Method::GET,
            &format!("/v1/integrations/{}/runs?limit=2&before={next}", ids[0]),
        )
        .answer_json()
        .await;
    assert_eq!(
        rest["runs"].as_array().unwrap().len(),
        2,
        "created + 3 events = 4 runs"
    );
    assert!(rest["runs"][0]["id"].as_str().unwrap() < next);
}

#[tokio::test]
async fn manual_runs_only_for_manual_blocks_and_removed_accounts_disable_integrations() {
    let (app, _mock, ws) = setup().await;
    let acme = connect_acme(&app, &ws, "alice").await;
    let mailbird = oauth_account(&app, &ws, "alice").await;
    let (_, body) = create(&app, &ws, "alice", json!({"flow": "contacts-to-mailbird", "accounts": {"acme": acme, "mailbird": mailbird}, "setup": {"list_id": "list_news"}})).await;
    let id = body["integration"]["id"].as_str().unwrap();

    assert_eq!(
        app.user(
            &ws,
            "alice",
            Method::POST,
            &format!("/v1/integrations/{id}/blocks/resync_one/run"),
        )
        .json(&json!({"payload": {"email": "a@b.c"}}))
        .status_of()
        .await,
        202
    );
    assert_eq!(
        app.user(
            &ws,
            "alice",
            Method::POST,
            &format!("/v1/integrations/{id}/blocks/new_contact/run"),
        )
        .status_of()
        .await,
        422
    );

    assert_eq!(
        app.user(&ws, "bob", Method::DELETE, &format!("/v1/accounts/{acme}"))
            .status_of()
            .await,
        404,
        "only the owner removes an account"
    );
    assert_eq!(
        app.user(
            &ws,
            "alice",
            Method::DELETE,
            &format!("/v1/accounts/{acme}"),
        )
        .status_of()
        .await,
        204
    );
    let integration: Value = app
        .user(&ws, "alice", Method::GET, &format!("/v1/integrations/{id}"))
        .answer_json()
        .await;
    assert_eq!(integration["enabled"], false);
    assert!(integration["disabled_reason"]
        .as_str()
        .unwrap()
        .contains("was removed"));
    assert!(
        app.junction
            .vault
            .get(&SecretKey::account(&ws.workspace.id, &acme))
            .await
            .unwrap()
            .is_none(),
        "secret deleted"
    );
    assert_eq!(
        app.user(
            &ws,
            "alice",
            Method::POST,
            &format!("/v1/integrations/{id}/blocks/resync_one/run"),
        )
        .status_of()
        .await,
        409
    );
    assert_eq!(
        app.user(
            &ws,
            "alice",
            Method::PATCH,
            &format!("/v1/integrations/{id}"),
        )
        .json(&json!({"enabled": true}))
        .status_of()
        .await,
        422,
        "cannot enable without an account"
    );

    assert_eq!(
        app.user(
            &ws,
            "alice",
            Method::DELETE,
            &format!("/v1/integrations/{id}"),
        )
        .status_of()
        .await,
        204
    );
    assert_eq!(
        app.user(&ws, "alice", Method::GET, &format!("/v1/integrations/{id}"))
            .status_of()
            .await,
        404
    );
}

#[tokio::test]
async fn oauth_connects_an_account_with_pkce_and_single_use_state() {
    let (app, mock, ws) = setup().await;
    assert_eq!(
        app.user(&ws, "alice", Method::POST, "/v1/apps/mailbird/oauth/start")
            .status_of()
            .await,
        409,
        "no OAuth client yet"
    );
    let r = app
        .admin(&ws, Method::PUT, "/v1/admin/apps/mailbird/oauth-client")
        .json(&json!({"client_id": junction_tests::mock_apps::MAILBIRD_CLIENT_ID, "client_secret": junction_tests::mock_apps::MAILBIRD_CLIENT_SECRET}))
        .send()
        .await
        .unwrap();
    let text = r.text().await.unwrap();
    assert!(
        !text.contains(junction_tests::mock_apps::MAILBIRD_CLIENT_SECRET),
        "{text}"
    );

    let started: Value = app
        .user(&ws, "alice", Method::POST, "/v1/apps/mailbird/oauth/start")
        .answer_json()
        .await;
    let url = url::Url::parse(started["authorization_url"].as_str().unwrap()).unwrap();
    let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["scope"], "lists.read members.write");
    assert_eq!(q["redirect_uri"], format!("{}/v1/oauth/callback", app.url));

    // The user consents at the provider, which redirects the browser back.
    let no_redirects = junction_tests::http::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let consent = no_redirects.get(url.as_str()).send().await.unwrap();
    assert_eq!(consent.status(), 302);
    let back = consent.headers()["location"].to_str().unwrap().to_string();
    let page = app.http.get(&back).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("\"status\":\"connected\"") && html.contains("Demo Newsletter Co"),
        "{html}"
    );
    assert!(!html.contains("mb-access"), "no token in the page");
    // The result goes to the widget's origins only, never to any page ("*").
    assert!(
        html.contains(r#"const origins = ["https://app.example.com"];"#),
        "{html}"
    );
    assert!(!html.contains(r#""*""#), "{html}");

    let accounts: Value = app
        .user(&ws, "alice", Method::GET, "/v1/apps/mailbird/accounts")
        .answer_json()
        .await;
    assert_eq!(accounts["accounts"][0]["label"], "Demo Newsletter Co");
    assert_eq!(mock.state.stats().token_refreshes, 1, "one code exchange");

    // The state is single use; an unknown one is refused.
    let again = app.http.get(&back).send().await.unwrap();
    assert_eq!(again.status(), 400);
    assert!(again.text().await.unwrap().contains("already used"));
    let forged = app
        .http
        .get(format!(
            "{}/v1/oauth/callback?code=x&state={}.nope",
            app.url, ws.workspace.id
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 400);
    let denied = app
        .http
        .get(format!("{}/v1/oauth/callback?error=access_denied", app.url))
        .send()
        .await
        .unwrap();
    assert!(denied
        .text()
        .await
        .unwrap()
        .contains("not authorized (access_denied)"));

    // The connected account works in a run: the tokens came from the exchange.
    let acme = connect_acme(&app, &ws, "alice").await;
    let mailbird = accounts["accounts"][0]["id"].as_str().unwrap();
    let (status, created) = create(&app, &ws, "alice", json!({"flow": "contacts-to-mailbird", "accounts": {"acme": acme, "mailbird": mailbird}, "setup": {"list_id": "list_events"}})).await;
    assert_eq!(status, 201);
    let run_id = created["run_ids"][0].as_str().unwrap();
    eventually("the run to succeed", || async {
        let run: Value = app
            .user(&ws, "alice", Method::GET, &format!("/v1/runs/{run_id}"))
            .answer_json()
            .await;
        assert_ne!(run["status"], "failed", "{run}");
        (run["status"] == "succeeded").then_some(())
    })
    .await;
    assert_eq!(mock.state.stats().members_created, 80);
}

#[tokio::test]
async fn dynamic_options_come_from_the_query_with_the_users_account() {
    let (app, _mock, ws) = setup().await;
    let mailbird = oauth_account(&app, &ws, "alice").await;
    let options = |body: Value, field: &'static str| {
        app.user(
            &ws,
            "alice",
            Method::POST,
            &format!("/v1/flows/contacts-to-mailbird/fields/{field}/options"),
        )
        .json(&body)
        .send()
    };
    let lists: Value = options(json!({"accounts": {"mailbird": mailbird}}), "list_id")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        lists,
        json!({"options": [{"value": "list_news", "label": "Newsletter"}, {"value": "list_product", "label": "Product updates"}, {"value": "list_events", "label": "Events"}]}),
        "all pages of the cursor-paginated query"
    );
    let searched: Value = options(
        json!({"accounts": {"mailbird": mailbird}, "search": "EVE"}),
        "list_id",
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(
        searched["options"],
        json!([{"value": "list_events", "label": "Events"}])
    );

    let r = options(json!({"accounts": {"mailbird": mailbird}}), "merge_fields")
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["path"], "setup.list_id",
        "depends on the list"
    );
    let fields: Value = options(
        json!({"accounts": {"mailbird": mailbird}, "setup": {"list_id": "list_news"}}),
        "merge_fields",
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(
        fields["options"][0],
        json!({"value": "FNAME", "label": "First name"})
    );

    let r = options(json!({}), "list_id").await.unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap()["errors"][0]["path"],
        "accounts.mailbird"
    );
    let bobs = oauth_account(&app, &ws, "bob").await;
    let r = options(json!({"accounts": {"mailbird": bobs}}), "list_id")
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "another user's account");
    let r = options(json!({"accounts": {"mailbird": mailbird}}), "plans")
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "static options have no source");
}

#[tokio::test]
async fn your_backend_sets_a_users_account_for_your_app() {
    let (app, _mock, ws) = setup().await;
    let path = "/v1/admin/users/carol/apps/acme/account";
    assert_eq!(
        app.admin(&ws, Method::PUT, path)
            .json(&json!({"credentials": {"type": "api_key", "key": "nope"}}))
            .status_of()
            .await,
        422,
        "checked like any key"
    );
    let first: Value = app
        .admin(&ws, Method::PUT, path)
        .json(&json!({"credentials": {"type": "api_key", "key": ACME_KEY}}))
        .answer_json()
        .await;
    let again: Value = app
        .admin(&ws, Method::PUT, path)
        .json(&json!({"credentials": {"type": "api_key", "key": ACME_KEY}}))
        .answer_json()
        .await;
    assert_eq!(
        first["id"], again["id"],
        "the same account, its key replaced"
    );
    let mine: Value = app
        .user(&ws, "carol", Method::GET, "/v1/apps/acme/accounts")
        .answer_json()
        .await;
    assert_eq!(mine["accounts"].as_array().unwrap().len(), 1);
    assert_eq!(
        mine["accounts"][0]["label"],
        "Acme Demo Co (owner@acme.test)"
    );
}

#[tokio::test]
async fn a_dynamic_select_value_must_be_one_the_users_account_offers() {
    let (app, mock, ws) = setup().await;
    let acme = connect_acme(&app, &ws, "alice").await;
    let mailbird = oauth_account(&app, &ws, "alice").await;
    let with_list = |list: &str| json!({"flow": "contacts-to-mailbird", "accounts": {"acme": acme, "mailbird": mailbird}, "setup": {"list_id": list}});
    let (status, body) = create(&app, &ws, "alice", with_list("list_nope")).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["path"], "setup.list_id", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("\"list_nope\" is not one of the options your Mailbird account has"),
        "{body}"
    );
    let (status, made) = create(&app, &ws, "alice", with_list("list_news")).await;
    assert_eq!(status, 201, "{made}");
    let id = made["integration"]["id"].as_str().unwrap();
    assert_eq!(
        app.user(
            &ws,
            "alice",
            Method::PATCH,
            &format!("/v1/integrations/{id}"),
        )
        .json(&json!({"setup": {"list_id": "list_gone"}}))
        .status_of()
        .await,
        422,
        "an edit is checked too"
    );

    // The app asks for a minute of quiet: the check cannot be made now, so the answer
    // is a retryable 503, never a silent accept. (The integration's first sync must be
    // over first, or its own calls could take the app's 429.)
    let first_sync = made["run_ids"][0].as_str().unwrap();
    crate::runs::finished(&app, &ws, "alice", first_sync).await;
    mock.state
        .throttle_next_s
        .store(60, std::sync::atomic::Ordering::SeqCst);
    let r = app
        .user(&ws, "alice", Method::POST, "/v1/integrations")
        .json(&with_list("list_events"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert!(r.headers().contains_key("retry-after"));
    let problem: Value = r.json().await.unwrap();
    assert_eq!(
        problem["type"], "urn:junction:problem:unavailable",
        "{problem}"
    );

    // A field that opts out takes any value.
    let text = std::fs::read_to_string(format!(
        "{}/flows/contacts-to-mailbird.yaml",
        crate::helpers::EXAMPLES
    ))
    .unwrap()
    .replace(
        "          label: Mailbird list\n",
        "          label: Mailbird list\n          allow_custom: true\n",
    );
    app.publish_flow(&ws, "contacts-to-mailbird", &text).await;
    let (status, body) = create(&app, &ws, "alice", with_list("list_anything")).await;
    assert_eq!(status, 201, "{body}");
}
