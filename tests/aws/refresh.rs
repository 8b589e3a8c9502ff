//! OAuth refreshes across Lambda containers: each has its own refresh locks and a
//! secret cache, so only the DynamoDB lease and uncached reads keep a rotating token
//! from being refreshed twice (which spends it, and locks the user out).

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use junction_core::credentials::{CredentialStore, Credentials};
use junction_core::engine::{Invocation, RunInput, RunStatus};
use junction_core::model::{Account, AccountStatus};
use junction_core::ports::{SecretKey, Vault};
use junction_core::service::VaultCredentials;
use junction_lambdas::Backend;
use junction_tests::mock_apps::{self, MockApps};

use junction_tests::refresh::{expired_mailbird_tokens, lists_flow, run_block};

use crate::stack::stack;
use junction_core::ports::AccountStore;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");

#[tokio::test]
async fn containers_refresh_a_rotating_token_once_between_them() {
    let mock = MockApps::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let s = stack("https://hooks.example.test").await;
    let j = &s.backend.junction;
    let ws = j.create_workspace("Acme Inc").await.unwrap().workspace.id;
    let app = std::fs::read_to_string(format!("{EXAMPLES}/apps/mailbird.yaml"))
        .unwrap()
        .replace("http://127.0.0.1:4010", &mock.url());
    j.push_app(&ws, &app, None).await.unwrap();
    j.set_oauth_client(
        &ws,
        "mailbird",
        mock_apps::MAILBIRD_CLIENT_ID,
        mock_apps::MAILBIRD_CLIENT_SECRET,
    )
    .await
    .unwrap();
    let account = Account {
        workspace_id: ws.clone(),
        id: "acc_mb".into(),
        user_id: "alice".into(),
        app_id: "mailbird".into(),
        label: "Newsletter".into(),
        status: AccountStatus::Active,
        created_at: chrono::Utc::now(),
        version: 0,
    };
    j.store.put_account(&account, None).await.unwrap();
    let expired = expired_mailbird_tokens();
    j.vault
        .put(
            &SecretKey::account(&ws, &account.id),
            &serde_json::to_vec(&expired).unwrap(),
        )
        .await
        .unwrap();

    let flow = lists_flow();
    let accounts = BTreeMap::from([("mailbird".to_string(), account.id.clone())]);
    let creds = |b: &Backend| {
        VaultCredentials::new(&b.junction.store, &b.junction.vault, &ws, accounts.clone())
    };
    let (b, c) = (s.another_container(), s.another_container());
    let (creds_a, creds_b, creds_c) = (creds(&s.backend), creds(&b), creds(&c));
    // Containers B and C have the expired token in their secret cache already.
    for warm in [&creds_b, &creds_c] {
        assert!(
            matches!(warm.load("mailbird").await.unwrap(), Credentials::Oauth2(t) if t.access_token.expose() == "mb-access-0")
        );
    }

    // A and B find it expired at the same time; the provider is slow to answer.
    mock.state.slow_token_ms.store(300, Ordering::SeqCst);
    let apps = j.runtime_catalog(&ws).await.unwrap();
    let input = RunInput::default();
    let storage = junction_core::storage::MemoryStorage::new();
    let inv = |credentials| Invocation {
        flow: &flow,
        apps: &apps,
        input: &input,
        credentials,
        storage: &storage,
        code_limits: Default::default(),
    };
    let (inv_a, inv_b, inv_c) = (inv(&creds_a), inv(&creds_b), inv(&creds_c));
    let (ran_a, ran_b) = tokio::join!(
        run_block(&s.backend.engine, &inv_a, "run-a"),
        run_block(&b.engine, &inv_b, "run-b")
    );
    // C runs later, its cache still holding the token A rotated away.
    let ran_c = run_block(&c.engine, &inv_c, "run-c").await;
    for state in [&ran_a, &ran_b, &ran_c] {
        assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
    }
    assert_eq!(mock.state.stats().token_refreshes, 1, "one refresh in all");
    let stored = j
        .store
        .get_account(&ws, &account.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, AccountStatus::Active);
}
