//! The demo host page (what a SaaS company's own page would be: it embeds the widget
//! and its backend sends app events), and the demo apps under `/demo/apps`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::seed::APPS_PREFIX;
use super::Demo;
use crate::local::LocalJunction;

const PAGE: &str = include_str!("host.html");
const SCRIPT: &str = include_str!("host.js");
const STYLE: &str = include_str!("host.css");

/// A strict policy, as a careful host page sets one: the widget must work under it
/// (no inline script or style, no eval, only this server to talk to).
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

struct HostState {
    demo: Demo,
    junction: Arc<LocalJunction>,
    contacts: AtomicU64,
}

pub fn router(demo: Demo, junction: Arc<LocalJunction>) -> Router {
    let apps = junction_demo::apps::router(Arc::new(junction_demo::apps::MockState::seeded()));
    let state = Arc::new(HostState {
        demo,
        junction,
        contacts: AtomicU64::new(0),
    });
    Router::new()
        .route("/", get(page))
        .route(
            "/demo/host.js",
            get(|| async { asset(SCRIPT, "text/javascript") }),
        )
        .route("/demo/host.css", get(|| async { asset(STYLE, "text/css") }))
        .route("/demo/event", post(send_event))
        .with_state(state)
        .nest_service(APPS_PREFIX, apps)
}

fn asset(body: &'static str, kind: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

async fn page(State(state): State<Arc<HostState>>) -> Response {
    let d = &state.demo;
    let html = PAGE
        .replace("{{api}}", &attr(&d.public_url))
        .replace("{{app_key}}", &attr(&d.app_key))
        .replace("{{user_id}}", &attr(&d.user_id))
        .replace("{{hash}}", &attr(&d.hash));
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

fn attr(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

#[derive(Deserialize)]
struct SendEvent {
    event: String,
}

/// What the host's backend does when something happens in its app: send the event,
/// with its API secret, for the signed-in user. Here the demo server plays that part.
async fn send_event(State(state): State<Arc<HostState>>, Json(body): Json<SendEvent>) -> Response {
    let n = state.contacts.fetch_add(1, Ordering::Relaxed) + 1;
    let payload = match body.event.as_str() {
        "contact.created" => json!({"contact": {
            "id": format!("c_demo{n}"),
            "email": format!("grace{n}@example.com"),
            "first_name": "Grace",
            "last_name": format!("Hopper {n}"),
            "plan": "pro"
        }}),
        "deal.won" => json!({"deal": {
            "name": format!("Globex renewal #{n}"),
            "amount": 25000,
            "owner": "Dana",
            "contact_id": "c_12"
        }}),
        other => {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({"title": format!("the demo sends contact.created or deal.won, not '{other}'"), "errors": [{"field": "event", "message": "must be contact.created or deal.won"}]})),
            )
                .into_response()
        }
    };
    let d = &state.demo;
    match state
        .junction
        .app_event(
            &d.workspace_id,
            &body.event,
            Some(&d.user_id),
            payload.clone(),
            None,
        )
        .await
    {
        Ok(queued) => {
            Json(json!({"event": body.event, "payload": payload, "run_ids": queued.run_ids}))
                .into_response()
        }
        Err(e) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"title": e.to_string()})),
        )
            .into_response(),
    }
}
