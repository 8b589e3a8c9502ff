//! Mailbird's webhooks, as a provider in the style of Svix-backed APIs sends them:
//! subscriptions created and deleted through the API (each with its own `whsec_`
//! secret), and deliveries signed with the Standard Webhooks scheme. Unsubscribing a
//! member delivers `member.unsubscribed` to every subscription that wants it, and a
//! change to a member's merge fields (through the API, or by the user in Mailbird)
//! delivers `member.updated` with the member as it now is.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, post};
use axum::{Json, Router};
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use super::MockState;

pub fn router() -> Router<Arc<MockState>> {
    Router::new()
        .route("/api/webhooks", post(subscribe))
        .route("/api/webhooks/{id}", delete(unsubscribe))
        .route(
            "/api/lists/{list}/members/{member}/unsubscribe",
            post(unsubscribe_member),
        )
        .route("/api/lists/{list}/members/{member}/edit", post(edit_member))
}

/// Sets merge fields of a member; the member as it now is, if there is one.
pub(super) fn change_member(
    s: &MockState,
    list: &str,
    id: &str,
    fields: &serde_json::Map<String, Value>,
) -> Option<Value> {
    let mut members = s.members.lock().unwrap();
    let member = members.get_mut(list)?.iter_mut().find(|m| m["id"] == id)?;
    if !member["merge_fields"].is_object() {
        member["merge_fields"] = json!({});
    }
    for (k, v) in fields {
        member["merge_fields"][k] = v.clone();
    }
    Some(member.clone())
}

/// Delivers `member.updated` for `member`; the status codes.
pub(super) async fn report_update(s: &MockState, member: &Value) -> Vec<u16> {
    let event = json!({"type": "member.updated", "list_id": member["list_id"], "member": member});
    let id = format!(
        "msg_{}",
        s.deliveries
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            + 1
    );
    deliver(s, &id, &event).await
}

/// The user edits a member in Mailbird's own interface: the change is delivered at
/// once, and the answer says what each URL said.
async fn edit_member(
    State(s): State<Arc<MockState>>,
    Path((list, member)): Path<(String, String)>,
    Json(fields): Json<Value>,
) -> Response {
    s.seen();
    let Some(fields) = fields.as_object() else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "an object of merge fields"})),
        )
            .into_response();
    };
    let Some(member) = change_member(&s, &list, &member, fields) else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such member"})),
        )
            .into_response();
    };
    Json(json!({"member": member, "answers": report_update(&s, &member).await})).into_response()
}

/// Signs a delivery the Standard Webhooks way: `v1,` + base64 HMAC-SHA256 of
/// `id.timestamp.body` under the secret's base64-decoded bytes.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let key = b64
        .decode(secret.trim_start_matches("whsec_"))
        .expect("the mock's secrets are base64");
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).expect("any key length");
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", b64.encode(mac.finalize().into_bytes()))
}

async fn subscribe(
    State(s): State<Arc<MockState>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Err(r) = super::mailbird::authorized(&s, &headers) {
        return r;
    }
    if s.fail_next_subscribe
        .swap(false, std::sync::atomic::Ordering::SeqCst)
    {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"error": "the URL is on a blocked list"})),
        )
            .into_response();
    }
    let Some(url) = body["url"].as_str().filter(|u| u.starts_with("http")) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "url is required"})),
        )
            .into_response();
    };
    let mut hooks = s.webhooks.lock().unwrap();
    let n = hooks.len() + 1;
    let secret = format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(format!("mailbird-secret-{n}"))
    );
    let hook =
        json!({"id": format!("wh_{n}"), "url": url, "events": body["events"], "secret": secret});
    hooks.push(hook.clone());
    s.count(|st| st.webhooks_created += 1);
    (StatusCode::CREATED, Json(hook)).into_response()
}

async fn unsubscribe(
    State(s): State<Arc<MockState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = super::mailbird::authorized(&s, &headers) {
        return r;
    }
    let mut hooks = s.webhooks.lock().unwrap();
    let before = hooks.len();
    hooks.retain(|h| h["id"] != id.as_str());
    if hooks.len() == before {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such webhook"})),
        )
            .into_response();
    }
    s.count(|st| st.webhooks_deleted += 1);
    StatusCode::NO_CONTENT.into_response()
}

/// Marks a member unsubscribed and delivers the event; answers what each URL said.
async fn unsubscribe_member(
    State(s): State<Arc<MockState>>,
    Path((list, member)): Path<(String, String)>,
) -> Response {
    s.seen();
    {
        let mut members = s.members.lock().unwrap();
        let Some(m) = members
            .get_mut(&list)
            .and_then(|l| l.iter_mut().find(|m| m["id"] == member.as_str()))
        else {
            return (
                StatusCode::NOT_FOUND,
                Json(json!({"error": "no such member"})),
            )
                .into_response();
        };
        m["status"] = json!("unsubscribed");
    }
    let event = json!({"type": "member.unsubscribed", "list_id": list, "member_id": member});
    let id = format!(
        "msg_{}",
        s.deliveries
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            + 1
    );
    Json(json!({"delivery_id": id, "answers": deliver(&s, &id, &event).await})).into_response()
}

/// Sends one event to every subscription that wants it, signed; the status codes.
pub async fn deliver(s: &MockState, id: &str, event: &Value) -> Vec<u16> {
    let hooks: Vec<Value> = s.webhooks.lock().unwrap().clone();
    let body = event.to_string();
    let timestamp = chrono::Utc::now().timestamp();
    // reqwest takes rustls's process-wide crypto provider (junction-core's
    // `outbound::tls` says why); the demo may run before anything installed one.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let client = reqwest::Client::new();
    let mut answers = Vec::new();
    for hook in hooks {
        let wanted = match hook["events"].as_array() {
            Some(list) if !list.is_empty() => list.iter().any(|e| *e == event["type"]),
            _ => true,
        };
        if !wanted {
            continue;
        }
        let signature = sign(hook["secret"].as_str().unwrap_or(""), id, timestamp, &body);
        let status = client
            .post(hook["url"].as_str().unwrap_or(""))
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body.clone())
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        answers.push(status);
    }
    answers
}
