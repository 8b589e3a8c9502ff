//! Outbound HTTP: the guarded, retrying client, authentication with OAuth refresh, and
//! redaction of secrets from what gets logged.

mod auth;
mod backoff;
mod client;
mod guard;
mod headers;
mod message;
mod oauth;
mod redact;
mod redirect;
mod retry;
pub mod tls;

pub use auth::{call_app, CallError, Called};
pub use backoff::{AccountBackoff, DEFAULT_BACKOFF, SHARED_HOLD_CACHE};
pub use client::{HttpConfig, OutboundClient, Throttle};
pub use guard::{AddressPolicy, RefusedAddress};
pub use headers::basic_header;
pub use message::{Confidential, OutboundError, OutboundRequest, OutboundResponse, RequestBody};
pub use oauth::{token_request, RefreshError, TokenRefresher};
pub use redact::Redactor;
pub use retry::{is_transient_status, parse_retry_after, RetryPolicy};
