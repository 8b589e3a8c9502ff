//! Expiring end-user identity: instead of the static `Hash` (which never expires, so a
//! leaked one is a lasting key to that user's integrations), your backend may issue a
//! compact JWT per session, signed HS256 with the workspace's app secret, and the
//! widget sends it as `Authorization: Bearer`. Claims: `sub` (the user id) and `exp`
//! are required; `nbf` and `iat` are honoured; `aud`, when present, must name the
//! workspace's App-Key. Times are checked against the service's clock, with a little
//! skew allowed. Signature and algorithm checks are `jsonwebtoken`'s. HS256 is always
//! accepted; RS256 or EdDSA only when the workspace registered a public key of that
//! kind, and then only verified with that key. So `alg: none`, other algorithms, and
//! an HS256 token whose "secret" is the public key (algorithm confusion) are refused.

use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
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

/// A public key a workspace registered, so its backend can sign identity tokens with
/// a private key Junction never sees: RSA (RS256) or Ed25519 (EdDSA), in PEM.
#[derive(Clone)]
pub struct IdentityPublicKey {
    algorithm: Algorithm,
    key: DecodingKey,
}

impl IdentityPublicKey {
    /// Parses a PEM public key; the error says what is expected.
    pub fn parse(pem: &str) -> Result<Self, String> {
        // A private key parses too (its public half is in it), but it must never be
        // stored where a public key goes.
        if pem.contains("PRIVATE KEY") {
            return Err("that is a private key: register its public key only (`openssl pkey -in private.pem -pubout`) and keep the private key to your backend".into());
        }
        let pem = pem.trim().as_bytes();
        if let Ok(key) = DecodingKey::from_rsa_pem(pem) {
            return Ok(Self {
                algorithm: Algorithm::RS256,
                key,
            });
        }
        if let Ok(key) = DecodingKey::from_ed_pem(pem) {
            return Ok(Self {
                algorithm: Algorithm::EdDSA,
                key,
            });
        }
        Err("not an RSA or Ed25519 public key in PEM (-----BEGIN PUBLIC KEY-----)".into())
    }

    /// `RS256` or `EdDSA`: what tokens signed with its private key say in `alg`.
    pub fn algorithm(&self) -> &'static str {
        match self.algorithm {
            Algorithm::RS256 => "RS256",
            _ => "EdDSA",
        }
    }
}

/// The user id a token vouches for, at `now` (seconds since the epoch), for a
/// workspace with no registered public key.
pub fn verify_identity_token(
    token: &str,
    app_secret: &[u8],
    app_key: &str,
    now: i64,
) -> Result<String, TokenRefused> {
    verify_identity_token_with(token, app_secret, None, app_key, now)
}

