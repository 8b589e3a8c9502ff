//! Workspaces and what they define: app definitions, flow versions and the heads that say
//! which version is current and published.

use std::future::Future;

use super::StoreError;
use crate::model::{AppRecord, FlowHead, FlowVersion, Version, Workspace};

type R<T> = Result<T, StoreError>;

/// Workspaces, apps and flows.
///
/// # Errors
/// - `create_workspace` MUST fail with `Conflict` when the id or the app key is
///   taken; `update_workspace`, `put_app` and `put_flow_head` with `Some(v)` MUST fail
///   with `Conflict` unless the stored version is `v`, and with `None` when the record
///   exists. On success the record is at the returned version (`v + 1`, or 1).
/// - `add_flow_version` MUST fail with `Conflict` when that version exists: versions
///   are immutable.
/// - A record over [`MAX_RECORD_BYTES`](super::MAX_RECORD_BYTES) MUST fail with
///   `TooLarge` and store nothing.
pub trait WorkspaceStore: Send + Sync {
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
}
