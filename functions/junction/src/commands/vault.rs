//! `junction vault`: moving an AWS stack's secrets into its envelope vault, and
//! rotating the data keys that seal them.

use std::process::ExitCode;

use crate::cli::{BackendKind, VaultCommand};

pub async fn dispatch(command: VaultCommand, json: bool) -> anyhow::Result<ExitCode> {
    let data = match &command {
        VaultCommand::ImportSecrets { data, .. }
        | VaultCommand::RotateKey { data }
        | VaultCommand::RetireKeys { data } => data,
    };
    if data.backend == BackendKind::Local {
        anyhow::bail!(
            "the local vault seals every secret under one master key ({} or {}); data keys and their rotation are for an AWS stack in envelope mode: add --backend aws",
            junction_local::MASTER_KEY_ENV,
            junction_local::SqliteVault::default_key_file(&data.data).display()
        );
    }
    #[cfg(feature = "aws")]
    {
        match command {
            VaultCommand::ImportSecrets { delete, .. } => aws::import_secrets(delete, json).await,
            VaultCommand::RotateKey { .. } => aws::rotate_key(json).await,
            VaultCommand::RetireKeys { .. } => aws::retire_keys(json).await,
        }
    }
    #[cfg(not(feature = "aws"))]
    {
        let _ = json;
        Err(crate::backend::without_aws())
    }
}

#[cfg(feature = "aws")]
mod aws {
    use std::process::ExitCode;

    use anyhow::bail;
    use junction_aws::vault::VAULT_MODE_ENV;
    use junction_aws::{AwsSettings, EnvelopeVault, SecretsVault, VaultMode, RECOVERY_DAYS};

    /// The envelope vault of the stack the environment names.
    async fn envelope_vault() -> anyhow::Result<EnvelopeVault> {
        let settings = AwsSettings::from_env().map_err(|e| {
            anyhow::anyhow!(
                "{e:#}\n(set them from the stack's outputs: see the README, 'Deploy to AWS')"
            )
        })?;
        if settings.vault_mode != VaultMode::Envelope {
            bail!(
                "this stage keeps one Secrets Manager secret per account ({VAULT_MODE_ENV} is not 'envelope'); Secrets Manager rotates those"
            );
        }
        let config = junction_aws::load_sdk_config().await;
        let legacy = SecretsVault::new(&config, settings.secret_prefix.clone());
        Ok(
            EnvelopeVault::new(&config, settings.table, &settings.secret_prefix)
                .with_legacy(legacy),
        )
    }

    pub async fn import_secrets(delete: bool, json: bool) -> anyhow::Result<ExitCode> {
        let vault = envelope_vault().await?;
        eprintln!("sealing the stage's Secrets Manager secrets in the table…");
        let done = vault.import(delete).await?;
        if json {
            outln!("{}", serde_json::to_string_pretty(&done)?);
            return Ok(ExitCode::SUCCESS);
        }
        outln!(
            "{} secret(s) sealed in the table; {} were there already (read or written since the switch; those stay)",
            done.imported,
            done.already_sealed
        );
        if delete {
            outln!(
                "{} deleted from Secrets Manager (restorable for {RECOVERY_DAYS} days with `aws secretsmanager restore-secret`)",
                done.deleted
            );
        } else if done.imported + done.already_sealed > 0 {
            outln!("the Secrets Manager copies are still there (and billed): run again with --delete to delete them");
        }
        Ok(ExitCode::SUCCESS)
    }

    pub async fn rotate_key(json: bool) -> anyhow::Result<ExitCode> {
        let vault = envelope_vault().await?;
        eprintln!(
            "rotating the data key in {} and sealing every secret again…",
            vault.key_ring_secret()
        );
        let done = vault.rotate(chrono::Utc::now()).await?;
        if json {
            outln!("{}", serde_json::to_string_pretty(&done)?);
        } else {
            outln!(
                "data key {} is current; {} secret(s) sealed again under it",
                done.current,
                done.resealed
            );
            if done.changed_meanwhile > 0 {
                outln!(
                    "{} secret(s) changed while this ran and were left as written; `junction vault retire-keys` seals them again",
                    done.changed_meanwhile
                );
            }
            outln!(
                "older key(s) kept until retired: {}; run `junction vault retire-keys --backend aws` after {}",
                done.older.join(", "),
                done.retire_from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
        }
        Ok(ExitCode::SUCCESS)
    }

    pub async fn retire_keys(json: bool) -> anyhow::Result<ExitCode> {
        let vault = envelope_vault().await?;
        let done = vault.retire(chrono::Utc::now()).await?;
        if json {
            outln!("{}", serde_json::to_string_pretty(&done)?);
        } else if done.retired.is_empty() {
            outln!(
                "data key {} is the only one in the key ring; nothing to retire",
                done.current
            );
        } else {
            outln!(
                "retired {}; {} secret(s) still under them were sealed again under {}, the one key left",
                done.retired.join(", "),
                done.resealed,
                done.current
            );
        }
        Ok(ExitCode::SUCCESS)
    }
}
