//! The envelope vault beyond the vault port: secrets sealed in the table (never in
//! clear), data key rotation that seals every secret again, processes that learn of a
//! rotation from the values they read, and older keys retired only when it is safe.

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::Utc;
use junction_aws::{EnvelopeVault, KEY_RING_TTL};
use junction_core::ports::{SecretKey, Vault};
use junction_tests::moto::unique;

/// A stage: its table and secret prefix, and a vault over them as a new process has.
struct Stage {
    config: aws_config::SdkConfig,
    table: String,
    prefix: String,
}

impl Stage {
    async fn new() -> Self {
        let config = crate::backends::moto().await;
        let table = unique("junction");
        junction_aws::create_table(&config, &table).await.unwrap();
        Self {
            config,
            table,
            prefix: unique("junction"),
        }
    }

    fn process(&self) -> EnvelopeVault {
        EnvelopeVault::new(&self.config, self.table.clone(), &self.prefix)
    }

    /// Every stored attribute of the secrets in the table, as an operator's scan sees it.
    async fn stored(&self) -> Vec<std::collections::HashMap<String, AttributeValue>> {
        aws_sdk_dynamodb::Client::new(&self.config)
            .scan()
            .table_name(&self.table)
            .send()
            .await
            .unwrap()
            .items
            .unwrap_or_default()
            .into_iter()
            .filter(|i| i.contains_key("key_id"))
            .collect()
    }
}

fn key_id(item: &std::collections::HashMap<String, AttributeValue>) -> String {
    item["key_id"].as_s().unwrap().clone()
}

