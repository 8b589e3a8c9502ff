//! Store conformance: conditional writes, every access pattern, dedupe expiry, lease
//! contention, counters under concurrency, due lookups across shards.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use junction_core::definition::{parse_app, parse_flow};
use junction_core::engine::{RunInput, RunState, RunStatus};
use junction_core::model::{
    Account, AccountStatus, AppRecord, DueItem, FlowHead, FlowVersion, Integration, RunRecord,
    Workspace,
};
use junction_core::ports::{Store, StoreError};
use serde_json::json;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
}

fn workspace(id: &str, key: &str) -> Workspace {
    Workspace {
        id: id.into(),
        name: format!("Workspace {id}"),
        app_key: key.into(),
        api_secret_sha256: String::new(),
        widget_origins: Vec::new(),
        task_quota: Some(1000),
        code_limits: Default::default(),
        created_at: t0(),
        version: 0,
    }
}

fn app(ws: &str) -> AppRecord {
    let definition =
        parse_app("id: crm\nname: CRM\nbase_url: https://crm.test\nauth: {type: none}\n")
            .unwrap()
            .definition;
    AppRecord {
        workspace_id: ws.into(),
        definition,
        updated_at: t0(),
        version: 0,
    }
}

fn flow_version(ws: &str, flow: &str, number: u32) -> FlowVersion {
    let text = format!("id: {flow}\nname: F\napps: []\nblocks:\n  - id: b\n    trigger: {{type: manual}}\n    steps: [{{id: a, abort: {{reason: x}}}}]\n");
    FlowVersion {
        workspace_id: ws.into(),
        flow_id: flow.into(),
        number,
        definition: parse_flow(&text).unwrap().definition,
        created_at: t0(),
    }
}

fn integration(
    ws: &str,
    id: &str,
    user: &str,
    flow: &str,
    events: &[&str],
    tokens: &[&str],
) -> Integration {
    Integration {
        workspace_id: ws.into(),
        id: id.into(),
        user_id: user.into(),
        flow_id: flow.into(),
        flow_version: 1,
        name: id.into(),
        accounts: BTreeMap::from([("crm".to_string(), "acc_1".to_string())]),
        setup: json!({"list": "L1"}),
        enabled: true,
        disabled_reason: None,
        events: events.iter().map(|e| e.to_string()).collect(),
        webhook_token_hashes: tokens.iter().map(|e| e.to_string()).collect(),
        webhooks: BTreeMap::new(),
        created_at: t0(),
        version: 0,
    }
}

fn run(ws: &str, id: &str, integration: &str) -> RunRecord {
    RunRecord {
        workspace_id: ws.into(),
        id: id.into(),
        integration_id: integration.into(),
        user_id: "u1".into(),
        status: RunStatus::Running,
        input: RunInput {
            trigger: json!({"n": 1}),
            setup: json!({}),
            user: json!({"id": "u1"}),
        },
        state: RunState::new(id, "f", "b", t0()),
        created_at: t0(),
        updated_at: t0(),
        expires_at: t0() + chrono::Duration::days(30),
        version: 0,
    }
}

fn conflict<T: std::fmt::Debug>(r: Result<T, StoreError>) {
    assert!(
        matches!(r, Err(StoreError::Conflict(_))),
        "expected a conflict, got {r:?}"
    );
}

pub async fn workspaces_by_id_and_app_key(s: impl Store) {
    assert_eq!(
        s.create_workspace(&workspace("ws_a", "key_a"))
            .await
            .unwrap(),
        1
    );
    conflict(s.create_workspace(&workspace("ws_a", "key_other")).await);
    conflict(s.create_workspace(&workspace("ws_b", "key_a")).await);
    let found = s.workspace_by_app_key("key_a").await.unwrap().unwrap();
    assert_eq!((found.id.as_str(), found.version), ("ws_a", 1));
    assert!(s.workspace_by_app_key("nope").await.unwrap().is_none());
    let mut changed = found.clone();
    changed.task_quota = Some(5);
    changed.code_limits.max_time_ms = 250;
    assert_eq!(s.update_workspace(&changed, 1).await.unwrap(), 2);
    conflict(s.update_workspace(&changed, 1).await);
    let stored = s.get_workspace("ws_a").await.unwrap().unwrap();
    assert_eq!(stored.task_quota, Some(5));
    assert_eq!(stored.code_limits, changed.code_limits);
    // The operator's list: every workspace once, by id, as last written.
    s.create_workspace(&workspace("ws_b", "key_b"))
        .await
        .unwrap();
    let all = s.list_workspaces().await.unwrap();
    let ids: Vec<_> = all.iter().map(|w| (w.id.as_str(), w.version)).collect();
    assert_eq!(ids, [("ws_a", 2), ("ws_b", 1)]);
}

