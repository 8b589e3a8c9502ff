//! The store: typed operations for every access pattern in DESIGN.md, none of them a
//! scan. Writes of versioned records carry the version they expect; time-dependent
//! operations take `now`, so expiry works the same on backends whose TTL is lazy.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::engine::RunStatus;
use crate::model::{
    Account, AppRecord, DueItem, FlowHead, FlowVersion, Integration, RunRecord, Usage, User,
    Version, Workspace,
};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record changed since it was read, or exists when it must not.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("the record is too large to store: {0}")]
    TooLarge(String),
    #[error(transparent)]
    Unknown(#[from] anyhow::Error),
}

type R<T> = Result<T, StoreError>;

/// The most one stored record may take as JSON: DynamoDB's item limit is 400 KB, and
/// both backends keep the same contract so a run that fits locally fits on AWS.
pub const MAX_RECORD_BYTES: usize = 350 * 1024;

/// Stores and loads every record of Junction.
///
/// # Errors
/// - A `put_*` with `expected: None` MUST fail with `Conflict` when the record
///   exists; with `Some(v)` MUST fail with `Conflict` unless the stored version is `v`.
///   On success the record is stored at the returned version (`v + 1`, or 1).
/// - `add_flow_version` MUST fail with `Conflict` when that version exists (versions
///   are immutable).
/// - `insert_dedupe` and `claim_key` MUST be atomic: of concurrent callers with one
///   key, one wins.
/// - `move_due` MUST be atomic: of concurrent movers from one due time, one wins.
/// - `acquire_lease` MUST grant a lease to one holder at a time until it expires.
/// - A `put_*` of a record over [`MAX_RECORD_BYTES`] MUST fail with `TooLarge` and
///   store nothing.
pub trait Store: Send + Sync + Clone + 'static {
    // Workspaces
    fn create_workspace(&self, ws: &Workspace) -> impl Future<Output = R<Version>> + Send;
    fn update_workspace(
        &self,
        ws: &Workspace,
        expected: Version,
    ) -> impl Future<Output = R<Version>> + Send;
    fn get_workspace(&self, id: &str) -> impl Future<Output = R<Option<Workspace>>> + Send;
    fn workspace_by_app_key(
        &self,
        app_key: &str,
    ) -> impl Future<Output = R<Option<Workspace>>> + Send;
    /// Every workspace, by id (the operator's list; not on any request path).
    fn list_workspaces(&self) -> impl Future<Output = R<Vec<Workspace>>> + Send;

    // Apps and flows
    fn put_app(
        &self,
        app: &AppRecord,
        expected: Option<Version>,
    ) -> impl Future<Output = R<Version>> + Send;
    fn get_app(&self, ws: &str, app_id: &str) -> impl Future<Output = R<Option<AppRecord>>> + Send;
    fn list_apps(&self, ws: &str) -> impl Future<Output = R<Vec<AppRecord>>> + Send;
    fn add_flow_version(&self, version: &FlowVersion) -> impl Future<Output = R<()>> + Send;
    fn get_flow_version(
        &self,
        ws: &str,
        flow_id: &str,
        number: u32,
    ) -> impl Future<Output = R<Option<FlowVersion>>> + Send;
    fn put_flow_head(
        &self,
        head: &FlowHead,
        expected: Option<Version>,
    ) -> impl Future<Output = R<Version>> + Send;
    fn get_flow_head(
        &self,
        ws: &str,
        flow_id: &str,
    ) -> impl Future<Output = R<Option<FlowHead>>> + Send;
    /// Every flow of a workspace, published or not, by id.
    fn list_flow_heads(&self, ws: &str) -> impl Future<Output = R<Vec<FlowHead>>> + Send;
    /// Published flows of a workspace, with a tag when one is given.
    fn flows_by_tag(
        &self,
        ws: &str,
        tag: Option<&str>,
    ) -> impl Future<Output = R<Vec<FlowHead>>> + Send;

    // Users and accounts
    /// The user, created on first sight.
    fn ensure_user(
        &self,
        ws: &str,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = R<User>> + Send;
    fn put_account(
        &self,
        account: &Account,
        expected: Option<Version>,
    ) -> impl Future<Output = R<Version>> + Send;
    fn get_account(&self, ws: &str, id: &str) -> impl Future<Output = R<Option<Account>>> + Send;
    fn accounts_of_user(
        &self,
        ws: &str,
        user_id: &str,
        app_id: Option<&str>,
    ) -> impl Future<Output = R<Vec<Account>>> + Send;
    fn delete_account(&self, ws: &str, id: &str) -> impl Future<Output = R<()>> + Send;

    // Integrations
    fn put_integration(
        &self,
        integration: &Integration,
        expected: Option<Version>,
    ) -> impl Future<Output = R<Version>> + Send;
    fn get_integration(
        &self,
        ws: &str,
        id: &str,
    ) -> impl Future<Output = R<Option<Integration>>> + Send;
    fn integrations_of_user(
        &self,
        ws: &str,
        user_id: &str,
    ) -> impl Future<Output = R<Vec<Integration>>> + Send;
    fn integrations_of_flow(
        &self,
        ws: &str,
        flow_id: &str,
    ) -> impl Future<Output = R<Vec<Integration>>> + Send;
    /// Integrations subscribed to an app event, of one user or of all.
    fn integrations_for_event(
        &self,
        ws: &str,
        event: &str,
        user_id: Option<&str>,
    ) -> impl Future<Output = R<Vec<Integration>>> + Send;
    fn integration_by_webhook_token(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = R<Option<Integration>>> + Send;
    fn delete_integration(&self, ws: &str, id: &str) -> impl Future<Output = R<()>> + Send;
    /// Every integration of a workspace (the admin's list).
    fn integrations_of_workspace(
        &self,
        ws: &str,
    ) -> impl Future<Output = R<Vec<Integration>>> + Send;

    // Runs
    fn put_run(
        &self,
        run: &RunRecord,
        expected: Option<Version>,
    ) -> impl Future<Output = R<Version>> + Send;
    fn get_run(&self, ws: &str, id: &str) -> impl Future<Output = R<Option<RunRecord>>> + Send;
    /// Newest first; `before` is the id of the last run of the previous page.
    fn runs_of_integration(
        &self,
        ws: &str,
        integration_id: &str,
        limit: usize,
        before: Option<&str>,
    ) -> impl Future<Output = R<Vec<RunRecord>>> + Send;
    /// A workspace's runs in one status, newest first (failed runs, for replay).
    fn runs_with_status(
        &self,
        ws: &str,
        status: RunStatus,
        limit: usize,
        before: Option<&str>,
    ) -> impl Future<Output = R<Vec<RunRecord>>> + Send;

    // Dedupe keys, counters, leases
    /// True when the key was new (or its earlier use expired); false for a duplicate.
    fn insert_dedupe(
        &self,
        key: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> impl Future<Output = R<bool>> + Send;
    /// Claims `key` for `value` (a webhook delivery for the run id that handles it).
    /// `None` when this call claimed it (or the earlier claim expired); otherwise the
    /// value of the claim that stands, so a caller that crashed half-way can be finished.
    fn claim_key(
        &self,
        key: &str,
        value: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> impl Future<Output = R<Option<String>>> + Send;
    /// Adds tasks; returns the workspace's and the user's totals for the month.
    fn add_tasks(
        &self,
        ws: &str,
        user_id: &str,
        month: &str,
        tasks: u64,
    ) -> impl Future<Output = R<(u64, u64)>> + Send;
    fn usage(&self, ws: &str, month: &str) -> impl Future<Output = R<Usage>> + Send;
    /// Adds requests that polls made (metered apart from tasks); returns the
    /// workspace's poll requests for the month.
    fn add_poll_requests(
        &self,
        ws: &str,
        month: &str,
        requests: u64,
    ) -> impl Future<Output = R<u64>> + Send;
    fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> impl Future<Output = R<bool>> + Send;
    fn renew_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> impl Future<Output = R<bool>> + Send;
    fn release_lease(&self, name: &str, holder: &str) -> impl Future<Output = R<()>> + Send;
    /// Holds back calls for `name` (an account an app asked to slow down) until
    /// `until`, for every process; a later hold already set stands.
    fn hold(&self, name: &str, until: DateTime<Utc>) -> impl Future<Output = R<()>> + Send;
    /// Counts one call for `name` in `window` (a number that grows with time) and
    /// returns how many that window has now, this one included, across processes.
    /// A later window starts again from one; `expires_at` is when the count may go.
    fn count_in_window(
        &self,
        name: &str,
        window: i64,
        expires_at: DateTime<Utc>,
    ) -> impl Future<Output = R<u64>> + Send;
    /// When calls for `name` may go again, if that is after `now`.
    fn held_until(
        &self,
        name: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = R<Option<DateTime<Utc>>>> + Send;

    // Due polls and schedules
    /// Creates or moves a due item.
    fn put_due(&self, item: &DueItem) -> impl Future<Output = R<()>> + Send;
    /// Items due at or before `now`, earliest first, across all shards.
    fn due_before(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> impl Future<Output = R<Vec<DueItem>>> + Send;
    /// Replaces the item with `item` (its new time and payload) if it is still due at
    /// `from`; false when someone moved or removed it meanwhile.
    fn move_due(&self, item: &DueItem, from: DateTime<Utc>)
        -> impl Future<Output = R<bool>> + Send;
    /// Creates the item unless one with its key exists (wherever it is due); false
    /// when it existed, which then stays as it was.
    fn add_due_if_absent(&self, item: &DueItem) -> impl Future<Output = R<bool>> + Send;
    /// The item with `key`, wherever it is due.
    fn get_due(&self, key: &str) -> impl Future<Output = R<Option<DueItem>>> + Send;
    /// Removes the item if it is still due at `due_at` (nobody moved it meanwhile).
    fn remove_due(&self, key: &str, due_at: DateTime<Utc>) -> impl Future<Output = R<bool>> + Send;
}