fn accounts(n: usize) -> Vec<(SecretKey, Vec<u8>)> {
    (0..n)
        .map(|i| {
            (
                SecretKey::account(&format!("ws_{}", i % 2), &format!("acc_{i}")),
                format!(r#"{{"type":"api_key","key":"key-number-{i}"}}"#).into_bytes(),
            )
        })
        .collect()
}

#[tokio::test]
async fn secrets_are_sealed_in_the_table_never_in_clear() {
    let stage = Stage::new().await;
    let vault = stage.process();
    for (key, value) in accounts(3) {
        vault.put(&key, &value).await.unwrap();
    }
    let stored = stage.stored().await;
    assert_eq!(stored.len(), 3);
    for item in &stored {
        let text = format!("{item:?}");
        assert!(!text.contains("key-number"), "stored in clear: {text}");
    }
    // A new process (no cache) reads them through the key ring.
    for (key, value) in accounts(3) {
        assert_eq!(stage.process().get(&key).await.unwrap().unwrap(), value);
    }
}

#[tokio::test]
async fn a_rotation_seals_every_secret_again_and_older_keys_retire_only_once_safe() {
    let stage = Stage::new().await;
    let vault = stage.process();
    let secrets = accounts(6);
    for (key, value) in &secrets[..5] {
        vault.put(key, value).await.unwrap();
    }
    let first = key_id(&stage.stored().await[0]);
    // Two other functions read the ring before the rotation, and keep it a while.
    let (stale, stale_writer) = (stage.process(), stage.process());
    for function in [&stale, &stale_writer] {
        assert_eq!(
            function.get(&secrets[0].0).await.unwrap().unwrap(),
            secrets[0].1
        );
    }

    let rotated = vault.rotate(Utc::now()).await.unwrap();
    assert_ne!(rotated.current, first);
    assert_eq!((rotated.resealed, rotated.changed_meanwhile), (5, 0));
    assert_eq!(rotated.older, vec![first.clone()]);
    for item in stage.stored().await {
        assert_eq!(key_id(&item), rotated.current);
    }
    // The stale function opens values sealed under the key it has not seen: it reads
    // the ring again. Its own writes still use the ring it holds.
    assert_eq!(
        stale.get_fresh(&secrets[1].0).await.unwrap().unwrap(),
        secrets[1].1
    );
    stale_writer
        .put(&secrets[5].0, &secrets[5].1)
        .await
        .unwrap();
    let under: Vec<String> = stage.stored().await.iter().map(key_id).collect();
    assert!(under.contains(&first), "{under:?}");

    // Retiring the old key at once is refused: a function may still seal with it.
    let early = vault.retire(Utc::now()).await.unwrap_err().to_string();
    assert!(
        early.contains(&rotated.current) && early.contains("retire them after"),
        "{early}"
    );
    let later = Utc::now() + chrono::Duration::from_std(KEY_RING_TTL).unwrap();
    let retired = vault.retire(later).await.unwrap();
    assert_eq!(retired.retired, vec![first]);
    assert_eq!(retired.current, rotated.current);
    assert_eq!(
        retired.resealed, 1,
        "what the stale function wrote meanwhile"
    );
    // Every secret still opens, in a new process, under the one key left.
    for (key, value) in &secrets {
        assert_eq!(&stage.process().get(key).await.unwrap().unwrap(), value);
    }
    let again = vault.rotate(Utc::now()).await.unwrap();
    assert_eq!(again.older, vec![rotated.current], "the ring held one key");
}

#[tokio::test]
async fn a_stage_that_kept_a_secret_per_account_moves_to_the_table_without_a_gap() {
    let stage = Stage::new().await;
    let before = junction_aws::SecretsVault::new(&stage.config, stage.prefix.clone());
    let secrets = accounts(4);
    for (key, value) in &secrets {
        before.put(key, value).await.unwrap();
    }
    let after = || stage.process().with_legacy(before.clone());
    // Read after the switch: served from its secret, and sealed in the table.
    assert_eq!(
        after().get(&secrets[0].0).await.unwrap().unwrap(),
        secrets[0].1
    );
    assert_eq!(stage.stored().await.len(), 1);
    // Written after the switch (a token refresh): the table's value is the newer one.
    after().put(&secrets[1].0, b"refreshed").await.unwrap();
    // Deleted after the switch: gone from both, so that it does not come back.
    after().delete(&secrets[2].0).await.unwrap();
    assert_eq!(after().get(&secrets[2].0).await.unwrap(), None);

    let moved = after().import(true).await.unwrap();
    assert_eq!(
        (moved.imported, moved.already_sealed, moved.deleted),
        (1, 2, 3),
        "{moved:?}"
    );
    assert_eq!(before.list().await.unwrap(), vec![], "all deleted");
    // Without the secrets, a new process reads every value from the table.
    let table_only = stage.process();
    assert_eq!(
        table_only.get(&secrets[0].0).await.unwrap().unwrap(),
        secrets[0].1
    );
    assert_eq!(
        table_only.get(&secrets[1].0).await.unwrap().unwrap(),
        b"refreshed"
    );
    assert_eq!(table_only.get(&secrets[2].0).await.unwrap(), None);
    assert_eq!(
        table_only.get(&secrets[3].0).await.unwrap().unwrap(),
        secrets[3].1
    );
    // Importing again finds nothing left to move.
    let again = after().import(true).await.unwrap();
    assert_eq!((again.imported, again.deleted), (0, 0), "{again:?}");
}

#[tokio::test]
async fn one_change_of_the_key_ring_runs_at_a_time() {
    use junction_core::ports::BookkeepingStore;
    let stage = Stage::new().await;
    let vault = stage.process();
    vault
        .put(&SecretKey::account("ws_1", "acc_1"), b"v")
        .await
        .unwrap();
    // An operator's rotation is running (it holds the ring's lease, infra/dynamodb.md).
    let store = junction_aws::DynamoStore::new(&stage.config, stage.table.clone());
    let hour = std::time::Duration::from_secs(3600);
    assert!(store
        .acquire_lease("vault-key-ring", "operator-1", Utc::now(), hour)
        .await
        .unwrap());
    let refused = vault.rotate(Utc::now()).await.unwrap_err().to_string();
    assert!(refused.contains("another rotation"), "{refused}");
    let later = Utc::now() + chrono::Duration::from_std(KEY_RING_TTL).unwrap();
    let refused = vault.retire(later).await.unwrap_err().to_string();
    assert!(refused.contains("another rotation"), "{refused}");
    // Once it ends, the next one runs, and lets go when it ends too.
    store
        .release_lease("vault-key-ring", "operator-1")
        .await
        .unwrap();
    vault.rotate(Utc::now()).await.unwrap();
    vault.rotate(Utc::now()).await.unwrap();
}
