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

/// The tick of `cron` in `timezone` before `tick` (what a schedule run sees as
/// `trigger.previous_at`, so "since the last run" needs no state): searched forward
/// from a window before `tick` that grows until it holds a tick, so it costs a few
/// searches whether the cron ticks every minute or once a year. `None` when there is
/// none within about eight years.
pub(crate) fn previous_tick(
    cron: &str,
    timezone: &str,
    tick: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, String> {
    let gap = next_tick(cron, timezone, tick)? - tick;
    let mut window = gap.max(chrono::Duration::minutes(1));
    while window < chrono::Duration::days(3000) {
        let mut at = next_tick(cron, timezone, tick - window - chrono::Duration::seconds(1))?;
        if at < tick {
            loop {
                let next = next_tick(cron, timezone, at)?;
                if next >= tick {
                    return Ok(Some(at));
                }
                at = next;
            }
        }
        window = window * 4;
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_previous_tick_is_the_one_before_across_weekends_dst_and_rare_crons() {
        let weekday = "0 9 * * MON-FRI";
        // Monday 2026-11-30 09:00 Paris: the one before is Friday's.
        let monday = utc("2026-11-30T08:00:00Z");
        let before = previous_tick(weekday, "Europe/Paris", monday).unwrap();
        assert_eq!(before, Some(utc("2026-11-27T08:00:00Z")));
        // Across the fall-back on 2026-10-25: Monday 26th 09:00 CET, Friday 23rd CEST.
        let after_dst =
            previous_tick(weekday, "Europe/Paris", utc("2026-10-26T08:00:00Z")).unwrap();
        assert_eq!(after_dst, Some(utc("2026-10-23T07:00:00Z")));
        let every_minute = previous_tick("* * * * *", "UTC", utc("2026-11-30T08:00:00Z")).unwrap();
        assert_eq!(every_minute, Some(utc("2026-11-30T07:59:00Z")));
        let yearly = previous_tick("0 0 1 1 *", "UTC", utc("2027-01-01T00:00:00Z")).unwrap();
        assert_eq!(yearly, Some(utc("2026-01-01T00:00:00Z")));
    }

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
