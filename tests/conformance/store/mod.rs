//! Store conformance, one file per area of the store port: conditional writes, every
//! access pattern, dedupe expiry, lease contention, counters under concurrency, due
//! lookups across shards. This module holds the fixtures and runs every case against
//! every backend.

mod accounts;
mod bookkeeping;
mod due;
mod integrations;
mod runs;
mod storage;
mod workspaces;

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use junction_core::definition::{parse_app, parse_flow};
use junction_core::engine::{RunInput, RunState, RunStatus};
use junction_core::model::{
    Account, AccountStatus, AppRecord, DueItem, FlowHead, FlowVersion, Integration, RunRecord,
    Workspace,
};
use junction_core::ports::StoreError;
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
        require_identity_token: false,
        identity_public_key: None,
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

macro_rules! store_tests {
    ($backend:ident, $make:path) => {
        mod $backend {
            macro_rules! case {
                ($area:ident :: $name:ident) => {
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $name() {
                        let s = $make().await;
                        super::$area::$name(s.it.clone()).await;
                    }
                };
            }
            case!(workspaces::workspaces_by_id_and_app_key);
            case!(workspaces::conditional_writes_conflict);
            case!(workspaces::flow_versions_are_immutable_and_tags_list_published_flows);
            case!(accounts::users_and_accounts);
            case!(integrations::integrations_by_user_flow_event_and_token);
            case!(runs::runs_newest_first_with_pages);
            case!(runs::runs_by_status_and_integrations_by_workspace);
            case!(runs::checkpoints_count_tasks_with_the_run_or_not_at_all);
            case!(bookkeeping::dedupe_keys_expire);
            case!(bookkeeping::dedupe_has_one_winner_under_concurrency);
            case!(bookkeeping::counters_stay_exact_under_concurrency);
            case!(bookkeeping::poll_requests_are_counted_apart_from_tasks);
            case!(bookkeeping::leases_have_one_holder_until_expiry);
            case!(bookkeeping::holds_only_move_later_and_end_at_their_time);
            case!(bookkeeping::rate_windows_count_every_call_and_start_again);
            case!(due::due_items_across_shards);
            case!(bookkeeping::claims_answer_the_standing_value);
            case!(bookkeeping::claims_have_one_winner_under_concurrency);
            case!(due::due_items_move_only_from_their_time);
            case!(storage::stored_values_by_scope_and_key);
            case!(storage::stored_values_expire_at_their_time);
            case!(storage::stored_writes_at_a_version_have_one_winner);
            case!(storage::increments_count_every_writer_once);
            case!(storage::remembered_writes_belong_to_an_account_and_expire);
        }
    };
}

store_tests!(sqlite, crate::backends::sqlite_store);
store_tests!(dynamodb, crate::backends::dynamo_store);

/// Local only: retention deletes a run by the expiry it was created with, also after
/// updates, which leave that column as it was.
#[tokio::test]
async fn sqlite_purge_deletes_expired_claims_in_batches_and_keeps_live_ones() {
    use junction_core::ports::BookkeepingStore;
    let s = crate::backends::sqlite_store().await.it;
    let short = Duration::from_secs(60);
    // The oldest row, taken over again once it has expired (below): it keeps its place
    // at the head of the table, unexpired, and the purge must go past it.
    assert!(s.insert_dedupe("hook:reused", t0(), short).await.unwrap());
    // More expired claims than one purge batch holds, so that the purge must go on.
    for i in 0..1234 {
        assert!(s
            .insert_dedupe(&format!("hook:old{i}"), t0(), short)
            .await
            .unwrap());
    }
    assert_eq!(
        s.claim_key("run-once:a", "run_a", t0(), short)
            .await
            .unwrap(),
        None
    );
    let long = Duration::from_secs(7 * 24 * 3600);
    assert_eq!(
        s.claim_key("run-once:b", "run_b", t0(), long)
            .await
            .unwrap(),
        None
    );

    let later = t0() + chrono::Duration::seconds(61);
    assert!(s.insert_dedupe("hook:reused", later, short).await.unwrap());
    assert_eq!(s.purge_expired_claims(later).await.unwrap(), 1235);
    assert!(!s.insert_dedupe("hook:reused", later, short).await.unwrap());
    assert_eq!(s.purge_expired_claims(later).await.unwrap(), 0);
    // The live claim still holds, with its value; the purged ones are free, as they
    // were before the purge.
    assert_eq!(
        s.claim_key("run-once:b", "run_other", later, long)
            .await
            .unwrap(),
        Some("run_b".to_string())
    );
    assert!(s.insert_dedupe("hook:old7", later, short).await.unwrap());
    assert_eq!(
        s.claim_key("run-once:a", "run_c", later, short)
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn sqlite_retention_deletes_an_updated_run_at_its_expiry() {
    use junction_core::ports::RunStore;
    let s = crate::backends::sqlite_store().await.it;
    let mut r = run("ws_a", &junction_core::ids::new_id("run"), "int_1");
    s.put_run(&r, None).await.unwrap();
    r.version = 1;
    r.status = RunStatus::Succeeded;
    s.put_run(&r, Some(1)).await.unwrap();
    let just_before = r.expires_at - chrono::Duration::seconds(1);
    assert_eq!(s.purge_expired_runs(just_before).await.unwrap(), 0);
    let after = r.expires_at + chrono::Duration::seconds(1);
    assert_eq!(s.purge_expired_runs(after).await.unwrap(), 1);
    assert!(s.get_run("ws_a", &r.id).await.unwrap().is_none());
}
