//! The example flows, block by block, against the mock apps: the effects land once.

use junction_core::engine::RunStatus;
use serde_json::json;

use crate::helpers::{example_accounts, example_flow, spawn_apps};

fn mailbird_setup() -> serde_json::Value {
    json!({"list_id": "list_news", "merge_fields": {"FNAME": "first_name", "COMPANY": "plan"}, "plans": ["pro", "team"], "double_opt_in": false, "source_tag": "from-acme"})
}

#[tokio::test]
async fn new_contact_on_a_synced_plan_is_subscribed_once_after_one_token_refresh() {
    let apps = spawn_apps().await;
    let flow = example_flow("contacts-to-mailbird");
    let creds = example_accounts();
    let trigger = json!({"contact": {"id": "c_5", "email": "new@example.com", "first_name": "New", "last_name": "Person", "plan": "pro"}});
    let state = apps
        .run(&flow, "new_contact", &creds, trigger, mailbird_setup())
        .await;
    assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
    assert_eq!(state.tasks, 2);
    let stats = apps.mock.state.stats();
    assert_eq!(stats.members_created, 1);
    assert_eq!(stats.notes_created, 1);
    assert_eq!(stats.token_refreshes, 1);
    assert_eq!(
        stats.unauthorized, 0,
        "the expired token is refreshed before use"
    );
    let members = apps.mock.state.members.lock().unwrap();
    let created = members["list_news"].last().unwrap();
    assert_eq!(created["email_address"], "new@example.com");
    assert_eq!(
        created["merge_fields"],
        json!({"FNAME": "New", "COMPANY": "pro"}),
        "the user's field mapping, applied to the contact"
    );
    assert_eq!(created["tags"], json!(["from-acme"]));
}

#[tokio::test]
async fn new_contact_on_another_plan_is_aborted_without_calls() {
    let apps = spawn_apps().await;
    let flow = example_flow("contacts-to-mailbird");
    let trigger = json!({"contact": {"id": "c_5", "email": "x@example.com", "first_name": "X", "last_name": "Y", "plan": "free"}});
    let state = apps
        .run(
            &flow,
            "new_contact",
            &example_accounts(),
            trigger,
            mailbird_setup(),
        )
        .await;
    assert_eq!(state.status, RunStatus::Aborted);
    assert_eq!(
        state.abort_reason.as_deref(),
        Some("plan free is not synced")
    );
    assert_eq!(state.tasks, 0);
    assert_eq!(apps.mock.state.stats().requests, 0);
}

#[tokio::test]
async fn initial_sync_pages_through_contacts_and_subscribes_the_wanted_ones() {
    let apps = spawn_apps().await;
    let flow = example_flow("contacts-to-mailbird");
    let state = apps
        .run(
            &flow,
            "initial_sync",
            &example_accounts(),
            json!({}),
            mailbird_setup(),
        )
        .await;
    assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
    // 120 contacts in pages of 50, a third of them on the free plan.
    assert_eq!(state.outputs["existing"].as_array().unwrap().len(), 120);
    let stats = apps.mock.state.stats();
    assert_eq!(stats.members_created, 80);
    assert_eq!(state.tasks, 3 + 80);
}

#[tokio::test]
async fn webhook_unsubscribe_marks_the_acme_contact() {
    let apps = spawn_apps().await;
    let flow = example_flow("unsubscribes-to-acme");
    let trigger = json!({"body": {"list_id": "list_news", "member_id": "m_seed2"}});
    let state = apps
        .run(
            &flow,
            "webhook_unsubscribe",
            &example_accounts(),
            trigger,
            json!({"list_id": "list_news", "opt_out_field": "do_not_contact"}),
        )
        .await;
    assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
    let contacts = apps.mock.state.contacts.lock().unwrap();
    let c2 = contacts.iter().find(|c| c["id"] == "c_2").unwrap();
    assert_eq!(c2["do_not_contact"], true);
}

#[tokio::test]
async fn daily_digest_posts_once_then_waits() {
    let apps = spawn_apps().await;
    let flow = example_flow("daily-digest");
    let state = apps
        .run(
            &flow,
            "digest",
            &example_accounts(),
            json!({"scheduled_at": "2026-11-30T08:00:00Z", "previous_at": "2026-11-27T00:00:00Z"}),
            json!({"channel": "#sales", "max_names": 2}),
        )
        .await;
    assert_eq!(state.status, RunStatus::Waiting, "{:?}", state.error);
    let messages = apps.mock.state.messages.lock().unwrap();
    assert_eq!(messages.len(), 1);
    let text = messages[0]["text"].as_str().unwrap();
    assert!(text.starts_with("8 new contacts: person"), "{text}");
    assert_eq!(
        text.matches('@').count(),
        2,
        "max_names bounds the list: {text}"
    );
}

