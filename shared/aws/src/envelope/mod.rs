//! The envelope vault: account and OAuth client secrets sealed (AEAD) in the stage's
//! DynamoDB table under a data key, and the data keys in one Secrets Manager secret.
//! Secrets Manager charges per secret per month; this mode pays for one secret per
//! stage, however many accounts are connected. A stage that kept one secret per account
//! before keeps reading those until they are imported (`import`); rotation lives in
//! `rotation`.

mod import;
mod keyring;
mod rotation;

use aws_sdk_dynamodb::types::AttributeValue;
use junction_core::ports::{SecretKey, Vault, VaultError};

use crate::dynamo::is_condition_failure;
use crate::dynamo::item::{item, s, Item, ItemExt};
use crate::dynamo::keys;
use crate::secret_cache::SecretCache;
use crate::SecretsVault;

pub use import::{Imported, RECOVERY_DAYS};
use keyring::DataKeys;
pub use keyring::KEY_RING_TTL;
pub use rotation::{Resealed, Retired};

#[derive(Clone)]
pub struct EnvelopeVault {
    dynamo: aws_sdk_dynamodb::Client,
    table: String,
    keys: DataKeys,
    cache: SecretCache,
    /// The table as the store sees it, for the lease that lets one key ring change
    /// run at a time.
    store: crate::DynamoStore,
    /// Where the stage kept secrets before (one Secrets Manager secret each): read
    /// when the table has no sealed copy, which the read then makes.
    legacy: Option<SecretsVault>,
}

fn dynamo_error(what: &str, e: impl std::error::Error + Send + Sync + 'static) -> VaultError {
    VaultError::Unknown(anyhow::Error::new(e).context(format!("DynamoDB: {what}")))
}

/// The cache's name for a secret.
fn cache_name(key: &SecretKey) -> String {
    format!("{}/{}", key.workspace_id, key.name)
}

impl EnvelopeVault {
    /// Sealed secrets in `table`; the key ring in the secret `<prefix>/vault-keys`.
    pub fn new(config: &aws_config::SdkConfig, table: impl Into<String>, prefix: &str) -> Self {
        let table = table.into();
        Self {
            dynamo: aws_sdk_dynamodb::Client::new(config),
            store: crate::DynamoStore::new(config, table.clone()),
            table,
            keys: DataKeys::new(aws_sdk_secretsmanager::Client::new(config), prefix),
            cache: SecretCache::default(),
            legacy: None,
        }
    }

    /// Also reads (and seals here) the secrets the stage kept one per account.
    pub fn with_legacy(mut self, legacy: SecretsVault) -> Self {
        self.legacy = Some(legacy);
        self
    }

    /// The name of the secret that holds the data keys.
    pub fn key_ring_secret(&self) -> &str {
        &self.keys.name
    }

