//! Integrations: a user's flow with its setup and accounts, found by user, flow, app
//! event and webhook token.

use std::future::Future;

use super::StoreError;
use crate::model::{Integration, Version};

type R<T> = Result<T, StoreError>;

/// Integrations and the indexes that find them.
///
/// # Errors
/// - `put_integration` with `Some(v)` MUST fail with `Conflict` unless the stored
///   version is `v`, and with `None` when it exists; it keeps the event and webhook
///   token indexes in step with the record in the same write.
/// - `integration_by_webhook_token` takes the token's hash, never the token.
pub trait IntegrationStore: Send + Sync {
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
}
