//! The `Store` port on SQLite: each operation delegates to the module that owns it;
//! writes go through the database's group commit and return once committed.

use std::time::Duration;

use chrono::{DateTime, Utc};
use junction_core::engine::RunStatus;
use junction_core::model::{
    Account, AppRecord, DueItem, FlowHead, FlowVersion, Integration, RunRecord, Usage, User,
    Version, Workspace,
};
use junction_core::ports::{Store, StoreError};

use super::SqliteStore;

type R<T> = Result<T, StoreError>;

impl Store for SqliteStore {
    async fn create_workspace(&self, ws: &Workspace) -> R<Version> {
        self.db.write(|| self.ws_create(ws)).await
    }
    async fn update_workspace(&self, ws: &Workspace, expected: Version) -> R<Version> {
        self.db.write(|| self.ws_update(ws, expected)).await
    }
    async fn get_workspace(&self, id: &str) -> R<Option<Workspace>> {
        self.ws_get("id", id)
    }
    async fn workspace_by_app_key(&self, app_key: &str) -> R<Option<Workspace>> {
        self.ws_get("app_key", app_key)
    }
    async fn list_workspaces(&self) -> R<Vec<Workspace>> {
        self.ws_list()
    }

    async fn put_app(&self, app: &AppRecord, expected: Option<Version>) -> R<Version> {
        self.db.write(|| self.app_put(app, expected)).await
    }
    async fn get_app(&self, ws: &str, app_id: &str) -> R<Option<AppRecord>> {
        self.app_get(ws, app_id)
    }
    async fn list_apps(&self, ws: &str) -> R<Vec<AppRecord>> {
        self.app_list(ws)
    }
    async fn add_flow_version(&self, version: &FlowVersion) -> R<()> {
        self.db.write(|| self.flow_version_add(version)).await
    }
    async fn get_flow_version(
        &self,
        ws: &str,
        flow_id: &str,
        number: u32,
    ) -> R<Option<FlowVersion>> {
        self.flow_version_get(ws, flow_id, number)
    }
    async fn put_flow_head(&self, head: &FlowHead, expected: Option<Version>) -> R<Version> {
        self.db.write(|| self.flow_head_put(head, expected)).await
    }
    async fn get_flow_head(&self, ws: &str, flow_id: &str) -> R<Option<FlowHead>> {
        self.flow_head_get(ws, flow_id)
    }
    async fn list_flow_heads(&self, ws: &str) -> R<Vec<FlowHead>> {
        self.flow_heads(ws)
    }
    async fn flows_by_tag(&self, ws: &str, tag: Option<&str>) -> R<Vec<FlowHead>> {
        self.flows_tagged(ws, tag)
    }

    async fn ensure_user(&self, ws: &str, user_id: &str, now: DateTime<Utc>) -> R<User> {
        self.db.write(|| self.user_ensure(ws, user_id, now)).await
    }
    async fn put_account(&self, account: &Account, expected: Option<Version>) -> R<Version> {
        self.db.write(|| self.account_put(account, expected)).await
    }
    async fn get_account(&self, ws: &str, id: &str) -> R<Option<Account>> {
        self.account_get(ws, id)
    }
    async fn accounts_of_user(
        &self,
        ws: &str,
        user_id: &str,
        app_id: Option<&str>,
    ) -> R<Vec<Account>> {
        self.accounts_of(ws, user_id, app_id)
    }
    async fn delete_account(&self, ws: &str, id: &str) -> R<()> {
        self.db.write(|| self.account_delete(ws, id)).await
    }

    async fn put_integration(
        &self,
        integration: &Integration,
        expected: Option<Version>,
    ) -> R<Version> {
        self.db
            .write(|| self.integration_put(integration, expected))
            .await
    }
    async fn get_integration(&self, ws: &str, id: &str) -> R<Option<Integration>> {
        self.integration_get(ws, id)
    }
    async fn integrations_of_user(&self, ws: &str, user_id: &str) -> R<Vec<Integration>> {
        self.integrations_where(ws, "user_id", user_id)
    }
    async fn integrations_of_flow(&self, ws: &str, flow_id: &str) -> R<Vec<Integration>> {
        self.integrations_where(ws, "flow_id", flow_id)
    }
    async fn integrations_for_event(
        &self,
        ws: &str,
        event: &str,
        user_id: Option<&str>,
    ) -> R<Vec<Integration>> {
        self.integrations_event(ws, event, user_id)
    }
    async fn integration_by_webhook_token(&self, token_hash: &str) -> R<Option<Integration>> {
        self.integration_by_token(token_hash)
    }
    async fn delete_integration(&self, ws: &str, id: &str) -> R<()> {
        self.db.write(|| self.integration_delete(ws, id)).await
    }

