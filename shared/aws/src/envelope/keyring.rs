//! The stage's data keys, kept in one Secrets Manager secret: which key seals new
//! values (the current one) and the older ones that still open values sealed before a
//! rotation. Values are sealed as every vault seals them (`junction_core::sealing`).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_secretsmanager::error::ProvideErrorMetadata;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use junction_core::ports::{SecretKey, VaultError};
use junction_core::sealing::{self, Unopened};
use serde::{Deserialize, Serialize};

use crate::secrets::unknown;

/// How long a process uses the key ring it read before reading it again. A rotation
/// reaches every process within this; retiring old keys waits at least this long.
pub const KEY_RING_TTL: Duration = Duration::from_secs(300);

/// The key ring as the secret holds it (JSON; the keys in base64).
#[derive(Serialize, Deserialize)]
struct Stored {
    current: String,
    keys: BTreeMap<String, String>,
    /// When `current` became current.
    rotated_at: DateTime<Utc>,
}

/// The data keys, by id.
#[derive(Clone)]
pub struct KeyRing {
    pub current: String,
    pub rotated_at: DateTime<Utc>,
    keys: BTreeMap<String, [u8; 32]>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<_> = self.keys.keys().collect();
        write!(f, "KeyRing(current {}, keys {ids:?})", self.current)
    }
}

impl KeyRing {
    /// A ring with one new random key, current from `now`.
    pub fn new(now: DateTime<Utc>) -> Self {
        let mut ring = Self {
            current: String::new(),
            rotated_at: now,
            keys: BTreeMap::new(),
        };
        ring.add_current(now);
        ring
    }

    /// Adds a new random key and makes it current; returns its id.
    pub fn add_current(&mut self, now: DateTime<Utc>) -> String {
        let id = format!(
            "k{}-{:04x}",
            now.format("%Y%m%dT%H%M%SZ"),
            fastrand::u16(..)
        );
        self.keys.insert(id.clone(), sealing::new_key());
        self.current = id.clone();
        self.rotated_at = now;
        id
    }

    /// The ids of the keys that are not current.
    pub fn older(&self) -> Vec<String> {
        self.keys
            .keys()
            .filter(|id| **id != self.current)
            .cloned()
            .collect()
    }

    /// Drops every key but the current one.
    pub fn keep_only_current(&mut self) {
        let current = self.current.clone();
        self.keys.retain(|id, _| *id == current);
    }

    /// Seals `value` under the current key: the key's id, and the sealed bytes.
    pub fn seal(&self, key: &SecretKey, value: &[u8]) -> (String, Vec<u8>) {
        let sealed = sealing::seal(&self.keys[&self.current], value, &sealing::bound_to(key));
        (self.current.clone(), sealed)
    }

    /// Opens a value sealed under key `id`; `None` when the ring does not hold it.
    pub fn open(
        &self,
        key: &SecretKey,
        id: &str,
        sealed: &[u8],
    ) -> Result<Option<Vec<u8>>, VaultError> {
        let Some(data_key) = self.keys.get(id) else {
            return Ok(None);
        };
        sealing::open(data_key, sealed, &sealing::bound_to(key))
            .map(Some)
            .map_err(|why| match why {
                Unopened::Truncated => VaultError::Undecryptable(format!(
                    "the sealed value of {} is truncated",
                    key.name
                )),
                Unopened::Refused => VaultError::Undecryptable(format!(
                    "the value of {} does not open under data key {id}: tampered, or moved from another item",
                    key.name
                )),
            })
    }

    fn to_json(&self) -> String {
        let b64 = base64::engine::general_purpose::STANDARD;
        let stored = Stored {
            current: self.current.clone(),
            keys: self
                .keys
                .iter()
                .map(|(id, k)| (id.clone(), b64.encode(k)))
                .collect(),
            rotated_at: self.rotated_at,
        };
        serde_json::to_string(&stored).expect("a key ring serialises")
    }

    fn from_json(text: &str, name: &str) -> Result<Self, VaultError> {
        let bad = |why: String| {
            VaultError::Undecryptable(format!("the key ring secret {name} is unreadable: {why}"))
        };
        let stored: Stored = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        let b64 = base64::engine::general_purpose::STANDARD;
        let keys = stored
            .keys
            .into_iter()
            .map(|(id, k)| {
                let bytes = b64.decode(k).map_err(|e| bad(format!("key {id}: {e}")))?;
                let key: [u8; 32] = bytes
                    .try_into()
                    .map_err(|_| bad(format!("key {id} is not 32 bytes")))?;
                Ok((id, key))
            })
            .collect::<Result<BTreeMap<_, _>, VaultError>>()?;
        if !keys.contains_key(&stored.current) {
            return Err(bad(format!(
                "the current key {} is not in it",
                stored.current
            )));
        }
        Ok(Self {
            current: stored.current,
            rotated_at: stored.rotated_at,
            keys,
        })
    }
}

/// The ring this process uses, and when it read it.
type Cached = Option<(Instant, Arc<KeyRing>)>;

/// The key ring's secret, read at most every `KEY_RING_TTL` and created on first use.
#[derive(Clone)]
pub struct DataKeys {
    client: aws_sdk_secretsmanager::Client,
    /// `<prefix>/vault-keys`.
    pub name: String,
    cached: Arc<Mutex<Cached>>,
}

