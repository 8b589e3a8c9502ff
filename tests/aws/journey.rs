//! One integration's life on the AWS adapters, through the functions' handlers: the
//! admin pushes an app and a flow, a user connects accounts and creates an
//! integration, a signed webhook arrives at the receiver, the queued message goes to
//! the executor, the action reaches the mock app, and the run is read back. Prints the
//! AWS requests the delivery and its run cost.

use junction_aws::VaultMode;
use junction_core::service::secrets::user_hash;
use junction_lambdas::executor;
use junction_tests::mock_apps::mailbird_hooks::sign;
use junction_tests::mock_apps::{MockApps, ACME_KEY, CHATTER_TOKEN};
use serde_json::{json, Value};

use crate::cost::{per_million_runs, WEBHOOK_RUN};
use crate::counting::Counted;
use crate::events::{call, drain, http_v2, API_DOMAIN, HOOKS_DOMAIN};
use crate::stack::stack_with_vault;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");
const BENCH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../infra/bench");

#[tokio::test]
async fn a_webhook_run_end_to_end_on_the_aws_adapters() {
    let plain = journey(false, VaultMode::SecretPerAccount).await;
    // The same run in a flow that syncs both ways: the block checks for an echo of
    // its trigger item, and the action remembers what it wrote.
    let two_way = journey(true, VaultMode::SecretPerAccount).await;
    // With account secrets sealed in the table, a warm instance's run costs the same
    // requests: both vaults serve a secret read in the last minute from memory.
    let envelope = journey(false, VaultMode::Envelope).await;
    assert_eq!(
        envelope, plain,
        "the envelope vault changes no warm run's requests"
    );
    let extra =
        |i: usize| two_way[i].values().sum::<u64>() as i64 - plain[i].values().sum::<u64>() as i64;
    println!(
        "AWS requests echo suppression adds: {} per delivery until queued, {} per run with one echo-checked trigger item and one remembered action",
        extra(0),
        extra(1)
    );
    assert_eq!(extra(0), 0, "ingest is unchanged");
    assert_eq!(
        two_way[1].get("dynamodb:GetItem").copied().unwrap_or(0)
            - plain[1].get("dynamodb:GetItem").copied().unwrap_or(0),
        1,
        "one read per trigger item: {two_way:?}"
    );
    assert_eq!(
        two_way[1].get("dynamodb:UpdateItem").copied().unwrap_or(0)
            - plain[1].get("dynamodb:UpdateItem").copied().unwrap_or(0),
        1,
        "one write per action: {two_way:?}"
    );
    assert_eq!(extra(1), 2, "{plain:?} vs {two_way:?}");
}

