//! Run-queue conformance, in real time with short timeouts (SQS counts in seconds):
//! delivery and acknowledgement, visibility expiry, delays, dedupe, dead letters.

use std::time::Duration;

use junction_core::ports::{QueueError, RunQueue};

const SHORT: Duration = Duration::from_secs(1);

async fn receive_within<Q: RunQueue>(
    q: &Q,
    wait: Duration,
    visibility: Duration,
) -> Vec<junction_core::ports::QueueMessage> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let got = q.receive(10, visibility).await.unwrap();
        if !got.is_empty() || tokio::time::Instant::now() >= deadline {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn delivered_then_gone_after_ack(q: impl RunQueue) {
    let id = q
        .send(r#"{"run":"r1"}"#, Duration::ZERO, None)
        .await
        .unwrap();
    let got = receive_within(&q, SHORT, Duration::from_secs(30)).await;
    assert_eq!(got.len(), 1);
    assert_eq!(
        (
            got[0].id.as_str(),
            got[0].body.as_str(),
            got[0].receive_count
        ),
        (id.as_str(), r#"{"run":"r1"}"#, 1)
    );
    assert!(
        q.receive(10, Duration::from_secs(30))
            .await
            .unwrap()
            .is_empty(),
        "invisible while in flight"
    );
    q.ack(&got[0].receipt).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(q
        .receive(10, Duration::from_secs(30))
        .await
        .unwrap()
        .is_empty());
}

pub async fn unacknowledged_messages_come_back_after_the_visibility_timeout(q: impl RunQueue) {
    q.send("again", Duration::ZERO, None).await.unwrap();
    let first = receive_within(&q, SHORT, SHORT).await;
    assert_eq!(first.len(), 1);
    let second = receive_within(&q, Duration::from_secs(4), SHORT).await;
    assert_eq!(second.len(), 1, "redelivered");
    assert_eq!(second[0].receive_count, 2);
    assert_eq!(second[0].id, first[0].id);
    q.ack(&second[0].receipt).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(
        q.receive(10, SHORT).await.unwrap().is_empty(),
        "the current receipt deletes it"
    );
}

pub async fn delays_hide_a_message_until_due(q: impl RunQueue) {
    q.send("later", Duration::from_secs(2), None).await.unwrap();
    assert!(q.receive(10, SHORT).await.unwrap().is_empty());
    let got = receive_within(&q, Duration::from_secs(5), Duration::from_secs(30)).await;
    assert_eq!(got.len(), 1);
    assert!(matches!(
        q.send("x", Duration::from_secs(3600), None).await,
        Err(QueueError::DelayTooLong(_))
    ));
}

pub async fn change_visibility_postpones_redelivery(q: impl RunQueue) {
    q.send("backoff", Duration::ZERO, None).await.unwrap();
    let got = receive_within(&q, SHORT, SHORT).await;
    q.change_visibility(&got[0].receipt, Duration::from_secs(3))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        q.receive(10, SHORT).await.unwrap().is_empty(),
        "still hidden by the change"
    );
    assert_eq!(
        receive_within(&q, Duration::from_secs(4), Duration::from_secs(30))
            .await
            .len(),
        1
    );
}

pub async fn a_deferred_message_comes_back_after_its_delay(q: impl RunQueue) {
    q.send("deferred", Duration::ZERO, None).await.unwrap();
    let got = receive_within(&q, SHORT, SHORT).await;
    q.defer(&got[0].receipt, Duration::from_secs(3))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        q.receive(10, SHORT).await.unwrap().is_empty(),
        "hidden until its delay"
    );
    let again = receive_within(&q, Duration::from_secs(4), Duration::from_secs(30)).await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].body, "deferred");
    assert_eq!(again[0].receive_count, 2);
}

pub async fn a_dedupe_id_queues_once(q: impl RunQueue) {
    let a = q
        .send("one", Duration::ZERO, Some("delivery-1"))
        .await
        .unwrap();
    let b = q
        .send("one", Duration::ZERO, Some("delivery-1"))
        .await
        .unwrap();
    assert_eq!(a, b);
    q.send("two", Duration::ZERO, Some("delivery-2"))
        .await
        .unwrap();
    let mut seen = Vec::new();
    for _ in 0..5 {
        seen.extend(q.receive(10, Duration::from_secs(30)).await.unwrap());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(seen.len(), 2);
}

/// `send_new` queues at once and, like `send`, makes later sends under its id no-ops.
pub async fn a_send_new_suppresses_later_sends_under_its_id(q: impl RunQueue) {
    let first = q.send_new("run", "run_1").await.unwrap();
    let again = q.send("run", Duration::ZERO, Some("run_1")).await.unwrap();
    assert_eq!(first, again);
    let mut seen = Vec::new();
    for _ in 0..5 {
        seen.extend(q.receive(10, Duration::from_secs(30)).await.unwrap());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].body, "run");
}

pub async fn oversized_messages_are_refused(q: impl RunQueue) {
    let body = "x".repeat(q.max_body_bytes() + 1);
    assert!(matches!(
        q.send(&body, Duration::ZERO, None).await,
        Err(QueueError::TooLarge { .. })
    ));
    assert!(matches!(
        q.send_new(&body, "big").await,
        Err(QueueError::TooLarge { .. })
    ));
}

/// Built with `max_receives = 2`.
pub async fn dead_letters_after_max_receives(q: impl RunQueue) {
    q.send("poison", Duration::ZERO, None).await.unwrap();
    for n in 1..=2 {
        let got = receive_within(&q, Duration::from_secs(4), SHORT).await;
        assert_eq!(got.len(), 1, "receive {n}");
        assert_eq!(got[0].receive_count, n);
    }
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let mut letters = Vec::new();
    for _ in 0..20 {
        assert!(
            q.receive(10, SHORT).await.unwrap().is_empty(),
            "not delivered a third time"
        );
        letters = q.dead_letters(10).await.unwrap();
        if !letters.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].body, "poison");
}

macro_rules! queue_tests {
    ($backend:ident, $make:path) => {
        mod $backend {
            macro_rules! case {
                ($name:ident, $receives:expr) => {
                    #[tokio::test]
                    async fn $name() {
                        let q = $make($receives).await;
                        super::$name(q.it.clone()).await;
                    }
                };
            }
            case!(delivered_then_gone_after_ack, 5);
            case!(
                unacknowledged_messages_come_back_after_the_visibility_timeout,
                5
            );
            case!(delays_hide_a_message_until_due, 5);
            case!(change_visibility_postpones_redelivery, 5);
            case!(a_deferred_message_comes_back_after_its_delay, 5);
            case!(a_dedupe_id_queues_once, 5);
            case!(a_send_new_suppresses_later_sends_under_its_id, 5);
            case!(oversized_messages_are_refused, 5);
            case!(dead_letters_after_max_receives, 2);
        }
    };
}

queue_tests!(sqlite, crate::backends::sqlite_queue);
queue_tests!(sqs, crate::backends::sqs_queue);
