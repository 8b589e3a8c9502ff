//! The operator commands against an AWS stack (on the moto server `infra/test.sh`
//! starts): `--backend aws` with the stack's names in the environment creates a
//! workspace and pushes apps and flows exactly as it does locally.

use junction_core::ports::WorkspaceStore;
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

#[tokio::test]
async fn workspaces_apps_and_flows_on_the_aws_backend() {
    let moto = junction_tests::moto::url();
    let config = junction_tests::moto::config().await;
    let table = junction_tests::moto::unique("junction-cli");
    junction_aws::create_table(&config, &table).await.unwrap();
    let (queue, dlq) = junction_tests::moto::run_queues(&config, 5, None).await;
    let env = [
        ("JUNCTION_TABLE", table.clone()),
        ("JUNCTION_QUEUE_URL", queue),
        ("JUNCTION_DLQ_URL", dlq),
        (
            "JUNCTION_SECRET_PREFIX",
            junction_tests::moto::unique("junction"),
        ),
        ("AWS_ENDPOINT_URL", moto.clone()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_ACCESS_KEY_ID", "test".into()),
        ("AWS_SECRET_ACCESS_KEY", "test".into()),
    ];
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
