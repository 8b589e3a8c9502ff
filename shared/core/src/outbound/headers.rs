//! Header values that both an app's authentication and an OAuth token request build.

use base64::Engine as _;

/// `Authorization: Basic` for a user and password (RFC 7617).
pub fn basic_header(user: &str, password: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {encoded}")
}
