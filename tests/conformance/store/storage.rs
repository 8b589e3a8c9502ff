//! Stored values (`storage` steps): scopes kept apart, key order and pages, expiry
//! read at `now`, conditional writes with one winner, and increments that count
//! every writer once.

use std::sync::Arc;

use super::*;
use junction_core::model::StoredValue;
use junction_core::ports::{Expect, ManualClock, StorageStore, Store};
use junction_core::service::StoredValues;
use junction_core::storage::{RunStorage, StorageScope};

fn value(scope: &str, key: &str, v: serde_json::Value) -> StoredValue {
    StoredValue {
        scope: scope.into(),
        key: key.into(),
        value: v,
        updated_at: t0(),
        expires_at: None,
        applied: Vec::new(),
        version: 0,
    }
}

fn secs(n: i64) -> DateTime<Utc> {
    t0() + chrono::Duration::seconds(n)
}

pub async fn stored_values_by_scope_and_key(s: impl StorageStore) {
    let scope = "integration:int_1";
    for key in ["b", "a", "c:1", "c:2"] {
        let v = s
            .put_stored(
                "ws_a",
                &value(scope, key, json!({ "k": key })),
                Expect::Any,
                t0(),
            )
            .await
            .unwrap();
        assert_eq!(v, 1);
    }
    // Other scopes and workspaces are apart.
    s.put_stored("ws_a", &value("user:u1", "a", json!(1)), Expect::Any, t0())
        .await
        .unwrap();
    s.put_stored("ws_b", &value(scope, "a", json!(2)), Expect::Any, t0())
        .await
        .unwrap();
    let a = s
        .get_stored("ws_a", scope, "a", t0())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((a.value, a.version), (json!({"k": "a"}), 1));
    assert_eq!(
        s.get_stored("ws_b", scope, "a", t0())
            .await
            .unwrap()
            .unwrap()
            .value,
        json!(2)
    );
    assert!(s
        .get_stored("ws_a", "user:u2", "a", t0())
        .await
        .unwrap()
        .is_none());

    let keys = |page: Vec<StoredValue>| page.into_iter().map(|v| v.key).collect::<Vec<_>>();
    let first = s.list_stored("ws_a", scope, None, 3, t0()).await.unwrap();
    assert_eq!(keys(first), ["a", "b", "c:1"]);
    let rest = s
        .list_stored("ws_a", scope, Some("c:1"), 3, t0())
        .await
        .unwrap();
    assert_eq!(keys(rest), ["c:2"]);

    // Replacing counts the version on.
    let v = s
        .put_stored("ws_a", &value(scope, "a", json!("new")), Expect::Any, t0())
        .await
        .unwrap();
    assert_eq!(v, 2);
    assert!(s.delete_stored("ws_a", scope, "a", t0()).await.unwrap());
    assert!(!s.delete_stored("ws_a", scope, "a", t0()).await.unwrap());
    assert!(s
        .get_stored("ws_a", scope, "a", t0())
        .await
        .unwrap()
        .is_none());
}

pub async fn stored_values_expire_at_their_time(s: impl StorageStore) {
    let scope = "workspace";
    let mut v = value(scope, "k", json!("soon gone"));
    v.expires_at = Some(secs(60));
    s.put_stored("ws_a", &v, Expect::Any, t0()).await.unwrap();
    assert!(s
        .get_stored("ws_a", scope, "k", secs(59))
        .await
        .unwrap()
        .is_some());
    assert!(s
        .get_stored("ws_a", scope, "k", secs(60))
        .await
        .unwrap()
        .is_none());
    assert!(s
        .list_stored("ws_a", scope, None, 10, secs(61))
        .await
        .unwrap()
        .is_empty());
    // Live, a value is not absent; once expired, it is.
    let again = value(scope, "k", json!("again"));
    assert!(matches!(
        s.put_stored("ws_a", &again, Expect::Absent, secs(30)).await,
        Err(StoreError::Conflict(_))
    ));
    s.put_stored("ws_a", &again, Expect::Absent, secs(61))
        .await
        .unwrap();
    let read = s
        .get_stored("ws_a", scope, "k", secs(10_000))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.value, json!("again"), "no expiry now: it stays");
    assert_eq!(read.expires_at, None);
    // An expired value deletes as absent.
    let mut short = value(scope, "short", json!(1));
    short.expires_at = Some(secs(1));
    s.put_stored("ws_a", &short, Expect::Any, t0())
        .await
        .unwrap();
    assert!(!s
        .delete_stored("ws_a", scope, "short", secs(2))
        .await
        .unwrap());
}

