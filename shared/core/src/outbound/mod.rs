//! Outbound HTTP: the guarded, retrying client, authentication with OAuth refresh, and
//! redaction of secrets from what gets logged.

mod auth;
mod backoff;
mod client;
mod guard;
mod oauth;
mod redact;
mod redirect;
mod retry;

pub use auth::{basic_header, call_app, CallError, Called};
pub use backoff::{AccountBackoff, DEFAULT_BACKOFF, SHARED_HOLD_CACHE};
pub use client::{
    HttpConfig, OutboundClient, OutboundError, OutboundRequest, OutboundResponse, RequestBody,
    Throttle,
};
pub use guard::{AddressPolicy, RefusedAddress};
pub use oauth::{token_request, RefreshError, TokenRefresher};
pub use redact::Redactor;
pub use redirect::Confidential;
pub use retry::{is_transient_status, parse_retry_after, RetryPolicy};