pub async fn conditional_writes_conflict(s: impl Store) {
    let a = app("ws_a");
    assert_eq!(s.put_app(&a, None).await.unwrap(), 1);
    conflict(s.put_app(&a, None).await);
    assert_eq!(s.put_app(&a, Some(1)).await.unwrap(), 2);
    conflict(s.put_app(&a, Some(1)).await);
    assert_eq!(s.get_app("ws_a", "crm").await.unwrap().unwrap().version, 2);
    assert!(
        s.get_app("ws_b", "crm").await.unwrap().is_none(),
        "workspaces are separate"
    );
    assert_eq!(s.list_apps("ws_a").await.unwrap().len(), 1);

    let r = run("ws_a", "run_1", "int_1");
    s.put_run(&r, None).await.unwrap();
    conflict(s.put_run(&r, Some(7)).await);
    let mut big = run("ws_a", "run_big", "int_1");
    big.input.trigger = json!({"blob": "x".repeat(500 * 1024)});
    assert!(matches!(
        s.put_run(&big, None).await,
        Err(StoreError::TooLarge(_))
    ));
    assert!(
        s.get_run("ws_a", "run_big").await.unwrap().is_none(),
        "nothing half-written"
    );
}

pub async fn flow_versions_are_immutable_and_tags_list_published_flows(s: impl Store) {
    s.add_flow_version(&flow_version("ws_a", "sync", 1))
        .await
        .unwrap();
    conflict(s.add_flow_version(&flow_version("ws_a", "sync", 1)).await);
    s.add_flow_version(&flow_version("ws_a", "sync", 2))
        .await
        .unwrap();
    assert_eq!(
        s.get_flow_version("ws_a", "sync", 2)
            .await
            .unwrap()
            .unwrap()
            .number,
        2
    );
    assert!(s
        .get_flow_version("ws_a", "sync", 3)
        .await
        .unwrap()
        .is_none());

    let mut head = FlowHead {
        workspace_id: "ws_a".into(),
        flow_id: "sync".into(),
        latest: 2,
        published: None,
        tags: vec!["crm".into()],
        version: 0,
    };
    s.put_flow_head(&head, None).await.unwrap();
    assert!(
        s.flows_by_tag("ws_a", Some("crm"))
            .await
            .unwrap()
            .is_empty(),
        "unpublished flows are not listed"
    );
    head.published = Some(2);
    s.put_flow_head(&head, Some(1)).await.unwrap();
    let listed = s.flows_by_tag("ws_a", Some("crm")).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].published, Some(2));
    assert_eq!(s.flows_by_tag("ws_a", None).await.unwrap().len(), 1);
    head.tags = vec!["email".into()];
    s.put_flow_head(&head, Some(2)).await.unwrap();
    assert!(s
        .flows_by_tag("ws_a", Some("crm"))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        s.flows_by_tag("ws_a", Some("email")).await.unwrap().len(),
        1
    );
    assert!(s
        .flows_by_tag("ws_b", Some("email"))
        .await
        .unwrap()
        .is_empty());
    // Every flow of a workspace, published or not, and never its versions.
    let draft = FlowHead {
        flow_id: "draft".into(),
        latest: 1,
        published: None,
        tags: Vec::new(),
        version: 0,
        ..head.clone()
    };
    s.put_flow_head(&draft, None).await.unwrap();
    let all = s.list_flow_heads("ws_a").await.unwrap();
    let ids: Vec<_> = all
        .iter()
        .map(|h| (h.flow_id.as_str(), h.published))
        .collect();
    assert_eq!(ids, [("draft", None), ("sync", Some(2))]);
    assert!(s.list_flow_heads("ws_b").await.unwrap().is_empty());
}

