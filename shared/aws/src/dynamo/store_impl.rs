//! The `Store` port on DynamoDB: each operation delegates to the module that owns it.

use std::time::Duration;

use chrono::{DateTime, Utc};
use junction_core::engine::RunStatus;
use junction_core::model::{
    Account, AppRecord, DueItem, FlowHead, FlowVersion, Integration, RunRecord, Usage, User,
    Version, Workspace,
};
use junction_core::ports::{Store, StoreError};

use super::DynamoStore;

type R<T> = Result<T, StoreError>;

impl Store for DynamoStore {
    async fn create_workspace(&self, ws: &Workspace) -> R<Version> {
        self.ws_create(ws).await
    }
    async fn update_workspace(&self, ws: &Workspace, expected: Version) -> R<Version> {
        self.ws_update(ws, expected).await
    }
    async fn get_workspace(&self, id: &str) -> R<Option<Workspace>> {
        self.ws_get(id).await
    }
    async fn workspace_by_app_key(&self, app_key: &str) -> R<Option<Workspace>> {
        self.ws_by_app_key(app_key).await
    }
    async fn list_workspaces(&self) -> R<Vec<Workspace>> {
        self.ws_list().await
    }

    async fn put_app(&self, app: &AppRecord, expected: Option<Version>) -> R<Version> {
        self.app_put(app, expected).await
    }
    async fn get_app(&self, ws: &str, app_id: &str) -> R<Option<AppRecord>> {
        self.get_versioned(super::keys::ws(ws), &super::keys::app(app_id))
            .await
    }
    async fn list_apps(&self, ws: &str) -> R<Vec<AppRecord>> {
        self.app_list(ws).await
    }
    async fn add_flow_version(&self, version: &FlowVersion) -> R<()> {
        self.flow_version_add(version).await
    }
    async fn get_flow_version(
        &self,
        ws: &str,
        flow_id: &str,
        number: u32,
    ) -> R<Option<FlowVersion>> {
        self.flow_version_get(ws, flow_id, number).await
    }
    async fn put_flow_head(&self, head: &FlowHead, expected: Option<Version>) -> R<Version> {
        self.flow_head_put(head, expected).await
    }
    async fn get_flow_head(&self, ws: &str, flow_id: &str) -> R<Option<FlowHead>> {
        self.flow_head_get(ws, flow_id).await
    }
    async fn list_flow_heads(&self, ws: &str) -> R<Vec<FlowHead>> {
        self.flow_heads(ws).await
    }
    async fn flows_by_tag(&self, ws: &str, tag: Option<&str>) -> R<Vec<FlowHead>> {
        self.flows_tagged(ws, tag).await
    }

    async fn ensure_user(&self, ws: &str, user_id: &str, now: DateTime<Utc>) -> R<User> {
        self.user_ensure(ws, user_id, now).await
    }
    async fn put_account(&self, account: &Account, expected: Option<Version>) -> R<Version> {
        self.account_put(account, expected).await
    }
    async fn get_account(&self, ws: &str, id: &str) -> R<Option<Account>> {
        self.account_get(ws, id).await
    }
    async fn accounts_of_user(
        &self,
        ws: &str,
        user_id: &str,
        app_id: Option<&str>,
    ) -> R<Vec<Account>> {
        self.accounts_of(ws, user_id, app_id).await
    }
    async fn delete_account(&self, ws: &str, id: &str) -> R<()> {
        self.account_delete(ws, id).await
    }

