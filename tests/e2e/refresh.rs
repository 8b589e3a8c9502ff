//! OAuth refreshes across processes: two executors over one data folder (each with its
//! own refresh locks, as two `serve` processes or two Lambda containers have) refresh
//! an expired, rotating token once between them, and both runs go on with it.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use junction_core::engine::{Engine, Invocation, RunInput, RunStatus};
use junction_core::model::AccountStatus;
use junction_core::ports::{SecretKey, Vault};
use junction_core::service::VaultCredentials;

use junction_tests::refresh::{expired_mailbird_tokens, lists_flow, run_block};

use crate::helpers::eventually;
use crate::integrations::{oauth_account, setup};
use junction_core::ports::AccountStore;

#[tokio::test]
async fn two_processes_refresh_a_rotating_token_once_between_them() {
    let (app, mock, ws) = setup().await;
    let ws_id = ws.workspace.id.clone();
    app.junction
        .set_oauth_client(
            &ws_id,
            "mailbird",
            junction_tests::mock_apps::MAILBIRD_CLIENT_ID,
            junction_tests::mock_apps::MAILBIRD_CLIENT_SECRET,
        )
        .await
        .unwrap();
    let account = oauth_account(&app, &ws, "alice").await;
    let expired = expired_mailbird_tokens();
    app.junction
        .vault
        .put(
            &SecretKey::account(&ws_id, &account),
            &serde_json::to_vec(&expired).unwrap(),
        )
        .await
        .unwrap();
    // The provider is slow to answer, so both processes find the token expired, and
    // a second refresh would spend the refresh token the first one rotated away.
    mock.state.slow_token_ms.store(300, Ordering::SeqCst);

    let flow = lists_flow();
    let apps = app.junction.runtime_catalog(&ws_id).await.unwrap();
    let input = RunInput::default();
    let accounts = BTreeMap::from([("mailbird".to_string(), account.clone())]);
    let process = || {
        (
            Engine::new(app.junction.http.clone()),
            VaultCredentials::new(
                &app.junction.store,
                &app.junction.vault,
                &ws_id,
                accounts.clone(),
            ),
        )
    };
    let (engine_a, creds_a) = process();
    let (engine_b, creds_b) = process();
    let storage = junction_core::storage::MemoryStorage::new();
    let inv = |credentials| Invocation {
        flow: &flow,
        apps: &apps,
        input: &input,
        credentials,
        storage: &storage,
        code_limits: Default::default(),
    };
    let (inv_a, inv_b) = (inv(&creds_a), inv(&creds_b));
    let (a, b) = tokio::join!(
        run_block(&engine_a, &inv_a, "run-a"),
        run_block(&engine_b, &inv_b, "run-b")
    );
    assert_eq!(a.status, RunStatus::Succeeded, "{:?}", a.error);
    assert_eq!(b.status, RunStatus::Succeeded, "{:?}", b.error);
    assert_eq!(mock.state.stats().token_refreshes, 1, "one refresh in all");
    assert_eq!(mock.state.stats().unauthorized, 0);
    let stored = app
        .junction
        .store
        .get_account(&ws_id, &account)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, AccountStatus::Active);
}

