//! What an outbound call sends and gets back: the rendered request (with what of it
//! must stay at its origin), the response read to its end, and why there was none.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde_json::Value;

use super::guard::RefusedAddress;
use crate::definition::HttpMethod;

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestBody {
    Json(Value),
    Form(Vec<(String, String)>),
}

/// One outbound request, fully rendered.
#[derive(Debug, Clone)]
pub struct OutboundRequest {
    pub method: HttpMethod,
    pub url: url::Url,
    pub headers: Vec<(String, String)>,
    pub body: Option<RequestBody>,
    /// What must not follow a redirect to another origin.
    pub confidential: Confidential,
    /// How long this request may take, instead of the client's timeout.
    pub timeout: Option<Duration>,
}

/// A response read to the end (within the size cap).
#[derive(Debug, Clone)]
pub struct OutboundResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// Attempts it took, retries included.
    pub attempts: u32,
}

impl OutboundResponse {
    /// The body as JSON; a non-JSON body becomes a string, an empty one null.
    pub fn json(&self) -> Value {
        if self.body.is_empty() {
            return Value::Null;
        }
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&self.body).into_owned()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Why an outbound call produced no usable response.
#[derive(Debug, Clone, thiserror::Error)]
pub enum OutboundError {
    #[error(transparent)]
    Refused(#[from] RefusedAddress),
    #[error("the request is invalid: {0}")]
    InvalidRequest(String),
    #[error("the response is larger than the {limit} byte limit")]
    TooLarge { limit: usize },
    #[error("gave up after {attempts} attempts: {last}")]
    Exhausted {
        attempts: u32,
        /// The last HTTP status, when the server answered at all.
        status: Option<u16>,
        /// When the server asked to be called again, if it said.
        retry_after: Option<Duration>,
        last: String,
        /// The last answer's body, for the step log.
        body: Option<Bytes>,
    },
}

impl OutboundError {
    /// Worth retrying later (through the queue): timeouts, 429 and 5xx.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Exhausted { .. })
    }
}

/// What a request carries that must stay at its origin.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Confidential {
    /// Header names the app's authentication added.
    pub headers: Vec<String>,
    /// Query parameter names the app's authentication added.
    pub query: Vec<String>,
    /// The body holds secrets (an OAuth token request): it is never sent elsewhere.
    pub body: bool,
}

impl Confidential {
    pub fn is_empty(&self) -> bool {
        self.headers.is_empty() && self.query.is_empty() && !self.body
    }
}
