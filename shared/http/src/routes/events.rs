//! App events from your backend: each queues a run for every subscribed integration.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use junction_core::service::QueuedRuns;
use serde::Deserialize;
use serde_json::Value;

use crate::auth::Backend;
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::{Ports, Shared};

pub fn events<P: Ports>() -> Router<Shared<P>> {
    Router::new().route("/events/{name}", post(app_event::<P>))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct Event {
    /// Only this user's integrations; all users' when absent.
    #[serde(default)]
    user_id: Option<String>,
    #[serde(default)]
    payload: Value,
}

/// Answers 202 only once every run is recorded and queued. An `Idempotency-Key`
/// header makes a resent event (same name and key, within a week) queue nothing new.
async fn app_event<P: Ports>(
    State(j): State<Shared<P>>,
    Backend(ws): Backend,
    Path(name): Path<String>,
    headers: HeaderMap,
    JsonBody(event): JsonBody<Event>,
) -> Result<(StatusCode, Json<QueuedRuns>), ApiError> {
    let key = match headers.get("idempotency-key").map(|v| v.to_str()) {
        None => None,
        Some(Ok(k)) => Some(k),
        Some(Err(_)) => {
            return Err(junction_core::service::ServiceError::field(
                "Idempotency-Key",
                "must be visible ASCII",
            )
            .into())
        }
    };
    let queued = j
        .app_event(&ws.id, &name, event.user_id.as_deref(), event.payload, key)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(queued)))
}

pub(crate) fn describe(doc: &mut crate::openapi::ApiDoc) {
    doc.op(
        "post",
        "/v1/events/{name}",
        "An app event: queues a run per subscribed integration",
        crate::openapi::Auth::Backend,
    )
    .json::<Event>()
    .ok::<QueuedRuns>(202, "Recorded and queued")
    .add();
}
