//! The mock mailing-list app: OAuth 2.0 token endpoint with a grant per consent and
//! rotating refresh tokens, bearer auth, cursor pagination, idempotent member creation.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::grants::Refused;
use super::{MockState, MAILBIRD_CLIENT_ID, MAILBIRD_CLIENT_SECRET};

/// Items per page, small so pagination shows in the walk-through.
const PAGE: usize = 2;

pub fn router() -> Router<Arc<MockState>> {
    Router::new()
        .route("/oauth/authorize", get(authorize))
        .route("/oauth/token", post(token))
        .route("/oauth/revoke", post(revoke))
        .route("/api/account", get(account))
        .route("/api/lists", get(lists))
        .route("/api/lists/{list}/members", get(members).post(add_member))
        .route(
            "/api/lists/{list}/members/{member}",
            get(member).patch(update_member),
        )
        .route("/api/lists/{list}/merge-fields", get(merge_fields))
}

pub(super) fn authorized(s: &MockState, headers: &HeaderMap) -> Result<(), Response> {
    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    s.admit(bearer.is_some_and(|token| s.grants.lock().unwrap().accepts(token)))
}

/// The consent screen. A browser (it asks for HTML) sees a page with Allow and Deny;
/// a script (curl in the walk-through, the tests) is approved at once. Approval
/// redirects back with a code bound to the PKCE challenge and the redirect URI.
async fn authorize(
    State(s): State<Arc<MockState>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let browser = headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    match q.get("decision").map(String::as_str) {
        None if browser => return super::consent::page("Mailbird", &q),
        Some("deny") => return super::consent::denied(&q),
        _ => {}
    }
    s.seen();
    let (Some(redirect), Some(state), Some(challenge)) = (
        q.get("redirect_uri"),
        q.get("state"),
        q.get("code_challenge"),
    ) else {
        return (
            StatusCode::BAD_REQUEST,
            "redirect_uri, state and code_challenge are required",
        )
            .into_response();
    };
    let known_client = q.get("client_id").map(String::as_str) == Some(MAILBIRD_CLIENT_ID);
    let s256 = q.get("code_challenge_method").map(String::as_str) == Some("S256");
    if !known_client || !s256 || q.get("response_type").map(String::as_str) != Some("code") {
        return (
            StatusCode::BAD_REQUEST,
            "unknown client or unsupported request",
        )
            .into_response();
    }
    let mut codes = s.codes.lock().unwrap();
    let code = format!("code-{}", codes.len() + 1);
    codes.insert(code.clone(), (challenge.clone(), redirect.clone()));
    let Ok(mut target) = url::Url::parse(redirect) else {
        return (StatusCode::BAD_REQUEST, "redirect_uri is not a URL").into_response();
    };
    target
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", state);
    (
        StatusCode::FOUND,
        [(axum::http::header::LOCATION, target.to_string())],
    )
        .into_response()
}

/// Refresh tokens rotate; authorization codes are single use and checked against the
/// PKCE challenge and redirect URI they were issued for.
async fn token(
    State(s): State<Arc<MockState>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let answer = exchange(&s, &form);
    // A slow provider: the old refresh token is already spent while the caller waits.
    let slow = s.slow_token_ms.load(std::sync::atomic::Ordering::SeqCst);
    if slow > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(slow)).await;
    }
    answer
}

fn exchange(s: &MockState, form: &HashMap<String, String>) -> Response {
    s.seen();
    let client_ok = form.get("client_id").map(String::as_str) == Some(MAILBIRD_CLIENT_ID)
        && form.get("client_secret").map(String::as_str) == Some(MAILBIRD_CLIENT_SECRET);
    if !client_ok {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let grant_error = |d: &str| {
        (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant", "error_description": d})),
        )
            .into_response()
    };
    let (access, refresh) = match form.get("grant_type").map(String::as_str) {
        Some("refresh_token") => {
            let sent = form.get("refresh_token").cloned().unwrap_or_default();
            match s.grants.lock().unwrap().rotate(&sent) {
                Ok(pair) => pair,
                Err(Refused::Reused) => {
                    s.count(|st| st.refresh_reuses += 1);
                    return grant_error("refresh token was already used; the grant is revoked");
                }
                Err(Refused::Unknown) => return grant_error("refresh token is not valid"),
            }
        }
        Some("authorization_code") => {
            let issued = form
                .get("code")
                .and_then(|c| s.codes.lock().unwrap().remove(c));
            let Some((challenge, redirect)) = issued else {
                return grant_error("unknown or used code");
            };
            use base64::Engine as _;
            use sha2::Digest as _;
            let verifier = form.get("code_verifier").cloned().unwrap_or_default();
            let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(sha2::Sha256::digest(verifier.as_bytes()));
            if computed != challenge || form.get("redirect_uri") != Some(&redirect) {
                return grant_error("PKCE verifier or redirect_uri mismatch");
            }
            // Each consent is a grant of its own, as at a real provider.
            s.grants.lock().unwrap().issue()
        }
        _ => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": "unsupported_grant_type"})),
            )
                .into_response()
        }
    };
    s.count(|st| st.token_refreshes += 1);
    let lifetime = s.token_lifetime_s.load(std::sync::atomic::Ordering::SeqCst);
    Json(json!({"access_token": access, "refresh_token": refresh, "expires_in": lifetime, "token_type": "bearer"})).into_response()
}

/// The user removes the app in Mailbird's settings: every token it holds stops working,
/// and only a new consent connects again (the account then needs reconnecting).
async fn revoke(State(s): State<Arc<MockState>>) -> Response {
    s.grants.lock().unwrap().revoke_all();
    StatusCode::NO_CONTENT.into_response()
}

