//! The `mapped` filter: a setup form's field mapping applied to a record, so a flow
//! sends each target field the value of the source field its user picked.

use minijinja::value::ValueKind;
use minijinja::{Error, ErrorKind, Value};

/// `{{ setup.merge_fields | mapped(trigger.contact) }}` with the mapping
/// `{"FNAME": "first_name", "CITY": "address.city"}` gives
/// `{"FNAME": <contact.first_name>, "CITY": <contact.address.city>}`. A source field is a
/// dot path into the record; a target whose field the record lacks is left out, since a
/// record missing an optional field is ordinary, not an error.
pub(super) fn mapped(mapping: &Value, record: &Value) -> Result<Value, Error> {
    let invalid = |detail: String| Error::new(ErrorKind::InvalidOperation, detail);
    if mapping.is_none() || mapping.is_undefined() {
        return Ok(Value::from_iter(std::iter::empty::<(Value, Value)>()));
    }
    if mapping.kind() != ValueKind::Map {
        return Err(invalid(format!(
            "mapped: the mapping must be an object of target → source field, not {}",
            mapping.kind()
        )));
    }
    let mut out = Vec::new();
    for target in mapping.try_iter()? {
        let source = mapping.get_item(&target)?;
        let Some(path) = source.as_str() else {
            return Err(invalid(format!(
                "mapped: target '{target}' maps to {source}, not to a field name"
            )));
        };
        if let Some(value) = lookup(record, path) {
            out.push((target, value));
        }
    }
    Ok(Value::from_iter(out))
}

fn lookup(record: &Value, path: &str) -> Option<Value> {
    let mut value = record.clone();
    for segment in path.split('.') {
        if value.kind() != ValueKind::Map {
            return None;
        }
        value = value.get_item(&Value::from(segment)).ok()?;
        if value.is_undefined() {
            return None;
        }
    }
    Some(value)
}
