//! What an action wrote, remembered briefly so that the app's report of that very
//! change (its webhook, or the next poll) is known as Junction's own echo and starts
//! no run. Values are kept as fingerprints: the store holds no copy of the data.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// One remembered write: which run made it and a fingerprint of each field it set,
/// by the name of the action's input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Written {
    pub run_id: String,
    pub fields: BTreeMap<String, String>,
}

impl Written {
    /// The write of `input` (the action's rendered input, an object) by `run_id`.
    pub fn of(run_id: &str, input: &Value) -> Self {
        let fields = input
            .as_object()
            .map(|map| {
                map.iter()
                    .map(|(name, value)| (name.clone(), fingerprint(value)))
                    .collect()
            })
            .unwrap_or_default();
        Self {
            run_id: run_id.into(),
            fields,
        }
    }

    /// Whether `reported` (field name → value, as a trigger item tells them) shows
    /// exactly what this write set: every reported field was written, with that value.
    /// A user's own edit of any of them, even within the window, is no echo.
    pub fn explains(&self, reported: &BTreeMap<String, Value>) -> bool {
        !reported.is_empty()
            && reported
                .iter()
                .all(|(name, value)| self.fields.get(name) == Some(&fingerprint(value)))
    }
}

/// A short digest of a JSON value that does not depend on the order of object keys,
/// nor on whether a number came as a string (apps echo `"42"` for `42`).
pub fn fingerprint(value: &Value) -> String {
    let mut text = String::new();
    canonical(value, &mut text);
    hex::encode(&Sha256::digest(text.as_bytes())[..16])
}

fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for key in keys {
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                canonical(&map[key], out);
                out.push(',');
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for item in items {
                canonical(item, out);
                out.push(',');
            }
            out.push(']');
        }
        Value::Number(n) => out.push_str(&Value::String(n.to_string()).to_string()),
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reported(value: Value) -> BTreeMap<String, Value> {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn a_report_of_the_written_values_is_an_echo_and_an_edit_is_not() {
        let wrote = Written::of(
            "run_1",
            &json!({"id": "m_1", "fields": {"FNAME": "Ann", "LNAME": "Lee", "AGE": 40}}),
        );
        // The app reports the same values, keys in another order, a number as text.
        let same = reported(json!({"fields": {"LNAME": "Lee", "AGE": "40", "FNAME": "Ann"}}));
        assert!(wrote.explains(&same));
        // The user changed a field (or the app reports one the write did not set).
        assert!(!wrote.explains(&reported(
            json!({"fields": {"FNAME": "Anne", "LNAME": "Lee", "AGE": 40}})
        )));
        assert!(!wrote.explains(&reported(json!({"email": "a@example.com"}))));
        assert!(
            !wrote.explains(&BTreeMap::new()),
            "nothing compared proves nothing"
        );
    }
}