async fn account(State(s): State<Arc<MockState>>, headers: HeaderMap) -> Response {
    if let Err(r) = authorized(&s, &headers) {
        return r;
    }
    Json(json!({"account_name": "Demo Newsletter Co"})).into_response()
}

/// One cursor page of `items`: the cursor is the index of the next item.
fn page(items: &[Value], cursor: Option<&String>, size: usize) -> (Vec<Value>, Value) {
    let start: usize = cursor.and_then(|c| c.parse().ok()).unwrap_or(0);
    let end = (start + size).min(items.len());
    let next = if end < items.len() {
        json!(end.to_string())
    } else {
        Value::Null
    };
    (items.get(start..end).unwrap_or_default().to_vec(), next)
}

async fn lists(
    State(s): State<Arc<MockState>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = authorized(&s, &headers) {
        return r;
    }
    let (items, next) = page(&s.lists, q.get("cursor"), PAGE);
    Json(json!({"lists": items, "next_cursor": next})).into_response()
}

fn known_list(s: &MockState, list: &str) -> Result<(), Response> {
    if s.lists.iter().any(|l| l["id"] == list) {
        Ok(())
    } else {
        Err((
            StatusCode::NOT_FOUND,
            Json(json!({"error": format!("no list {list}")})),
        )
            .into_response())
    }
}

async fn members(
    State(s): State<Arc<MockState>>,
    headers: HeaderMap,
    Path(list): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = authorized(&s, &headers).and_then(|_| known_list(&s, &list)) {
        return r;
    }
    let all = s.members.lock().unwrap();
    let matching: Vec<Value> = all
        .get(&list)
        .into_iter()
        .flatten()
        .filter(|m| q.get("status").is_none_or(|st| m["status"] == st.as_str()))
        .cloned()
        .collect();
    let (items, next) = page(&matching, q.get("cursor"), PAGE);
    Json(json!({"members": items, "next_cursor": next})).into_response()
}

async fn member(
    State(s): State<Arc<MockState>>,
    headers: HeaderMap,
    Path((list, id)): Path<(String, String)>,
) -> Response {
    if let Err(r) = authorized(&s, &headers).and_then(|_| known_list(&s, &list)) {
        return r;
    }
    let all = s.members.lock().unwrap();
    match all
        .get(&list)
        .into_iter()
        .flatten()
        .find(|m| m["id"] == id.as_str())
    {
        Some(m) => Json(m.clone()).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": format!("no member {id}")})),
        )
            .into_response(),
    }
}

async fn merge_fields(
    State(s): State<Arc<MockState>>,
    headers: HeaderMap,
    Path(list): Path<String>,
) -> Response {
    if let Err(r) = authorized(&s, &headers).and_then(|_| known_list(&s, &list)) {
        return r;
    }
    Json(json!({"merge_fields": [{"tag": "FNAME", "name": "First name"}, {"tag": "LNAME", "name": "Last name"}, {"tag": "COMPANY", "name": "Company"}]})).into_response()
}

async fn add_member(
    State(s): State<Arc<MockState>>,
    headers: HeaderMap,
    Path(list): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    if let Err(r) = authorized(&s, &headers).and_then(|_| known_list(&s, &list)) {
        return r;
    }
    let failing = s.fail_member_adds.load(Ordering::SeqCst);
    if failing > 0 {
        s.fail_member_adds.store(failing - 1, Ordering::SeqCst);
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"error": "try again"})),
        )
            .into_response();
    }
    if let Some(previous) = s.replay(&headers) {
        return (StatusCode::OK, Json(previous)).into_response();
    }
    let Some(email) = body["email_address"].as_str().filter(|e| e.contains('@')) else {
        return (StatusCode::BAD_REQUEST, Json(json!({"title": "Invalid Resource", "detail": "email_address must be an email address"}))).into_response();
    };
    let member = {
        let mut all = s.members.lock().unwrap();
        let members = all.entry(list.clone()).or_default();
        let member = json!({
            "id": format!("m_{}", members.len() + 1),
            "email_address": email,
            "status": body["status"].as_str().unwrap_or("subscribed"),
            "merge_fields": body["merge_fields"],
            "tags": body["tags"],
            "list_id": list,
        });
        members.push(member.clone());
        member
    };
    s.remember(&headers, &member);
    s.count(|st| st.members_created += 1);
    let stall = s.stall_next_member_add.swap(0, Ordering::SeqCst);
    if stall > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(stall)).await;
    }
    Json(member).into_response()
}

/// Changes a member's merge fields through the API. Like real providers, Mailbird
/// reports the change to its webhook subscribers a moment after it answers, even
/// when the change was the subscriber's own.
async fn update_member(
    State(s): State<Arc<MockState>>,
    headers: HeaderMap,
    Path((list, id)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> Response {
    if let Err(r) = authorized(&s, &headers).and_then(|_| known_list(&s, &list)) {
        return r;
    }
    let Some(fields) = body["merge_fields"].as_object() else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"title": "Invalid Resource", "detail": "merge_fields must be an object"})),
        )
            .into_response();
    };
    let Some(member) = super::mailbird_hooks::change_member(&s, &list, &id, fields) else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": format!("no member {id}")})),
        )
            .into_response();
    };
    s.count(|st| st.members_updated += 1);
    let later = s.clone();
    let reported = member.clone();
    tokio::spawn(async move {
        // Providers queue deliveries: they arrive a moment after the answer, not before.
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        super::mailbird_hooks::report_update(&later, &reported).await;
    });
    Json(member).into_response()
}
