//! Expiring end-user identity: instead of the static `Hash` (which never expires, so a
//! leaked one is a lasting key to that user's integrations), your backend may issue a
//! compact JWT per session, signed HS256 with the workspace's app secret, and the
//! widget sends it as `Authorization: Bearer`. Claims: `sub` (the user id) and `exp`
//! are required; `nbf` and `iat` are honoured; `aud`, when present, must name the
//! workspace's App-Key. Times are checked against the service's clock, with a little
//! skew allowed. Signature and algorithm checks are `jsonwebtoken`'s: only HS256 is
//! accepted, so `alg: none` and tokens signed for another algorithm are refused.

use jsonwebtoken::{decode, Algorithm, DecodingKey, Validation};
use serde::Deserialize;

/// How far the issuer's clock and ours may disagree.
pub const ALLOWED_SKEW_SECONDS: i64 = 30;

/// Why a token was refused: an expired one can be replaced by asking the host page
/// for a fresh one; anything else is a wrong or forged token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenRefused {
    Expired,
    Invalid(String),
}

#[derive(Deserialize)]
struct Claims {
    sub: Option<String>,
    exp: Option<i64>,
    nbf: Option<i64>,
    iat: Option<i64>,
    #[serde(default)]
    aud: Option<Audience>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

/// The user id a token vouches for, at `now` (seconds since the epoch).
pub fn verify_identity_token(
    token: &str,
    app_secret: &[u8],
    app_key: &str,
    now: i64,
) -> Result<String, TokenRefused> {
    let invalid = |why: &str| Err(TokenRefused::Invalid(why.to_string()));
    let mut validation = Validation::new(Algorithm::HS256);
    // Times and audience are checked below, against the service's clock.
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    let Ok(key) = DecodingKey::from_secret(app_secret) else {
        return invalid("the workspace's app secret cannot verify tokens");
    };
    let claims = match decode::<Claims>(token, &key, &validation) {
        Ok(data) => data.claims,
        Err(e) => return invalid(&format!("not a valid HS256 token for this workspace: {e}")),
    };
    let Some(exp) = claims.exp else {
        return invalid("the token has no `exp`: identity tokens must expire");
    };
    if now > exp + ALLOWED_SKEW_SECONDS {
        return Err(TokenRefused::Expired);
    }
    if claims
        .nbf
        .is_some_and(|nbf| now + ALLOWED_SKEW_SECONDS < nbf)
    {
        return invalid("the token is not valid yet (`nbf`)");
    }
    if claims
        .iat
        .is_some_and(|iat| now + ALLOWED_SKEW_SECONDS < iat)
    {
        return invalid("the token was issued in the future (`iat`)");
    }
    let audience_ok = match &claims.aud {
        None => true,
        Some(Audience::One(aud)) => aud == app_key,
        Some(Audience::Many(auds)) => auds.iter().any(|a| a == app_key),
    };
    if !audience_ok {
        return invalid("the token's `aud` does not name this workspace's App-Key");
    }
    match claims.sub {
        Some(sub) if !sub.is_empty() => Ok(sub),
        _ => invalid("the token has no `sub` (the user id)"),
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use jsonwebtoken::{encode, EncodingKey, Header};
    use serde_json::{json, Value};

    use super::*;

    const SECRET: &[u8] = b"app-secret-of-the-workspace";
    const KEY: &str = "ak_test";
    const NOW: i64 = 1_800_000_000;

    fn token(claims: Value) -> String {
        encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(SECRET).unwrap(),
        )
        .unwrap()
    }

    fn verify(token: &str) -> Result<String, TokenRefused> {
        verify_identity_token(token, SECRET, KEY, NOW)
    }

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    #[test]
    fn a_fresh_token_names_its_user() {
        let t = token(json!({"sub": "alice", "exp": NOW + 600, "iat": NOW, "aud": KEY}));
        assert_eq!(verify(&t), Ok("alice".into()));
        let many = token(json!({"sub": "bob", "exp": NOW + 600, "aud": ["other", KEY]}));
        assert_eq!(verify(&many), Ok("bob".into()));
        let no_aud = token(json!({"sub": "carol", "exp": NOW + 1}));
        assert_eq!(verify(&no_aud), Ok("carol".into()));
    }

    #[test]
    fn expiry_and_validity_allow_a_small_skew_only() {
        let just = token(json!({"sub": "a", "exp": NOW - ALLOWED_SKEW_SECONDS}));
        assert_eq!(verify(&just), Ok("a".into()), "within the skew");
        let expired = token(json!({"sub": "a", "exp": NOW - ALLOWED_SKEW_SECONDS - 1}));
        assert_eq!(verify(&expired), Err(TokenRefused::Expired));
        let later = token(json!({"sub": "a", "exp": NOW + 600, "nbf": NOW + 120}));
        assert!(matches!(verify(&later), Err(TokenRefused::Invalid(m)) if m.contains("nbf")));
        let future = token(json!({"sub": "a", "exp": NOW + 600, "iat": NOW + 120}));
        assert!(matches!(verify(&future), Err(TokenRefused::Invalid(m)) if m.contains("iat")));
        let forever = token(json!({"sub": "a"}));
        assert!(matches!(verify(&forever), Err(TokenRefused::Invalid(m)) if m.contains("exp")));
    }

    #[test]
    fn wrong_audience_key_subject_or_tampering_is_refused() {
        let other = token(json!({"sub": "a", "exp": NOW + 600, "aud": "ak_other"}));
        assert!(matches!(verify(&other), Err(TokenRefused::Invalid(m)) if m.contains("aud")));
        let t = token(json!({"sub": "alice", "exp": NOW + 600}));
        assert!(verify_identity_token(&t, b"another secret", KEY, NOW).is_err());
        let no_sub = token(json!({"exp": NOW + 600}));
        assert!(matches!(verify(&no_sub), Err(TokenRefused::Invalid(m)) if m.contains("sub")));
        // The same signature over claims naming someone else.
        let parts: Vec<&str> = t.split('.').collect();
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            b64(json!({"sub": "mallory", "exp": NOW + 600})
                .to_string()
                .as_bytes()),
            parts[2]
        );
        assert!(verify(&forged).is_err());
        assert!(verify("not.a.token").is_err());
        assert!(verify("").is_err());
    }

