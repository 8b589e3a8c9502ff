//! Due items across shards, moved only from the time they were read at.

use super::*;
use junction_core::ports::DueStore;

pub async fn due_items_across_shards(s: impl DueStore) {
    // Enough keys that any sharding spreads them over every shard.
    for i in 0..40 {
        let item = DueItem {
            key: format!("poll:int_{i}:b"),
            workspace_id: "ws_a".into(),
            due_at: t0() + chrono::Duration::seconds(i),
            payload: json!({"i": i}),
        };
        s.put_due(&item).await.unwrap();
    }
    let due = s
        .due_before(t0() + chrono::Duration::seconds(9), 100)
        .await
        .unwrap();
    assert_eq!(due.len(), 10);
    assert!(
        due.windows(2).all(|w| w[0].due_at <= w[1].due_at),
        "earliest first"
    );
    assert_eq!(
        s.due_before(t0() + chrono::Duration::seconds(100), 5)
            .await
            .unwrap()
            .len(),
        5,
        "limit holds"
    );

    let first = &due[0];
    // Someone moved it meanwhile: removing at the old time must not drop the new schedule.
    let moved = DueItem {
        due_at: first.due_at + chrono::Duration::minutes(5),
        ..first.clone()
    };
    s.put_due(&moved).await.unwrap();
    assert!(!s.remove_due(&first.key, first.due_at).await.unwrap());
    assert!(s.remove_due(&moved.key, moved.due_at).await.unwrap());
    assert_eq!(
        s.due_before(t0() + chrono::Duration::seconds(9), 100)
            .await
            .unwrap()
            .len(),
        9
    );
}

pub async fn due_items_move_only_from_their_time(s: impl DueStore) {
    let item = DueItem {
        key: "trigger:ws:int:poll".into(),
        workspace_id: "ws_a".into(),
        due_at: t0(),
        payload: json!({"seen": null}),
    };
    s.put_due(&item).await.unwrap();
    let later = DueItem {
        due_at: t0() + chrono::Duration::minutes(5),
        payload: json!({"seen": ["a", "b"]}),
        ..item.clone()
    };
    assert!(s.move_due(&later, t0()).await.unwrap());
    assert!(
        !s.move_due(&later, t0()).await.unwrap(),
        "a second mover from the old time loses"
    );
    assert!(s
        .due_before(t0() + chrono::Duration::minutes(4), 10)
        .await
        .unwrap()
        .is_empty());
    let due = s
        .due_before(t0() + chrono::Duration::minutes(5), 10)
        .await
        .unwrap();
    assert_eq!(due, vec![later.clone()], "moved with its new payload, once");
    assert!(!s
        .move_due(
            &DueItem {
                key: "trigger:none".into(),
                ..later.clone()
            },
            t0()
        )
        .await
        .unwrap());
    assert_eq!(s.get_due(&item.key).await.unwrap(), Some(later.clone()));
    let elsewhere = DueItem {
        due_at: t0() + chrono::Duration::minutes(30),
        payload: json!({"other": true}),
        ..item.clone()
    };
    assert!(
        !s.add_due_if_absent(&elsewhere).await.unwrap(),
        "an item with that key exists"
    );
    assert_eq!(s.get_due(&item.key).await.unwrap(), Some(later.clone()));
    assert!(s.remove_due(&later.key, later.due_at).await.unwrap());
    assert_eq!(s.get_due(&item.key).await.unwrap(), None);
    assert!(s.add_due_if_absent(&elsewhere).await.unwrap());
    assert_eq!(s.get_due(&item.key).await.unwrap(), Some(elsewhere.clone()));
    assert_eq!(
        s.due_before(elsewhere.due_at, 10).await.unwrap(),
        vec![elsewhere.clone()]
    );
    assert!(!s.add_due_if_absent(&elsewhere).await.unwrap());
}
