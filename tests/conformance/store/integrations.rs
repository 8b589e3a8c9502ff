//! Integrations by user, flow, app event and webhook token, with their indexes kept
//! in step.

use super::*;
use junction_core::ports::IntegrationStore;

pub async fn integrations_by_user_flow_event_and_token(s: impl IntegrationStore) {
    s.put_integration(
        &integration(
            "ws_a",
            "int_1",
            "u1",
            "sync",
            &["contact.created"],
            &["hash_1"],
        ),
        None,
    )
    .await
    .unwrap();
    s.put_integration(
        &integration(
            "ws_a",
            "int_2",
            "u2",
            "sync",
            &["contact.created", "deal.won"],
            &["hash_2"],
        ),
        None,
    )
    .await
    .unwrap();
    s.put_integration(
        &integration("ws_b", "int_3", "u1", "sync", &["contact.created"], &[]),
        None,
    )
    .await
    .unwrap();
    conflict(
        s.put_integration(
            &integration("ws_a", "int_4", "u3", "other", &[], &["hash_1"]),
            None,
        )
        .await,
    );

    assert_eq!(s.integrations_of_user("ws_a", "u1").await.unwrap().len(), 1);
    assert_eq!(
        s.integrations_of_flow("ws_a", "sync").await.unwrap().len(),
        2
    );
    assert_eq!(
        s.integrations_for_event("ws_a", "contact.created", None)
            .await
            .unwrap()
            .len(),
        2
    );
    let mine = s
        .integrations_for_event("ws_a", "contact.created", Some("u2"))
        .await
        .unwrap();
    assert_eq!(
        mine.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        ["int_2"]
    );
    assert_eq!(
        s.integration_by_webhook_token("hash_2")
            .await
            .unwrap()
            .unwrap()
            .id,
        "int_2"
    );
    assert!(s
        .integration_by_webhook_token("hash_9")
        .await
        .unwrap()
        .is_none());

    // Changing the subscriptions moves the indexes with the record.
    let mut i2 = s.get_integration("ws_a", "int_2").await.unwrap().unwrap();
    i2.events = vec!["deal.won".into()];
    i2.webhook_token_hashes = vec!["hash_2b".into()];
    s.put_integration(&i2, Some(i2.version)).await.unwrap();
    assert_eq!(
        s.integrations_for_event("ws_a", "contact.created", None)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(s
        .integration_by_webhook_token("hash_2")
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        s.integration_by_webhook_token("hash_2b")
            .await
            .unwrap()
            .unwrap()
            .id,
        "int_2"
    );

    s.delete_integration("ws_a", "int_2").await.unwrap();
    assert!(s.get_integration("ws_a", "int_2").await.unwrap().is_none());
    assert!(s
        .integration_by_webhook_token("hash_2b")
        .await
        .unwrap()
        .is_none());
    assert!(s
        .integrations_for_event("ws_a", "deal.won", None)
        .await
        .unwrap()
        .is_empty());
}