/// The same, also accepting tokens signed with the private key of `public`.
pub fn verify_identity_token_with(
    token: &str,
    app_secret: &[u8],
    public: Option<&IdentityPublicKey>,
    app_key: &str,
    now: i64,
) -> Result<String, TokenRefused> {
    let invalid = |why: &str| Err(TokenRefused::Invalid(why.to_string()));
    let alg = match decode_header(token) {
        Ok(header) => header.alg,
        Err(e) => return invalid(&format!("not a JWT: {e}")),
    };
    // The key follows from the workspace, never from the token: the header only
    // chooses between the keys the workspace has, each with its one algorithm.
    let secret_key;
    let key = match (alg, public) {
        (Algorithm::HS256, _) => {
            let Ok(key) = DecodingKey::from_secret(app_secret) else {
                return invalid("the workspace's app secret cannot verify tokens");
            };
            secret_key = key;
            &secret_key
        }
        (alg, Some(public)) if alg == public.algorithm => &public.key,
        (alg, Some(public)) => {
            return invalid(&format!(
                "the token says {alg:?}, but the workspace's public key is for {}",
                public.algorithm()
            ))
        }
        (alg, None) => {
            return invalid(&format!(
                "the token says {alg:?}: only HS256, or RS256 / EdDSA with a public key the workspace registered"
            ))
        }
    };
    let mut validation = Validation::new(alg);
    // Times and audience are checked below, against the service's clock.
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    let claims = match decode::<Claims>(token, key, &validation) {
        Ok(data) => data.claims,
        Err(e) => {
            return invalid(&format!(
                "not a valid {alg:?} token for this workspace: {e}"
            ))
        }
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

    /// `token` with its claims swapped for ones naming mallory, its signature kept.
    fn for_mallory(token: &str) -> String {
        let parts: Vec<&str> = token.split('.').collect();
        let claims = json!({"sub": "mallory", "exp": NOW + 600}).to_string();
        format!("{}.{}.{}", parts[0], b64(claims.as_bytes()), parts[2])
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
        let forged = for_mallory(&t);
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

    // Key pairs made for these tests alone (openssl genpkey); they sign nothing else.
    const ED_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIIJwUWI8StQaOIYnJbkdksxVbcI+4a3HqSG8ZI5d2F/l\n-----END PRIVATE KEY-----";
    const ED_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAoRqV6otwo7xbNt36E1sJRvRQYGmwGSQdk8UaDvxkzDo=\n-----END PUBLIC KEY-----";
    const RSA_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDWutlB/TeKxGfD\nwU6UWXZhPRDJItvyVfU5eFohh+py+XlS+4ZkGibkqOl+3MulaE+OX+dbpgeMa0xW\nxdVtuGSHDXvrDkC8h4kdSdLbtStHc5E3N+59223tWVyCOJt9VCHpgMSL1u2AFdPV\nTXBn5fuPS/1Ao58hgVWT/t6WwQeHMyhKu47QtPRsQWvgaH+K6OmMBxDHPBzom7sv\nXfEsdjxl35oA2sy3VWp1Pf5vQJXN4xf3j+aO5QwSXgqzdpunpkmcDEzUuLoxY7x/\n8l1MdlOfmytpYx4tXwaZO1LqvzaMPRGg6uENuYFBgvxnzv9hqbH4UXNd3R9ubsY2\nADPnPLf3AgMBAAECggEAJsltgQv6QmijzapXRVi7l2juZUaUsDtypkTlEvV4FfiW\nP7ULW32V1Ovl8XJ0npYu+Kq+IcHlzyl6ipoFqWILVpHK9nSGoQdibxXsrp8VCD0J\n2A2UWMuQGbVwjl0nSQYvcfw+hHv4PpCyyO7KBRp3zDSPtGNZ1TWFfcwl7NlFQNhZ\n7OcawaMR5t4ArvWTZuZ0JnhWuUTPJDdud7X7gfa7xndx5iiK3oYxhoJhk/KL05Lm\nVL/XkK0bbt7A4ltIyCvC8zFfRRdyZHqRCHVsCUUI+/3NNCzBo5kAFCzURgiWd4qY\nHSSjmGHcjxmqFSoV9b6vbpwcw/sZbIofY5Z1TCAOoQKBgQD5K+YJkLPuEmwmyNIB\n+/FiGZhY873fcuSZBtqLQ62ZalqSBs6olK8L3uj13z2Deso4bxxDQV3PI+stvU8M\n6y7KrMktLXDN1hmR7T0yNO5ClRu8ex+9W/mCsmH8EMF6W+QtLAKQAkNUyZjkLK//\ncWhBG7XfkhSw9wwbPHWgGeh7KQKBgQDcnVHUeA96/76HoklpARCii4zspL/XoDfg\nIho6yig525MJU3riMs13hxEVvzIW/jlQKj+OtFH+hXm+yroyD+KlflP7Ofin+qWx\n7NT9cpgQU6kk7fYX7uEs8VbXuDGf/Ji82Eftdb1uJSvaaHGrpZdasICEGBRvgx26\nYNOx5E8eHwKBgCrj7I/+8Ynsb+NpNAUVaiJ5x2igZDGfZEwXCu1n8+zxiq+SLmaE\nWXFQqIcSK1ODgmWecp39FXm/dA8GhCH0JbTLc0GsjbtQvEwLKzqGM/EQG5shEoCU\n4Wkm7YjnFXbLdIZ2CebiDNb+cKvuKUluKwTyESdvzNH9ZH8XtCOf8g2pAoGAKn4G\nt+TUHn3J5fgFKbtxx80XPLFS3iZW/M20vaQYcWRwgrhYj973IlGaodSswi7/PQiW\nK1dh/6MX2v7TNDdJEVUuudHlqf0mEwop0BNVZLeoeZt37g4twulNL8mjjUwq4xzJ\nZdxqux9fvfamBkijyWz7o/W7YesgO7jQrY/rCUMCgYEAzvYV/Di+aZvGWEquX5vo\nfE/LwElv8HTj9FOTCPuFzH6LueNnZeGNwtkrsRqXjdnt/MQAWdFsZoIPNzmllIDQ\nf71jTVFFiE28VzMRIfh5Jnsz9F54McL9Em9MCdpt/9wfbXq+sEfGyeGBgYyt6BPq\nJSvPzSZ6f15ihUNS8oAU82Q=\n-----END PRIVATE KEY-----";
    const RSA_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1rrZQf03isRnw8FOlFl2\nYT0QySLb8lX1OXhaIYfqcvl5UvuGZBom5KjpftzLpWhPjl/nW6YHjGtMVsXVbbhk\nhw176w5AvIeJHUnS27UrR3ORNzfufdtt7VlcgjibfVQh6YDEi9btgBXT1U1wZ+X7\nj0v9QKOfIYFVk/7elsEHhzMoSruO0LT0bEFr4Gh/iujpjAcQxzwc6Ju7L13xLHY8\nZd+aANrMt1VqdT3+b0CVzeMX94/mjuUMEl4Ks3abp6ZJnAxM1Li6MWO8f/JdTHZT\nn5sraWMeLV8GmTtS6r82jD0RoOrhDbmBQYL8Z87/Yamx+FFzXd0fbm7GNgAz5zy3\n9wIDAQAB\n-----END PUBLIC KEY-----";

    fn signed(alg: Algorithm, key: &EncodingKey, claims: Value) -> String {
        encode(&Header::new(alg), &claims, key).unwrap()
    }

    fn verify_public(token: &str, public: &str) -> Result<String, TokenRefused> {
        let key = IdentityPublicKey::parse(public).unwrap();
        verify_identity_token_with(token, SECRET, Some(&key), KEY, NOW)
    }

    #[test]
    fn a_registered_public_key_verifies_rs256_and_eddsa_tokens() {
        let claims = json!({"sub": "alice", "exp": NOW + 600, "aud": KEY});
        let rsa = EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).unwrap();
        let ed = EncodingKey::from_ed_pem(ED_PRIVATE.as_bytes()).unwrap();
        let rs256 = signed(Algorithm::RS256, &rsa, claims.clone());
        let eddsa = signed(Algorithm::EdDSA, &ed, claims.clone());
        assert_eq!(verify_public(&rs256, RSA_PUBLIC), Ok("alice".into()));
        assert_eq!(verify_public(&eddsa, ED_PUBLIC), Ok("alice".into()));
        assert_eq!(
            IdentityPublicKey::parse(RSA_PUBLIC).unwrap().algorithm(),
            "RS256"
        );
        assert_eq!(
            IdentityPublicKey::parse(ED_PUBLIC).unwrap().algorithm(),
            "EdDSA"
        );
        // The claims rules hold as for HS256; HS256 with the app secret still works.
        let expired = signed(Algorithm::EdDSA, &ed, json!({"sub": "a", "exp": NOW - 600}));
        assert_eq!(
            verify_public(&expired, ED_PUBLIC),
            Err(TokenRefused::Expired)
        );
        let hs = token(json!({"sub": "bob", "exp": NOW + 600}));
        assert_eq!(verify_public(&hs, ED_PUBLIC), Ok("bob".into()));
        // Without a registered key, or with the other kind, they are refused.
        assert!(verify(&rs256).is_err(), "no public key registered");
        assert!(
            matches!(verify_public(&rs256, ED_PUBLIC), Err(TokenRefused::Invalid(m)) if m.contains("EdDSA"))
        );
        assert!(verify_public(&eddsa, RSA_PUBLIC).is_err());
        // Tampered claims under a real signature.
        let forged = for_mallory(&eddsa);
        assert!(verify_public(&forged, ED_PUBLIC).is_err());
        assert!(IdentityPublicKey::parse(
            "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----"
        )
        .is_err());
        assert!(
            IdentityPublicKey::parse(RSA_PRIVATE).is_err(),
            "a private key is not a public key"
        );
    }

    /// Algorithm confusion: an HS256 token whose HMAC key is the public key (which
    /// anyone may know) must not verify, whichever way the header is written.
    #[test]
    fn an_hs256_token_signed_with_the_public_key_is_refused() {
        let claims = json!({"sub": "alice", "exp": NOW + 600});
        for public in [RSA_PUBLIC, ED_PUBLIC] {
            let confused = encode(
                &Header::new(Algorithm::HS256),
                &claims,
                &EncodingKey::from_secret(public.as_bytes()).unwrap(),
            )
            .unwrap();
            assert!(
                verify_public(&confused, public).is_err(),
                "HS256 over the public key"
            );
            let mut header = Header::new(Algorithm::HS256);
            header.alg = Algorithm::HS256;
            let trimmed = encode(
                &header,
                &claims,
                &EncodingKey::from_secret(public.trim().as_bytes()).unwrap(),
            )
            .unwrap();
            assert!(verify_public(&trimmed, public).is_err());
        }
    }
}
