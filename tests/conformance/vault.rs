//! Vault conformance: round trip, overwrite, delete, workspace isolation, and fresh
//! reads that see another process's write through any cache.

use junction_core::ports::{SecretKey, Vault};

pub async fn round_trip_overwrite_and_delete(vault: impl Vault) {
    let key = SecretKey::account("ws_a", "acc_1");
    assert_eq!(vault.get(&key).await.unwrap(), None);
    vault
        .put(&key, br#"{"type":"api_key","key":"k1"}"#)
        .await
        .unwrap();
    assert_eq!(
        vault.get(&key).await.unwrap().unwrap(),
        br#"{"type":"api_key","key":"k1"}"#
    );
    vault.put(&key, b"second").await.unwrap();
    assert_eq!(vault.get(&key).await.unwrap().unwrap(), b"second");
    vault.delete(&key).await.unwrap();
    assert_eq!(vault.get(&key).await.unwrap(), None);
    vault.delete(&key).await.unwrap();
}

pub async fn workspaces_do_not_share_secrets(vault: impl Vault) {
    vault
        .put(&SecretKey::oauth_client("ws_a", "mail"), b"a-secret")
        .await
        .unwrap();
    assert_eq!(
        vault
            .get(&SecretKey::oauth_client("ws_b", "mail"))
            .await
            .unwrap(),
        None
    );
}

/// `a` and `b` are two processes' vaults over the same storage.
pub async fn fresh_reads_see_another_processs_write(a: impl Vault, b: impl Vault) {
    let key = SecretKey::account("ws_a", "acc_rotating");
    a.put(&key, b"tokens-1").await.unwrap();
    // `b` reads (and may cache) the first value ...
    assert_eq!(b.get(&key).await.unwrap().unwrap(), b"tokens-1");
    // ... then `a` replaces it, as a token refresh in another process does.
    a.put(&key, b"tokens-2").await.unwrap();
    assert_eq!(b.get_fresh(&key).await.unwrap().unwrap(), b"tokens-2");
}

macro_rules! vault_tests {
    ($backend:ident, $make:path, $pair:path) => {
        mod $backend {
            #[tokio::test]
            async fn round_trip_overwrite_and_delete() {
                let v = $make().await;
                super::round_trip_overwrite_and_delete(v.it.clone()).await;
            }
            #[tokio::test]
            async fn workspaces_do_not_share_secrets() {
                let v = $make().await;
                super::workspaces_do_not_share_secrets(v.it.clone()).await;
            }
            #[tokio::test]
            async fn fresh_reads_see_another_processs_write() {
                let (v, other) = $pair().await;
                super::fresh_reads_see_another_processs_write(v.it.clone(), other).await;
            }
        }
    };
}

vault_tests!(
    sqlite,
    crate::backends::sqlite_vault,
    crate::backends::sqlite_vault_pair
);
vault_tests!(
    secrets_manager,
    crate::backends::secrets_vault,
    crate::backends::secrets_vault_pair
);
vault_tests!(
    envelope,
    crate::backends::envelope_vault,
    crate::backends::envelope_vault_pair
);
