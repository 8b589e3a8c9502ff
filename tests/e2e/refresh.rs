//! OAuth refreshes across processes: two executors over one data folder (each with its
//! own refresh locks, as two `serve` processes or two Lambda containers have) refresh
//! an expired, rotating token once between them, and both runs go on with it.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use junction_core::engine::{Engine, Invocation, RunInput, RunStatus};
use junction_core::model::AccountStatus;
use junction_core::ports::{SecretKey, Store, Vault};
use junction_core::service::VaultCredentials;

use junction_tests::refresh::{expired_mailbird_tokens, lists_flow, run_block};

use crate::integrations::{oauth_account, setup};

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
    let inv = |credentials| Invocation {
        flow: &flow,
        apps: &apps,
        input: &input,
        credentials,
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