pub async fn users_and_accounts(s: impl Store) {
    let first = s.ensure_user("ws_a", "u1", t0()).await.unwrap();
    let again = s
        .ensure_user("ws_a", "u1", t0() + chrono::Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(first, again, "created once");
    for (id, app) in [("acc_1", "crm"), ("acc_2", "crm"), ("acc_3", "mail")] {
        let a = Account {
            workspace_id: "ws_a".into(),
            id: id.into(),
            user_id: "u1".into(),
            app_id: app.into(),
            label: id.into(),
            status: AccountStatus::Active,
            created_at: t0(),
            version: 0,
        };
        s.put_account(&a, None).await.unwrap();
    }
    assert_eq!(
        s.accounts_of_user("ws_a", "u1", Some("crm"))
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        s.accounts_of_user("ws_a", "u1", None).await.unwrap().len(),
        3
    );
    assert!(s
        .accounts_of_user("ws_a", "u2", None)
        .await
        .unwrap()
        .is_empty());
    let mut a = s.get_account("ws_a", "acc_1").await.unwrap().unwrap();
    a.status = AccountStatus::NeedsReauthorization;
    s.put_account(&a, Some(a.version)).await.unwrap();
    assert_eq!(
        s.get_account("ws_a", "acc_1")
            .await
            .unwrap()
            .unwrap()
            .status,
        AccountStatus::NeedsReauthorization
    );
    s.delete_account("ws_a", "acc_1").await.unwrap();
    assert!(s.get_account("ws_a", "acc_1").await.unwrap().is_none());
}

pub async fn integrations_by_user_flow_event_and_token(s: impl Store) {
    s.put_integration(
        &integration(
            "ws_a",
            "int_1",
            "u1",
            "sync",
            &["contact.created"],
            &["hash_1"],
        ),
        None,
    )
    .await
    .unwrap();
    s.put_integration(
        &integration(
            "ws_a",
            "int_2",
            "u2",
            "sync",
            &["contact.created", "deal.won"],
            &["hash_2"],
        ),
        None,
    )
    .await
    .unwrap();
    s.put_integration(
        &integration("ws_b", "int_3", "u1", "sync", &["contact.created"], &[]),
        None,
    )
    .await
    .unwrap();
    conflict(
        s.put_integration(
            &integration("ws_a", "int_4", "u3", "other", &[], &["hash_1"]),
            None,
        )
        .await,
    );

    assert_eq!(s.integrations_of_user("ws_a", "u1").await.unwrap().len(), 1);
    assert_eq!(
        s.integrations_of_flow("ws_a", "sync").await.unwrap().len(),
        2
    );
    assert_eq!(
        s.integrations_for_event("ws_a", "contact.created", None)
            .await
            .unwrap()
            .len(),
        2
    );
    let mine = s
        .integrations_for_event("ws_a", "contact.created", Some("u2"))
        .await
        .unwrap();
    assert_eq!(
        mine.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        ["int_2"]
    );
    assert_eq!(
        s.integration_by_webhook_token("hash_2")
            .await
            .unwrap()
            .unwrap()
            .id,
        "int_2"
    );
    assert!(s
        .integration_by_webhook_token("hash_9")
        .await
        .unwrap()
        .is_none());

    // Changing the subscriptions moves the indexes with the record.
    let mut i2 = s.get_integration("ws_a", "int_2").await.unwrap().unwrap();
    i2.events = vec!["deal.won".into()];
    i2.webhook_token_hashes = vec!["hash_2b".into()];
    s.put_integration(&i2, Some(i2.version)).await.unwrap();
    assert_eq!(
        s.integrations_for_event("ws_a", "contact.created", None)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(s
        .integration_by_webhook_token("hash_2")
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        s.integration_by_webhook_token("hash_2b")
            .await
            .unwrap()
            .unwrap()
            .id,
        "int_2"
    );

    s.delete_integration("ws_a", "int_2").await.unwrap();
    assert!(s.get_integration("ws_a", "int_2").await.unwrap().is_none());
    assert!(s
        .integration_by_webhook_token("hash_2b")
        .await
        .unwrap()
        .is_none());
    assert!(s
        .integrations_for_event("ws_a", "deal.won", None)
        .await
        .unwrap()
        .is_empty());
}

pub async fn runs_newest_first_with_pages(s: impl Store) {
    let ids: Vec<String> = (0..7).map(|_| junction_core::ids::new_id("run")).collect();
    for id in &ids {
        s.put_run(&run("ws_a", id, "int_1"), None).await.unwrap();
    }
    s.put_run(
        &run("ws_a", &junction_core::ids::new_id("run"), "int_other"),
        None,
    )
    .await
    .unwrap();
    let first = s
        .runs_of_integration("ws_a", "int_1", 3, None)
        .await
        .unwrap();
    let got: Vec<_> = first.iter().map(|r| r.id.clone()).collect();
    assert_eq!(got, [ids[6].clone(), ids[5].clone(), ids[4].clone()]);
    let second = s
        .runs_of_integration("ws_a", "int_1", 10, Some(&got[2]))
        .await
        .unwrap();
    assert_eq!(second.len(), 4);
    assert_eq!(second[0].id, ids[3]);
    let mut r = s.get_run("ws_a", &ids[0]).await.unwrap().unwrap();
    r.status = RunStatus::Succeeded;
    s.put_run(&r, Some(r.version)).await.unwrap();
    assert_eq!(
        s.get_run("ws_a", &ids[0]).await.unwrap().unwrap().status,
        RunStatus::Succeeded
    );
    assert!(s.get_run("ws_b", &ids[0]).await.unwrap().is_none());
}

pub async fn runs_by_status_and_integrations_by_workspace(s: impl Store) {
    let ids: Vec<String> = (0..3).map(|_| junction_core::ids::new_id("run")).collect();
    for id in &ids {
        s.put_run(&run("ws_a", id, "int_1"), None).await.unwrap();
    }
    let mut failed = s.get_run("ws_a", &ids[1]).await.unwrap().unwrap();
    failed.status = RunStatus::Failed;
    s.put_run(&failed, Some(failed.version)).await.unwrap();
    let listed = s
        .runs_with_status("ws_a", RunStatus::Failed, 10, None)
        .await
        .unwrap();
    assert_eq!(
        listed.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        [ids[1].as_str()]
    );
    assert_eq!(
        s.runs_with_status("ws_a", RunStatus::Running, 10, None)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(s
        .runs_with_status("ws_b", RunStatus::Failed, 10, None)
        .await
        .unwrap()
        .is_empty());
    let mut replayed = s.get_run("ws_a", &ids[1]).await.unwrap().unwrap();
    replayed.status = RunStatus::Queued;
    s.put_run(&replayed, Some(replayed.version)).await.unwrap();
    assert!(
        s.runs_with_status("ws_a", RunStatus::Failed, 10, None)
            .await
            .unwrap()
            .is_empty(),
        "a status change moves the run"
    );

    s.put_integration(&integration("ws_a", "int_1", "u1", "f", &[], &[]), None)
        .await
        .unwrap();
    s.put_integration(&integration("ws_a", "int_2", "u2", "g", &[], &[]), None)
        .await
        .unwrap();
    s.put_integration(&integration("ws_b", "int_3", "u1", "f", &[], &[]), None)
        .await
        .unwrap();
    assert_eq!(s.integrations_of_workspace("ws_a").await.unwrap().len(), 2);
}

pub async fn dedupe_keys_expire(s: impl Store) {
    let ttl = Duration::from_secs(60);
    assert!(s.insert_dedupe("hook:d1", t0(), ttl).await.unwrap());
    assert!(!s
        .insert_dedupe("hook:d1", t0() + chrono::Duration::seconds(59), ttl)
        .await
        .unwrap());
    assert!(s.insert_dedupe("hook:d2", t0(), ttl).await.unwrap());
    assert!(
        s.insert_dedupe("hook:d1", t0() + chrono::Duration::seconds(61), ttl)
            .await
            .unwrap(),
        "expired keys can be used again"
    );
    assert!(!s
        .insert_dedupe("hook:d1", t0() + chrono::Duration::seconds(62), ttl)
        .await
        .unwrap());
}

pub async fn dedupe_has_one_winner_under_concurrency<S: Store>(s: S) {
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let s = s.clone();
            tokio::spawn(async move {
                s.insert_dedupe("race", t0(), Duration::from_secs(60))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut winners = 0;
    for t in tasks {
        winners += t.await.unwrap() as u32;
    }
    assert_eq!(winners, 1);
}

pub async fn counters_stay_exact_under_concurrency<S: Store>(s: S) {
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let s = s.clone();
            tokio::spawn(async move {
                s.add_tasks("ws_a", if i % 2 == 0 { "u1" } else { "u2" }, "2026-11", 3)
                    .await
                    .unwrap()
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let (ws_total, user_total) = s.add_tasks("ws_a", "u1", "2026-11", 1).await.unwrap();
    assert_eq!((ws_total, user_total), (121, 61));
    let usage = s.usage("ws_a", "2026-11").await.unwrap();
    assert_eq!(usage.total, 121);
    assert_eq!(usage.per_user["u2"], 60);
    assert_eq!(usage.poll_requests, 0);
    assert_eq!(s.usage("ws_a", "2026-12").await.unwrap().total, 0);
}

pub async fn poll_requests_are_counted_apart_from_tasks<S: Store>(s: S) {
    let adds = (0..10).map(|_| s.add_poll_requests("ws_p", "2026-11", 3));
    for n in futures::future::join_all(adds).await {
        n.unwrap();
    }
    assert_eq!(s.add_poll_requests("ws_p", "2026-11", 1).await.unwrap(), 31);
    s.add_tasks("ws_p", "u1", "2026-11", 2).await.unwrap();
    let usage = s.usage("ws_p", "2026-11").await.unwrap();
    assert_eq!((usage.total, usage.poll_requests), (2, 31));
    assert_eq!(usage.per_user.len(), 1, "no user for polls: {usage:?}");
    assert_eq!(s.usage("ws_p", "2026-12").await.unwrap().poll_requests, 0);
}

pub async fn leases_have_one_holder_until_expiry(s: impl Store) {
    let ttl = Duration::from_secs(30);
    assert!(s
        .acquire_lease("refresh:acc_1", "worker-a", t0(), ttl)
        .await
        .unwrap());
    assert!(!s
        .acquire_lease(
            "refresh:acc_1",
            "worker-b",
            t0() + chrono::Duration::seconds(10),
            ttl
        )
        .await
        .unwrap());
    assert!(s
        .renew_lease(
            "refresh:acc_1",
            "worker-a",
            t0() + chrono::Duration::seconds(20),
            ttl
        )
        .await
        .unwrap());
    assert!(
        !s.acquire_lease(
            "refresh:acc_1",
            "worker-b",
            t0() + chrono::Duration::seconds(40),
            ttl
        )
        .await
        .unwrap(),
        "renewed to 50 s"
    );
    assert!(!s
        .renew_lease(
            "refresh:acc_1",
            "worker-b",
            t0() + chrono::Duration::seconds(40),
            ttl
        )
        .await
        .unwrap());
    assert!(
        s.acquire_lease(
            "refresh:acc_1",
            "worker-b",
            t0() + chrono::Duration::seconds(51),
            ttl
        )
        .await
        .unwrap(),
        "expired lease is taken over"
    );
    assert!(!s
        .renew_lease(
            "refresh:acc_1",
            "worker-a",
            t0() + chrono::Duration::seconds(52),
            ttl
        )
        .await
        .unwrap());
    s.release_lease("refresh:acc_1", "worker-a").await.unwrap();
    assert!(
        !s.acquire_lease(
            "refresh:acc_1",
            "worker-c",
            t0() + chrono::Duration::seconds(53),
            ttl
        )
        .await
        .unwrap(),
        "only the holder releases"
    );
    s.release_lease("refresh:acc_1", "worker-b").await.unwrap();
    assert!(s
        .acquire_lease(
            "refresh:acc_1",
            "worker-c",
            t0() + chrono::Duration::seconds(53),
            ttl
        )
        .await
        .unwrap());
}

pub async fn due_items_across_shards(s: impl Store) {
    // Enough keys that any sharding spreads them over every shard.
    for i in 0..40 {
        let item = DueItem {
            key: format!("poll:int_{i}:b"),
            workspace_id: "ws_a".into(),
            due_at: t0() + chrono::Duration::seconds(i),
            payload: json!({"i": i}),
        };
        s.put_due(&item).await.unwrap();
    }
    let due = s
        .due_before(t0() + chrono::Duration::seconds(9), 100)
        .await
        .unwrap();
    assert_eq!(due.len(), 10);
    assert!(
        due.windows(2).all(|w| w[0].due_at <= w[1].due_at),
        "earliest first"
    );
    assert_eq!(
        s.due_before(t0() + chrono::Duration::seconds(100), 5)
            .await
            .unwrap()
            .len(),
        5,
        "limit holds"
    );

    let first = &due[0];
    // Someone moved it meanwhile: removing at the old time must not drop the new schedule.
    let moved = DueItem {
        due_at: first.due_at + chrono::Duration::minutes(5),
        ..first.clone()
    };
    s.put_due(&moved).await.unwrap();
    assert!(!s.remove_due(&first.key, first.due_at).await.unwrap());
    assert!(s.remove_due(&moved.key, moved.due_at).await.unwrap());
    assert_eq!(
        s.due_before(t0() + chrono::Duration::seconds(9), 100)
            .await
            .unwrap()
            .len(),
        9
    );
}

pub async fn claims_answer_the_standing_value(s: impl Store) {
    let ttl = Duration::from_secs(60);
    assert_eq!(s.claim_key("d1", "run_a", t0(), ttl).await.unwrap(), None);
    assert_eq!(
        s.claim_key("d1", "run_b", t0() + chrono::Duration::seconds(30), ttl)
            .await
            .unwrap()
            .as_deref(),
        Some("run_a"),
        "a second claim learns the first one's value"
    );
    assert_eq!(
        s.claim_key("d1", "run_c", t0() + chrono::Duration::seconds(61), ttl)
            .await
            .unwrap(),
        None,
        "an expired claim can be taken again"
    );
    assert_eq!(
        s.claim_key("d1", "run_d", t0() + chrono::Duration::seconds(62), ttl)
            .await
            .unwrap()
            .as_deref(),
        Some("run_c")
    );
}

pub async fn claims_have_one_winner_under_concurrency<S: Store>(s: S) {
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let s = s.clone();
            tokio::spawn(async move {
                s.claim_key(
                    "claim-race",
                    &format!("v{i}"),
                    t0(),
                    Duration::from_secs(60),
                )
                .await
                .unwrap()
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.unwrap());
    }
    assert_eq!(outcomes.iter().filter(|o| o.is_none()).count(), 1);
    let held: std::collections::BTreeSet<_> = outcomes.into_iter().flatten().collect();
    assert_eq!(held.len(), 1, "every loser sees the same winner: {held:?}");
}

pub async fn due_items_move_only_from_their_time(s: impl Store) {
    let item = DueItem {
        key: "trigger:ws:int:poll".into(),
        workspace_id: "ws_a".into(),
        due_at: t0(),
        payload: json!({"seen": null}),
    };
    s.put_due(&item).await.unwrap();
    let later = DueItem {
        due_at: t0() + chrono::Duration::minutes(5),
        payload: json!({"seen": ["a", "b"]}),
        ..item.clone()
    };
    assert!(s.move_due(&later, t0()).await.unwrap());
    assert!(
        !s.move_due(&later, t0()).await.unwrap(),
        "a second mover from the old time loses"
    );
    assert!(s
        .due_before(t0() + chrono::Duration::minutes(4), 10)
        .await
        .unwrap()
        .is_empty());
    let due = s
        .due_before(t0() + chrono::Duration::minutes(5), 10)
        .await
        .unwrap();
    assert_eq!(due, vec![later.clone()], "moved with its new payload, once");
    assert!(!s
        .move_due(
            &DueItem {
                key: "trigger:none".into(),
                ..later.clone()
            },
            t0()
        )
        .await
        .unwrap());
    assert_eq!(s.get_due(&item.key).await.unwrap(), Some(later.clone()));
    let elsewhere = DueItem {
        due_at: t0() + chrono::Duration::minutes(30),
        payload: json!({"other": true}),
        ..item.clone()
    };
    assert!(
        !s.add_due_if_absent(&elsewhere).await.unwrap(),
        "an item with that key exists"
    );
    assert_eq!(s.get_due(&item.key).await.unwrap(), Some(later.clone()));
    assert!(s.remove_due(&later.key, later.due_at).await.unwrap());
    assert_eq!(s.get_due(&item.key).await.unwrap(), None);
    assert!(s.add_due_if_absent(&elsewhere).await.unwrap());
    assert_eq!(s.get_due(&item.key).await.unwrap(), Some(elsewhere.clone()));
    assert_eq!(
        s.due_before(elsewhere.due_at, 10).await.unwrap(),
        vec![elsewhere.clone()]
    );
    assert!(!s.add_due_if_absent(&elsewhere).await.unwrap());
}

pub async fn holds_only_move_later_and_end_at_their_time(s: impl Store) {
    let at = |secs| t0() + chrono::Duration::seconds(secs);
    assert_eq!(s.held_until("acc_1", t0()).await.unwrap(), None);
    s.hold("acc_1", at(30)).await.unwrap();
    s.hold("acc_1", at(10)).await.unwrap();
    assert_eq!(
        s.held_until("acc_1", t0()).await.unwrap(),
        Some(at(30)),
        "an earlier hold does not shorten a later one"
    );
    s.hold("acc_1", at(45)).await.unwrap();
    assert_eq!(s.held_until("acc_1", at(20)).await.unwrap(), Some(at(45)));
    assert_eq!(
        s.held_until("acc_1", at(45)).await.unwrap(),
        None,
        "over at its time"
    );
    assert_eq!(s.held_until("acc_2", t0()).await.unwrap(), None, "per name");
}

pub async fn rate_windows_count_every_call_and_start_again(s: impl Store) {
    let exp = t0() + chrono::Duration::minutes(5);
    for expected in 1..=3 {
        assert_eq!(
            s.count_in_window("acc_1", 100, exp).await.unwrap(),
            expected
        );
    }
    assert_eq!(
        s.count_in_window("acc_2", 100, exp).await.unwrap(),
        1,
        "per name"
    );
    assert_eq!(
        s.count_in_window("acc_1", 101, exp).await.unwrap(),
        1,
        "a new window"
    );
    let counts =
        futures::future::join_all((0..20).map(|_| s.count_in_window("acc_3", 7, exp))).await;
    let mut counts: Vec<u64> = counts.into_iter().map(Result::unwrap).collect();
    counts.sort_unstable();
    assert_eq!(
        counts,
        (1..=20).collect::<Vec<_>>(),
        "each call has its own number"
    );
}

macro_rules! store_tests {
    ($backend:ident, $make:path) => {
        mod $backend {
            macro_rules! case {
                ($name:ident) => {
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $name() {
                        let s = $make().await;
                        super::$name(s.it.clone()).await;
                    }
                };
            }
            case!(workspaces_by_id_and_app_key);
            case!(conditional_writes_conflict);
            case!(flow_versions_are_immutable_and_tags_list_published_flows);
            case!(users_and_accounts);
            case!(integrations_by_user_flow_event_and_token);
            case!(runs_newest_first_with_pages);
            case!(runs_by_status_and_integrations_by_workspace);
            case!(dedupe_keys_expire);
            case!(dedupe_has_one_winner_under_concurrency);
            case!(counters_stay_exact_under_concurrency);
            case!(poll_requests_are_counted_apart_from_tasks);
            case!(leases_have_one_holder_until_expiry);
            case!(holds_only_move_later_and_end_at_their_time);
            case!(rate_windows_count_every_call_and_start_again);
            case!(due_items_across_shards);
            case!(claims_answer_the_standing_value);
            case!(claims_have_one_winner_under_concurrency);
            case!(due_items_move_only_from_their_time);
        }
    };
}

store_tests!(sqlite, crate::backends::sqlite_store);
store_tests!(dynamodb, crate::backends::dynamo_store);
