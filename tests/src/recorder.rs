//! A local HTTP server that records every request that reaches it, for tests that must
//! prove what was (or was never) sent: credentials to the wrong host, repeated effects.
//! Its paths answer as the test needs: `/redirect/{status}?to=URL` redirects (with
//! `&echo=1` it copies the request's own query onto the target, as a careless app might),
//! `.../big?bytes=N` answers a JSON body of about N bytes, anything else `{"ok": true}`.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// Path and query, as sent.
    pub uri: String,
    /// Lowercase names.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct Recorder {
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Recorder {
    /// Listens on a free port of 127.0.0.1.
    pub async fn start() -> Self {
        Self::start_on("127.0.0.1").await
    }

    /// Listens on a free port of `ip` (any of 127.0.0.0/8 is this machine).
    pub async fn start_on(ip: &str) -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(seen.clone());
        let listener = tokio::net::TcpListener::bind((ip, 0))
            .await
            .expect("a free port");
        let url = format!("http://{}", listener.local_addr().expect("bound"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, seen }
    }

    /// Every request so far, oldest first.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("not poisoned").clone()
    }

    /// Requests whose path starts with `prefix`.
    pub fn seen_at(&self, prefix: &str) -> Vec<Seen> {
        self.seen()
            .into_iter()
            .filter(|s| s.uri.starts_with(prefix))
            .collect()
    }
}

async fn answer(State(seen): State<Arc<Mutex<Vec<Seen>>>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 16 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let uri = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    seen.lock().expect("not poisoned").push(Seen {
        method: parts.method.to_string(),
        uri: uri.clone(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    v.to_str().unwrap_or_default().to_string(),
                )
            })
            .collect(),
        body,
    });
    let url = url::Url::parse(&format!("http://recorder{uri}")).expect("a path");
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let path = url.path();
    if let Some(status) = path.strip_prefix("/redirect/") {
        let status = status
            .parse()
            .ok()
            .and_then(|s| StatusCode::from_u16(s).ok())
            .unwrap_or(StatusCode::FOUND);
        let mut to = param("to").unwrap_or_default();
        if param("echo").is_some() {
            let others: Vec<String> = url
                .query_pairs()
                .filter(|(k, _)| k != "to" && k != "echo")
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            to = format!("{to}?{}", others.join("&"));
        }
        return (status, [(header::LOCATION, to)]).into_response();
    }
    if path.ends_with("/big") {
        let bytes: usize = param("bytes").and_then(|b| b.parse().ok()).unwrap_or(0);
        return axum::Json(serde_json::json!({"id": "big", "blob": "x".repeat(bytes)}))
            .into_response();
    }
    axum::Json(serde_json::json!({"ok": true, "id": "rec_1"})).into_response()
}