    async fn integrations_of_workspace(&self, ws: &str) -> R<Vec<Integration>> {
        self.integrations_of_ws(ws)
    }
    async fn runs_with_status(
        &self,
        ws: &str,
        status: RunStatus,
        limit: usize,
        before: Option<&str>,
    ) -> R<Vec<RunRecord>> {
        self.runs_in_status(ws, status, limit, before)
    }
    async fn put_run(&self, run: &RunRecord, expected: Option<Version>) -> R<Version> {
        self.db.write(|| self.run_put(run, expected)).await
    }
    async fn get_run(&self, ws: &str, id: &str) -> R<Option<RunRecord>> {
        self.run_get(ws, id)
    }
    async fn runs_of_integration(
        &self,
        ws: &str,
        integration_id: &str,
        limit: usize,
        before: Option<&str>,
    ) -> R<Vec<RunRecord>> {
        self.runs_of(ws, integration_id, limit, before)
    }

    async fn insert_dedupe(&self, key: &str, now: DateTime<Utc>, ttl: Duration) -> R<bool> {
        self.db.write(|| self.dedupe_insert(key, now, ttl)).await
    }
    async fn claim_key(
        &self,
        key: &str,
        value: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> R<Option<String>> {
        self.db.write(|| self.key_claim(key, value, now, ttl)).await
    }
    async fn add_tasks(&self, ws: &str, user_id: &str, month: &str, tasks: u64) -> R<(u64, u64)> {
        self.db
            .write(|| self.tasks_add(ws, user_id, month, tasks))
            .await
    }
    async fn usage(&self, ws: &str, month: &str) -> R<Usage> {
        self.usage_of(ws, month)
    }
    async fn add_poll_requests(&self, ws: &str, month: &str, requests: u64) -> R<u64> {
        self.db
            .write(|| self.poll_requests_add(ws, month, requests))
            .await
    }
    async fn hold(&self, name: &str, until: DateTime<Utc>) -> R<()> {
        self.db.write(|| self.hold_set(name, until)).await
    }
    async fn count_in_window(&self, name: &str, window: i64, _expires_at: DateTime<Utc>) -> R<u64> {
        self.db.write(|| self.window_count(name, window)).await
    }
    async fn held_until(&self, name: &str, now: DateTime<Utc>) -> R<Option<DateTime<Utc>>> {
        self.hold_get(name, now)
    }
    async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> R<bool> {
        self.db
            .write(|| self.lease_acquire(name, holder, now, ttl))
            .await
    }
    async fn renew_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> R<bool> {
        self.db
            .write(|| self.lease_renew(name, holder, now, ttl))
            .await
    }
    async fn release_lease(&self, name: &str, holder: &str) -> R<()> {
        self.db.write(|| self.lease_release(name, holder)).await
    }

    async fn put_due(&self, item: &DueItem) -> R<()> {
        self.db.write(|| self.due_put(item)).await
    }
    async fn due_before(&self, now: DateTime<Utc>, limit: usize) -> R<Vec<DueItem>> {
        self.due_until(now, limit)
    }
    async fn move_due(&self, item: &DueItem, from: DateTime<Utc>) -> R<bool> {
        self.db.write(|| self.due_move(item, from)).await
    }
    async fn add_due_if_absent(&self, item: &DueItem) -> R<bool> {
        self.db.write(|| self.due_add_if_absent(item)).await
    }
    async fn get_due(&self, key: &str) -> R<Option<DueItem>> {
        self.due_get(key)
    }
    async fn remove_due(&self, key: &str, due_at: DateTime<Utc>) -> R<bool> {
        self.db.write(|| self.due_remove(key, due_at)).await
    }
}