/// A provider whose first token is already inside the refresh margin, that rotates
/// refresh tokens and revokes the grant when one is sent twice: connecting keeps the
/// refreshed tokens, and 25 concurrent runs on an expiring token refresh exactly once.
/// Connects alice's Mailbird through the provider's consent, as a user does.
async fn consent_to_mailbird(
    app: &crate::server::TestServer,
    ws: &junction_core::service::NewWorkspace,
) {
    let started = app
        .user_post_json(
            ws,
            "alice",
            "/v1/apps/mailbird/oauth/start",
            serde_json::json!({}),
        )
        .await;
    let page = app
        .consent(started["authorization_url"].as_str().unwrap())
        .await;
    assert!(page.contains(r#""status":"connected""#), "{page}");
}

#[tokio::test]
async fn a_short_lived_first_token_is_refreshed_at_connect_and_kept_and_25_runs_refresh_once() {
    use serde_json::{json, Value};
    let (app, mock, ws) = setup().await;
    let ws_id = ws.workspace.id.clone();
    app.set_mailbird_client(&ws).await;
    // A dropdown of the lists too: its options come from the same account.
    app.publish_flow(&ws, "lists", "id: lists\nname: Lists\napps: [mailbird]\nsetup:\n  pages:\n    - title: List\n      fields:\n        - {id: list_id, type: dynamic_select, label: List, source: {app: mailbird, query: lists, value: id, label: name}}\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: lists\n        query: {app: mailbird, query: lists}\n").await;

    // Every token lives 5 s: the connect-time check finds it expiring and refreshes.
    mock.state.token_lifetime_s.store(5, Ordering::SeqCst);
    consent_to_mailbird(&app, &ws).await;
    assert_eq!(
        mock.state.stats().token_refreshes,
        2,
        "the code exchange, then the check's refresh"
    );
    let account = app
        .junction
        .store
        .accounts_of_user(&ws_id, "alice", Some("mailbird"))
        .await
        .unwrap()
        .remove(0);
    let stored = app
        .junction
        .vault
        .get(&SecretKey::account(&ws_id, &account.id))
        .await
        .unwrap()
        .unwrap();
    let stored: Value = serde_json::from_slice(&stored).unwrap();
    let current = mock.state.grants.lock().unwrap().latest();
    assert_eq!(
        stored["refresh_token"], current.1,
        "the refreshed pair is stored, not the spent one"
    );

    // Later tokens live an hour; the stored one is still inside the margin.
    mock.state.token_lifetime_s.store(3600, Ordering::SeqCst);
    mock.state.slow_token_ms.store(200, Ordering::SeqCst);
    let made = app
        .user_post_json(
            &ws,
            "alice",
            "/v1/integrations",
            json!({"flow": "lists", "accounts": {"mailbird": account.id}, "setup": {"list_id": "list_news"}}),
        )
        .await;
    let id = made["integration"]["id"].as_str().unwrap().to_string();
    // The runs and the dropdown's lookups find the token expired at once; the
    // service and its engines share one refresher, so one of them refreshes.
    let lookups = futures::future::join_all((0..10).map(|_| {
        app.user_post_json(
            &ws,
            "alice",
            "/v1/flows/lists/fields/list_id/options",
            json!({"accounts": {"mailbird": account.id}}),
        )
    }));
    let starts = futures::future::join_all((0..25).map(|_| async {
        let r = app
            .user_post_json(
                &ws,
                "alice",
                &format!("/v1/integrations/{id}/blocks/b/run"),
                json!({}),
            )
            .await;
        r["run_id"].as_str().unwrap().to_string()
    }));
    let (lookups, runs) = futures::join!(lookups, starts);
    for options in &lookups {
        assert_eq!(options["options"][0]["value"], "list_news", "{options}");
    }
    for run in &runs {
        let done = crate::runs::finished(&app, &ws, "alice", run).await;
        assert_eq!(done["status"], "succeeded", "{done}");
    }
    let stats = mock.state.stats();
    assert_eq!(
        stats.token_refreshes, 3,
        "one refresh for all 25 runs and 10 lookups"
    );
    assert_eq!(stats.refresh_reuses, 0, "no refresh token was sent twice");
    assert_eq!(stats.unauthorized, 0);
    let after = app
        .junction
        .store
        .get_account(&ws_id, &account.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.status, AccountStatus::Active);
}

/// Every Mailbird token lives 5 s, inside the refresh margin, so every use refreshes
/// and rotates: setup's dropdown check, the webhook subscription, and each poll. Each
/// path writes its new tokens back before the next one refreshes, or the provider would
/// see a spent refresh token and revoke the grant.
#[tokio::test]
async fn subscribe_and_poll_write_rotated_tokens_back_before_the_next_refresh() {
    use serde_json::json;
    let (app, mock, ws) = setup().await;
    let ws_id = ws.workspace.id.clone();
    app.set_mailbird_client(&ws).await;
    mock.state.token_lifetime_s.store(5, Ordering::SeqCst);
    consent_to_mailbird(&app, &ws).await;
    let mailbird = app
        .junction
        .store
        .accounts_of_user(&ws_id, "alice", Some("mailbird"))
        .await
        .unwrap()
        .remove(0)
        .id;
    let acme = crate::integrations::connect_acme(&app, &ws, "alice").await;
    let before = mock.state.stats().token_refreshes;
    let made = app
        .user_post_json(
            &ws,
            "alice",
            "/v1/integrations",
            json!({"flow": "unsubscribes-to-acme", "accounts": {"acme": acme, "mailbird": mailbird}, "setup": {"list_id": "list_news"}}),
        )
        .await;
    let id = made["integration"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{made}"))
        .to_string();
    assert_eq!(mock.state.stats().webhooks_created, 1, "subscribed: {made}");
    let path = format!("/v1/integrations/{id}");
    let mut last = serde_json::Value::Null;
    for later in [0, 6, 12] {
        let at = chrono::Utc::now() + chrono::Duration::minutes(later);
        assert!(app.junction.poll_due(at).await.unwrap() >= 1);
        let what = format!("the poll due {later} minutes on to run");
        let previous = last.clone();
        last = eventually(&what, || async {
            let detail = app.user_json(&ws, "alice", &path).await;
            let poll = detail["polls"][0].clone();
            let moved = poll["last_polled_at"].is_string() && poll["last_polled_at"] != previous;
            moved.then(|| {
                assert_eq!(poll["status"], "ok", "{detail}");
                poll["last_polled_at"].clone()
            })
        })
        .await;
    }
    let stats = mock.state.stats();
    assert!(
        stats.token_refreshes >= before + 4,
        "the subscription and three polls each refreshed: {stats:?}"
    );
    assert_eq!(stats.refresh_reuses, 0, "no refresh token was sent twice");
    let stored = app
        .junction
        .vault
        .get(&SecretKey::account(&ws_id, &mailbird))
        .await
        .unwrap()
        .unwrap();
    let stored: serde_json::Value = serde_json::from_slice(&stored).unwrap();
    assert_eq!(
        stored["refresh_token"],
        mock.state.grants.lock().unwrap().latest().1,
        "the last rotation is the one stored"
    );
    let account = app
        .junction
        .store
        .get_account(&ws_id, &mailbird)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.status, AccountStatus::Active);
}
