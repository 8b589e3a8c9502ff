//! Webhook signature schemes, verified on the raw body in constant time, with a
//! timestamp tolerance where the scheme signs a timestamp: Standard Webhooks, Stripe,
//! GitHub, Slack, and a configurable HMAC header.

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use reqwest::header::HeaderMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// How an app signs its deliveries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum SignatureScheme {
    /// `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64> …`;
    /// secrets look like `whsec_<base64>`.
    StandardWebhooks {
        #[serde(default = "five_minutes")]
        tolerance_secs: u64,
    },
    /// `Stripe-Signature: t=<ts>,v1=<hex>[,v1=…]` over `<ts>.<body>`.
    Stripe {
        #[serde(default = "five_minutes")]
        tolerance_secs: u64,
    },
    /// `X-Hub-Signature-256: sha256=<hex>` over the body.
    Github,
    /// `X-Slack-Signature: v0=<hex>` over `v0:<X-Slack-Request-Timestamp>:<body>`.
    Slack {
        #[serde(default = "five_minutes")]
        tolerance_secs: u64,
    },
    /// HMAC-SHA256 of the body in a header of the app's choosing.
    Hmac {
        header: String,
        #[serde(default)]
        encoding: Encoding,
        /// Text before the digest, e.g. `sha256=`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        prefix: Option<String>,
    },
}

impl SignatureScheme {
    /// The headers that carry the signature, which a run never stores or shows.
    pub fn signature_headers(&self) -> Vec<&str> {
        match self {
            Self::StandardWebhooks { .. } => vec!["webhook-signature"],
            Self::Stripe { .. } => vec!["stripe-signature"],
            Self::Github => vec!["x-hub-signature-256", "x-hub-signature"],
            Self::Slack { .. } => vec!["x-slack-signature"],
            Self::Hmac { header, .. } => vec![header.as_str()],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    #[default]
    Hex,
    Base64,
}

fn five_minutes() -> u64 {
    300
}

/// Why a delivery's signature does not hold (answered as 401, never detailed to the sender).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the '{0}' header is missing")]
    Missing(String),
    #[error("the '{0}' header is malformed")]
    Malformed(String),
    #[error("the signature does not match")]
    Mismatch,
    #[error("the timestamp is {0} s away from now, beyond the tolerance")]
    Stale(i64),
    #[error("the signing secret is malformed")]
    BadSecret,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<&'a str, SignatureError> {
    headers
        .get(name)
        .ok_or_else(|| SignatureError::Missing(name.into()))?
        .to_str()
        .map_err(|_| SignatureError::Malformed(name.into()))
}

fn mac(key: &[u8], parts: &[&[u8]]) -> Hmac<Sha256> {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac
}

/// Constant-time check of one candidate digest.
fn matches(key: &[u8], parts: &[&[u8]], candidate: &[u8]) -> bool {
    mac(key, parts).verify_slice(candidate).is_ok()
}

fn fresh(timestamp: &str, name: &str, now: i64, tolerance: u64) -> Result<(), SignatureError> {
    let ts: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| SignatureError::Malformed(name.into()))?;
    let age = now - ts;
    if age.unsigned_abs() > tolerance {
        return Err(SignatureError::Stale(age));
    }
    Ok(())
}

fn hex_digest(text: &str) -> Option<Vec<u8>> {
    hex::decode(text.trim()).ok()
}

