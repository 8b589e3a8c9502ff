//! Dedupe keys, claims, counters, leases, holds and rate windows: atomic under
//! concurrency and expiring on time.

use super::*;
use junction_core::ports::BookkeepingStore;

pub async fn dedupe_keys_expire(s: impl BookkeepingStore) {
    let ttl = Duration::from_secs(60);
    assert!(s.insert_dedupe("hook:d1", t0(), ttl).await.unwrap());
    assert!(!s
        .insert_dedupe("hook:d1", t0() + chrono::Duration::seconds(59), ttl)
        .await
        .unwrap());
    assert!(s.insert_dedupe("hook:d2", t0(), ttl).await.unwrap());
    assert!(
        s.insert_dedupe("hook:d1", t0() + chrono::Duration::seconds(61), ttl)
            .await
            .unwrap(),
        "expired keys can be used again"
    );
    assert!(!s
        .insert_dedupe("hook:d1", t0() + chrono::Duration::seconds(62), ttl)
        .await
        .unwrap());
}

pub async fn dedupe_has_one_winner_under_concurrency<S: BookkeepingStore + Clone + 'static>(s: S) {
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let s = s.clone();
            tokio::spawn(async move {
                s.insert_dedupe("race", t0(), Duration::from_secs(60))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut winners = 0;
    for t in tasks {
        winners += t.await.unwrap() as u32;
    }
    assert_eq!(winners, 1);
}

pub async fn counters_stay_exact_under_concurrency<S: BookkeepingStore + Clone + 'static>(s: S) {
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let s = s.clone();
            tokio::spawn(async move {
                s.add_tasks("ws_a", if i % 2 == 0 { "u1" } else { "u2" }, "2026-11", 3)
                    .await
                    .unwrap()
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let (ws_total, user_total) = s.add_tasks("ws_a", "u1", "2026-11", 1).await.unwrap();
    assert_eq!((ws_total, user_total), (121, 61));
    let usage = s.usage("ws_a", "2026-11").await.unwrap();
    assert_eq!(usage.total, 121);
    assert_eq!(usage.per_user["u2"], 60);
    assert_eq!(usage.poll_requests, 0);
    assert_eq!(s.usage("ws_a", "2026-12").await.unwrap().total, 0);
}

pub async fn poll_requests_are_counted_apart_from_tasks<S: BookkeepingStore + Clone + 'static>(
    s: S,
) {
    let adds = (0..10).map(|_| s.add_poll_requests("ws_p", "2026-11", 3));
    for n in futures::future::join_all(adds).await {
        n.unwrap();
    }
    assert_eq!(s.add_poll_requests("ws_p", "2026-11", 1).await.unwrap(), 31);
    s.add_tasks("ws_p", "u1", "2026-11", 2).await.unwrap();
    let usage = s.usage("ws_p", "2026-11").await.unwrap();
    assert_eq!((usage.total, usage.poll_requests), (2, 31));
    assert_eq!(usage.per_user.len(), 1, "no user for polls: {usage:?}");
    assert_eq!(s.usage("ws_p", "2026-12").await.unwrap().poll_requests, 0);
}

pub async fn leases_have_one_holder_until_expiry(s: impl BookkeepingStore) {
    let ttl = Duration::from_secs(30);
    assert!(s
        .acquire_lease("refresh:acc_1", "worker-a", t0(), ttl)
        .await
        .unwrap());
    assert!(!s
        .acquire_lease(
            "refresh:acc_1",
            "worker-b",
            t0() + chrono::Duration::seconds(10),
            ttl
        )
        .await
        .unwrap());
    assert!(s
        .renew_lease(
            "refresh:acc_1",
            "worker-a",
            t0() + chrono::Duration::seconds(20),
            ttl
        )
        .await
        .unwrap());
    assert!(
        !s.acquire_lease(
            "refresh:acc_1",
            "worker-b",
            t0() + chrono::Duration::seconds(40),
            ttl
        )
        .await
        .unwrap(),
        "renewed to 50 s"
    );
    assert!(!s
        .renew_lease(
            "refresh:acc_1",
            "worker-b",
            t0() + chrono::Duration::seconds(40),
            ttl
        )
        .await
        .unwrap());
    assert!(
        s.acquire_lease(
            "refresh:acc_1",
            "worker-b",
            t0() + chrono::Duration::seconds(51),
            ttl
        )
        .await
        .unwrap(),
        "expired lease is taken over"
    );
    assert!(!s
        .renew_lease(
            "refresh:acc_1",
            "worker-a",
            t0() + chrono::Duration::seconds(52),
            ttl
        )
        .await
        .unwrap());
    s.release_lease("refresh:acc_1", "worker-a").await.unwrap();
    assert!(
        !s.acquire_lease(
            "refresh:acc_1",
            "worker-c",
            t0() + chrono::Duration::seconds(53),
            ttl
        )
        .await
        .unwrap(),
        "only the holder releases"
    );
    s.release_lease("refresh:acc_1", "worker-b").await.unwrap();
    assert!(s
        .acquire_lease(
            "refresh:acc_1",
            "worker-c",
            t0() + chrono::Duration::seconds(53),
            ttl
        )
        .await
        .unwrap());
}

pub async fn claims_answer_the_standing_value(s: impl BookkeepingStore) {
    let ttl = Duration::from_secs(60);
    assert_eq!(s.claim_key("d1", "run_a", t0(), ttl).await.unwrap(), None);
    assert_eq!(
        s.claim_key("d1", "run_b", t0() + chrono::Duration::seconds(30), ttl)
            .await
            .unwrap()
            .as_deref(),
        Some("run_a"),
        "a second claim learns the first one's value"
    );
    assert_eq!(
        s.claim_key("d1", "run_c", t0() + chrono::Duration::seconds(61), ttl)
            .await
            .unwrap(),
        None,
        "an expired claim can be taken again"
    );
    assert_eq!(
        s.claim_key("d1", "run_d", t0() + chrono::Duration::seconds(62), ttl)
            .await
            .unwrap()
            .as_deref(),
        Some("run_c")
    );
}

pub async fn claims_have_one_winner_under_concurrency<S: BookkeepingStore + Clone + 'static>(s: S) {
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let s = s.clone();
            tokio::spawn(async move {
                s.claim_key(
                    "claim-race",
                    &format!("v{i}"),
                    t0(),
                    Duration::from_secs(60),
                )
                .await
                .unwrap()
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.unwrap());
    }
    assert_eq!(outcomes.iter().filter(|o| o.is_none()).count(), 1);
    let held: std::collections::BTreeSet<_> = outcomes.into_iter().flatten().collect();
    assert_eq!(held.len(), 1, "every loser sees the same winner: {held:?}");
}

