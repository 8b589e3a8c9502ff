//! Rotating the envelope vault's data key: a new key becomes current and every secret
//! sealed under an older one is sealed again under it; later, once no process can still
//! hold the old ring, the older keys are retired. Each step can be run again, and one
//! runs at a time: the ring is one secret written whole, so two changes at once could
//! drop a key that values are sealed under.

use anyhow::{bail, Context as _};
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use junction_core::ports::{BookkeepingStore, SecretKey};
use serde::Serialize;

use super::keyring::{KeyRing, KEY_RING_TTL};
use super::{parts, EnvelopeVault};
use crate::dynamo::is_condition_failure;
use crate::dynamo::item::{s, Item, ItemExt};
use crate::dynamo::keys;

/// What a rotation did.
#[derive(Debug, Serialize)]
pub struct Resealed {
    /// The data key that seals from now on.
    pub current: String,
    /// Secrets sealed again under it.
    pub resealed: usize,
    /// Secrets written by someone else while they were being sealed again (a token
    /// refresh): that write stands, under whichever key its process held.
    pub changed_meanwhile: usize,
    /// Keys still in the ring besides the current one, until they are retired.
    pub older: Vec<String>,
    /// From when retiring them is safe: every process has read the new ring by then.
    pub retire_from: DateTime<Utc>,
}

/// What retiring the older keys did.
#[derive(Debug, Serialize)]
pub struct Retired {
    pub current: String,
    pub retired: Vec<String>,
    /// Secrets still under an older key that were sealed again first.
    pub resealed: usize,
}

/// The lease a change of the key ring holds.
const RING_LEASE: &str = "vault-key-ring";
/// How long it holds at most: a change that dies releases it after this.
const RING_LEASE_TTL: std::time::Duration = std::time::Duration::from_secs(3600);

impl EnvelopeVault {
    /// Runs `change` of the key ring while no other change can run.
    async fn one_at_a_time<T>(
        &self,
        change: impl std::future::Future<Output = anyhow::Result<T>>,
    ) -> anyhow::Result<T> {
        let holder = format!("vault-{:016x}", fastrand::u64(..));
        let now = Utc::now();
        if !self
            .store
            .acquire_lease(RING_LEASE, &holder, now, RING_LEASE_TTL)
            .await?
        {
            bail!(
                "another rotation or retirement of the data keys is running; wait for it to end (a change that died lets go within {} minutes)",
                RING_LEASE_TTL.as_secs() / 60
            );
        }
        let result = change.await;
        self.store.release_lease(RING_LEASE, &holder).await?;
        result
    }

    /// Makes a new data key current and seals every secret again under it.
    pub async fn rotate(&self, now: DateTime<Utc>) -> anyhow::Result<Resealed> {
        self.one_at_a_time(self.rotate_now(now)).await
    }

    /// Removes every key but the current one from the ring, once no process can still
    /// seal with them, and after sealing again whatever they still seal.
    pub async fn retire(&self, now: DateTime<Utc>) -> anyhow::Result<Retired> {
        self.one_at_a_time(self.retire_now(now)).await
    }

    async fn rotate_now(&self, now: DateTime<Utc>) -> anyhow::Result<Resealed> {
        let mut ring = (*self.keys.ring_fresh().await?).clone();
        let current = ring.add_current(now);
        let ring = self.keys.write(ring).await?;
        let (resealed, changed_meanwhile) = self.reseal_older(&ring).await?;
        Ok(Resealed {
            current,
            resealed,
            changed_meanwhile,
            older: ring.older(),
            retire_from: ring.rotated_at + chrono::Duration::from_std(KEY_RING_TTL)?,
        })
    }