/// Verifies a delivery. `now` is in Unix seconds.
pub fn verify(
    scheme: &SignatureScheme,
    secret: &str,
    headers: &HeaderMap,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let b64 = base64::engine::general_purpose::STANDARD;
    match scheme {
        SignatureScheme::StandardWebhooks { tolerance_secs } => {
            let id = header(headers, "webhook-id")?;
            let timestamp = header(headers, "webhook-timestamp")?;
            let signatures = header(headers, "webhook-signature")?;
            fresh(timestamp, "webhook-timestamp", now, *tolerance_secs)?;
            let key = b64
                .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
                .map_err(|_| SignatureError::BadSecret)?;
            let parts: [&[u8]; 5] = [id.as_bytes(), b".", timestamp.as_bytes(), b".", body];
            // Several signatures may be sent while a secret rotates: any one will do.
            let ok = signatures
                .split_whitespace()
                .filter_map(|s| s.strip_prefix("v1,"))
                .filter_map(|s| b64.decode(s).ok())
                .any(|candidate| matches(&key, &parts, &candidate));
            if ok {
                Ok(())
            } else {
                Err(SignatureError::Mismatch)
            }
        }
        SignatureScheme::Stripe { tolerance_secs } => {
            let value = header(headers, "stripe-signature")?;
            let mut timestamp = None;
            let mut candidates = Vec::new();
            for item in value.split(',') {
                match item.trim().split_once('=') {
                    Some(("t", t)) => timestamp = Some(t),
                    Some(("v1", sig)) => candidates.extend(hex_digest(sig)),
                    _ => {}
                }
            }
            let timestamp =
                timestamp.ok_or_else(|| SignatureError::Malformed("stripe-signature".into()))?;
            fresh(timestamp, "stripe-signature", now, *tolerance_secs)?;
            let parts: [&[u8]; 3] = [timestamp.as_bytes(), b".", body];
            if candidates
                .iter()
                .any(|c| matches(secret.as_bytes(), &parts, c))
            {
                Ok(())
            } else {
                Err(SignatureError::Mismatch)
            }
        }
        SignatureScheme::Github => {
            let value = header(headers, "x-hub-signature-256")?;
            let digest = value
                .strip_prefix("sha256=")
                .and_then(hex_digest)
                .ok_or_else(|| SignatureError::Malformed("x-hub-signature-256".into()))?;
            if matches(secret.as_bytes(), &[body], &digest) {
                Ok(())
            } else {
                Err(SignatureError::Mismatch)
            }
        }
        SignatureScheme::Slack { tolerance_secs } => {
            let timestamp = header(headers, "x-slack-request-timestamp")?;
            let value = header(headers, "x-slack-signature")?;
            fresh(timestamp, "x-slack-request-timestamp", now, *tolerance_secs)?;
            let digest = value
                .strip_prefix("v0=")
                .and_then(hex_digest)
                .ok_or_else(|| SignatureError::Malformed("x-slack-signature".into()))?;
            let parts: [&[u8]; 4] = [b"v0:", timestamp.as_bytes(), b":", body];
            if matches(secret.as_bytes(), &parts, &digest) {
                Ok(())
            } else {
                Err(SignatureError::Mismatch)
            }
        }
        SignatureScheme::Hmac {
            header: name,
            encoding,
            prefix,
        } => {
            let value = header(headers, name)?;
            let value = match prefix {
                Some(p) => value
                    .strip_prefix(p.as_str())
                    .ok_or_else(|| SignatureError::Malformed(name.clone()))?,
                None => value,
            };
            let digest = match encoding {
                Encoding::Hex => hex_digest(value),
                Encoding::Base64 => b64.decode(value.trim()).ok(),
            }
            .ok_or_else(|| SignatureError::Malformed(name.clone()))?;
            if matches(secret.as_bytes(), &[body], &digest) {
                Ok(())
            } else {
                Err(SignatureError::Mismatch)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    const STD: SignatureScheme = SignatureScheme::StandardWebhooks {
        tolerance_secs: 300,
    };

    /// The example from the Standard Webhooks specification.
    #[test]
    fn standard_webhooks_published_vector() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        let h = headers(&[
            ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
            ("webhook-timestamp", "1614265330"),
            (
                "webhook-signature",
                "v1,bm9wZQ== v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            ),
        ]);
        assert_eq!(verify(&STD, secret, &h, body, 1614265330), Ok(()));
        assert_eq!(
            verify(&STD, secret, &h, br#"{"test": 2432232315}"#, 1614265330),
            Err(SignatureError::Mismatch),
            "tampered body"
        );
        assert_eq!(
            verify(&STD, "whsec_bm90dGhlc2VjcmV0", &h, body, 1614265330),
            Err(SignatureError::Mismatch),
            "wrong secret"
        );
        assert_eq!(
            verify(&STD, secret, &h, body, 1614265330 + 301),
            Err(SignatureError::Stale(301))
        );
        let missing = headers(&[("webhook-id", "x")]);
        assert_eq!(
            verify(&STD, secret, &missing, body, 0),
            Err(SignatureError::Missing("webhook-timestamp".into()))
        );
    }

    /// The example from GitHub's documentation.
    #[test]
    fn github_published_vector() {
        let h = headers(&[(
            "x-hub-signature-256",
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        )]);
        assert_eq!(
            verify(
                &SignatureScheme::Github,
                "It's a Secret to Everybody",
                &h,
                b"Hello, World!",
                0
            ),
            Ok(())
        );
        assert_eq!(
            verify(
                &SignatureScheme::Github,
                "It's a Secret to Everybody",
                &h,
                b"Hello, World?",
                0
            ),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(
                &SignatureScheme::Github,
                "another secret",
                &h,
                b"Hello, World!",
                0
            ),
            Err(SignatureError::Mismatch)
        );
    }

    // The vectors below were computed with Python's hmac module, independently of this code.

    #[test]
    fn stripe_with_rotation_and_tolerance() {
        let scheme = SignatureScheme::Stripe {
            tolerance_secs: 300,
        };
        let body = br#"{"id":"evt_1","type":"charge.succeeded"}"#;
        let h = headers(&[("stripe-signature", "t=1700000000,v1=00ff,v1=c0475716eb2200f1fe97fcf35a3c05d1fd4f8ba9a07a596730c8d18bb87c0672,v0=ignored")]);
        assert_eq!(
            verify(&scheme, "whsec_test_secret", &h, body, 1700000100),
            Ok(())
        );
        assert_eq!(
            verify(&scheme, "whsec_test_secret", &h, b"{}", 1700000100),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&scheme, "whsec_other", &h, body, 1700000100),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&scheme, "whsec_test_secret", &h, body, 1700000400),
            Err(SignatureError::Stale(400))
        );
    }

    #[test]
    fn slack_base_string() {
        let scheme = SignatureScheme::Slack {
            tolerance_secs: 300,
        };
        let body = b"token=xyz&team_id=T1&command=%2Fweather&text=94070";
        let h = headers(&[
            ("x-slack-request-timestamp", "1531420618"),
            (
                "x-slack-signature",
                "v0=6fbf5c2f03917b298e98f79bac27e7007750471f3287e2cada6e81a8454ab38b",
            ),
        ]);
        assert_eq!(
            verify(
                &scheme,
                "8f742231b10e8888abcd99yyyzzz85a5",
                &h,
                body,
                1531420618
            ),
            Ok(())
        );
        assert_eq!(
            verify(
                &scheme,
                "8f742231b10e8888abcd99yyyzzz85a5",
                &h,
                b"token=evil",
                1531420618
            ),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(
                &scheme,
                "8f742231b10e8888abcd99yyyzzz85a5",
                &h,
                body,
                1531420618 - 600
            ),
            Err(SignatureError::Stale(-600))
        );
    }

    #[test]
    fn generic_hmac_in_hex_and_base64() {
        let hex_scheme = SignatureScheme::Hmac {
            header: "x-signature".into(),
            encoding: Encoding::Hex,
            prefix: Some("sha256=".into()),
        };
        let h = headers(&[(
            "x-signature",
            "sha256=5910e62016ef5034272c926c27071992a465c2335cecf41851bda071577f4f6d",
        )]);
        assert_eq!(verify(&hex_scheme, "s3cret", &h, br#"{"a":1}"#, 0), Ok(()));
        assert_eq!(
            verify(&hex_scheme, "s3cret", &h, br#"{"a":2}"#, 0),
            Err(SignatureError::Mismatch)
        );
        let unprefixed = headers(&[(
            "x-signature",
            "5910e62016ef5034272c926c27071992a465c2335cecf41851bda071577f4f6d",
        )]);
        assert_eq!(
            verify(&hex_scheme, "s3cret", &unprefixed, br#"{"a":1}"#, 0),
            Err(SignatureError::Malformed("x-signature".into()))
        );
        let b64_scheme = SignatureScheme::Hmac {
            header: "x-sig".into(),
            encoding: Encoding::Base64,
            prefix: None,
        };
        let h = headers(&[("x-sig", "WRDmIBbvUDQnLJJsJwcZkqRlwjNc7PQYUb2gcVd/T20=")]);
        assert_eq!(verify(&b64_scheme, "s3cret", &h, br#"{"a":1}"#, 0), Ok(()));
    }
}
