//! One serving process per data folder: `junction serve` holds an OS lock on
//! `serve.lock` for as long as it runs, so a restart knows that whatever the queue
//! still has in flight belongs to a process that is gone. CLI commands take no lock
//! and keep working beside the server.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;

use anyhow::Context as _;

/// Held while the process serves; the OS releases it when the process ends, however
/// it ends (kill -9 included).
#[derive(Debug)]
pub struct ServeLock {
    _file: File,
}

impl ServeLock {
    /// Takes the data folder's lock, or says which process has it.
    pub fn acquire(data: &Path) -> anyhow::Result<Self> {
        let path = data.join("serve.lock");
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("opening {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                anyhow::bail!(
                    "another `junction serve`{} is using the data folder {}: stop it first, or give this one a folder of its own with --data",
                    if holder.is_empty() { String::new() } else { format!(" (pid {holder})") },
                    data.display()
                );
            }
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("locking {}", path.display()))
            }
        }
        file.set_len(0)?;
        file.rewind()?;
        write!(file, "{}", std::process::id())?;
        file.flush()?;
        Ok(Self { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_with_the_first_ones_pid_until_it_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let first = ServeLock::acquire(dir.path()).unwrap();
        let err = ServeLock::acquire(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains(&format!("pid {}", std::process::id())),
            "{err}"
        );
        assert!(err.contains("--data"), "{err}");
        drop(first);
        ServeLock::acquire(dir.path()).expect("free again once the first one is gone");
    }
}