    async fn retire_now(&self, now: DateTime<Utc>) -> anyhow::Result<Retired> {
        let ring = self.keys.ring_fresh().await?;
        let older = ring.older();
        if older.is_empty() {
            return Ok(Retired {
                current: ring.current.clone(),
                retired: Vec::new(),
                resealed: 0,
            });
        }
        let safe_from = ring.rotated_at + chrono::Duration::from_std(KEY_RING_TTL)?;
        if now < safe_from {
            bail!(
                "data key {} became current at {}; processes may seal with the older keys until {} (they re-read the ring every {} s): retire them after that",
                ring.current,
                ring.rotated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                safe_from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                KEY_RING_TTL.as_secs()
            );
        }
        let (resealed, _) = self.reseal_older(&ring).await?;
        for id in &older {
            if let Some(name) = self.one_still_under(id).await? {
                bail!("{name} was sealed under data key {id} again while it was being retired; run the command again");
            }
        }
        let mut next = (*ring).clone();
        next.keep_only_current();
        self.keys.write(next).await?;
        Ok(Retired {
            current: ring.current.clone(),
            retired: older,
            resealed,
        })
    }

    /// Seals every secret under one of the ring's older keys again under its current
    /// one: how many were, and how many changed meanwhile (left as written).
    async fn reseal_older(&self, ring: &KeyRing) -> anyhow::Result<(usize, usize)> {
        let (mut resealed, mut changed) = (0, 0);
        for id in ring.older() {
            for listed in self.sealed_under(&id).await? {
                let key = secret_of(&listed)?;
                // The index is read eventually; the item itself decides.
                let Some(found) = self.sealed_item(&key).await? else {
                    continue;
                };
                let (key_id, sealed) = parts(&found)?;
                if key_id != id {
                    continue;
                }
                let value = ring.open(&key, key_id, sealed)?.with_context(|| {
                    format!("{} is sealed under {key_id}, not in the ring", key.name)
                })?;
                let (current, resealed_value) = ring.seal(&key, &value);
                let written = self
                    .dynamo
                    .put_item()
                    .table_name(&self.table)
                    .set_item(Some(Self::sealed(&key, &current, resealed_value)))
                    .condition_expression("key_id = :old AND sealed = :was")
                    .expression_attribute_values(":old", s(key_id))
                    .expression_attribute_values(":was", AttributeValue::B(sealed.to_vec().into()))
                    .send()
                    .await;
                match written {
                    Ok(_) => resealed += 1,
                    Err(e) if is_condition_failure(&e) => changed += 1,
                    Err(e) => {
                        return Err(anyhow::Error::new(e)
                            .context(format!("sealing {} again under {current}", key.name)))
                    }
                }
            }
        }
        Ok((resealed, changed))
    }

    /// A secret whose item is still sealed under `key_id`, if any. The index is read
    /// eventually, so what it lists is checked against the item itself.
    async fn one_still_under(&self, key_id: &str) -> anyhow::Result<Option<String>> {
        for listed in self.sealed_under(key_id).await? {
            let key = secret_of(&listed)?;
            if let Some(found) = self.sealed_item(&key).await? {
                if parts(&found)?.0 == key_id {
                    return Ok(Some(format!("{}/{}", key.workspace_id, key.name)));
                }
            }
        }
        Ok(None)
    }

    /// The index entries of the secrets sealed under `key_id`.
    async fn sealed_under(&self, key_id: &str) -> anyhow::Result<Vec<Item>> {
        let mut listed = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .dynamo
                .query()
                .table_name(&self.table)
                .index_name("gsi1")
                .key_condition_expression("gsi1pk = :pk")
                .expression_attribute_values(":pk", s(keys::sealed_under(key_id)))
                .set_exclusive_start_key(start)
                .send()
                .await
                .with_context(|| format!("listing the secrets sealed under {key_id}"))?;
            listed.extend(page.items.unwrap_or_default());
            start = page.last_evaluated_key;
            if start.is_none() {
                return Ok(listed);
            }
        }
    }
}

/// The secret an index entry names (`gsi1sk` is `<ws>#<name>`; workspace ids hold no `#`).
fn secret_of(listed: &Item) -> anyhow::Result<SecretKey> {
    let at = listed.str("gsi1sk")?;
    let (ws, name) = at
        .split_once('#')
        .with_context(|| format!("a sealed secret's index entry '{at}' names no workspace"))?;
    Ok(SecretKey::new(ws, name))
}
