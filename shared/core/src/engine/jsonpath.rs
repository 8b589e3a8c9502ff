//! Dot paths into JSON (`data.items`, `meta.next_cursor`, `items.0.id`), as app
//! definitions use them to find lists, cursors and ids in responses.

use serde_json::Value;

/// The value at `path`, or `None` when any segment is missing. An empty path or `.`
/// is the value itself.
pub fn get_path<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    let path = path.trim();
    if path.is_empty() || path == "." {
        return Some(value);
    }
    path.split('.')
        .try_fold(value, |current, segment| match current {
            Value::Object(map) => map.get(segment),
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn walks_objects_and_arrays() {
        let v = json!({"data": {"items": [{"id": 1}, {"id": 2}]}});
        assert_eq!(get_path(&v, "data.items.1.id"), Some(&json!(2)));
        assert_eq!(get_path(&v, "data.nope"), None);
        assert_eq!(get_path(&v, ""), Some(&v));
    }
}
