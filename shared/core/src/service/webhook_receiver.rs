//! Receiving a third-party webhook delivery at an integration's URL: find the
//! integration by the URL's token, answer the app's handshake, check the signature on
//! the raw body, and queue one run per matching block, once per delivery id. The
//! answer comes only after the runs are recorded and queued.

use reqwest::header::HeaderMap;
use serde_json::{json, Map, Value};
use subtle::ConstantTimeEq;

use super::webhook_token::WebhookToken;
use super::webhooks::subscription_key;
use super::{Junction, ServiceError};
use crate::definition::{Handshake, Trigger, ValueAt};
use crate::engine::get_path;
use crate::ports::{RunQueue, Store, Vault};
use crate::template::Context;
use crate::webhooks::verify;

/// A delivery as it arrived.
#[derive(Debug, Clone, Default)]
pub struct Delivery {
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// What to answer the app.
#[derive(Debug, Clone, PartialEq)]
pub enum WebhookReply {
    /// A handshake's answer.
    Challenge {
        content_type: &'static str,
        body: String,
    },
    /// The runs the delivery started; `duplicate` when its id was seen before.
    Accepted {
        run_ids: Vec<String>,
        duplicate: bool,
    },
}

/// Words in a header's name that say it holds a credential or a signature.
const SECRET_WORDS: [&str; 8] = [
    "authorization",
    "cookie",
    "signature",
    "secret",
    "token",
    "api-key",
    "apikey",
    "password",
];

/// Whether a header's name (lower case, as `HeaderMap` keeps it) holds one of the
/// [`SECRET_WORDS`]. Only where a word can start is it compared: a `contains` per word
/// and header was 2% of a webhook run's instructions.
fn names_a_secret(name: &str) -> bool {
    let name = name.as_bytes();
    (0..name.len()).any(|at| {
        matches!(name[at], b'a' | b'c' | b's' | b't' | b'p')
            && SECRET_WORDS
                .iter()
                .any(|w| name[at..].starts_with(w.as_bytes()))
    })
}

/// Headers a flow may read from `trigger.headers`: the run stores and shows them, so
/// credentials, cookies, signatures (the scheme's own header, whatever its name) and
/// anything named like a secret stay out.
fn visible_headers(headers: &HeaderMap, signature: &[&str]) -> Value {
    let mut out = Map::new();
    for (name, value) in headers {
        let name = name.as_str();
        if names_a_secret(name) || signature.iter().any(|s| s.eq_ignore_ascii_case(name)) {
            continue;
        }
        if let Ok(v) = value.to_str() {
            out.insert(name.to_string(), Value::String(v.to_string()));
        }
    }
    Value::Object(out)
}

/// The body as JSON, a form as an object, anything else as text.
fn parse_body(headers: &HeaderMap, body: &[u8]) -> Value {
    if body.is_empty() {
        return Value::Null;
    }
    let form = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if form {
        return Value::Object(
            url::form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                .collect(),
        );
    }
    serde_json::from_slice(body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()))
}

