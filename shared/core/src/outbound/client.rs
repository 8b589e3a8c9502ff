//! The one HTTP client every outbound call goes through: address guard, timeouts,
//! response size cap, and bounded retries with backoff that honour `Retry-After`.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, LOCATION, RETRY_AFTER};

use super::guard::{AddressPolicy, GuardedResolver, RefusedAddress};
use super::message::{OutboundError, OutboundRequest, OutboundResponse, RequestBody};
use super::redirect::{next_hop, MAX_REDIRECTS};
use super::retry::{is_transient_status, parse_retry_after, RetryPolicy};

/// Limits and retry behaviour of outbound calls.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Whole-request timeout, body included.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Bodies above this are refused, so one huge answer cannot exhaust a worker.
    pub max_response_bytes: usize,
    pub retry: RetryPolicy,
    pub policy: AddressPolicy,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_response_bytes: 10 * 1024 * 1024,
            retry: RetryPolicy::default(),
            policy: AddressPolicy::public_only(),
        }
    }
}

/// Told when an app asks to slow down, with how long for.
pub trait Throttle: Send + Sync {
    fn slow_down(&self, wait: Duration) -> futures::future::BoxFuture<'_, ()>;
}

/// The shared outbound client.
#[derive(Debug, Clone)]
pub struct OutboundClient {
    inner: reqwest::Client,
    config: Arc<HttpConfig>,
    policy: Arc<AddressPolicy>,
}

/// One attempt's failure, before deciding whether to retry.
enum Attempt {
    Done(OutboundResponse),
    Transient {
        status: Option<u16>,
        retry_after: Option<Duration>,
        message: String,
        body: Option<Bytes>,
    },
}

