//! App definitions: a web application Junction calls, described as data.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::auth::AuthScheme;
use super::pagination::Pagination;
use super::request::{InputSpec, RequestTemplate};
use super::webhook::WebhookSpec;

/// An app: base URL, authentication, and the named queries and actions flows use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppDefinition {
    /// Stable identifier, lowercase letters, digits, `-` and `_`.
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The app's icon for the marketplace: an `https:` (or `http:`) URL or a
    /// `data:image/...` URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// The app's brand colour for the marketplace, `#rgb` or `#rrggbb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Every request path is relative to this URL.
    pub base_url: String,
    pub auth: AuthScheme,
    /// Origins besides `base_url`'s (`https://uploads.example.com`) that may receive the
    /// account's credentials. A request anywhere else is refused before it is sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credential_origins: Vec<String>,
    /// Checks credentials when an account connects; its answer labels the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<CredentialTest>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub queries: BTreeMap<String, QueryDefinition>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub actions: BTreeMap<String, ActionDefinition>,
    /// Header that carries an idempotency key on actions, when the app supports one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_header: Option<String>,
    /// How the app delivers webhooks, for flows with webhook triggers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<WebhookSpec>,
    /// The app's published limit: Junction paces calls to stay under it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    /// How long one request to the app may take (`10s`, `1m`; default 30 s, at most
    /// 5 minutes); a query or action may set its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
}

impl AppDefinition {
    /// Whether the account's credentials may go to `url`: its scheme, host and port are
    /// those of `base_url` or of one of `credential_origins`.
    pub fn takes_credentials_at(&self, url: &url::Url) -> bool {
        self.takes_credentials_from(&url.origin())
    }

    /// The same, for an origin.
    pub fn takes_credentials_from(&self, origin: &url::Origin) -> bool {
        std::iter::once(&self.base_url)
            .chain(&self.credential_origins)
            .any(|allowed| url::Url::parse(allowed).is_ok_and(|a| &a.origin() == origin))
    }

    /// The origin the account's credentials belong to, for messages.
    /// The timeout of a request to this app: the query's or action's own, else the
    /// app's, else none (the client's default). Validation has checked both parse.
    pub fn request_timeout(&self, own: Option<&str>) -> Option<std::time::Duration> {
        own.or(self.timeout.as_deref())
            .and_then(|t| humantime::parse_duration(t).ok())
    }

    pub fn credential_origin(&self) -> String {
        url::Url::parse(&self.base_url)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_else(|_| self.base_url.clone())
    }
}

/// The request that proves credentials work, and how to name the account from its answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CredentialTest {
    pub request: RequestTemplate,
    /// Template over `response`, e.g. `{{ response.email }}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// Pulls data from one endpoint, across pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QueryDefinition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<InputSpec>,
    pub request: RequestTemplate,
    /// Dot path of the item list in the response; without it the whole body is the output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<String>,
    /// Dot path of an item's id (used by polls to find new items).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    /// Upper bound on pages fetched in one call.
    #[serde(default = "default_max_pages")]
    pub max_pages: u32,
    /// How long each of its requests may take, instead of the app's `timeout`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
}

/// At most `requests` calls per `per` (`1s`, `1m`), counted per account, or with
/// `scope: app` for all of the workspace's accounts together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub requests: u32,
    pub per: String,
    #[serde(default)]
    pub scope: RateScope,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RateScope {
    /// Each connected account has the whole limit.
    #[default]
    Account,
    /// The workspace's accounts of the app share it (the app limits the client).
    App,
}

impl RateLimit {
    /// The window's length; validation has checked it parses.
    pub fn window(&self) -> std::time::Duration {
        humantime::parse_duration(&self.per).unwrap_or(std::time::Duration::from_secs(1))
    }
}

/// Pushes data to one endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionDefinition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<InputSpec>,
    pub request: RequestTemplate,
    /// Dot path of the output in the response; without it the whole body is the output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// How long its request may take, instead of the app's `timeout`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// Dot path of the written object's id in the response (e.g. `id`): in a flow
    /// that syncs both ways, what the action wrote is remembered under it, so the
    /// app's report of that change is known as an echo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_id: Option<String>,
}

fn default_max_pages() -> u32 {
    10
}
