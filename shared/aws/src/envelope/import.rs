//! Moving a stage that kept one Secrets Manager secret per account to the envelope
//! vault: every such secret sealed in the table (unless a newer value is sealed there
//! already), and, when asked, deleted from Secrets Manager once its sealed copy opens.

use anyhow::Context as _;
use junction_core::ports::Vault;
use serde::Serialize;

use super::EnvelopeVault;

/// Days a secret deleted by the import can still be restored in Secrets Manager.
pub const RECOVERY_DAYS: i64 = 7;

/// What an import did.
#[derive(Debug, Default, Serialize)]
pub struct Imported {
    /// Secrets sealed in the table from their Secrets Manager secret.
    pub imported: usize,
    /// Secrets the table held already (read since the switch, or written since): the
    /// sealed value is the newer one and stays.
    pub already_sealed: usize,
    /// Secrets Manager secrets deleted (restorable for `RECOVERY_DAYS` days).
    pub deleted: usize,
}

impl EnvelopeVault {
    /// Seals every secret the stage kept one per account; with `delete`, deletes each
    /// from Secrets Manager once the table's copy opens.
    pub async fn import(&self, delete: bool) -> anyhow::Result<Imported> {
        let legacy = self
            .legacy
            .as_ref()
            .context("this vault was built without the stage's Secrets Manager prefix")?;
        let mut done = Imported::default();
        for key in legacy.list().await? {
            let Some(value) = legacy.get_fresh(&key).await? else {
                continue; // deleted meanwhile
            };
            if self.write_sealed(&key, &value, true).await? {
                done.imported += 1;
            } else {
                done.already_sealed += 1;
            }
            if delete {
                let sealed = self.get_fresh(&key).await?;
                anyhow::ensure!(
                    sealed.is_some(),
                    "{}/{} has no sealed copy after sealing it; nothing was deleted for it",
                    key.workspace_id,
                    key.name
                );
                legacy.delete_recoverable(&key, RECOVERY_DAYS).await?;
                done.deleted += 1;
            }
        }
        Ok(done)
    }
}