fn value_at(at: &Option<ValueAt>, headers: &HeaderMap, body: &Value) -> Option<String> {
    match at.as_ref()? {
        ValueAt::Header(name) => headers
            .get(name.as_str())
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        ValueAt::Body(path) => match get_path(body, path)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        },
    }
    .filter(|v| !v.is_empty() && v.len() <= 500)
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    /// Answers a delivery to `/hooks/{token}`, and counts how it was answered.
    pub async fn receive_webhook(
        &self,
        token: &str,
        delivery: Delivery,
    ) -> Result<WebhookReply, ServiceError> {
        use crate::telemetry::{webhook_delivery, Delivery as Counted};
        let reply = self.answer_webhook(token, delivery).await;
        match &reply {
            Ok(WebhookReply::Accepted { duplicate, .. }) => webhook_delivery(if *duplicate {
                Counted::Duplicate
            } else {
                Counted::Accepted
            }),
            Err(ServiceError::Unauthorized | ServiceError::NotFound(_)) => {
                webhook_delivery(Counted::Refused)
            }
            _ => {}
        }
        reply
    }

    async fn answer_webhook(
        &self,
        token: &str,
        delivery: Delivery,
    ) -> Result<WebhookReply, ServiceError> {
        let not_found = || ServiceError::NotFound("webhook URL".into());
        let hash = WebhookToken::parse(token).ok_or_else(not_found)?.hash();
        let integration = self
            .store
            .integration_by_webhook_token(&hash)
            .await?
            .ok_or_else(not_found)?;
        let app_id = integration
            .webhooks
            .iter()
            .find(|(_, s)| bool::from(s.token_hash.as_bytes().ct_eq(hash.as_bytes())))
            .map(|(app, _)| app.clone())
            .ok_or_else(not_found)?;
        let ws = integration.workspace_id.clone();
        // The catalog runs use (read at most once a second): a delivery then costs no
        // read and no parse of the app definition.
        let apps = self.runtime_catalog_having(&ws, [app_id.as_str()]).await?;
        let app = apps
            .get(&app_id)
            .ok_or_else(|| ServiceError::NotFound(format!("app '{app_id}'")))?;
        let spec = app.webhook.clone().unwrap_or_default();

        if let Some(Handshake::EchoQuery { param }) = &spec.handshake {
            if let Some((_, value)) = delivery.query.iter().find(|(k, _)| k == param) {
                return Ok(WebhookReply::Challenge {
                    content_type: "text/plain; charset=utf-8",
                    body: value.clone(),
                });
            }
        }
        if let (Some(scheme), Some(secret)) = (&spec.signature, &spec.secret) {
            // Only apps that subscribe have an answer in the vault (one read saved).
            let stored = match spec.subscribe {
                Some(_) => {
                    self.vault
                        .get(&subscription_key(&ws, &integration.id, &app_id))
                        .await?
                }
                None => None,
            };
            let subscription = stored
                .and_then(|bytes| serde_json::from_slice(&bytes).ok())
                .unwrap_or(Value::Null);
            let ctx = Context::from_json(
                &json!({"setup": integration.setup, "subscription": subscription}),
            );
            let secret = match self.templates.render_str(secret, &ctx) {
                Ok(Value::String(s)) if !s.is_empty() => s,
                _ => {
                    tracing::warn!(integration = %integration.id, app = %app_id, "no webhook signing secret for this integration; the delivery is refused");
                    return Err(ServiceError::Unauthorized);
                }
            };
            let now = self.clock.now().timestamp();
            if let Err(e) = verify(scheme, &secret, &delivery.headers, &delivery.body, now) {
                tracing::info!(integration = %integration.id, app = %app_id, reason = %e, "webhook delivery refused");
                return Err(ServiceError::Unauthorized);
            }
        }
        let body = parse_body(&delivery.headers, &delivery.body);
        if spec.handshake == Some(Handshake::SlackUrlVerification)
            && body.get("type").and_then(Value::as_str) == Some("url_verification")
        {
            let challenge = body.get("challenge").and_then(Value::as_str).unwrap_or("");
            return Ok(WebhookReply::Challenge {
                content_type: "application/json",
                body: json!({ "challenge": challenge }).to_string(),
            });
        }
        if !integration.enabled {
            tracing::info!(integration = %integration.id, "webhook delivery for a disabled integration starts nothing");
            return Ok(WebhookReply::Accepted {
                run_ids: Vec::new(),
                duplicate: false,
            });
        }
        let event = value_at(&spec.event_type, &delivery.headers, &body);
        let delivery_id = value_at(&spec.delivery_id, &delivery.headers, &body);
        let Some(flow) = self
            .flow_version(&ws, &integration.flow_id, integration.flow_version)
            .await?
        else {
            return Err(ServiceError::Unknown(anyhow::anyhow!(
                "integration {} names a missing flow version",
                integration.id
            )));
        };
        let trigger = json!({
            "body": body,
            "event": event,
            "delivery_id": delivery_id,
            "headers": visible_headers(
                &delivery.headers,
                &spec
                    .signature
                    .as_ref()
                    .map(|s| s.signature_headers())
                    .unwrap_or_default(),
            ),
            "query": delivery
                .query
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect::<Map<String, Value>>(),
        });
        let blocks = flow.definition.blocks.iter().filter(|block| {
            let Trigger::Webhook { app, events } = &block.trigger else {
                return false;
            };
            let wanted = events.is_empty()
                || event
                    .as_ref()
                    .is_some_and(|e| events.iter().any(|w| w == e));
            app == &app_id && wanted
        });
        // The claims, run records and messages of one delivery share a commit; the
        // answer waits for it.
        // Boxed: the handler's future stays small to move.
        let queued = self.together(Box::pin(async {
            let mut run_ids = Vec::new();
            let mut duplicate = false;
            for block in blocks {
                let (run_id, fresh) = self
                    .queue_run_once(
                        &integration,
                        &block.id,
                        trigger.clone(),
                        delivery_id.as_deref(),
                    )
                    .await?;
                duplicate |= !fresh;
                run_ids.push(run_id);
            }
            Ok::<_, ServiceError>(WebhookReply::Accepted { run_ids, duplicate })
        }));
        queued.await
    }
}

#[cfg(test)]
mod tests {
    use super::{names_a_secret, SECRET_WORDS};

    #[test]
    fn a_header_naming_a_secret_anywhere_is_one() {
        // Every word starts with a letter the quick check looks for.
        for word in SECRET_WORDS {
            assert!(matches!(
                word.as_bytes()[0],
                b'a' | b'c' | b's' | b't' | b'p'
            ));
        }
        for name in [
            "authorization",
            "proxy-authorization",
            "cookie",
            "set-cookie",
            "x-hub-signature-256",
            "x-webhook-secret",
            "x-auth-token",
            "x-api-key",
            "x-apikey",
            "password",
            "tokens",
        ] {
            assert!(names_a_secret(name), "{name}");
        }
        for name in [
            "content-type",
            "webhook-id",
            "user-agent",
            "x-request-id",
            "x-tok",
            "",
            "a",
            "p",
        ] {
            assert!(!names_a_secret(name), "{name}");
            assert!(!SECRET_WORDS.iter().any(|w| name.contains(w)));
        }
    }
}
