//! A counting proxy in front of moto: every AWS request the functions make goes
//! through it and is tallied by operation (`X-Amz-Target`, or the SQS/JSON action),
//! so a test can print what one run costs in AWS requests.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

#[derive(Clone, Default)]
pub struct Tally(Arc<Mutex<BTreeMap<String, u64>>>);

impl Tally {
    pub fn take(&self) -> BTreeMap<String, u64> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

struct Proxy {
    upstream: String,
    client: reqwest::Client,
    tally: Tally,
}

/// Starts the proxy to `upstream` (moto); its URL and the tally.
pub async fn start(upstream: String) -> (String, Tally) {
    let tally = Tally::default();
    let proxy = Arc::new(Proxy {
        upstream,
        client: reqwest::Client::new(),
        tally: tally.clone(),
    });
    let app = axum::Router::new().fallback(forward).with_state(proxy);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, tally)
}

async fn forward(
    State(proxy): State<Arc<Proxy>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let operation = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .map(|t| {
            t.replace("DynamoDB_20120810.", "dynamodb:")
                .replace("AmazonSQS.", "sqs:")
                .replace("secretsmanager.", "secretsmanager:")
        })
        .unwrap_or_else(|| format!("other:{method} {}", uri.path()));
    *proxy.tally.0.lock().unwrap().entry(operation).or_default() += 1;
    let url = format!(
        "{}{}",
        proxy.upstream,
        uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
    );
    let mut request = proxy.client.request(method, url).body(body);
    for (name, value) in &headers {
        if name != "host" && name != "content-length" {
            request = request.header(name, value);
        }
    }
    match request.send().await {
        Ok(r) => {
            let status = StatusCode::from_u16(r.status().as_u16()).unwrap();
            let mut out = HeaderMap::new();
            for (name, value) in r.headers() {
                if name != "content-length" && name != "transfer-encoding" {
                    out.insert(name.clone(), value.clone());
                }
            }
            let bytes = r.bytes().await.unwrap_or_default();
            (status, out, bytes).into_response()
        }
        Err(e) => (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    }
}
