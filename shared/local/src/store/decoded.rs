//! Records decoded from their stored JSON, kept by the row they came from: a row read
//! again unchanged (an integration at every delivery, a workspace at every run) is
//! cloned rather than parsed again. Always as fresh as the row just read: a record is
//! reused only for the same version and the very same bytes.

use junction_core::model::Versioned;
use junction_core::ports::StoreError;
use serde::de::DeserializeOwned;

use super::versioned_row;
use crate::memo::Memo;

/// Rows remembered per kind of record, at most: past it, the memo starts again empty
/// (a few MB of JSON and records at the most).
const ROWS: usize = 1024;

/// The last decoded record of each row read, by a key naming the row.
pub(crate) struct Decoded<T> {
    // Version first: a changed version is told apart without comparing the bodies.
    rows: Memo<String, (i64, String), T>,
}

impl<T: Clone> Default for Decoded<T> {
    fn default() -> Self {
        Self {
            rows: Memo::new(ROWS),
        }
    }
}

impl<T: DeserializeOwned + Versioned + Clone> Decoded<T> {
    /// The record of the `(body, version)` row that `key` names.
    pub(crate) fn decode(&self, key: &str, body: String, version: i64) -> Result<T, StoreError> {
        self.rows
            .get_or_work_out(key, (version, body), |(version, body)| {
                versioned_row(body, *version)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use junction_core::model::Version;

    #[derive(Clone, Debug, PartialEq, serde::Deserialize)]
    struct Thing {
        name: String,
        #[serde(default)]
        version: Version,
    }

    impl Versioned for Thing {
        fn set_version(&mut self, version: Version) {
            self.version = version;
        }
    }

    #[test]
    fn a_row_that_changed_in_any_way_is_decoded_again() {
        let memo = Decoded::<Thing>::default();
        let a = memo.decode("k", r#"{"name":"a"}"#.into(), 1).unwrap();
        assert_eq!(
            a,
            Thing {
                name: "a".into(),
                version: 1
            }
        );
        // Same bytes, another version (a write that stored the same JSON).
        let again = memo.decode("k", r#"{"name":"a"}"#.into(), 2).unwrap();
        assert_eq!(again.version, 2);
        // Same version, other bytes (a rolled-back write's version, used again).
        let b = memo.decode("k", r#"{"name":"b"}"#.into(), 2).unwrap();
        assert_eq!(b.name, "b");
        assert_eq!(memo.decode("k", r#"{"name":"b"}"#.into(), 2).unwrap(), b);
        assert!(memo.decode("k", "not json".into(), 3).is_err());
    }

    #[test]
    fn the_memo_stays_bounded() {
        let memo = Decoded::<Thing>::default();
        for i in 0..(ROWS * 2 + 1) {
            memo.decode(&i.to_string(), r#"{"name":"a"}"#.into(), 1)
                .unwrap();
            assert!(memo.rows.len() <= ROWS);
        }
    }
}