/// The journey of one delivery; the AWS requests until it is queued and while its run
/// executes. `two_way` adds an `echo:` to the block and an `object_id` to the action.
async fn journey(two_way: bool, vault: VaultMode) -> [std::collections::BTreeMap<String, u64>; 2] {
    let mock = MockApps::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let s = stack_with_vault(&format!("https://{HOOKS_DOMAIN}"), vault).await;
    let api = junction_http::api(s.backend.junction.clone());
    let hooks = junction_http::webhooks(s.backend.junction.clone());
    let ws = s
        .backend
        .junction
        .create_workspace("Acme Inc")
        .await
        .unwrap();
    let bearer = format!("Bearer {}", ws.api_secret);
    s.tally.take_all(); // an operator's command, not a function, creates workspaces

    // The admin pushes apps and the flow through the API function.
    for (id, path) in [
        ("acme", format!("{EXAMPLES}/apps/acme-crm.yaml")),
        ("chatter", format!("{EXAMPLES}/apps/chatter.yaml")),
        ("hookbench", format!("{BENCH}/hookbench.yaml")),
    ] {
        let mut text = std::fs::read_to_string(path)
            .unwrap()
            .replace("http://127.0.0.1:4010", &mock.url());
        if two_way && id == "chatter" {
            text = text.replace(
                "    output: message\n",
                "    output: message\n    object_id: message.id\n",
            );
            assert!(
                text.contains("object_id"),
                "chatter's post_message changed shape"
            );
        }
        let (status, body) = call(
            &api,
            http_v2(
                API_DOMAIN,
                "PUT",
                &format!("/v1/admin/apps/{id}"),
                &[
                    ("authorization", &bearer),
                    ("content-type", "application/yaml"),
                ],
                Some(&text),
            ),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let mut flow = std::fs::read_to_string(format!("{BENCH}/hook-to-chatter.yaml")).unwrap();
    if two_way {
        flow = flow.replace(
            "    steps:\n      - id: contact",
            "    echo: {app: chatter, object_id: \"{{ trigger.body.email }}\", fields: {text: \"{{ trigger.body.email }}\"}}\n    steps:\n      - id: contact",
        );
        assert!(flow.contains("echo:"), "the bench flow changed shape");
    }
    let (status, body) = call(
        &api,
        http_v2(
            API_DOMAIN,
            "PUT",
            "/v1/admin/flows/hook-to-chatter?publish=true",
            &[
                ("authorization", &bearer),
                ("content-type", "application/yaml"),
            ],
            Some(&flow),
        ),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // A user connects accounts and creates the integration through the same function.
    let hash = user_hash(&ws.app_secret, "alice");
    let user = [
        ("app-key", ws.workspace.app_key.as_str()),
        ("user-id", "alice"),
        ("hash", hash.as_str()),
        ("content-type", "application/json"),
    ];
    let mut accounts = serde_json::Map::new();
    for (app, key) in [("acme", ACME_KEY), ("chatter", CHATTER_TOKEN)] {
        let body = json!({"credentials": {"type": "api_key", "key": key}}).to_string();
        let (status, account) = call(
            &api,
            http_v2(
                API_DOMAIN,
                "POST",
                &format!("/v1/apps/{app}/accounts"),
                &user,
                Some(&body),
            ),
        )
        .await;
        assert_eq!(status, 201, "{account}");
        accounts.insert(app.into(), account["id"].clone());
    }
    let secret = "whsec_YmVuY2gtc2lnbmluZy1zZWNyZXQ=";
    let body = json!({"flow": "hook-to-chatter", "accounts": accounts, "setup": {"signing_secret": secret}}).to_string();
    let (status, created) = call(
        &api,
        http_v2(API_DOMAIN, "POST", "/v1/integrations", &user, Some(&body)),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["integration"]["id"].as_str().unwrap();
    let (_, list) = call(
        &api,
        http_v2(
            API_DOMAIN,
            "GET",
            &format!("/v1/integrations/{id}/webhooks"),
            &user,
            None,
        ),
    )
    .await;
    let url = list["webhooks"][0]["url"].as_str().unwrap();
    let path = url
        .strip_prefix(&format!("https://{HOOKS_DOMAIN}"))
        .unwrap_or_else(|| panic!("the URL is on the receiver's Function URL: {url}"));

    // Signed deliveries arrive at the receiver function; their runs go to the
    // executor. The first one finds the instance cold (no app catalog cached, the
    // workspace's sweep not yet scheduled); the second is what a warm instance pays
    // for each delivery, and is the one counted.
    let delivery = json!({"type": "contact.updated", "email": "person1@example.com"}).to_string();
    let now = chrono::Utc::now().timestamp();
    let now_text = now.to_string();
    let deliver = |id: &str| {
        let signature = sign(secret, id, now, &delivery);
        let headers = [
            ("content-type", "application/json"),
            ("webhook-id", id),
            ("webhook-timestamp", now_text.as_str()),
            ("webhook-signature", signature.as_str()),
        ];
        http_v2(HOOKS_DOMAIN, "POST", path, &headers, Some(&delivery))
    };
    crate::iam::assert_allowed("MarketplaceApi", s.tally.take_all().requests.keys());
    // The executor is another function: it has none of the API's cached secrets.
    let executor_function = s.another_container();
    let mut counted = Vec::new();
    for id in ["msg_0", "msg_1"] {
        s.tally.take_all();
        let (status, received) = call(&hooks, deliver(id)).await;
        assert_eq!(status, 200, "{received}");
        let ingest = s.tally.take_all();
        let event = drain(&s.sqs, &s.settings.queue_url).await;
        assert_eq!(event.records.len(), 1);
        s.tally.take_all(); // the test's own receive
        let response = executor::handle_batch(&executor_function, event).await;
        assert!(response.batch_item_failures.is_empty(), "{response:?}");
        let execute = s.tally.take_all();
        let run_id = received["run_ids"][0].as_str().unwrap().to_string();
        counted.push((run_id, ingest, execute));
    }
    assert_eq!(
        mock.state.stats().messages_posted,
        2,
        "each delivery's action reached the chat app once"
    );
    let (run_id, ingest, execute) = counted.pop().unwrap();
    let (_, cold_ingest, cold_execute) = counted.pop().unwrap();
    // What each function did, it may do once deployed.
    crate::iam::assert_allowed(
        "WebhookReceiver",
        cold_ingest.requests.keys().chain(ingest.requests.keys()),
    );
    crate::iam::assert_allowed(
        "RunExecutor",
        cold_execute.requests.keys().chain(execute.requests.keys()),
    );
    let delivered_again = deliver("msg_1");

    // The same delivery again: answered, nothing queued.
    let (status, again) = call(&hooks, delivered_again).await;
    assert_eq!(
        (status, again["duplicate"].clone()),
        (200, json!(true)),
        "{again}"
    );
    s.tally.take();

    let (status, run_record) = call(
        &api,
        http_v2(
            API_DOMAIN,
            "GET",
            &format!("/v1/runs/{run_id}"),
            &user,
            None,
        ),
    )
    .await;
    assert_eq!(status, 200, "{run_record}");
    assert_eq!(run_record["status"], "succeeded", "{run_record}");
    let steps: Vec<&str> = run_record["state"]["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["contact", "post"]);

    let report = |what: &str, tally: &Counted| {
        let total: u64 = tally.requests.values().sum();
        let detail: Vec<String> = tally
            .requests
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        println!(
            "AWS requests, {what}: {total} ({}); DynamoDB units: {} read, {} write",
            detail.join(", "),
            tally.read_units,
            tally.write_units
        );
        total
    };
    let what = match (two_way, vault) {
        (true, _) => ", echo-checked",
        (false, VaultMode::Envelope) => ", envelope vault",
        (false, VaultMode::SecretPerAccount) => "",
    };
    let cold = report(
        &format!("first delivery until queued, on a cold instance{what}"),
        &cold_ingest,
    ) + report(
        &format!("executing its run, on a cold instance{what}"),
        &cold_execute,
    );
    println!("AWS requests per webhook run, cold instance{what}: {cold}");
    let a = report(&format!("webhook delivery until queued{what}"), &ingest);
    let b = report(
        &format!("executing its run (query + action){what}"),
        &execute,
    );
    println!("AWS requests per webhook run{what}: {}", a + b);
    let mut run = ingest.clone();
    for (op, n) in &execute.requests {
        *run.requests.entry(op.clone()).or_default() += n;
    }
    run.read_units += execute.read_units;
    run.write_units += execute.write_units;
    println!("Dollars per million webhook runs{what}:");
    for (line, dollars) in per_million_runs(&run, &WEBHOOK_RUN) {
        println!("  {dollars:>8.2}  {line}");
    }
    assert!(a > 0 && b > 0);
    if !two_way {
        // The budget: durable before the 200, a checkpoint with exact metering, the
        // quota read with the run, all in at most ten requests on a warm instance.
        assert!(a + b <= 10, "{ingest:?} {execute:?}");
    }
    let _: Value = run_record;
    [ingest.requests, execute.requests]
}
