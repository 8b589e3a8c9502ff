//! `order_by:` on a block: the object a trigger item is about and when it was
//! updated, so runs for one object go one at a time and an older update never
//! overwrites a newer one.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Templates over the trigger: the object's id and its updated-at (an RFC 3339 time,
/// or a number such as a version). Runs of the block for the same object of the same
/// integration run one at a time; an item older than the last one processed for that
/// object is skipped. Different objects still run side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderBy {
    /// e.g. `{{ trigger.item.id }}`
    pub id: String,
    /// e.g. `{{ trigger.item.updated_at }}`
    pub updated_at: String,
}

/// Whether update `a` came before update `b`: as times when both are RFC 3339, as
/// numbers when both are numbers, else as text.
pub fn updated_before(a: &str, b: &str) -> bool {
    use chrono::DateTime;
    if let (Ok(a), Ok(b)) = (
        DateTime::parse_from_rfc3339(a),
        DateTime::parse_from_rfc3339(b),
    ) {
        return a < b;
    }
    if let (Ok(a), Ok(b)) = (a.parse::<f64>(), b.parse::<f64>()) {
        return a < b;
    }
    a < b
}

#[cfg(test)]
mod tests {
    use super::updated_before;

    #[test]
    fn updates_compare_as_times_numbers_or_text() {
        // The same instant in two time zones is not earlier.
        assert!(!updated_before(
            "2026-12-05T10:00:00Z",
            "2026-12-05T11:00:00+01:00"
        ));
        assert!(updated_before(
            "2026-12-05T09:59:59Z",
            "2026-12-05T11:00:00+01:00"
        ));
        assert!(updated_before("9", "10"), "numbers, not text");
        assert!(!updated_before("10", "10"));
        assert!(updated_before("v1", "v2"));
    }
}
