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
pub struct Tally(Arc<Mutex<Counted>>);

/// Requests by operation, and the DynamoDB capacity units they used (what on-demand
/// tables are billed by).
#[derive(Debug, Clone, Default)]
pub struct Counted {
    pub requests: BTreeMap<String, u64>,
    pub read_units: u64,
    pub write_units: u64,
}

impl Tally {
    /// What was counted since the last take.
    pub fn take_all(&self) -> Counted {
        std::mem::take(&mut self.0.lock().unwrap())
    }

    /// The requests by operation since the last take.
    pub fn take(&self) -> BTreeMap<String, u64> {
        self.take_all().requests
    }
}

/// An item's size as DynamoDB bills it, near enough: its attribute names and values
/// as bytes (the JSON wire form adds type tags and quotes, which are left out).
fn item_bytes(item: &serde_json::Value) -> u64 {
    let Some(map) = item.as_object() else {
        return 0;
    };
    map.iter()
        .map(|(name, value)| name.len() as u64 + value_bytes(value))
        .sum()
}

fn value_bytes(typed: &serde_json::Value) -> u64 {
    let Some((_, v)) = typed.as_object().and_then(|m| m.iter().next()) else {
        return 0;
    };
    match v {
        serde_json::Value::String(s) => s.len() as u64,
        serde_json::Value::Bool(_) | serde_json::Value::Null => 1,
        serde_json::Value::Array(a) => a.iter().map(value_bytes).sum::<u64>() + 3,
        serde_json::Value::Object(_) => item_bytes(v) + 3,
        serde_json::Value::Number(_) => 8,
    }
}

/// Capacity units of one DynamoDB request: writes by the KB of each item written
/// (twice in a transaction), strongly consistent reads by the 4 KB of each item read.
fn units(operation: &str, request: &[u8], response: &[u8]) -> (u64, u64) {
    let parse = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).unwrap_or_default();
    let kb = |bytes: u64, per: u64| bytes.div_ceil(per).max(1);
    let (req, resp) = (parse(request), parse(response));
    match operation {
        "dynamodb:GetItem" => (resp.get("Item").map_or(1, |i| kb(item_bytes(i), 4096)), 0),
        "dynamodb:BatchGetItem" => (
            resp["Responses"]
                .as_object()
                .into_iter()
                .flat_map(|t| t.values())
                .flat_map(|items| items.as_array().into_iter().flatten())
                .map(|i| kb(item_bytes(i), 4096))
                .sum(),
            0,
        ),
        "dynamodb:Query" => {
            let bytes: u64 = resp["Items"]
                .as_array()
                .into_iter()
                .flatten()
                .map(item_bytes)
                .sum();
            (kb(bytes, 4096), 0)
        }
        "dynamodb:PutItem" => (0, kb(item_bytes(&req["Item"]), 1024)),
        // Counters and small records: the item as updated is not in the request.
        "dynamodb:UpdateItem" | "dynamodb:DeleteItem" => (0, 1),
        "dynamodb:TransactWriteItems" => (
            0,
            req["TransactItems"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|step| {
                    2 * step
                        .get("Put")
                        .map_or(1, |p| kb(item_bytes(&p["Item"]), 1024))
                })
                .sum(),
        ),
        _ => (0, 0),
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
        client: junction_tests::http::client(),
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
    let request_body = body.clone();
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
            let (read, write) = units(&operation, &request_body, &bytes);
            let mut counted = proxy.tally.0.lock().unwrap();
            *counted.requests.entry(operation).or_default() += 1;
            counted.read_units += read;
            counted.write_units += write;
            drop(counted);
            (status, out, bytes).into_response()
        }
        Err(e) => (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    }
}