    #[test]
    fn unsigned_and_other_algorithms_are_refused() {
        let claims = b64(json!({"sub": "alice", "exp": NOW + 600})
            .to_string()
            .as_bytes());
        let none = format!("{}.{claims}.", b64(br#"{"alg":"none","typ":"JWT"}"#));
        assert!(verify(&none).is_err(), "alg none");
        // Signed with the right secret, but claiming another algorithm.
        let hs512 = encode(
            &Header::new(Algorithm::HS512),
            &json!({"sub": "alice", "exp": NOW + 600}),
            &EncodingKey::from_secret(SECRET).unwrap(),
        )
        .unwrap();
        assert!(verify(&hs512).is_err(), "only HS256");
        // An RS256 header over an HMAC made with the secret (algorithm confusion).
        let header = b64(br#"{"alg":"RS256","typ":"JWT"}"#);
        let input = format!("{header}.{claims}");
        let mac = {
            use hmac::{Hmac, KeyInit, Mac};
            let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(SECRET).unwrap();
            mac.update(input.as_bytes());
            mac.finalize().into_bytes()
        };
        let confused = format!("{input}.{}", b64(&mac));
        assert!(verify(&confused).is_err(), "RS256 header refused");
    }

    /// RFC 7515 appendix A.1 (the JWT of RFC 7519 section 3.1): its HS256 signature
    /// verifies with its key; the token then fails our rules, as it has no `sub` and
    /// expired in 2011.
    #[test]
    fn the_rfc_7515_example_verifies_and_is_then_refused_by_the_claims_rules() {
        let rfc = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let key = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow")
            .unwrap();
        // At its own time the signature holds and only the missing `sub` is refused.
        assert_eq!(
            verify_identity_token(rfc, &key, KEY, 1_300_819_000),
            Err(TokenRefused::Invalid(
                "the token has no `sub` (the user id)".into()
            ))
        );
        assert_eq!(
            verify_identity_token(rfc, &key, KEY, NOW),
            Err(TokenRefused::Expired)
        );
        let mut tampered = rfc.to_string();
        tampered.pop();
        tampered.push('Y');
        assert!(matches!(
            verify_identity_token(&tampered, &key, KEY, 1_300_819_000),
            Err(TokenRefused::Invalid(m)) if m.contains("not a valid")
        ));
    }
}
