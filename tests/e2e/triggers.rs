//! Triggers through `junction serve`'s routers and workers: third-party webhooks
//! (subscription, signatures, handshakes, duplicates), polls (baseline, then exactly
//! the new items across pages), schedules (once per tick, once for missed ticks) and
//! app events with an idempotency key.

use junction_core::model::RunRecord;
use junction_core::service::NewWorkspace;
use junction_tests::mock_apps::mailbird_hooks::{deliver, sign};
use junction_tests::mock_apps::MockApps;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::eventually;
use crate::integrations::{connect_acme, connect_chatter, create, oauth_account, setup};
use crate::server::{Answer, TestServer};
use junction_core::ports::{DueStore, RunStore};

/// An integration of the unsubscribes flow (a poll and a Mailbird webhook) for alice.
async fn unsubscribes(app: &TestServer, ws: &NewWorkspace) -> Value {
    let acme = connect_acme(app, ws, "alice").await;
    let mailbird = oauth_account(app, ws, "alice").await;
    let (status, created) = create(app, ws, "alice", json!({"flow": "unsubscribes-to-acme", "accounts": {"acme": acme, "mailbird": mailbird}, "setup": {"list_id": "list_news"}})).await;
    assert_eq!(status, 201, "{created}");
    created["integration"].clone()
}

/// Runs of an integration once `n` of them have finished (10 s at most).
pub(crate) async fn finished_runs(
    app: &TestServer,
    ws: &NewWorkspace,
    integration: &str,
    n: usize,
) -> Vec<RunRecord> {
    eventually(&format!("{n} runs of {integration} to finish"), || async {
        let runs = app
            .junction
            .store
            .runs_of_integration(&ws.workspace.id, integration, 100, None)
            .await
            .unwrap();
        (runs.iter().filter(|r| r.status.is_finished()).count() >= n).then_some(runs)
    })
    .await
}

/// Changes alice's integration; its new state.
async fn patch(app: &TestServer, ws: &NewWorkspace, id: &str, changes: Value) -> Value {
    app.user(
        ws,
        "alice",
        Method::PATCH,
        &format!("/v1/integrations/{id}"),
    )
    .json(&changes)
    .answer_json()
    .await
}

/// An integration's webhook URLs, as its user sees them.
async fn webhooks_of(app: &TestServer, ws: &NewWorkspace, user: &str, integration: &str) -> Value {
    app.user(
        ws,
        user,
        Method::GET,
        &format!("/v1/integrations/{integration}/webhooks"),
    )
    .answer_json()
    .await
}