    async fn put_integration(
        &self,
        integration: &Integration,
        expected: Option<Version>,
    ) -> R<Version> {
        self.integration_put(integration, expected).await
    }
    async fn get_integration(&self, ws: &str, id: &str) -> R<Option<Integration>> {
        self.integration_get(ws, id).await
    }
    async fn integrations_of_user(&self, ws: &str, user_id: &str) -> R<Vec<Integration>> {
        self.integrations_by_index("gsi1", super::keys::user_index(ws, user_id))
            .await
    }
    async fn integrations_of_flow(&self, ws: &str, flow_id: &str) -> R<Vec<Integration>> {
        self.integrations_by_index("gsi2", super::keys::flow_index(ws, flow_id))
            .await
    }
    async fn integrations_for_event(
        &self,
        ws: &str,
        event: &str,
        user_id: Option<&str>,
    ) -> R<Vec<Integration>> {
        self.integrations_event(ws, event, user_id).await
    }
    async fn integration_by_webhook_token(&self, token_hash: &str) -> R<Option<Integration>> {
        self.integration_by_token(token_hash).await
    }
    async fn delete_integration(&self, ws: &str, id: &str) -> R<()> {
        self.integration_delete(ws, id).await
    }

    async fn integrations_of_workspace(&self, ws: &str) -> R<Vec<Integration>> {
        self.integrations_of_ws(ws).await
    }
    async fn runs_with_status(
        &self,
        ws: &str,
        status: RunStatus,
        limit: usize,
        before: Option<&str>,
    ) -> R<Vec<RunRecord>> {
        self.runs_in_status(ws, status, limit, before).await
    }
    async fn put_run(&self, run: &RunRecord, expected: Option<Version>) -> R<Version> {
        self.run_put(run, expected).await
    }
    async fn get_run(&self, ws: &str, id: &str) -> R<Option<RunRecord>> {
        self.run_get(ws, id).await
    }
    async fn runs_of_integration(
        &self,
        ws: &str,
        integration_id: &str,
        limit: usize,
        before: Option<&str>,
    ) -> R<Vec<RunRecord>> {
        self.runs_of(ws, integration_id, limit, before).await
    }

    async fn insert_dedupe(&self, key: &str, now: DateTime<Utc>, ttl: Duration) -> R<bool> {
        self.dedupe_insert(key, now, ttl).await
    }
    async fn claim_key(
        &self,
        key: &str,
        value: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> R<Option<String>> {
        self.key_claim(key, value, now, ttl).await
    }
    async fn add_poll_requests(&self, ws: &str, month: &str, requests: u64) -> R<u64> {
        self.poll_requests_add(ws, month, requests).await
    }
    async fn add_tasks(&self, ws: &str, user_id: &str, month: &str, tasks: u64) -> R<(u64, u64)> {
        self.tasks_add(ws, user_id, month, tasks).await
    }
    async fn usage(&self, ws: &str, month: &str) -> R<Usage> {
        self.usage_of(ws, month).await
    }
    async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> R<bool> {
        self.lease_acquire(name, holder, now, ttl).await
    }
    async fn renew_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> R<bool> {
        self.lease_renew(name, holder, now, ttl).await
    }
    async fn release_lease(&self, name: &str, holder: &str) -> R<()> {
        self.lease_release(name, holder).await
    }
    async fn hold(&self, name: &str, until: DateTime<Utc>) -> R<()> {
        self.hold_set(name, until).await
    }
    async fn count_in_window(&self, name: &str, window: i64, expires_at: DateTime<Utc>) -> R<u64> {
        self.window_count(name, window, expires_at).await
    }
    async fn held_until(&self, name: &str, now: DateTime<Utc>) -> R<Option<DateTime<Utc>>> {
        self.hold_get(name, now).await
    }

    async fn add_due_if_absent(&self, item: &DueItem) -> R<bool> {
        self.due_add_if_absent(item).await
    }
    async fn get_due(&self, key: &str) -> R<Option<DueItem>> {
        self.due_get(key).await
    }
    async fn put_due(&self, item: &DueItem) -> R<()> {
        self.due_put(item).await
    }
    async fn due_before(&self, now: DateTime<Utc>, limit: usize) -> R<Vec<DueItem>> {
        self.due_until(now, limit).await
    }
    async fn move_due(&self, item: &DueItem, from: DateTime<Utc>) -> R<bool> {
        self.due_move(item, from).await
    }
    async fn remove_due(&self, key: &str, due_at: DateTime<Utc>) -> R<bool> {
        self.due_remove(key, due_at).await
    }
}