impl DataKeys {
    pub fn new(client: aws_sdk_secretsmanager::Client, prefix: &str) -> Self {
        Self {
            client,
            name: format!("{prefix}/vault-keys"),
            cached: Arc::default(),
        }
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Cached> {
        self.cached.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The ring this process uses: the cached one while it is fresh enough.
    pub async fn ring(&self) -> Result<Arc<KeyRing>, VaultError> {
        if let Some((at, ring)) = self.slot().as_ref() {
            if at.elapsed() < KEY_RING_TTL {
                return Ok(ring.clone());
            }
        }
        self.ring_fresh().await
    }

    /// The ring as the secret holds it now (a value sealed under a key this process
    /// has not seen yet means another process rotated). Created when there is none.
    pub async fn ring_fresh(&self) -> Result<Arc<KeyRing>, VaultError> {
        let ring = match self.read().await? {
            Some(ring) => ring,
            None => self.create().await?,
        };
        let ring = Arc::new(ring);
        *self.slot() = Some((Instant::now(), ring.clone()));
        Ok(ring)
    }

    async fn read(&self) -> Result<Option<KeyRing>, VaultError> {
        match self
            .client
            .get_secret_value()
            .secret_id(&self.name)
            .send()
            .await
        {
            Ok(out) => {
                let text = out.secret_string.ok_or_else(|| {
                    VaultError::Undecryptable(format!("the key ring secret {} is empty", self.name))
                })?;
                KeyRing::from_json(&text, &self.name).map(Some)
            }
            Err(e) if e.code() == Some("ResourceNotFoundException") => Ok(None),
            Err(e) => Err(unknown("reading the vault's key ring", e)),
        }
    }

    /// The first ring of the stage. Two processes may race here: the secret is
    /// created once, and the one that loses reads what the other made.
    async fn create(&self) -> Result<KeyRing, VaultError> {
        let ring = KeyRing::new(Utc::now());
        let created = self
            .client
            .create_secret()
            .name(&self.name)
            .description("Junction: the data keys that seal account secrets in the table (envelope vault). Losing it loses every connected account.")
            .secret_string(ring.to_json())
            .send()
            .await;
        match created {
            Ok(_) => {
                tracing::info!(secret = %self.name, key = %ring.current, "created the vault's key ring");
                Ok(ring)
            }
            Err(e) if e.code() == Some("ResourceExistsException") => {
                self.read().await?.ok_or_else(|| {
                    VaultError::Unknown(anyhow::anyhow!(
                        "the key ring secret {} exists but cannot be read",
                        self.name
                    ))
                })
            }
            Err(e) => Err(unknown("creating the vault's key ring", e)),
        }
    }

    /// Writes a changed ring (a rotation, or retired keys) and uses it at once.
    pub async fn write(&self, ring: KeyRing) -> Result<Arc<KeyRing>, VaultError> {
        self.client
            .put_secret_value()
            .secret_id(&self.name)
            .secret_string(ring.to_json())
            .send()
            .await
            .map_err(|e| unknown("writing the vault's key ring", e))?;
        let ring = Arc::new(ring);
        *self.slot() = Some((Instant::now(), ring.clone()));
        Ok(ring)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_open_under_the_key_that_sealed_them_and_only_for_their_item() {
        let mut ring = KeyRing::new(Utc::now());
        let a = SecretKey::account("ws_1", "acc_a");
        let (first, sealed) = ring.seal(&a, b"token-1");
        assert!(
            !sealed.windows(7).any(|w| w == b"token-1"),
            "sealed in clear"
        );
        assert_eq!(ring.open(&a, &first, &sealed).unwrap().unwrap(), b"token-1");
        // Moved to another item, it does not open.
        let b = SecretKey::account("ws_2", "acc_a");
        assert!(matches!(
            ring.open(&b, &first, &sealed),
            Err(VaultError::Undecryptable(_))
        ));
        // After a rotation new values use the new key, old ones still open...
        let second = ring.add_current(Utc::now());
        assert_ne!(first, second);
        assert_eq!(ring.seal(&a, b"x").0, second);
        assert_eq!(ring.older(), vec![first.clone()]);
        assert_eq!(ring.open(&a, &first, &sealed).unwrap().unwrap(), b"token-1");
        // ... until the old key is retired.
        ring.keep_only_current();
        assert_eq!(ring.open(&a, &first, &sealed).unwrap(), None);
    }

    #[test]
    fn the_ring_round_trips_through_its_secret_and_a_broken_one_is_named() {
        let mut ring = KeyRing::new(Utc::now());
        ring.add_current(Utc::now());
        let a = SecretKey::account("ws_1", "acc_a");
        let (id, sealed) = ring.seal(&a, b"v");
        let back = KeyRing::from_json(&ring.to_json(), "junction/vault-keys").unwrap();
        assert_eq!(back.current, ring.current);
        assert_eq!(back.open(&a, &id, &sealed).unwrap().unwrap(), b"v");
        let err = KeyRing::from_json(
            r#"{"current":"k1","keys":{},"rotated_at":"2026-12-06T00:00:00Z"}"#,
            "junction/vault-keys",
        )
        .unwrap_err();
        assert!(err.to_string().contains("junction/vault-keys"), "{err}");
        assert!(err.to_string().contains("current key k1"), "{err}");
    }
}