impl OutboundClient {
    pub fn new(config: HttpConfig) -> anyhow::Result<Self> {
        let policy = Arc::new(config.policy.clone());
        super::tls::use_aws_lc_rs();
        let inner = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .dns_resolver(Arc::new(GuardedResolver {
                policy: policy.clone(),
            }))
            // Redirects are followed in `send_once`, which knows what is a credential.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("junction/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            inner,
            config: Arc::new(config),
            policy,
        })
    }

    pub fn config(&self) -> &HttpConfig {
        &self.config
    }

    /// Sends with retries. Returns any final answer (4xx included: the caller decides);
    /// fails with [`OutboundError::Exhausted`] when transient failures outlast the retries.
    pub async fn send(&self, request: &OutboundRequest) -> Result<OutboundResponse, OutboundError> {
        self.send_with(request, None).await
    }

    /// [`send`](Self::send), telling `throttle` the moment the app asks to slow down
    /// (a 429, or a 503 with `Retry-After`), before this call waits it out or gives up,
    /// so that nothing else calls the app meanwhile.
    pub async fn send_with(
        &self,
        request: &OutboundRequest,
        throttle: Option<&dyn Throttle>,
    ) -> Result<OutboundResponse, OutboundError> {
        self.policy.check_url(&request.url)?;
        let retry = &self.config.retry;
        let mut attempt = 1;
        loop {
            match self.send_once(request).await? {
                Attempt::Done(mut response) => {
                    response.attempts = attempt;
                    return Ok(response);
                }
                Attempt::Transient {
                    status,
                    retry_after,
                    message,
                    body,
                } => {
                    let too_long = retry_after.is_some_and(|d| d > retry.max_inline_wait);
                    let giving_up = attempt >= retry.max_attempts || too_long;
                    let slow_down = match (status, retry_after) {
                        (Some(429 | 503), Some(wait)) => Some(wait),
                        (Some(429), None) if giving_up => Some(super::DEFAULT_BACKOFF),
                        (Some(429), None) => Some(retry.backoff(attempt)),
                        _ => None,
                    };
                    if let (Some(throttle), Some(wait)) = (throttle, slow_down) {
                        throttle.slow_down(wait).await;
                    }
                    if giving_up {
                        return Err(OutboundError::Exhausted {
                            attempts: attempt,
                            status,
                            retry_after,
                            last: message,
                            body,
                        });
                    }
                    let wait = retry_after.unwrap_or_else(|| retry.backoff(attempt));
                    tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, %message, "retrying outbound call");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
            }
        }
    }

    /// One attempt: the request and the redirects it is answered with, each hop checked
    /// by the address guard and stripped of credentials when it leaves the origin.
    async fn send_once(&self, request: &OutboundRequest) -> Result<Attempt, OutboundError> {
        let mut hop = std::borrow::Cow::Borrowed(request);
        for _ in 0..=MAX_REDIRECTS {
            let response = match self.build(&hop)?.send().await {
                Ok(r) => r,
                Err(e) => return self.transport_failure(e, hop.timeout),
            };
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok());
            match next_hop(&hop, response.status().as_u16(), location)? {
                Some(next) => {
                    self.policy.check_url(&next.url)?;
                    hop = std::borrow::Cow::Owned(next);
                }
                None => return self.answer(response, hop.timeout).await,
            }
        }
        Err(OutboundError::InvalidRequest(format!(
            "the app redirected more than {MAX_REDIRECTS} times"
        )))
    }

    /// One hop as reqwest sends it.
    fn build(&self, request: &OutboundRequest) -> Result<reqwest::RequestBuilder, OutboundError> {
        let method = reqwest::Method::from_bytes(request.method.as_str().as_bytes())
            .map_err(|e| OutboundError::InvalidRequest(e.to_string()))?;
        let mut builder = self.inner.request(method, request.url.clone());
        if let Some(timeout) = request.timeout {
            builder = builder.timeout(timeout);
        }
        let mut headers = HeaderMap::new();
        for (name, value) in &request.headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                OutboundError::InvalidRequest(format!("invalid header name '{name}'"))
            })?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                OutboundError::InvalidRequest(format!("invalid value for header '{name}'"))
            })?;
            headers.append(name, value);
        }
        match &request.body {
            Some(RequestBody::Json(v)) => {
                if !headers.contains_key(CONTENT_TYPE) {
                    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                }
                builder = builder.body(serde_json::to_vec(v).unwrap_or_default());
            }
            Some(RequestBody::Form(fields)) => {
                headers.insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                );
                let encoded = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(fields)
                    .finish();
                builder = builder.body(encoded);
            }
            None => {}
        }
        Ok(builder.headers(headers))
    }

    /// Reads a final answer, which is retried later when it is transient.
    async fn answer(
        &self,
        response: reqwest::Response,
        timeout: Option<Duration>,
    ) -> Result<Attempt, OutboundError> {
        let status = response.status().as_u16();
        let response_headers = response.headers().clone();
        let body = match self.read_body(response).await {
            Ok(b) => b,
            Err(ReadError::TooLarge) => {
                return Err(OutboundError::TooLarge {
                    limit: self.config.max_response_bytes,
                })
            }
            Err(ReadError::Transport(e)) => return self.transport_failure(e, timeout),
        };
        if is_transient_status(status) {
            let retry_after = response_headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, SystemTime::now()));
            return Ok(Attempt::Transient {
                status: Some(status),
                retry_after,
                message: format!("HTTP {status}"),
                body: Some(body),
            });
        }
        Ok(Attempt::Done(OutboundResponse {
            status,
            headers: response_headers,
            body,
            attempts: 1,
        }))
    }

    fn transport_failure(
        &self,
        e: reqwest::Error,
        timeout: Option<Duration>,
    ) -> Result<Attempt, OutboundError> {
        if let Some(refused) = find_refusal(&e) {
            return Err(OutboundError::Refused(refused));
        }
        if e.is_builder() || e.is_redirect() {
            return Err(OutboundError::InvalidRequest(describe(e)));
        }
        let message = if e.is_timeout() {
            format!(
                "timed out after {:?}",
                timeout.unwrap_or(self.config.timeout)
            )
        } else {
            describe(e)
        };
        Ok(Attempt::Transient {
            status: None,
            retry_after: None,
            message,
            body: None,
        })
    }

    async fn read_body(&self, mut response: reqwest::Response) -> Result<Bytes, ReadError> {
        let limit = self.config.max_response_bytes;
        if response
            .content_length()
            .is_some_and(|n| n as usize > limit)
        {
            return Err(ReadError::TooLarge);
        }
        let mut buf = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(ReadError::Transport)? {
            if buf.len() + chunk.len() > limit {
                return Err(ReadError::TooLarge);
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(buf.freeze())
    }
}

enum ReadError {
    TooLarge,
    Transport(reqwest::Error),
}

fn find_refusal(e: &reqwest::Error) -> Option<RefusedAddress> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(r) = err.downcast_ref::<RefusedAddress>() {
            return Some(r.clone());
        }
        source = err.source();
    }
    None
}

/// The error chain in one line, without the URL (which may carry an API key).
fn describe(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut parts = vec![e.to_string()];
    let mut source = std::error::Error::source(&e);
    while let Some(err) = source {
        parts.push(err.to_string());
        source = err.source();
    }
    parts.dedup();
    parts.join(": ")
}
