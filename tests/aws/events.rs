//! AWS event documents as Lambda delivers them (the shapes of the AWS documentation's
//! samples), turned into the runtime crates' types.

use serde_json::{json, Map, Value};

/// An API Gateway HTTP API (payload 2.0) request; Function URLs send the same shape
/// with their own domain.
pub fn http_v2(
    domain: &str,
    method: &str,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> lambda_http::Request {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let mut h = Map::new();
    for (k, v) in headers {
        h.insert(k.to_lowercase(), Value::String(v.to_string()));
    }
    h.entry("host").or_insert(json!(domain));
    let event = json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": h,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": domain.split('.').next().unwrap(),
            "domainName": domain,
            "domainPrefix": domain.split('.').next().unwrap(),
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7", "userAgent": "junction-tests"},
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "routeKey": "$default",
            "stage": "$default",
            "time": "28/Nov/2026:19:00:00 +0000",
            "timeEpoch": 1795892400000u64
        },
        "body": body,
        "isBase64Encoded": false
    });
    lambda_http::request::from_str(&event.to_string()).expect("a valid HTTP API v2 event")
}

pub const API_DOMAIN: &str = "r3pmxmplak.execute-api.us-east-1.amazonaws.com";
pub const HOOKS_DOMAIN: &str = "abcdefg123.lambda-url.us-east-1.on.aws";

/// The EventBridge "Scheduled Event" a rate(1 minute) rule sends.
pub fn scheduled(time: &str) -> aws_lambda_events::eventbridge::EventBridgeEvent {
    serde_json::from_value(json!({
        "version": "0",
        "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": time,
        "region": "us-east-1",
        "resources": ["arn:aws:events:us-east-1:123456789012:rule/junction-poller"],
        "detail": {}
    }))
    .expect("a valid scheduled event")
}

/// An SQS event with one record per (message id, receipt, body, receive count).
pub fn sqs(records: &[(String, String, String, u32)]) -> aws_lambda_events::sqs::SqsEvent {
    let records: Vec<Value> = records
        .iter()
        .map(|(id, receipt, body, count)| {
            json!({
                "messageId": id,
                "receiptHandle": receipt,
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": count.to_string(),
                    "SentTimestamp": "1795892400000",
                    "SenderId": "AIDAIENQZJOLO23YVJ4VO",
                    "ApproximateFirstReceiveTimestamp": "1795892400010"
                },
                "messageAttributes": {},
                "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:junction-runs",
                "awsRegion": "us-east-1"
            })
        })
        .collect();
    serde_json::from_value(json!({ "Records": records })).expect("a valid SQS event")
}

/// Receives what the queue holds, as the SQS event source would hand it over.
pub async fn drain(
    client: &aws_sdk_sqs::Client,
    queue_url: &str,
) -> aws_lambda_events::sqs::SqsEvent {
    let out = client
        .receive_message()
        .queue_url(queue_url)
        .max_number_of_messages(10)
        .message_system_attribute_names(
            aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount,
        )
        .send()
        .await
        .unwrap();
    let records: Vec<(String, String, String, u32)> = out
        .messages
        .unwrap_or_default()
        .into_iter()
        .map(|m| {
            let count = m
                .attributes
                .as_ref()
                .and_then(|a| {
                    a.get(&aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount)
                })
                .and_then(|c| c.parse().ok())
                .unwrap_or(1);
            (
                m.message_id.unwrap(),
                m.receipt_handle.unwrap(),
                m.body.unwrap(),
                count,
            )
        })
        .collect();
    sqs(&records)
}

/// Sends a lambda_http request through a router; status and body.
pub async fn call(router: &axum::Router, request: lambda_http::Request) -> (u16, Value) {
    use tower::ServiceExt;
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, body)
}
