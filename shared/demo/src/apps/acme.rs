//! The mock of "your app", Acme CRM: API key auth, page-number pagination, notes.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::{MockState, ACME_KEY};

pub fn router() -> Router<Arc<MockState>> {
    Router::new()
        .route("/me", get(me))
        .route("/contacts", get(contacts))
        .route("/contacts/{id}", patch(update_contact))
        .route("/contacts/{id}/notes", post(add_note))
}

async fn me(State(s): State<Arc<MockState>>, headers: HeaderMap) -> Response {
    if let Err(r) = s.require(&headers, "x-api-key", ACME_KEY) {
        return r;
    }
    Json(json!({"company": "Acme Demo Co", "email": "owner@acme.test"})).into_response()
}

async fn contacts(
    State(s): State<Arc<MockState>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = s.require(&headers, "x-api-key", ACME_KEY) {
        return r;
    }
    let page: usize = q
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .max(1);
    let per_page: usize = q
        .get("per_page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(50)
        .clamp(1, 100);
    let all = s.contacts.lock().unwrap();
    let matching: Vec<&Value> = all
        .iter()
        .filter(|c| q.get("email").is_none_or(|e| c["email"] == e.as_str()))
        .filter(|c| {
            q.get("created_since")
                .is_none_or(|d| c["created_at"].as_str().unwrap_or("") >= d.as_str())
        })
        .collect();
    let items: Vec<&Value> = matching
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .copied()
        .collect();
    Json(json!({"contacts": items, "page": page, "total": matching.len()})).into_response()
}

async fn update_contact(
    State(s): State<Arc<MockState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(fields): Json<Value>,
) -> Response {
    if let Err(r) = s.require(&headers, "x-api-key", ACME_KEY) {
        return r;
    }
    let Some(fields) = fields.as_object() else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"error": "body must be an object of fields"})),
        )
            .into_response();
    };
    let mut all = s.contacts.lock().unwrap();
    let Some(contact) = all.iter_mut().find(|c| c["id"] == id.as_str()) else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": format!("no contact {id}")})),
        )
            .into_response();
    };
    for (k, v) in fields {
        contact[k] = v.clone();
    }
    s.count(|st| st.contacts_updated += 1);
    Json(contact.clone()).into_response()
}

async fn add_note(
    State(s): State<Arc<MockState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    if let Err(r) = s.require(&headers, "x-api-key", ACME_KEY) {
        return r;
    }
    if let Some(previous) = s.replay(&headers) {
        return (StatusCode::CREATED, Json(previous)).into_response();
    }
    let Some(text) = body["text"].as_str() else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"error": "text is required"})),
        )
            .into_response();
    };
    let mut notes = s.notes.lock().unwrap();
    let note = json!({"id": format!("n_{}", notes.len() + 1), "contact_id": id, "text": text});
    notes.push(note.clone());
    let response = json!({"note": note});
    s.remember(&headers, &response);
    s.count(|st| st.notes_created += 1);
    (StatusCode::CREATED, Json(response)).into_response()
}