#[tokio::test]
async fn a_revoked_refresh_token_fails_the_run_asking_for_reauthorization() {
    let apps = spawn_apps().await;
    // The user removed the app at Mailbird: the refresh token is refused.
    apps.mock.state.grants.lock().unwrap().revoke_all();
    let flow = example_flow("contacts-to-mailbird");
    let creds = example_accounts();
    let trigger = json!({"contact": {"id": "c_5", "email": "new@example.com", "first_name": "N", "last_name": "P", "plan": "pro"}});
    let state = apps
        .run(&flow, "new_contact", &creds, trigger, mailbird_setup())
        .await;
    assert_eq!(state.status, RunStatus::Failed);
    assert!(state
        .error
        .unwrap()
        .message
        .contains("must be re-authorized"));
    assert_eq!(
        creds.needing_reauthorization(),
        vec!["mailbird".to_string()]
    );
    assert_eq!(apps.mock.state.stats().members_created, 0);
}

/// Every block of every example flow, given the trigger its trigger kind gives (the
/// keys `Trigger::gives` lists, nothing else), runs without an error against the mock
/// apps. A new example block must be added here, or this test fails naming it.
#[tokio::test]
async fn every_example_block_runs_to_success() {
    let contact = json!({"id": "c_5", "email": "person5@example.com", "first_name": "P", "last_name": "Five", "plan": "pro"});
    let unsubscribed =
        json!({"id": "m_seed2", "email_address": "person2@example.com", "status": "unsubscribed"});
    let unsubscribes_setup = json!({"list_id": "list_news", "opt_out_field": "email_opt_out"});
    // Setup as the service fills it in (form defaults included).
    let cases: Vec<(&str, &str, serde_json::Value, serde_json::Value)> = vec![
        (
            "contacts-to-mailbird",
            "new_contact",
            json!({"contact": contact}),
            mailbird_setup(),
        ),
        (
            "contacts-to-mailbird",
            "initial_sync",
            json!({}),
            mailbird_setup(),
        ),
        (
            "contacts-to-mailbird",
            "resync_one",
            json!({"email": "person5@example.com"}),
            mailbird_setup(),
        ),
        (
            "daily-digest",
            "digest",
            json!({"scheduled_at": "2026-11-30T08:00:00Z", "previous_at": "2026-11-27T08:00:00Z", "fired_at": "2026-11-30T08:00:01Z"}),
            json!({"channel": "#sales", "max_names": 10}),
        ),
        (
            "deals-to-chatter",
            "deal_won",
            json!({"deal": {"name": "Globex", "amount": 25000, "owner": "Dana", "contact_id": "c_12"}}),
            json!({"channel": "#wins", "big_deal": 10000}),
        ),
        (
            "unsubscribes-to-acme",
            "poll_unsubscribes",
            json!({"item": unsubscribed}),
            unsubscribes_setup.clone(),
        ),
        (
            "unsubscribes-to-acme",
            "webhook_unsubscribe",
            json!({"body": {"list_id": "list_news", "member_id": "m_seed2"}, "event": "member.unsubscribed", "delivery_id": "msg_1", "headers": {}, "query": {}}),
            unsubscribes_setup,
        ),
        (
            "contacts-two-way",
            "acme_to_mailbird",
            json!({"contact": contact}),
            json!({"list_id": "list_news"}),
        ),
        (
            "contacts-two-way",
            "mailbird_to_acme",
            json!({"body": {"type": "member.updated", "list_id": "list_news", "member": {"id": "m_seed2", "merge_fields": {"FNAME": "P", "LNAME": "Two"}}}, "event": "member.updated", "delivery_id": "msg_2", "headers": {}, "query": {}}),
            json!({"list_id": "list_news"}),
        ),
    ];
    let mut names: Vec<String> = std::fs::read_dir(format!("{}/flows", crate::helpers::EXAMPLES))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let flow = example_flow(&name);
        for block in &flow.blocks {
            let Some((_, _, trigger, setup)) = cases
                .iter()
                .find(|(f, b, _, _)| *f == name && *b == block.id)
            else {
                panic!("{name}/{}: add it to this test's cases", block.id);
            };
            if let Some(gives) = block.trigger.gives() {
                for key in trigger.as_object().unwrap().keys() {
                    assert!(
                        gives.contains(&key.as_str()),
                        "{name}/{}: a {} trigger has no '{key}'",
                        block.id,
                        block.trigger.kind()
                    );
                }
            }
            // Fresh apps per block: each starts from the seeded data.
            let apps = spawn_apps().await;
            let state = apps
                .run(
                    &flow,
                    &block.id,
                    &example_accounts(),
                    trigger.clone(),
                    setup.clone(),
                )
                .await;
            // The digest's wait step pauses it after its post; the rest run to the end.
            let fine = match state.status {
                RunStatus::Succeeded => true,
                RunStatus::Waiting => state.log.iter().all(|e| e.error.is_none()),
                _ => false,
            };
            assert!(
                fine,
                "{name}/{}: {:?} {:?}",
                block.id, state.status, state.error
            );
        }
    }
}