async fn webhook_url(app: &TestServer, ws: &NewWorkspace, integration: &str) -> String {
    let list = webhooks_of(app, ws, "alice", integration).await;
    assert_eq!(list["webhooks"][0]["app"], "mailbird", "{list}");
    list["webhooks"][0]["url"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_signed_webhook_runs_once_and_forgeries_start_nothing() {
    let (app, mock, ws) = setup().await;
    let integration = unsubscribes(&app, &ws).await;
    let id = integration["id"].as_str().unwrap();
    assert_eq!(
        integration["webhooks"]["mailbird"]["status"], "subscribed",
        "{integration}"
    );
    assert_eq!(
        integration["webhooks"]["mailbird"]["subscription_id"],
        "wh_1"
    );
    assert_eq!(mock.state.stats().webhooks_created, 1);
    let url = webhook_url(&app, &ws, id).await;
    let subscribed = mock.state.webhooks.lock().unwrap()[0].clone();
    assert_eq!(
        subscribed["url"],
        url.as_str(),
        "the app was given the integration's URL"
    );
    assert_eq!(subscribed["events"], json!(["member.unsubscribed"]));

    // Mailbird unsubscribes a member and delivers the signed event.
    let answer: Value = junction_tests::http::client()
        .post(format!(
            "{}/mailbird/api/lists/list_news/members/m_seed1/unsubscribe",
            mock.url()
        ))
        .answer_json()
        .await;
    assert_eq!(answer["answers"], json!([200]), "{answer}");
    let runs = finished_runs(&app, &ws, id, 1).await;
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].status.as_str(), "succeeded", "{:?}", runs[0].state);
    assert_eq!(runs[0].input.trigger["event"], "member.unsubscribed");
    assert_eq!(runs[0].input.trigger["body"]["member_id"], "m_seed1");
    // The run keeps the delivery's headers, but never its signature.
    let headers = runs[0].input.trigger["headers"].as_object().unwrap();
    assert!(headers.contains_key("webhook-id"), "{headers:?}");
    assert!(!headers.contains_key("webhook-signature"), "{headers:?}");
    assert_eq!(mock.state.stats().contacts_updated, 1);

    // The same delivery again (a provider retry): answered, nothing queued.
    let event =
        json!({"type": "member.unsubscribed", "list_id": "list_news", "member_id": "m_seed1"});
    assert_eq!(deliver(&mock.state, "msg_1", &event).await, vec![200]);
    app.queue_drained().await;
    assert_eq!(
        finished_runs(&app, &ws, id, 1).await.len(),
        1,
        "a duplicate starts nothing"
    );
    assert_eq!(mock.state.stats().contacts_updated, 1);

    // Forgeries: a tampered body, a wrong secret, a stale timestamp, no signature.
    let secret = subscribed["secret"].as_str().unwrap();
    let body = event.to_string();
    let now = chrono::Utc::now().timestamp();
    let tampered = body.replace("m_seed1", "m_seed3");
    let cases = [
        (
            "tampered body",
            "msg_x1",
            now,
            sign(secret, "msg_x1", now, &body),
            tampered.clone(),
        ),
        (
            "wrong secret",
            "msg_x2",
            now,
            sign("whsec_d3Jvbmctc2VjcmV0", "msg_x2", now, &body),
            body.clone(),
        ),
        (
            "stale timestamp",
            "msg_x3",
            now - 3600,
            sign(secret, "msg_x3", now - 3600, &body),
            body.clone(),
        ),
    ];
    let client = junction_tests::http::client();
    for (what, msg, ts, signature, payload) in cases {
        let r = client
            .post(&url)
            .header("content-type", "application/json")
            .header("webhook-id", msg)
            .header("webhook-timestamp", ts.to_string())
            .header("webhook-signature", signature)
            .body(payload)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{what}");
        let text = r.text().await.unwrap();
        assert!(
            !text.contains("signature does not match"),
            "the reason is not told: {text}"
        );
    }
    assert_eq!(
        client.post(&url).body(body.clone()).status_of().await,
        401,
        "unsigned"
    );
    assert_eq!(
        client
            .post(url.replace("/hooks/wh_", "/hooks/wh_0"))
            .body(body.clone())
            .status_of()
            .await,
        404,
        "unknown token"
    );
    let path = url.trim_start_matches(&app.url).to_string();
    let answer = app.announce_body("POST", &path, &[], 1024 * 1024 + 1).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    app.queue_drained().await;
    assert_eq!(
        finished_runs(&app, &ws, id, 1).await.len(),
        1,
        "forgeries start nothing"
    );

    // Disabling unsubscribes; enabling subscribes again; deleting unsubscribes.
    let patched: Value = patch(&app, &ws, id, json!({"enabled": false})).await;
    assert_eq!(
        patched["webhooks"]["mailbird"]["status"], "unsubscribed",
        "{patched}"
    );
    assert_eq!(mock.state.stats().webhooks_deleted, 1);
    assert!(mock.state.webhooks.lock().unwrap().is_empty());
    let patched: Value = patch(&app, &ws, id, json!({"enabled": true})).await;
    assert_eq!(
        patched["webhooks"]["mailbird"]["status"], "subscribed",
        "{patched}"
    );
    assert_eq!(mock.state.stats().webhooks_created, 2);
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
    assert_eq!(mock.state.stats().webhooks_deleted, 2);
    assert!(mock.state.webhooks.lock().unwrap().is_empty());
    assert_eq!(
        client.post(&url).body(body).status_of().await,
        404,
        "a deleted integration's URL is gone"
    );
}

#[tokio::test]
async fn a_failed_subscription_shows_on_the_integration_and_enabling_retries() {
    let (app, mock, ws) = setup().await;
    mock.state
        .fail_next_subscribe
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let integration = unsubscribes(&app, &ws).await;
    let id = integration["id"].as_str().unwrap();
    let hook = &integration["webhooks"]["mailbird"];
    assert_eq!(hook["status"], "failed", "{integration}");
    assert!(hook["error"].as_str().unwrap().contains("422"), "{hook}");
    let patched: Value = patch(&app, &ws, id, json!({"enabled": true})).await;
    assert_eq!(
        patched["webhooks"]["mailbird"]["status"], "subscribed",
        "{patched}"
    );
    assert!(patched["webhooks"]["mailbird"]["error"].is_null());
    assert_eq!(mock.state.stats().webhooks_created, 1);
}