pub async fn stored_writes_at_a_version_have_one_winner<S: StorageStore + Clone + 'static>(s: S) {
    let scope = "integration:int_1";
    s.put_stored("ws_a", &value(scope, "k", json!(0)), Expect::Absent, t0())
        .await
        .unwrap();
    assert!(matches!(
        s.put_stored("ws_a", &value(scope, "k", json!(0)), Expect::Absent, t0())
            .await,
        Err(StoreError::Conflict(_))
    ));
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let s = s.clone();
            tokio::spawn(async move {
                s.put_stored(
                    "ws_a",
                    &value(scope, "k", json!(i)),
                    Expect::Version(1),
                    t0(),
                )
                .await
            })
        })
        .collect();
    let mut won = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(v) => {
                assert_eq!(v, 2);
                won += 1;
            }
            Err(StoreError::Conflict(_)) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(won, 1);
}

pub async fn increments_count_every_writer_once<S: Store>(s: S) {
    let clock = Arc::new(ManualClock::new(t0()));
    let storage = |integration: &str| StoredValues {
        store: s.clone(),
        clock: clock.clone(),
        workspace_id: "ws_a".into(),
        integration_id: integration.into(),
        user_id: "u1".into(),
        accounts: Default::default(),
    };
    let tasks: Vec<_> = (0..12)
        .map(|i| {
            let run = storage("int_1");
            tokio::spawn(async move {
                run.increment(
                    StorageScope::User,
                    "seen",
                    2,
                    None,
                    &format!("run_{i}/count"),
                )
                .await
                .unwrap()
            })
        })
        .collect();
    let mut sums = Vec::new();
    for t in tasks {
        sums.push(t.await.unwrap());
    }
    sums.sort_unstable();
    assert_eq!(sums, (1..=12).map(|i| i * 2).collect::<Vec<_>>());
    // A step tried again gets its first sum and adds nothing; the user scope is shared
    // by the user's integrations, the integration scope is not.
    let other = storage("int_2");
    let again = other
        .increment(StorageScope::User, "seen", 2, None, "run_3/count")
        .await
        .unwrap();
    assert!(sums.contains(&again));
    assert_eq!(
        other.get(StorageScope::User, "seen").await.unwrap(),
        Some(json!(24))
    );
    assert_eq!(
        other.get(StorageScope::Integration, "seen").await.unwrap(),
        None
    );
    // A value that is not a whole number is refused, and stays.
    other
        .set(StorageScope::Integration, "name", json!("Ada"), None)
        .await
        .unwrap();
    let refused = other
        .increment(StorageScope::Integration, "name", 1, None, "run_x/count")
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("not a whole number"),
        "{refused}"
    );
    // An increment with a time to live starts again once it expired.
    other
        .increment(
            StorageScope::Integration,
            "hits",
            5,
            Some(Duration::from_secs(60)),
            "a",
        )
        .await
        .unwrap();
    clock.advance(chrono::Duration::seconds(61));
    let fresh = other
        .increment(
            StorageScope::Integration,
            "hits",
            1,
            Some(Duration::from_secs(60)),
            "b",
        )
        .await
        .unwrap();
    assert_eq!(fresh, 1);
}

pub async fn remembered_writes_belong_to_an_account_and_expire<S: Store>(s: S) {
    use junction_core::storage::Written;
    let clock = Arc::new(ManualClock::new(t0()));
    let run = |integration: &str, account: &str| StoredValues {
        store: s.clone(),
        clock: clock.clone(),
        workspace_id: "ws_a".into(),
        integration_id: integration.into(),
        user_id: "u1".into(),
        accounts: [("mailbird".to_string(), account.to_string())].into(),
    };
    let wrote = Written::of("run_1", &json!({"fields": {"FNAME": "Ann"}}));
    run("int_1", "acc_1")
        .remember_write(
            "mailbird",
            "m_1",
            wrote.clone(),
            std::time::Duration::from_secs(600),
        )
        .await
        .unwrap();
    // Another integration through the same account sees it (the app reports the
    // change to every subscriber); another account, or another object, does not.
    let found = run("int_2", "acc_1")
        .last_write("mailbird", "m_1")
        .await
        .unwrap();
    assert_eq!(found, Some(wrote));
    assert_eq!(
        run("int_1", "acc_2")
            .last_write("mailbird", "m_1")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        run("int_1", "acc_1")
            .last_write("mailbird", "m_2")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        run("int_1", "acc_1")
            .last_write("acme", "m_1")
            .await
            .unwrap(),
        None
    );
    // Storage steps and the admin listing never reach them.
    assert_eq!(
        run("int_1", "acc_1")
            .get(StorageScope::Workspace, "m_1")
            .await
            .unwrap(),
        None
    );
    clock.advance(chrono::Duration::seconds(601));
    assert_eq!(
        run("int_1", "acc_1")
            .last_write("mailbird", "m_1")
            .await
            .unwrap(),
        None
    );
}
