//! The mock apps' in-memory data, counters and auth checks.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::{json, Value};

/// Calls the mock apps have served, by kind, so tests can check effects happened once.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Stats {
    pub requests: u64,
    pub unauthorized: u64,
    pub token_refreshes: u64,
    pub members_created: u64,
    pub idempotent_replays: u64,
    pub notes_created: u64,
    pub contacts_updated: u64,
    pub members_updated: u64,
    pub messages_posted: u64,
    pub webhooks_created: u64,
    pub webhooks_deleted: u64,
    /// Refresh tokens sent again after they were rotated away (each revoked the grant).
    pub refresh_reuses: u64,
}

pub struct MockState {
    pub contacts: Mutex<Vec<Value>>,
    pub lists: Vec<Value>,
    pub members: Mutex<HashMap<String, Vec<Value>>>,
    pub messages: Mutex<Vec<Value>>,
    pub notes: Mutex<Vec<Value>>,
    /// Mailbird's OAuth grants, one token pair per consent.
    pub grants: Mutex<super::grants::Grants>,
    /// Authorization code → (PKCE challenge, redirect URI), until exchanged.
    pub codes: Mutex<HashMap<String, (String, String)>>,
    /// Idempotency key → the response first given for it.
    pub idempotency: Mutex<HashMap<String, Value>>,
    /// Mailbird webhook subscriptions: id, url, events, secret.
    pub webhooks: Mutex<Vec<Value>>,
    /// Deliveries sent so far (their ids are `msg_<n>`).
    pub deliveries: AtomicU64,
    /// Mailbird answers this many member adds with a 500 (before doing anything).
    pub fail_member_adds: std::sync::atomic::AtomicU32,
    /// Mailbird holds its answer to the next member add this long (ms) after the member
    /// was created: the caller times out, or is killed, with the effect done.
    pub stall_next_member_add: AtomicU64,
    /// Makes the next webhook subscription fail with a 422 (tests of failures).
    pub fail_next_subscribe: std::sync::atomic::AtomicBool,
    /// Mailbird answers token requests this late (ms), after rotating the tokens.
    pub slow_token_ms: AtomicU64,
    /// The next authorized call to any app answers 429 with `Retry-After` of this many
    /// seconds (0: none); tests of rate limits set it.
    pub throttle_next_s: AtomicU64,
    /// When each authorized call arrived, and whether it was throttled (HTTP 429).
    pub authorized_calls: Mutex<Vec<(std::time::SystemTime, u16)>>,
    /// How long each access token Mailbird issues lives, in seconds (default 3600).
    pub token_lifetime_s: AtomicU64,
    counters: Mutex<Stats>,
    requests: AtomicU64,
}

impl MockState {
    /// Demo data: 120 Acme contacts, three Mailbird lists with members, a few users.
    pub fn seeded() -> Self {
        let plans = ["free", "pro", "team"];
        let contacts = (1..=120)
            .map(|i| {
                json!({
                    "id": format!("c_{i}"),
                    "email": format!("person{i}@example.com"),
                    "first_name": format!("Person{i}"),
                    "last_name": "Example",
                    "plan": plans[i % 3],
                    "created_at": format!("2026-11-{:02}T09:00:00Z", 1 + i % 28),
                })
            })
            .collect();
        let lists = vec![
            json!({"id": "list_news", "name": "Newsletter"}),
            json!({"id": "list_product", "name": "Product updates"}),
            json!({"id": "list_events", "name": "Events"}),
        ];
        let mut members = HashMap::new();
        members.insert(
            "list_news".to_string(),
            (1..=7)
                .map(|i| json!({"id": format!("m_seed{i}"), "email_address": format!("person{i}@example.com"), "status": if i % 2 == 0 { "unsubscribed" } else { "subscribed" }}))
                .collect(),
        );
        Self {
            contacts: Mutex::new(contacts),
            lists,
            members: Mutex::new(members),
            messages: Mutex::new(Vec::new()),
            notes: Mutex::new(Vec::new()),
            grants: Mutex::new(super::grants::Grants::seeded()),
            idempotency: Mutex::new(HashMap::new()),
            codes: Mutex::new(HashMap::new()),
            webhooks: Mutex::new(Vec::new()),
            deliveries: AtomicU64::new(0),
            fail_next_subscribe: Default::default(),
            slow_token_ms: Default::default(),
            token_lifetime_s: AtomicU64::new(3600),
            throttle_next_s: AtomicU64::new(0),
            authorized_calls: Mutex::new(Vec::new()),
            fail_member_adds: Default::default(),
            stall_next_member_add: AtomicU64::new(0),
            counters: Mutex::new(Stats::default()),
            requests: AtomicU64::new(0),
        }
    }

    pub fn stats(&self) -> Stats {
        let mut s = self.counters.lock().unwrap().clone();
        s.requests = self.requests.load(Ordering::Relaxed);
        s
    }

    pub fn count(&self, f: impl FnOnce(&mut Stats)) {
        f(&mut self.counters.lock().unwrap());
    }

    pub fn seen(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    /// Checks a header against the expected secret; a 401 otherwise.
    pub fn require(&self, headers: &HeaderMap, name: &str, expected: &str) -> Result<(), Response> {
        let given = headers.get(name).and_then(|v| v.to_str().ok());
        self.admit(given == Some(expected))
    }

    /// Counts a call whose credentials were (or were not) good: a 401 for bad ones, and
    /// for good ones the throttling tests ask for.
    pub fn admit(&self, authorized: bool) -> Result<(), Response> {
        self.seen();
        if authorized {
            let throttle = self.throttle_next_s.swap(0, Ordering::SeqCst);
            let status = if throttle > 0 { 429 } else { 200 };
            self.authorized_calls
                .lock()
                .unwrap()
                .push((std::time::SystemTime::now(), status));
            if throttle > 0 {
                return Err((
                    StatusCode::TOO_MANY_REQUESTS,
                    [(axum::http::header::RETRY_AFTER, throttle.to_string())],
                    Json(json!({"message": "slow down"})),
                )
                    .into_response());
            }
            Ok(())
        } else {
            self.count(|s| s.unauthorized += 1);
            Err((
                StatusCode::UNAUTHORIZED,
                Json(json!({"error": "unauthorized", "message": "This key is not valid. Find yours in the app under Settings → API."})),
            )
                .into_response())
        }
    }

    /// The response stored for an idempotency key, if this key was seen before.
    pub fn replay(&self, headers: &HeaderMap) -> Option<Value> {
        let key = headers.get("idempotency-key")?.to_str().ok()?;
        let found = self.idempotency.lock().unwrap().get(key).cloned();
        if found.is_some() {
            self.count(|s| s.idempotent_replays += 1);
        }
        found
    }

    pub fn remember(&self, headers: &HeaderMap, response: &Value) {
        if let Some(key) = headers.get("idempotency-key").and_then(|v| v.to_str().ok()) {
            self.idempotency
                .lock()
                .unwrap()
                .insert(key.to_string(), response.clone());
        }
    }
}
