//! The poller: an EventBridge schedule (every minute) invokes it, and it queues every
//! poll and schedule that is due. It never polls an app itself.

use aws_lambda_events::eventbridge::EventBridgeEvent;
use serde_json::{json, Value};

use crate::Backend;

/// Queues what is due at the event's time (or now, for an event without one).
pub async fn handle_tick(backend: &Backend, event: EventBridgeEvent) -> anyhow::Result<Value> {
    let now = event
        .time
        .unwrap_or_else(chrono::Utc::now)
        .max(chrono::Utc::now());
    let queued = backend.junction.poll_due(now).await?;
    tracing::info!(queued, "queued due polls and schedules");
    Ok(json!({ "queued": queued }))
}