    /// The sealed item of `key`, if there is one (read consistently).
    async fn sealed_item(&self, key: &SecretKey) -> Result<Option<Item>, VaultError> {
        self.dynamo
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_of(key)))
            .consistent_read(true)
            .send()
            .await
            .map(|out| out.item)
            .map_err(|e| dynamo_error("reading a sealed secret", e))
    }

    /// Opens a sealed item, reading the key ring again when the item was sealed under a
    /// key this process has not seen (another process rotated since).
    async fn open(&self, key: &SecretKey, found: &Item) -> Result<Vec<u8>, VaultError> {
        let (key_id, sealed) = parts(found)?;
        if let Some(value) = self.keys.ring().await?.open(key, key_id, sealed)? {
            return Ok(value);
        }
        self.keys
            .ring_fresh()
            .await?
            .open(key, key_id, sealed)?
            .ok_or_else(|| {
                VaultError::Undecryptable(format!(
                    "{} was sealed under data key {key_id}, which the key ring {} no longer holds",
                    key.name, self.keys.name
                ))
            })
    }

    async fn read(&self, key: &SecretKey) -> Result<Option<Vec<u8>>, VaultError> {
        let value = match self.sealed_item(key).await? {
            Some(found) => self.open(key, &found).await?,
            None => match self.adopt(key).await? {
                Some(value) => value,
                None => return Ok(None),
            },
        };
        self.cache.insert(cache_name(key), value.clone());
        Ok(Some(value))
    }

    /// A secret the stage kept in its own Secrets Manager secret before this vault:
    /// sealed here as it is read, unless a value was sealed here meanwhile (a token
    /// refresh), which is newer and wins.
    async fn adopt(&self, key: &SecretKey) -> Result<Option<Vec<u8>>, VaultError> {
        let Some(legacy) = &self.legacy else {
            return Ok(None);
        };
        let Some(value) = legacy.get_fresh(key).await? else {
            return Ok(None);
        };
        if self.write_sealed(key, &value, true).await? {
            return Ok(Some(value));
        }
        match self.sealed_item(key).await? {
            Some(found) => self.open(key, &found).await.map(Some),
            None => Ok(Some(value)),
        }
    }

    /// Seals `value` under the current key and writes it; with `only_if_absent`, only
    /// where the table holds no sealed value of `key` yet. Whether it wrote.
    async fn write_sealed(
        &self,
        key: &SecretKey,
        value: &[u8],
        only_if_absent: bool,
    ) -> Result<bool, VaultError> {
        let (key_id, sealed) = self.keys.ring().await?.seal(key, value);
        let written = self
            .dynamo
            .put_item()
            .table_name(&self.table)
            .set_item(Some(Self::sealed(key, &key_id, sealed)))
            .set_condition_expression(only_if_absent.then(|| "attribute_not_exists(pk)".into()))
            .send()
            .await;
        match written {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failure(&e) => Ok(false),
            Err(e) => Err(dynamo_error("writing a sealed secret", e)),
        }
    }

    /// The item of a secret sealed under data key `key_id`.
    fn sealed(key: &SecretKey, key_id: &str, sealed: Vec<u8>) -> Item {
        key_of(key)
            .with("key_id", s(key_id))
            .with("sealed", AttributeValue::B(sealed.into()))
            .with("gsi1pk", s(keys::sealed_under(key_id)))
            .with("gsi1sk", s(format!("{}#{}", key.workspace_id, key.name)))
    }
}

/// The table key of a secret's sealed item.
fn key_of(key: &SecretKey) -> Item {
    item(keys::vault(&key.workspace_id), &key.name)
}

/// The data key's id and the sealed bytes of an item.
fn parts(found: &Item) -> Result<(&str, &[u8]), VaultError> {
    let key_id = found
        .str("key_id")
        .map_err(|e| VaultError::Undecryptable(e.to_string()))?;
    let sealed = match found.get("sealed") {
        Some(AttributeValue::B(b)) => b.as_ref(),
        _ => {
            return Err(VaultError::Undecryptable(
                "a sealed secret's item has no sealed value".into(),
            ))
        }
    };
    Ok((key_id, sealed))
}

impl Vault for EnvelopeVault {
    async fn put(&self, key: &SecretKey, value: &[u8]) -> Result<(), VaultError> {
        self.write_sealed(key, value, false).await?;
        self.cache.insert(cache_name(key), value.to_vec());
        Ok(())
    }

    async fn get(&self, key: &SecretKey) -> Result<Option<Vec<u8>>, VaultError> {
        match self.cache.get(&cache_name(key)) {
            Some(value) => Ok(Some(value)),
            None => self.read(key).await,
        }
    }

    async fn get_fresh(&self, key: &SecretKey) -> Result<Option<Vec<u8>>, VaultError> {
        self.read(key).await
    }

    async fn delete(&self, key: &SecretKey) -> Result<(), VaultError> {
        self.cache.remove(&cache_name(key));
        // A copy kept the old way would otherwise come back on the next read.
        if let Some(legacy) = &self.legacy {
            legacy.delete(key).await?;
        }
        self.dynamo
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_of(key)))
            .send()
            .await
            .map_err(|e| dynamo_error("deleting a sealed secret", e))?;
        Ok(())
    }
}
