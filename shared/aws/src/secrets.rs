//! The vault on Secrets Manager: one secret per account or OAuth client, named under
//! a prefix by workspace, with a short in-memory cache so a warm function does not
//! fetch the same secret for every run.

use aws_sdk_secretsmanager::error::ProvideErrorMetadata;
use aws_sdk_secretsmanager::primitives::Blob;
use junction_core::ports::{SecretKey, Vault, VaultError};

use crate::secret_cache::SecretCache;

#[derive(Clone)]
pub struct SecretsVault {
    client: aws_sdk_secretsmanager::Client,
    prefix: String,
    cache: SecretCache,
}

pub(crate) fn unknown(what: &str, e: impl std::error::Error + Send + Sync + 'static) -> VaultError {
    VaultError::Unknown(anyhow::Error::new(e).context(format!("Secrets Manager: {what}")))
}

impl SecretsVault {
    pub fn new(config: &aws_config::SdkConfig, prefix: impl Into<String>) -> Self {
        Self {
            client: aws_sdk_secretsmanager::Client::new(config),
            prefix: prefix.into(),
            cache: SecretCache::default(),
        }
    }

    fn name(&self, key: &SecretKey) -> String {
        format!("{}/{}/{}", self.prefix, key.workspace_id, key.name)
    }

    /// Reads the secret from Secrets Manager and caches what it read.
    async fn read(&self, name: String) -> Result<Option<Vec<u8>>, VaultError> {
        match self.client.get_secret_value().secret_id(&name).send().await {
            Ok(out) => {
                let value = match (out.secret_binary, out.secret_string) {
                    (Some(b), _) => b.into_inner(),
                    (None, Some(s)) => s.into_bytes(),
                    (None, None) => return Ok(None),
                };
                self.cache.insert(name, value.clone());
                Ok(Some(value))
            }
            // A secret scheduled for deletion answers InvalidRequest; both mean gone.
            Err(e)
                if matches!(
                    e.code(),
                    Some("ResourceNotFoundException") | Some("InvalidRequestException")
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(unknown("reading a secret", e)),
        }
    }
}

impl Vault for SecretsVault {
    async fn put(&self, key: &SecretKey, value: &[u8]) -> Result<(), VaultError> {
        let name = self.name(key);
        let created = self
            .client
            .create_secret()
            .name(&name)
            .secret_binary(Blob::new(value))
            .send()
            .await;
        match created {
            Ok(_) => {}
            Err(e) if e.code() == Some("ResourceExistsException") => {
                self.client
                    .put_secret_value()
                    .secret_id(&name)
                    .secret_binary(Blob::new(value))
                    .send()
                    .await
                    .map_err(|e| unknown("updating a secret", e))?;
            }
            Err(e) => return Err(unknown("creating a secret", e)),
        }
        self.cache.insert(name, value.to_vec());
        Ok(())
    }

    async fn get(&self, key: &SecretKey) -> Result<Option<Vec<u8>>, VaultError> {
        let name = self.name(key);
        match self.cache.get(&name) {
            Some(value) => Ok(Some(value)),
            None => self.read(name).await,
        }
    }

    async fn get_fresh(&self, key: &SecretKey) -> Result<Option<Vec<u8>>, VaultError> {
        self.read(self.name(key)).await
    }

    async fn delete(&self, key: &SecretKey) -> Result<(), VaultError> {
        let name = self.name(key);
        self.cache.remove(&name);
        match self
            .client
            .delete_secret()
            .secret_id(&name)
            .force_delete_without_recovery(true)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("ResourceNotFoundException") => Ok(()),
            Err(e) => Err(unknown("deleting a secret", e)),
        }
    }
}