pub async fn holds_only_move_later_and_end_at_their_time(s: impl BookkeepingStore) {
    let at = |secs| t0() + chrono::Duration::seconds(secs);
    assert_eq!(s.held_until("acc_1", t0()).await.unwrap(), None);
    s.hold("acc_1", at(30)).await.unwrap();
    s.hold("acc_1", at(10)).await.unwrap();
    assert_eq!(
        s.held_until("acc_1", t0()).await.unwrap(),
        Some(at(30)),
        "an earlier hold does not shorten a later one"
    );
    s.hold("acc_1", at(45)).await.unwrap();
    assert_eq!(s.held_until("acc_1", at(20)).await.unwrap(), Some(at(45)));
    assert_eq!(
        s.held_until("acc_1", at(45)).await.unwrap(),
        None,
        "over at its time"
    );
    assert_eq!(s.held_until("acc_2", t0()).await.unwrap(), None, "per name");
}

pub async fn rate_windows_count_every_call_and_start_again(s: impl BookkeepingStore) {
    let exp = t0() + chrono::Duration::minutes(5);
    for expected in 1..=3 {
        assert_eq!(
            s.count_in_window("acc_1", 100, exp).await.unwrap(),
            expected
        );
    }
    assert_eq!(
        s.count_in_window("acc_2", 100, exp).await.unwrap(),
        1,
        "per name"
    );
    assert_eq!(
        s.count_in_window("acc_1", 101, exp).await.unwrap(),
        1,
        "a new window"
    );
    let counts =
        futures::future::join_all((0..20).map(|_| s.count_in_window("acc_3", 7, exp))).await;
    let mut counts: Vec<u64> = counts.into_iter().map(Result::unwrap).collect();
    counts.sort_unstable();
    assert_eq!(
        counts,
        (1..=20).collect::<Vec<_>>(),
        "each call has its own number"
    );
}
