//! The operator commands against an AWS stack (on the moto server `infra/test.sh`
//! starts): `--backend aws` with the stack's names in the environment creates a
//! workspace and pushes apps and flows exactly as it does locally, and rotates the
//! envelope vault's data key.

use junction_core::ports::{SecretKey, Vault, WorkspaceStore};
use std::process::Output;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");

async fn junction(env: &[(&str, String)], args: &[&str]) -> Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_junction"));
    command.args(args).env("JUNCTION_BACKEND", "aws");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().await.expect("the junction binary runs")
}

/// A fresh stack on moto: the environment the CLI reads.
async fn stack() -> Vec<(&'static str, String)> {
    let moto = junction_tests::moto::url();
    let config = junction_tests::moto::config().await;
    let table = junction_tests::moto::unique("junction-cli");
    junction_aws::create_table(&config, &table).await.unwrap();
    let (queue, dlq) = junction_tests::moto::run_queues(&config, 5, None).await;
    let env = vec![
        ("JUNCTION_TABLE", table),
        ("JUNCTION_QUEUE_URL", queue),
        ("JUNCTION_DLQ_URL", dlq),
        (
            "JUNCTION_SECRET_PREFIX",
            junction_tests::moto::unique("junction"),
        ),
        ("AWS_ENDPOINT_URL", moto),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_ACCESS_KEY_ID", "test".into()),
        ("AWS_SECRET_ACCESS_KEY", "test".into()),
    ];
    env
}

fn var(env: &[(&str, String)], name: &str) -> String {
    env.iter().find(|(k, _)| *k == name).unwrap().1.clone()
}

#[tokio::test]
async fn workspaces_apps_and_flows_on_the_aws_backend() {
    let env = stack().await;
    let config = junction_tests::moto::config().await;
    let table = var(&env, "JUNCTION_TABLE");
    let out = junction(&env, &["workspace", "create", "Acme Inc", "--json"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let created: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ws = created["workspace"]["id"].as_str().unwrap().to_string();

    let mut with_ws = env.to_vec();
    with_ws.push(("JUNCTION_WORKSPACE", ws.clone()));
    let apps: Vec<String> = ["acme-crm", "mailbird", "chatter"]
        .iter()
        .map(|a| format!("{EXAMPLES}/apps/{a}.yaml"))
        .collect();
    let mut args = vec!["apps", "push"];
    args.extend(apps.iter().map(String::as_str));
    let out = junction(&with_ws, &args).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("pushed app 'mailbird'"));
    let flow = format!("{EXAMPLES}/flows/deals-to-chatter.yaml");
    let out = junction(&with_ws, &["flows", "push", &flow, "--publish", "--json"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pushed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(pushed[0]["published"], 1);

    // What the CLI wrote is what the functions read.
    let store = junction_aws::DynamoStore::new(&config, table);
    assert_eq!(store.list_apps(&ws).await.unwrap().len(), 3);
    assert!(store
        .get_flow_head(&ws, "deals-to-chatter")
        .await
        .unwrap()
        .unwrap()
        .published
        .is_some());

    // Without the stack's names, the error says what to set.
    let out = junction(&[], &["workspace", "create", "X"]).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("JUNCTION_TABLE") && err.contains("Deploy to AWS"),
        "{err}"
    );
}

#[tokio::test]
async fn the_envelope_vaults_data_key_rotates_from_the_cli() {
    let mut env = stack().await;
    let config = junction_tests::moto::config().await;
    env.push(("JUNCTION_VAULT_MODE", "envelope".into()));
    // Accounts connected through the functions, sealed under the first data key.
    let vault = junction_aws::EnvelopeVault::new(
        &config,
        var(&env, "JUNCTION_TABLE"),
        &var(&env, "JUNCTION_SECRET_PREFIX"),
    );
    let keys: Vec<SecretKey> = (0..3)
        .map(|i| SecretKey::account("ws_1", &format!("acc_{i}")))
        .collect();
    for key in &keys {
        vault.put(key, key.name.as_bytes()).await.unwrap();
    }
    // One account was connected before the stage switched: its own secret moves in.
    let before = junction_aws::SecretsVault::new(&config, var(&env, "JUNCTION_SECRET_PREFIX"));
    let early = SecretKey::account("ws_2", "acc_early");
    before.put(&early, b"early").await.unwrap();
    let out = junction(&env, &["vault", "import-secrets", "--delete", "--json"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let imported: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (imported["imported"].as_u64(), imported["deleted"].as_u64()),
        (Some(1), Some(1)),
        "{imported}"
    );
    assert_eq!(before.get_fresh(&early).await.unwrap(), None);
    assert_eq!(vault.get(&early).await.unwrap().unwrap(), b"early");

    let out = junction(&env, &["vault", "rotate-key", "--json"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rotated: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rotated["resealed"], 4, "{rotated}");
    assert_eq!(rotated["older"].as_array().unwrap().len(), 1, "{rotated}");
    // The functions' vault still reads every secret (it learns of the new key).
    for key in &keys {
        assert_eq!(
            vault.get_fresh(key).await.unwrap().unwrap(),
            key.name.as_bytes()
        );
    }
    // Retiring at once is refused, and the error says when it will be safe.
    let out = junction(&env, &["vault", "retire-keys"]).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("retire them after"), "{err}");

    // A stage in the default mode, or the local backend, has no data keys to rotate.
    let default_mode: Vec<_> = env
        .iter()
        .filter(|(k, _)| *k != "JUNCTION_VAULT_MODE")
        .cloned()
        .collect();
    let out = junction(&default_mode, &["vault", "rotate-key"]).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("one Secrets Manager secret per account"),
        "{err}"
    );
    let out = junction(&env, &["vault", "rotate-key", "--backend", "local"]).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("--backend aws"),
        "{err}"
    );
    let mut wrong = env.clone();
    wrong.push(("JUNCTION_VAULT_MODE", "kms".into()));
    let out = junction(&wrong, &["vault", "rotate-key"]).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("JUNCTION_VAULT_MODE is 'kms'"),
        "{err}"
    );
}
