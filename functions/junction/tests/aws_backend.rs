//! The operator commands against an AWS stack (on the moto server `infra/test.sh`
//! starts): `--backend aws` with the stack's names in the environment creates a
//! workspace and pushes apps and flows exactly as it does locally.

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
    let moto = std::env::var("JUNCTION_MOTO_URL").unwrap_or_else(|_| {
        panic!("this test needs a moto server: run infra/test.sh, or start `target/pyenv/bin/moto_server -p 5001` and export JUNCTION_MOTO_URL=http://127.0.0.1:5001")
    });
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(&moto)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_sqs::config::Credentials::new(
            "test", "test", None, None, "moto",
        ))
        .load()
        .await;
    let suffix = uuid::Uuid::now_v7().simple().to_string();
    let table = format!("junction-cli-{suffix}");
    junction_aws::create_table(&config, &table).await.unwrap();
    let sqs = aws_sdk_sqs::Client::new(&config);
    let mut urls = Vec::new();
    for name in [format!("runs-{suffix}"), format!("runs-dlq-{suffix}")] {
        urls.push(
            sqs.create_queue()
                .queue_name(name)
                .send()
                .await
                .unwrap()
                .queue_url
                .unwrap(),
        );
    }
    let env = [
        ("JUNCTION_TABLE", table.clone()),
        ("JUNCTION_QUEUE_URL", urls[0].clone()),
        ("JUNCTION_DLQ_URL", urls[1].clone()),
        ("JUNCTION_SECRET_PREFIX", format!("junction-{suffix}")),
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
    use junction_core::ports::Store;
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
