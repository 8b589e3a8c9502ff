//! The rule of an increment, the same on every backend: absent or expired counts as
//! 0, only whole numbers add up, and an execution tried again (the same op id) adds
//! nothing more. Adapters only read and write versioned values; this decides what to
//! write.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::StorageError;
use crate::model::StoredValue;

/// Increments remembered per key: a step tried again after a crash is recognised
/// while fewer than this many other increments of the same key came in between
/// (a retry follows within minutes; a counter that busy is rare, and the list costs
/// about 60 bytes an entry of the value's record).
pub const REMEMBERED_INCREMENTS: usize = 64;

/// What an increment comes to.
#[derive(Debug, PartialEq)]
pub enum Incremented {
    /// This op was applied before; its sum stands and nothing is written.
    Already(i64),
    /// The value to write (at the version it was read at).
    Write(StoredValue),
}

/// The value after adding `by` to `current` for `op`, or why it cannot be added.
pub fn increment(
    current: Option<StoredValue>,
    (scope, key): (&str, &str),
    by: i64,
    ttl: Option<Duration>,
    op: &str,
    now: DateTime<Utc>,
) -> Result<Incremented, StorageError> {
    let mut value = current.unwrap_or_else(|| StoredValue {
        scope: scope.into(),
        key: key.into(),
        value: Value::from(0),
        updated_at: now,
        expires_at: None,
        applied: Vec::new(),
        version: 0,
    });
    if let Some((_, sum)) = value.applied.iter().find(|(id, _)| id == op) {
        return Ok(Incremented::Already(*sum));
    }
    let Some(before) = value.value.as_i64() else {
        return Err(StorageError::Refused(format!(
            "key '{key}' holds {}, not a whole number, so it cannot be incremented",
            describe(&value.value)
        )));
    };
    let Some(sum) = before.checked_add(by) else {
        return Err(StorageError::Refused(format!(
            "key '{key}' holds {before}; adding {by} would overflow a 64-bit whole number"
        )));
    };
    value.value = Value::from(sum);
    value.updated_at = now;
    if let Some(ttl) = ttl {
        value.expires_at = Some(now + chrono::Duration::from_std(ttl).unwrap_or_default());
    }
    value.applied.push((op.to_string(), sum));
    let extra = value.applied.len().saturating_sub(REMEMBERED_INCREMENTS);
    value.applied.drain(..extra);
    Ok(Incremented::Write(value))
}

/// A short description of a JSON value for an error message.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).unwrap()
    }

    fn written(r: Result<Incremented, StorageError>) -> StoredValue {
        match r.unwrap() {
            Incremented::Write(v) => v,
            other => panic!("expected a write, got {other:?}"),
        }
    }

    #[test]
    fn absent_counts_as_zero_and_a_retried_op_adds_nothing() {
        let first = written(increment(None, ("s", "k"), 5, None, "run1/a", at(1)));
        assert_eq!(first.value, 5);
        assert_eq!(first.version, 0, "new: written where none exists");
        let second = written(increment(Some(first), ("s", "k"), 2, None, "run2/a", at(2)));
        assert_eq!(second.value, 7);
        assert_eq!(
            increment(Some(second), ("s", "k"), 2, None, "run1/a", at(3)).unwrap(),
            Incremented::Already(5)
        );
    }

    #[test]
    fn only_whole_numbers_add_up() {
        let mut text = written(increment(None, ("s", "k"), 1, None, "a", at(1)));
        text.value = "seven".into();
        let e = increment(Some(text.clone()), ("s", "k"), 1, None, "b", at(2)).unwrap_err();
        assert!(
            e.to_string().contains("a string, not a whole number"),
            "{e}"
        );
        text.value = serde_json::json!(1.5);
        let e = increment(Some(text.clone()), ("s", "k"), 1, None, "b", at(2)).unwrap_err();
        assert!(e.to_string().contains("the number 1.5"), "{e}");
        text.value = Value::from(i64::MAX);
        let e = increment(Some(text), ("s", "k"), 1, None, "b", at(2)).unwrap_err();
        assert!(e.to_string().contains("overflow"), "{e}");
    }

    #[test]
    fn the_ttl_starts_again_and_the_remembered_ops_stay_bounded() {
        let mut v = written(increment(
            None,
            ("s", "k"),
            1,
            Some(Duration::from_secs(60)),
            "op0",
            at(0),
        ));
        assert_eq!(v.expires_at, Some(at(60)));
        for i in 1..200 {
            v = written(increment(
                Some(v),
                ("s", "k"),
                1,
                Some(Duration::from_secs(60)),
                &format!("op{i}"),
                at(i),
            ));
        }
        assert_eq!(v.value, 200);
        assert_eq!(v.expires_at, Some(at(259)));
        assert_eq!(v.applied.len(), REMEMBERED_INCREMENTS);
        assert_eq!(v.applied.last().unwrap().0, "op199");
    }
}
