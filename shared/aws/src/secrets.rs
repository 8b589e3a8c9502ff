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

impl SecretsVault {
    /// Every secret of the stage's workspaces (not the envelope vault's key ring), as
    /// the vault names them.
    pub async fn list(&self) -> Result<Vec<SecretKey>, VaultError> {
        let start = format!("{}/", self.prefix);
        let mut keys = Vec::new();
        let mut next = None;
        loop {
            let page = self
                .client
                .list_secrets()
                .filters(
                    aws_sdk_secretsmanager::types::Filter::builder()
                        .key(aws_sdk_secretsmanager::types::FilterNameStringType::Name)
                        .values(&start)
                        .build(),
                )
                .set_next_token(next)
                .send()
                .await
                .map_err(|e| unknown("listing secrets", e))?;
            for listed in page.secret_list.unwrap_or_default() {
                // `<prefix>/<workspace>/<name>`; the name may hold `/` itself.
                let found = listed.name.as_deref().and_then(|n| n.strip_prefix(&start));
                if let Some((ws, name)) = found.and_then(|rest| rest.split_once('/')) {
                    keys.push(SecretKey::new(ws, name));
                }
            }
            next = page.next_token;
            if next.is_none() {
                return Ok(keys);
            }
        }
    }

    /// Deletes a secret within Secrets Manager's recovery window: it can be restored
    /// for `days` days.
    pub async fn delete_recoverable(&self, key: &SecretKey, days: i64) -> Result<(), VaultError> {
        let name = self.name(key);
        self.cache.remove(&name);
        self.client
            .delete_secret()
            .secret_id(&name)
            .recovery_window_in_days(days)
            .send()
            .await
            .map_err(|e| unknown("deleting a secret", e))?;
        Ok(())
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
