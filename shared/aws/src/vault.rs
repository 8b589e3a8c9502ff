//! The vault a stage uses, chosen by `JUNCTION_VAULT_MODE`: one Secrets Manager secret
//! per account (the default), or the envelope vault (secrets sealed in the table under
//! data keys kept in one secret per stage).

use junction_core::ports::{SecretKey, Vault, VaultError};

use crate::{EnvelopeVault, SecretsVault};

pub const VAULT_MODE_ENV: &str = "JUNCTION_VAULT_MODE";

/// How a stage keeps account secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VaultMode {
    /// One secret per account or OAuth client ($0.40 a secret a month).
    #[default]
    SecretPerAccount,
    /// Sealed in the table; one secret per stage holds the data keys.
    Envelope,
}

impl VaultMode {
    /// `secret-per-account` or `envelope`; unset or empty is the default.
    pub fn parse(raw: Option<&str>) -> anyhow::Result<Self> {
        match raw.map(str::trim).unwrap_or("") {
            "" | "secret-per-account" => Ok(Self::SecretPerAccount),
            "envelope" => Ok(Self::Envelope),
            other => anyhow::bail!(
                "{VAULT_MODE_ENV} is '{other}'; it is 'secret-per-account' (the default) or 'envelope'"
            ),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SecretPerAccount => "secret-per-account",
            Self::Envelope => "envelope",
        }
    }
}

/// The stage's vault.
#[derive(Clone)]
pub enum AwsVault {
    Secrets(SecretsVault),
    Envelope(EnvelopeVault),
}

impl Vault for AwsVault {
    async fn put(&self, key: &SecretKey, value: &[u8]) -> Result<(), VaultError> {
        match self {
            Self::Secrets(v) => v.put(key, value).await,
            Self::Envelope(v) => v.put(key, value).await,
        }
    }

    async fn get(&self, key: &SecretKey) -> Result<Option<Vec<u8>>, VaultError> {
        match self {
            Self::Secrets(v) => v.get(key).await,
            Self::Envelope(v) => v.get(key).await,
        }
    }

    async fn get_fresh(&self, key: &SecretKey) -> Result<Option<Vec<u8>>, VaultError> {
        match self {
            Self::Secrets(v) => v.get_fresh(key).await,
            Self::Envelope(v) => v.get_fresh(key).await,
        }
    }

    async fn delete(&self, key: &SecretKey) -> Result<(), VaultError> {
        match self {
            Self::Secrets(v) => v.delete(key).await,
            Self::Envelope(v) => v.delete(key).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mode_is_named_or_the_error_names_the_variable_and_the_choices() {
        assert_eq!(VaultMode::parse(None).unwrap(), VaultMode::SecretPerAccount);
        assert_eq!(
            VaultMode::parse(Some(" ")).unwrap(),
            VaultMode::SecretPerAccount
        );
        assert_eq!(
            VaultMode::parse(Some("envelope")).unwrap(),
            VaultMode::Envelope
        );
        let err = VaultMode::parse(Some("kms")).unwrap_err().to_string();
        assert!(
            err.contains(VAULT_MODE_ENV) && err.contains("'envelope'"),
            "{err}"
        );
    }
}
