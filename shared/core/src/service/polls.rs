//! Poll health as an integration shows it: when each poll last ran, what it found,
//! and why it failed, so a poll that keeps failing says so where its user looks.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::due::due_key;
use super::messages::DueWork;
use super::{Junction, ServiceError};
use crate::definition::Trigger;
use crate::model::Integration;
use crate::ports::{RunQueue, Store, Vault};

/// How a poll is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PollStatus {
    /// Not polled yet: the first poll takes the baseline.
    Pending,
    /// The last poll got its answer.
    Ok,
    /// The last poll failed; `last_error` says why and `failures` how often in a row.
    Failing,
    /// The integration is disabled: nothing is polled.
    Paused,
}

/// One poll of an integration.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PollHealth {
    /// The block the poll triggers.
    pub block: String,
    pub status: PollStatus,
    /// When the last poll began, answered or not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_polled_at: Option<DateTime<Utc>>,
    /// When the last answered poll began.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_succeeded_at: Option<DateTime<Utc>>,
    /// Absent while the integration is disabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_poll_at: Option<DateTime<Utc>>,
    /// Items the last answer listed, and how many of them started runs.
    pub items: u64,
    pub new_items: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// Polls failed in a row.
    pub failures: u32,
}

/// An integration with the health of its polls (none when its flow does not poll).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct IntegrationDetail {
    #[serde(flatten)]
    pub integration: Integration,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub polls: Vec<PollHealth>,
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    /// One of the user's integrations with its polls' health.
    pub async fn integration_detail(
        &self,
        ws: &str,
        user: &str,
        id: &str,
    ) -> Result<IntegrationDetail, ServiceError> {
        let integration = self.integration(ws, user, id).await?;
        let flow = self
            .flow_version(ws, &integration.flow_id, integration.flow_version)
            .await?;
        let mut polls = Vec::new();
        for block in flow.iter().flat_map(|f| &f.definition.blocks) {
            if !matches!(block.trigger, Trigger::Poll { .. }) {
                continue;
            }
            let due = self
                .store
                .get_due(&due_key(&integration, &block.id))
                .await?;
            let work = due
                .as_ref()
                .and_then(|d| serde_json::from_value::<DueWork>(d.payload.clone()).ok())
                .unwrap_or_default();
            let status = if !integration.enabled || due.is_none() {
                PollStatus::Paused
            } else if work.last_error.is_some() {
                PollStatus::Failing
            } else if work.last_succeeded_at.is_none() {
                PollStatus::Pending
            } else {
                PollStatus::Ok
            };
            polls.push(PollHealth {
                block: block.id.clone(),
                status,
                last_polled_at: work.last_polled_at,
                last_succeeded_at: work.last_succeeded_at,
                next_poll_at: due.filter(|_| integration.enabled).map(|d| d.due_at),
                items: work.items,
                new_items: work.new_items,
                last_error: work.last_error,
                failures: work.failures,
            });
        }
        Ok(IntegrationDetail { integration, polls })
    }
}
