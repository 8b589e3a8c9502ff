//! The secret in an integration's webhook URL, made, read and hashed only here: it
//! is derived from the workspace's app secret (so the URL can be shown again without
//! being stored), it has one form that a request's path must match, and the store
//! keeps only its hash.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::secrets::sha256_hex;

/// Every token starts so, which tells it from a typo'd path before any read.
const PREFIX: &str = "wh_";
/// The prefix and a hex HMAC-SHA256.
const LENGTH: usize = PREFIX.len() + 64;

/// The token of `/hooks/{token}`; its `Debug` hides it, as it is a credential.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookToken(String);

impl std::fmt::Debug for WebhookToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookToken(…)")
    }
}

impl WebhookToken {
    /// The integration's token for one app's webhooks. The separators keep
    /// (`int_1`, `2x`) and (`int_12`, `x`) apart.
    pub(crate) fn derive(app_secret: &[u8], integration_id: &str, app_id: &str) -> Self {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(app_secret)
            .expect("HMAC takes keys of any length");
        mac.update(b"junction webhook url\0");
        mac.update(integration_id.as_bytes());
        mac.update(b"\0");
        mac.update(app_id.as_bytes());
        Self(format!(
            "{PREFIX}{}",
            hex::encode(mac.finalize().into_bytes())
        ))
    }

    /// The token in a request's path, if it has a token's form.
    pub fn parse(text: &str) -> Option<Self> {
        let hex = text.strip_prefix(PREFIX)?;
        (text.len() == LENGTH && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| Self(text.to_string()))
    }

    /// What the store keeps and looks the integration up by.
    pub fn hash(&self) -> String {
        sha256_hex(&self.0)
    }

    /// The token itself, for the URL shown to the user.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_differ_per_integration_app_and_secret() {
        let a = WebhookToken::derive(b"secret", "int_1", "mailbird");
        assert_eq!(a, WebhookToken::derive(b"secret", "int_1", "mailbird"));
        assert!(a.expose().starts_with("wh_") && a.expose().len() == 3 + 64);
        assert_ne!(a, WebhookToken::derive(b"secret", "int_2", "mailbird"));
        assert_ne!(a, WebhookToken::derive(b"secret", "int_1", "chatter"));
        assert_ne!(a, WebhookToken::derive(b"other", "int_1", "mailbird"));
        assert_ne!(
            WebhookToken::derive(b"s", "int_1", "2x"),
            WebhookToken::derive(b"s", "int_12", "x")
        );
        assert!(
            !format!("{a:?}").contains(&a.expose()[3..]),
            "Debug hides it"
        );
    }

    #[test]
    fn only_a_made_token_parses_and_its_hash_is_stable() {
        let made = WebhookToken::derive(b"secret", "int_1", "mailbird");
        let parsed = WebhookToken::parse(made.expose()).expect("a made token parses");
        assert_eq!(parsed.hash(), made.hash());
        assert_eq!(made.hash().len(), 64);
        for bad in [
            "",
            "wh_",
            "wh_abc",
            &made.expose()[1..],
            &format!("{}0", made.expose()),
            &made.expose().to_uppercase(),
            &made.expose().replace("wh_", "xx_"),
        ] {
            assert!(WebhookToken::parse(bad).is_none(), "{bad:?} parsed");
        }
    }
}
