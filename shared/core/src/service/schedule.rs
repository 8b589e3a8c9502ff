//! When polls and schedules are next due: poll intervals with a per-integration offset
//! so polls spread out, and cron ticks in an IANA time zone, correct across DST.

use std::str::FromStr;

use chrono::{DateTime, Utc};

/// A poll's next due time: `interval` after `after`, plus up to a tenth of it (at most
/// 30 s), fixed per key, so integrations created together do not poll together.
pub(crate) fn next_poll(
    key: &str,
    interval: std::time::Duration,
    after: DateTime<Utc>,
) -> DateTime<Utc> {
    let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    });
    let spread_ms = (interval.as_millis() as u64 / 10).clamp(1, 30_000);
    let jitter = chrono::Duration::milliseconds((hash % spread_ms) as i64);
    after + chrono::Duration::from_std(interval).unwrap_or(chrono::Duration::MAX) + jitter
}

/// The first tick of `cron` in `timezone` strictly after `after`. A time skipped by a
/// DST change fires at the first valid minute after it; a time that occurs twice fires
/// once, at its first occurrence.
pub(crate) fn next_tick(
    cron: &str,
    timezone: &str,
    after: DateTime<Utc>,
) -> Result<DateTime<Utc>, String> {
    let cron = croner::Cron::new(cron)
        .parse()
        .map_err(|e| format!("'{cron}' is not a valid cron expression: {e}"))?;
    let tz = chrono_tz::Tz::from_str(timezone)
        .map_err(|_| format!("'{timezone}' is not an IANA time zone"))?;
    let mut start = after.with_timezone(&tz);
    // In the repeated hour after a fall-back, the search (which works on wall-clock
    // time) can answer the first occurrence, which is already past: search on from it.
    for _ in 0..4 {
        let next = cron
            .find_next_occurrence(&start, false)
            .map_err(|e| format!("no next time for '{}': {e}", cron.pattern))?;
        if next.with_timezone(&Utc) > after {
            return Ok(next.with_timezone(&Utc));
        }
        start = next;
    }
    Err("no next time found after a DST change".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn daily_ticks_keep_local_time_across_dst() {
        // Paris moves from CET (+1) to CEST (+2) on 2026-03-29 and back on 2026-10-25.
        let before_spring =
            next_tick("0 9 * * *", "Europe/Paris", utc("2026-03-28T09:00:00Z")).unwrap();
        assert_eq!(before_spring, utc("2026-03-29T07:00:00Z"));
        let after_fall =
            next_tick("0 9 * * *", "Europe/Paris", utc("2026-10-24T08:00:00Z")).unwrap();
        assert_eq!(after_fall, utc("2026-10-25T08:00:00Z"));
    }

    #[test]
    fn a_skipped_time_fires_once_after_the_gap_and_a_repeated_one_once() {
        // 02:30 does not exist in Paris on 2026-03-29: it fires at 03:00 CEST.
        let t = next_tick("30 2 * * *", "Europe/Paris", utc("2026-03-28T12:00:00Z")).unwrap();
        assert_eq!(t, utc("2026-03-29T01:00:00Z"));
        let next = next_tick("30 2 * * *", "Europe/Paris", t).unwrap();
        assert_eq!(next, utc("2026-03-30T00:30:00Z"));
        // 02:30 happens twice on 2026-10-25: it fires at the first (00:30 UTC) only.
        let t = next_tick("30 2 * * *", "Europe/Paris", utc("2026-10-24T12:00:00Z")).unwrap();
        assert_eq!(t, utc("2026-10-25T00:30:00Z"));
        let next = next_tick("30 2 * * *", "Europe/Paris", t).unwrap();
        assert_eq!(next, utc("2026-10-26T01:30:00Z"));
        // From inside the repeated hour, the answer is never in the past.
        let inside = utc("2026-10-25T01:15:00Z"); // 02:15 CET, the second 02:15
        let t = next_tick("30 2 * * *", "Europe/Paris", inside).unwrap();
        assert!(t > inside, "{t}");
    }

    #[test]
    fn polls_are_spread_but_stable() {
        let at = utc("2026-11-28T10:00:00Z");
        let five = std::time::Duration::from_secs(300);
        let a = next_poll("poll:a", five, at);
        assert_eq!(a, next_poll("poll:a", five, at));
        assert!(a >= at + chrono::Duration::minutes(5) && a < at + chrono::Duration::seconds(330));
        let spread: std::collections::BTreeSet<_> = (0..50)
            .map(|i| next_poll(&format!("poll:{i}"), five, at))
            .collect();
        assert!(spread.len() > 40);
    }
}
