//! How each backend's adapters are built for a test: a fresh temporary database per
//! test for SQLite; a fresh table, queue pair or secret prefix per test on the moto
//! server that `infra/test.sh` starts (its URL in `JUNCTION_MOTO_URL`).

use junction_tests::moto::{run_queues, unique};
use std::sync::Arc;

use junction_core::ports::SystemClock;
use junction_local::{
    Database, Durability, MasterKey, QueueConfig, SqliteQueue, SqliteStore, SqliteVault,
};

/// Keeps a test's temporary directory alive as long as its adapters.
pub struct Held<T> {
    pub it: T,
    _dir: Option<tempfile::TempDir>,
}

fn database() -> (Database, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("junction.db"), Durability::Process).unwrap();
    (db, dir)
}

pub async fn sqlite_store() -> Held<SqliteStore> {
    let (db, dir) = database();
    Held {
        it: SqliteStore::new(db),
        _dir: Some(dir),
    }
}

pub async fn sqlite_queue(max_receives: u32) -> Held<SqliteQueue> {
    let (db, dir) = database();
    let config = QueueConfig {
        max_receives,
        ..QueueConfig::default()
    };
    Held {
        it: SqliteQueue::new(db, Arc::new(SystemClock), config),
        _dir: Some(dir),
    }
}

pub async fn sqlite_vault() -> Held<SqliteVault> {
    sqlite_vault_pair().await.0
}

/// Two processes' vaults over one database file.
pub async fn sqlite_vault_pair() -> (Held<SqliteVault>, SqliteVault) {
    let (db, dir) = database();
    let key = || MasterKey::parse(&"11".repeat(32), "test key").unwrap();
    let other = Database::open(&dir.path().join("junction.db"), Durability::Process).unwrap();
    let held = Held {
        it: SqliteVault::open(db, key()).unwrap(),
        _dir: Some(dir),
    };
    (held, SqliteVault::open(other, key()).unwrap())
}

/// The SDK configuration for the moto server.
pub async fn moto() -> aws_config::SdkConfig {
    junction_tests::moto::config().await
}

async fn table(config: &aws_config::SdkConfig) -> String {
    let name = unique("junction");
    junction_aws::create_table(config, &name).await.unwrap();
    name
}

pub async fn dynamo_store() -> Held<junction_aws::DynamoStore> {
    let config = moto().await;
    let name = table(&config).await;
    Held {
        it: junction_aws::DynamoStore::new(&config, name),
        _dir: None,
    }
}

pub async fn sqs_queue(max_receives: u32) -> Held<junction_aws::SqsQueue> {
    let config = moto().await;
    let (queue, dlq) = run_queues(&config, max_receives, None).await;
    let table = table(&config).await;
    Held {
        it: junction_aws::SqsQueue::new(&config, queue, dlq, table),
        _dir: None,
    }
}

pub async fn secrets_vault() -> Held<junction_aws::SecretsVault> {
    secrets_vault_pair().await.0
}

/// Two functions' vaults (each with its own cache) over one secret prefix.
pub async fn secrets_vault_pair() -> (Held<junction_aws::SecretsVault>, junction_aws::SecretsVault)
{
    let config = moto().await;
    let prefix = unique("junction");
    let other = junction_aws::SecretsVault::new(&config, prefix.clone());
    let held = Held {
        it: junction_aws::SecretsVault::new(&config, prefix),
        _dir: None,
    };
    (held, other)
}

/// Two functions' envelope vaults (each with its own caches) over one table and key ring.
pub async fn envelope_vault_pair() -> (
    Held<junction_aws::EnvelopeVault>,
    junction_aws::EnvelopeVault,
) {
    let config = moto().await;
    let table = table(&config).await;
    let prefix = unique("junction");
    let other = junction_aws::EnvelopeVault::new(&config, table.clone(), &prefix);
    let held = Held {
        it: junction_aws::EnvelopeVault::new(&config, table, &prefix),
        _dir: None,
    };
    (held, other)
}

pub async fn envelope_vault() -> Held<junction_aws::EnvelopeVault> {
    envelope_vault_pair().await.0
}