/// Waits until the poll of `integration` has taken its baseline (its due item moved
/// on with the ids it saw).
async fn polled(app: &TestServer, integration: &str, times: usize) -> Value {
    let far = chrono::Utc::now() + chrono::Duration::days(1);
    eventually(&format!("the poll of {integration} to run"), || async {
        let due = app.junction.store.due_before(far, 100).await.unwrap();
        let item = due.into_iter().find(|d| d.key.contains(integration))?;
        let seen = item.payload["seen"].as_array().map_or(0, Vec::len);
        (seen >= times).then_some(item.payload)
    })
    .await
}

#[tokio::test]
async fn a_poll_takes_a_baseline_then_runs_exactly_the_new_items_across_pages() {
    let (app, mock, ws) = setup().await;
    let integration = unsubscribes(&app, &ws).await;
    let id = integration["id"].as_str().unwrap();
    // The first poll is due at once: it records what exists and starts nothing.
    assert_eq!(app.junction.poll_due(chrono::Utc::now()).await.unwrap(), 1);
    let state = polled(&app, id, 3).await;
    assert_eq!(
        state["seen"],
        json!(["m_seed2", "m_seed4", "m_seed6"]),
        "{state}"
    );
    assert!(app
        .junction
        .store
        .runs_of_integration(&ws.workspace.id, id, 10, None)
        .await
        .unwrap()
        .is_empty());
    // Nothing is due again until the interval passed.
    assert_eq!(app.junction.poll_due(chrono::Utc::now()).await.unwrap(), 0);

    // Two members unsubscribe in Mailbird (without webhooks): five items, three pages.
    {
        let mut members = mock.state.members.lock().unwrap();
        let list = members.get_mut("list_news").unwrap();
        list[2]["status"] = json!("unsubscribed"); // m_seed3
        list.push(json!({"id": "m_new", "email_address": "person5@example.com", "status": "unsubscribed"}));
    }
    let later = chrono::Utc::now() + chrono::Duration::minutes(6);
    assert_eq!(app.junction.poll_due(later).await.unwrap(), 1);
    // Queuing the same due time again (a second poller) is deduplicated.
    app.junction.poll_due(later).await.unwrap();
    let runs = finished_runs(&app, &ws, id, 2).await;
    assert_eq!(runs.len(), 2, "one run per new item");
    let mut items: Vec<_> = runs
        .iter()
        .map(|r| r.input.trigger["item"]["id"].as_str().unwrap().to_string())
        .collect();
    items.sort();
    assert_eq!(items, ["m_new", "m_seed3"]);
    assert!(
        runs.iter().all(|r| r.status.as_str() == "succeeded"),
        "{runs:?}"
    );
    let state = polled(&app, id, 5).await;
    assert_eq!(state["seen"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn a_schedule_fires_once_per_tick_and_once_for_missed_ticks() {
    let (app, mock, ws) = setup().await;
    // A contact created just now (every seeded one is older than the tick before).
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    mock.state.contacts.lock().unwrap().push(json!({"id": "c_digest", "email": "digest@example.com", "first_name": "Di", "last_name": "Gest", "plan": "pro", "created_at": now}));
    let acme = connect_acme(&app, &ws, "bob").await;
    let chatter = connect_chatter(&app, &ws, "bob").await;
    let (status, created) = create(&app, &ws, "bob", json!({"flow": "daily-digest", "accounts": {"acme": acme, "chatter": chatter}, "setup": {"channel": "#sales"}})).await;
    assert_eq!(status, 201, "{created}");
    let id = created["integration"]["id"].as_str().unwrap();
    let far = chrono::Utc::now() + chrono::Duration::days(10);
    let due = app.junction.store.due_before(far, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    let tick = due[0].due_at;
    // The next weekday 09:00 in Paris.
    let local = tick.with_timezone(&chrono_tz::Europe::Paris);
    assert_eq!(local.format("%H:%M").to_string(), "09:00");
    // The process was down for three days: the missed ticks run once.
    assert_eq!(
        app.junction
            .poll_due(tick + chrono::Duration::days(3))
            .await
            .unwrap(),
        1
    );
    app.junction
        .poll_due(tick + chrono::Duration::days(3))
        .await
        .unwrap();
    let runs = finished_runs(&app, &ws, id, 1).await;
    app.queue_drained().await;
    let runs_after = finished_runs(&app, &ws, id, 1).await;
    assert_eq!(runs.len(), 1);
    assert_eq!(runs_after.len(), 1, "one run, not one per missed tick");
    assert_eq!(runs[0].input.trigger["scheduled_at"], json!(tick));
    // The example flow runs as its tick gives it: the contact created since the tick
    // before (the weekday before, at 09:00) is posted.
    let previous: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(runs[0].input.trigger["previous_at"].clone()).unwrap();
    assert!(
        previous < tick && tick - previous <= chrono::Duration::days(3),
        "{previous}"
    );
    assert_eq!(
        runs[0].status.as_str(),
        "succeeded",
        "{:?}",
        runs[0].state.error
    );
    {
        let posted = mock.state.messages.lock().unwrap();
        assert_eq!(posted.len(), 1, "{posted:?}");
        assert!(
            posted[0]["text"]
                .as_str()
                .unwrap()
                .starts_with("1 new contacts: digest@example.com"),
            "{posted:?}"
        );
    }
    // And the next tick is after now, at 09:00 Paris time again (beside it, the
    // workspace's sweep for abandoned runs, scheduled by the first run).
    let mut due = app.junction.store.due_before(far, 10).await.unwrap();
    due.retain(|d| !d.key.starts_with("sweep:"));
    assert_eq!(due.len(), 1);
    assert!(due[0].due_at > chrono::Utc::now());
    assert_eq!(
        due[0]
            .due_at
            .with_timezone(&chrono_tz::Europe::Paris)
            .format("%H:%M")
            .to_string(),
        "09:00"
    );
}

#[tokio::test]
async fn an_app_event_sent_twice_with_one_idempotency_key_runs_once() {
    let (app, _mock, ws) = setup().await;
    let acme = connect_acme(&app, &ws, "carol").await;
    let mailbird = oauth_account(&app, &ws, "carol").await;
    let (status, _) = create(&app, &ws, "carol", json!({"flow": "contacts-to-mailbird", "accounts": {"acme": acme, "mailbird": mailbird}, "setup": {"list_id": "list_events"}})).await;
    assert_eq!(status, 201);
    let event = json!({"user_id": "carol", "payload": {"contact": {"id": "c_9", "email": "x@example.com", "first_name": "X", "last_name": "Y", "plan": "team"}}});
    let mut ids = Vec::new();
    for _ in 0..2 {
        let r: Value = app
            .admin(&ws, Method::POST, "/v1/events/contact.created")
            .header("Idempotency-Key", "evt-42")
            .json(&event)
            .answer_json()
            .await;
        ids.push(r["run_ids"].clone());
    }
    assert_eq!(ids[0], ids[1], "the second send answers the first run");
    assert_eq!(ids[0].as_array().unwrap().len(), 1);
}

/// Handshakes: an app that echoes `hub.challenge`, and one with Slack's URL check.
#[tokio::test]
async fn handshakes_are_answered_without_starting_runs() {
    let (app, mock, ws) = setup().await;
    push_hook_apps(&app, &ws, &mock).await;
    let (status, created) = create(
        &app,
        &ws,
        "dave",
        json!({"flow": "hooked", "setup": {"signing_secret": "8f742231b10e8888abcd99yyyzzz85a5"}}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["integration"]["id"].as_str().unwrap();
    let list = webhooks_of(&app, &ws, "dave", id).await;
    let url_of = |app_id: &str| {
        list["webhooks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["app"] == app_id)
            .unwrap()["url"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        created["integration"]["webhooks"]["echoer"]["status"],
        "manual"
    );
    let client = junction_tests::http::client();
    let r = client
        .get(format!(
            "{}?hub.mode=subscribe&hub.challenge=1158201444",
            url_of("echoer")
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "1158201444");

    // Slack signs its URL check like any event; a valid one gets the challenge back.
    let secret = "8f742231b10e8888abcd99yyyzzz85a5";
    let body = r#"{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    let ts = chrono::Utc::now().timestamp();
    let slack_sig = |body: &str, ts: i64| {
        use hmac::{Hmac, KeyInit, Mac};
        let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("v0:{ts}:{body}").as_bytes());
        format!("v0={}", hex_lower(&mac.finalize().into_bytes()))
    };
    let r = client
        .post(url_of("slackish"))
        .header("content-type", "application/json")
        .header("x-slack-request-timestamp", ts.to_string())
        .header("x-slack-signature", slack_sig(body, ts))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let answer: Value = r.json().await.unwrap();
    assert_eq!(
        answer["challenge"],
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );
    let r = client
        .post(url_of("slackish"))
        .header("content-type", "application/json")
        .header("x-slack-request-timestamp", ts.to_string())
        .header("x-slack-signature", slack_sig("{}", ts))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "an unsigned URL check is refused");
    // A real Slack event starts the block once per event id.
    let event =
        r#"{"type":"event_callback","event_id":"Ev123","event":{"type":"message","text":"hi"}}"#;
    for _ in 0..2 {
        assert_eq!(
            client
                .post(url_of("slackish"))
                .header("content-type", "application/json")
                .header("x-slack-request-timestamp", ts.to_string())
                .header("x-slack-signature", slack_sig(event, ts))
                .body(event)
                .status_of()
                .await,
            200
        );
    }
    let runs = finished_runs(&app, &ws, id, 1).await;
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0].input.trigger["body"]["event"]["text"], "hi");
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn push_hook_apps(app: &TestServer, ws: &NewWorkspace, mock: &MockApps) {
    let echoer = format!(
        "id: echoer\nname: Echoer\nbase_url: {}/acme\nauth: {{type: none}}\nwebhook:\n  handshake: {{type: echo_query, param: hub.challenge}}\n",
        mock.url()
    );
    let slackish = format!(
        "id: slackish\nname: Slackish\nbase_url: {}/chatter\nauth: {{type: none}}\nwebhook:\n  signature: {{type: slack}}\n  secret: '{{{{ setup.signing_secret }}}}'\n  handshake: {{type: slack_url_verification}}\n  delivery_id: {{body: event_id}}\n  event_type: {{body: event.type}}\n",
        mock.url()
    );
    for (id, text) in [("echoer", echoer), ("slackish", slackish)] {
        let r = app
            .admin(ws, Method::PUT, &format!("/v1/admin/apps/{id}"))
            .body(text)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }
    let flow = "id: hooked\nname: Hooked\napps: [echoer, slackish]\nsetup:\n  pages:\n    - title: Slack\n      fields:\n        - {id: signing_secret, type: text, label: Signing secret, required: true}\nblocks:\n  - id: on_echo\n    trigger: {type: webhook, app: echoer}\n    steps:\n      - {id: stop, abort: {reason: seen}}\n  - id: on_message\n    trigger: {type: webhook, app: slackish, events: [message]}\n    steps:\n      - {id: stop, abort: {reason: seen}}\n";
    app.publish_flow(ws, "hooked", flow).await;
}

#[tokio::test]
async fn a_batch_poll_watching_updates_runs_once_with_the_new_and_changed_items() {
    let (app, mock, ws) = setup().await;
    let flow = "id: contact-batches\nname: Contact batches\napps: [acme]\nblocks:\n  - id: changed\n    trigger: {type: poll, app: acme, query: contacts, interval: 10m, updated: created_at, batch: true}\n    steps:\n      - {id: count, abort: {reason: '{{ trigger.items | length }} changed'}}\n";
    app.publish_flow(&ws, "contact-batches", flow).await;
    let acme = connect_acme(&app, &ws, "erin").await;
    let (status, created) = create(
        &app,
        &ws,
        "erin",
        json!({"flow": "contact-batches", "accounts": {"acme": acme}}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["integration"]["id"].as_str().unwrap();
    app.junction.poll_due(chrono::Utc::now()).await.unwrap();
    polled(&app, id, 120).await;

    {
        let mut contacts = mock.state.contacts.lock().unwrap();
        contacts[4]["created_at"] = json!("2026-11-30T10:00:00Z"); // c_5 changed
        contacts.push(json!({"id": "c_121", "email": "new@example.com", "first_name": "New", "last_name": "One", "plan": "pro", "created_at": "2026-11-30T11:00:00Z"}));
    }
    app.junction
        .poll_due(chrono::Utc::now() + chrono::Duration::minutes(11))
        .await
        .unwrap();
    let runs = finished_runs(&app, &ws, id, 1).await;
    assert_eq!(runs.len(), 1, "one run for the batch");
    let mut ids: Vec<_> = runs[0].input.trigger["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    assert_eq!(ids, ["c_121", "c_5"]);
    assert_eq!(runs[0].state.abort_reason.as_deref(), Some("2 changed"));
}

#[tokio::test]
async fn a_webhook_reshaped_by_a_code_step_reaches_the_action() {
    let (app, mock, ws) = setup().await;
    let hookbench = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../infra/bench/hookbench.yaml"
    ))
    .unwrap()
    .replace("http://127.0.0.1:4010", &mock.url());
    let r = app
        .admin(&ws, Method::PUT, "/v1/admin/apps/hookbench")
        .body(hookbench)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let flow = r##"id: hook-code
name: Reshaped
apps: [hookbench, chatter]
setup:
  pages:
    - title: S
      fields:
        - {id: signing_secret, type: text, label: Secret, required: true}
blocks:
  - id: on_update
    trigger: {type: webhook, app: hookbench}
    steps:
      - id: reshape
        code:
          source: |
            const names = trigger.body.people.filter(p => p.active).map(p => p.name.toUpperCase());
            console.log('active', names.length);
            return { text: names.join(', ') + ' changed' };
      - id: post
        action:
          app: chatter
          action: post_message
          input:
            channel: "#code"
            text: "{{ steps.reshape.output.text }}"
"##;
    app.publish_flow(&ws, "hook-code", flow).await;
    let chatter = connect_chatter(&app, &ws, "frank").await;
    let secret = "whsec_YmVuY2gtc2lnbmluZy1zZWNyZXQ=";
    let (status, created) = create(&app, &ws, "frank", json!({"flow": "hook-code", "accounts": {"chatter": chatter}, "setup": {"signing_secret": secret}})).await;
    assert_eq!(status, 201, "{created}");
    let id = created["integration"]["id"].as_str().unwrap();
    let list = webhooks_of(&app, &ws, "frank", id).await;
    let url = list["webhooks"][0]["url"].as_str().unwrap();
    let body = json!({"type": "people.changed", "people": [{"name": "ada", "active": true}, {"name": "bob", "active": false}, {"name": "cy", "active": true}]}).to_string();
    let now = chrono::Utc::now().timestamp();
    assert_eq!(
        junction_tests::http::client()
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", "msg_code_1")
            .header("webhook-timestamp", now.to_string())
            .header("webhook-signature", sign(secret, "msg_code_1", now, &body))
            .body(body)
            .status_of()
            .await,
        200
    );
    let runs = finished_runs(&app, &ws, id, 1).await;
    assert_eq!(
        runs[0].status.as_str(),
        "succeeded",
        "{:?}",
        runs[0].state.error
    );
    let posted = mock.state.messages.lock().unwrap().clone();
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0]["text"], "ADA, CY changed", "{posted:?}");
    let reshape = runs[0]
        .state
        .log
        .iter()
        .find(|l| l.step == "reshape")
        .unwrap();
    assert_eq!(reshape.console, vec!["active 2"]);
    assert_eq!(runs[0].state.tasks, 2, "the code step and the action");
}

#[tokio::test]
async fn an_event_no_published_flow_listens_to_is_answered_with_a_warning() {
    let (app, _mock, ws) = setup().await;
    let send = |name: &'static str| {
        let request = app
            .admin(&ws, Method::POST, &format!("/v1/events/{name}"))
            .json(&json!({"user_id": "nobody", "payload": {}}));
        async move {
            let r = request.send().await.unwrap();
            assert_eq!(r.status(), 202);
            r.json::<Value>().await.unwrap()
        }
    };
    // A typo: no flow listens, and the answer says so.
    let typo = send("contact.craeted").await;
    assert_eq!(typo["run_ids"], json!([]));
    let warning = typo["warning"].as_str().unwrap_or_else(|| panic!("{typo}"));
    assert!(
        warning.contains("no published flow listens to the event 'contact.craeted'"),
        "{warning}"
    );
    // A flow listens, this user just has no integration of it: nothing to warn about.
    let quiet = send("contact.created").await;
    assert_eq!(quiet, json!({"run_ids": []}));
}
