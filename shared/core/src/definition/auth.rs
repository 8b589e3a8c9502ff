//! Authentication schemes an app declares for the calls Junction makes to it.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where an API key travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeyLocation {
    Header,
    Query,
}

/// How OAuth client credentials are presented to the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    /// `client_id` and `client_secret` in the form body.
    #[default]
    Body,
    /// HTTP basic authentication with the client id and secret.
    Basic,
}

/// The authentication scheme of an app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum AuthScheme {
    /// Public APIs; nothing is injected.
    None,
    /// A key the user pastes, sent in a header or a query parameter.
    ApiKey {
        #[serde(rename = "in")]
        location: KeyLocation,
        /// Header or query parameter name.
        name: String,
        /// Put before the key, e.g. `"Bearer "`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        prefix: Option<String>,
        /// What the app calls the key, for the connect form (`API token`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
        /// Where the user finds the key, shown under the field.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        help: Option<String>,
    },
    /// HTTP basic authentication with a username and password.
    Basic,
    /// OAuth 2.0 authorization code grant with PKCE and refresh tokens.
    Oauth2 {
        authorize_url: String,
        token_url: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        scopes: Vec<String>,
        #[serde(default = "space")]
        scope_separator: String,
        #[serde(default = "yes")]
        pkce: bool,
        #[serde(default)]
        client_auth: ClientAuth,
        /// Extra parameters some providers want on the authorize URL.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        authorize_params: BTreeMap<String, String>,
    },
}

impl AuthScheme {
    /// Its `type` as definitions write it (`none`, `api_key`, `basic`, `oauth2`).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::None => "none",
            Self::ApiKey { .. } => "api_key",
            Self::Basic => "basic",
            Self::Oauth2 { .. } => "oauth2",
        }
    }
}

fn space() -> String {
    " ".into()
}

fn yes() -> bool {
    true
}

#[cfg(test)]
mod kind_tests {
    use super::AuthScheme;

    /// `kind()` names each scheme as its serialized `type` does.
    #[test]
    fn kind_is_the_serialized_type() {
        for text in [
            r#"{"type": "none"}"#,
            r#"{"type": "api_key", "in": "header", "name": "X-Key"}"#,
            r#"{"type": "basic"}"#,
            r#"{"type": "oauth2", "authorize_url": "https://a.example/auth", "token_url": "https://a.example/token"}"#,
        ] {
            let scheme: AuthScheme = serde_json::from_str(text).unwrap();
            let written = serde_json::to_value(&scheme).unwrap();
            assert_eq!(written["type"], scheme.kind(), "{text}");
        }
    }
}
