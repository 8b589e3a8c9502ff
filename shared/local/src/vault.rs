//! The local vault: every secret sealed with XChaCha20-Poly1305 under a master key,
//! bound to its workspace and name so sealed values cannot be swapped between rows.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context as _};
use base64::Engine as _;
use junction_core::ports::{SecretKey, Vault, VaultError};
use junction_core::sealing::{self, Unopened};
use rusqlite::{params, OptionalExtension};

use crate::db::{Cached, Database};
use crate::memo::Memo;

/// The environment variable that may hold the master key (base64 or hex, 32 bytes).
pub const MASTER_KEY_ENV: &str = "JUNCTION_MASTER_KEY";

const KEY_CHECK: &[u8] = b"junction vault key check";

/// The 32-byte key every secret is sealed under.
#[derive(Clone)]
pub struct MasterKey {
    key: [u8; 32],
    /// Where the key came from, for error messages.
    origin: String,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey({})", self.origin)
    }
}

impl MasterKey {
    /// Parses a key written as base64 or hex.
    pub fn parse(raw: &str, origin: &str) -> anyhow::Result<Self> {
        let raw = raw.trim();
        let bytes = if raw.len() == 64 && raw.chars().all(|c| c.is_ascii_hexdigit()) {
            (0..32)
                .map(|i| u8::from_str_radix(&raw[2 * i..2 * i + 2], 16))
                .collect::<Result<Vec<_>, _>>()?
        } else {
            base64::engine::general_purpose::STANDARD
                .decode(raw)
                .with_context(|| format!("{origin} is neither base64 nor hex"))?
        };
        let key: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
            anyhow::anyhow!("{origin} holds {} bytes; a master key is 32 bytes", b.len())
        })?;
        Ok(Self {
            key,
            origin: origin.into(),
        })
    }

    /// The key from `JUNCTION_MASTER_KEY`, else from `key_file`, created (owner-only)
    /// with a fresh random key on first use.
    pub fn load_or_create(key_file: &Path) -> anyhow::Result<Self> {
        if let Ok(raw) = std::env::var(MASTER_KEY_ENV) {
            return Self::parse(&raw, MASTER_KEY_ENV);
        }
        let origin = key_file.display().to_string();
        match std::fs::read_to_string(key_file) {
            Ok(raw) => Self::parse(&raw, &origin),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = sealing::new_key();
                write_private(
                    key_file,
                    &base64::engine::general_purpose::STANDARD.encode(key),
                )?;
                tracing::info!(path = %origin, "created a new vault master key; back it up, secrets cannot be read without it");
                Ok(Self { key, origin })
            }
            Err(e) => Err(e).with_context(|| format!("reading the master key file {origin}")),
        }
    }
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    std::io::Write::write_all(&mut file, text.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

#[derive(Clone)]
pub struct SqliteVault {
    db: Database,
    key: MasterKey,
    /// The last opened value of each secret, so that a run reading an account's
    /// credentials does not decrypt the same sealed bytes again (XChaCha20-Poly1305
    /// setup was 1.6% of a busy server's CPU). The sealed row is still read every time:
    /// the CLI writes the same database from another process.
    opened: Arc<Memo<Vec<u8>, Vec<u8>, Vec<u8>>>,
}

/// Secrets whose opened value the vault keeps, at most.
const OPENED_SECRETS: usize = 10_000;

impl SqliteVault {
    /// Opens the vault, checking that `key` is the one its data was sealed with.
    pub fn open(db: Database, key: MasterKey) -> anyhow::Result<Self> {
        let vault = Self {
            db,
            key,
            opened: Arc::new(Memo::new(OPENED_SECRETS)),
        };
        let check: Option<Vec<u8>> = vault.db.with(|c| {
            c.row(
                "SELECT value FROM meta WHERE key = 'vault_key_check'",
                [],
                |r| r.get(0),
            )
            .optional()
        })?;
        match check {
            Some(sealed) => {
                if vault.open_sealed(&sealed, b"meta").is_err() {
                    bail!(
                        "the master key from {} is not the one this data was encrypted with; set {MASTER_KEY_ENV} or restore the original key file",
                        vault.key.origin
                    );
                }
            }
            None => {
                let sealed = vault.seal(KEY_CHECK, b"meta");
                vault.db.with(|c| {
                    c.exec(
                        "INSERT INTO meta (key, value) VALUES ('vault_key_check', ?1)",
                        params![sealed],
                    )
                })?;
            }
        }
        Ok(vault)
    }

    /// A key file path conventionally kept next to the database.
    pub fn default_key_file(data_dir: &Path) -> PathBuf {
        data_dir.join("master.key")
    }

    fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
        sealing::seal(&self.key.key, plaintext, aad)
    }

    fn open_sealed(&self, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, VaultError> {
        sealing::open(&self.key.key, sealed, aad).map_err(|why| match why {
            Unopened::Truncated => {
                VaultError::Undecryptable("the stored value is truncated".into())
            }
            Unopened::Refused => VaultError::Undecryptable(format!(
                "wrong master key ({}) or tampered data",
                self.key.origin
            )),
        })
    }
}

impl Vault for SqliteVault {
    async fn put(&self, key: &SecretKey, value: &[u8]) -> Result<(), VaultError> {
        let binding = sealing::bound_to(key);
        let sealed = self.seal(value, &binding);
        self.opened.forget(binding.as_slice());
        self.db
            .write_with(|c| {
                c.exec(
                    "INSERT INTO vault (ws, name, sealed) VALUES (?1, ?2, ?3) ON CONFLICT (ws, name) DO UPDATE SET sealed = excluded.sealed",
                    params![key.workspace_id, key.name, sealed],
                )
            })
            .await?;
        Ok(())
    }

    async fn get(&self, key: &SecretKey) -> Result<Option<Vec<u8>>, VaultError> {
        let sealed: Option<Vec<u8>> = self.db.with(|c| {
            c.row(
                "SELECT sealed FROM vault WHERE ws = ?1 AND name = ?2",
                params![key.workspace_id, key.name],
                |r| r.get(0),
            )
            .optional()
        })?;
        let Some(sealed) = sealed else {
            return Ok(None);
        };
        let binding = sealing::bound_to(key);
        self.opened
            .get_or_work_out(binding.as_slice(), sealed, |sealed| {
                self.open_sealed(sealed, &binding)
            })
            .map(Some)
    }

    async fn delete(&self, key: &SecretKey) -> Result<(), VaultError> {
        self.opened.forget(sealing::bound_to(key).as_slice());
        self.db
            .write_with(|c| {
                c.exec(
                    "DELETE FROM vault WHERE ws = ?1 AND name = ?2",
                    params![key.workspace_id, key.name],
                )
            })
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Durability;

    fn key(byte: u8) -> MasterKey {
        MasterKey {
            key: [byte; 32],
            origin: "test".into(),
        }
    }

    #[tokio::test]
    async fn values_are_sealed_at_rest_and_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("j.db"), Durability::Process).unwrap();
        let vault = SqliteVault::open(db.clone(), key(1)).unwrap();
        let k = SecretKey::account("ws1", "acc1");
        vault.put(&k, b"super-secret-token").await.unwrap();
        assert_eq!(vault.get(&k).await.unwrap().unwrap(), b"super-secret-token");
        let raw: Vec<u8> = db
            .with(|c| c.row("SELECT sealed FROM vault", [], |r| r.get(0)))
            .unwrap();
        assert!(!raw.windows(6).any(|w| w == b"secret"), "stored in clear");
    }

    #[tokio::test]
    async fn a_wrong_key_is_a_clear_error_not_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("j.db"), Durability::Process).unwrap();
        SqliteVault::open(db.clone(), key(1)).unwrap();
        let err = SqliteVault::open(db, key(2)).err().unwrap();
        assert!(
            err.to_string()
                .contains("not the one this data was encrypted with"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn swapped_rows_do_not_decrypt() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("j.db"), Durability::Process).unwrap();
        let vault = SqliteVault::open(db.clone(), key(1)).unwrap();
        vault
            .put(&SecretKey::account("ws1", "a"), b"A")
            .await
            .unwrap();
        vault
            .put(&SecretKey::account("ws2", "b"), b"B")
            .await
            .unwrap();
        // Both opened once, so remembered: the swap must still be caught.
        for (ws, name) in [("ws1", "a"), ("ws2", "b")] {
            let k = SecretKey::account(ws, name);
            vault.get(&k).await.unwrap().unwrap();
        }
        db.with(|c| c.exec("UPDATE vault SET sealed = (SELECT sealed FROM vault WHERE ws = 'ws1') WHERE ws = 'ws2'", [])).unwrap();
        assert!(matches!(
            vault.get(&SecretKey::account("ws2", "b")).await,
            Err(VaultError::Undecryptable(_))
        ));
    }

    #[tokio::test]
    async fn a_secret_sealed_anew_by_another_process_is_read_anew() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.db");
        let db = Database::open(&path, Durability::Process).unwrap();
        let serving = SqliteVault::open(db, key(1)).unwrap();
        let k = SecretKey::account("ws1", "acc1");
        serving.put(&k, b"old-token").await.unwrap();
        assert_eq!(serving.get(&k).await.unwrap().unwrap(), b"old-token");
        // The CLI, say, replaces the token through a connection of its own.
        let other = Database::open(&path, Durability::Process).unwrap();
        let cli = SqliteVault::open(other, key(1)).unwrap();
        cli.put(&k, b"new-token").await.unwrap();
        assert_eq!(serving.get(&k).await.unwrap().unwrap(), b"new-token");
        cli.delete(&k).await.unwrap();
        assert_eq!(serving.get(&k).await.unwrap(), None);
    }

    #[test]
    fn key_files_are_created_owner_only_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/master.key");
        std::env::remove_var(MASTER_KEY_ENV);
        let first = MasterKey::load_or_create(&path).unwrap();
        let second = MasterKey::load_or_create(&path).unwrap();
        assert_eq!(first.key, second.key);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        assert!(MasterKey::parse("c2hvcnQ=", "x")
            .unwrap_err()
            .to_string()
            .contains("32 bytes"));
        assert!(MasterKey::parse(&"ab".repeat(32), "x").is_ok());
    }
}
