//! The mock chat app: bearer bot token, Link-header and offset pagination, messages.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::{MockState, CHATTER_TOKEN};

pub fn router() -> Router<Arc<MockState>> {
    Router::new()
        .route("/auth.test", get(auth_test))
        .route("/channels", get(channels))
        .route("/users", get(users))
        .route("/messages", post(post_message))
        .route("/messages/{id}", get(message))
}

fn authorized(s: &MockState, headers: &HeaderMap) -> Result<(), Response> {
    s.require(headers, "authorization", &format!("Bearer {CHATTER_TOKEN}"))
}

async fn auth_test(State(s): State<Arc<MockState>>, headers: HeaderMap) -> Response {
    if let Err(r) = authorized(&s, &headers) {
        return r;
    }
    Json(json!({"team": "Demo Team"})).into_response()
}

async fn channels(
    State(s): State<Arc<MockState>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = authorized(&s, &headers) {
        return r;
    }
    let all: Vec<Value> = ["general", "sales", "support", "random", "eng"]
        .iter()
        .map(|n| json!({"id": format!("ch_{n}"), "name": format!("#{n}")}))
        .collect();
    let page: usize = q
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .max(1);
    let per_page: usize = q
        .get("per_page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(2)
        .clamp(1, 2);
    let items: Vec<Value> = all
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .cloned()
        .collect();
    let mut response = Json(items).into_response();
    if page * per_page < all.len() {
        let link = format!(
            "</chatter/channels?page={}&per_page={per_page}>; rel=\"next\"",
            page + 1
        );
        if let Ok(v) = link.parse() {
            response.headers_mut().insert("link", v);
        }
    }
    response
}

async fn users(
    State(s): State<Arc<MockState>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = authorized(&s, &headers) {
        return r;
    }
    let offset: usize = q.get("offset").and_then(|p| p.parse().ok()).unwrap_or(0);
    let limit: usize = q
        .get("limit")
        .and_then(|p| p.parse().ok())
        .unwrap_or(25)
        .clamp(1, 100);
    let users: Vec<Value> = (1..=60)
        .skip(offset)
        .take(limit)
        .map(|i| json!({"id": format!("u_{i}"), "name": format!("user{i}")}))
        .collect();
    Json(json!({"users": users})).into_response()
}

async fn post_message(
    State(s): State<Arc<MockState>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Err(r) = authorized(&s, &headers) {
        return r;
    }
    let (Some(channel), Some(text)) = (body["channel"].as_str(), body["text"].as_str()) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"ok": false, "error": "channel and text are required"})),
        )
            .into_response();
    };
    let mut messages = s.messages.lock().unwrap();
    let message = json!({"id": format!("msg_{}", messages.len() + 1), "channel": channel, "text": text, "reactions": [":tada:"]});
    messages.push(message.clone());
    s.count(|st| st.messages_posted += 1);
    Json(json!({"ok": true, "message": message})).into_response()
}

async fn message(
    State(s): State<Arc<MockState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = authorized(&s, &headers) {
        return r;
    }
    match s
        .messages
        .lock()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id.as_str())
    {
        Some(m) => Json(m.clone()).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({"ok": false, "error": "message_not_found"})),
        )
            .into_response(),
    }
}
