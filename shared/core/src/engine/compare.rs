//! Comparison operators of conditions and while loops, on typed JSON values.

use std::cmp::Ordering;

use serde_json::Value;

use crate::definition::Operator;

/// Applies `op`. A numeric string compares as a number against a number, so form
/// input ("10") and API numbers (10) meet; other type mismatches are errors.
pub fn compare(left: &Value, op: Operator, right: Option<&Value>) -> Result<bool, String> {
    let right = right.unwrap_or(&Value::Null);
    Ok(match op {
        Operator::Eq => equal(left, right),
        Operator::Ne => !equal(left, right),
        Operator::Gt => order(left, right)? == Ordering::Greater,
        Operator::Gte => order(left, right)? != Ordering::Less,
        Operator::Lt => order(left, right)? == Ordering::Less,
        Operator::Lte => order(left, right)? != Ordering::Greater,
        Operator::Contains => contains(left, right)?,
        Operator::NotContains => !contains(left, right)?,
        Operator::StartsWith => {
            strings(left, right, "starts_with").map(|(l, r)| l.starts_with(r))?
        }
        Operator::EndsWith => strings(left, right, "ends_with").map(|(l, r)| l.ends_with(r))?,
        Operator::In => member(left, right)?,
        Operator::NotIn => !member(left, right)?,
        Operator::Exists => !left.is_null(),
        Operator::NotExists => left.is_null(),
        Operator::Empty => is_empty(left),
        Operator::NotEmpty => !is_empty(left),
    })
}

fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn equal(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Number(_), Value::String(_))
        | (Value::String(_), Value::Number(_))
        | (Value::Number(_), Value::Number(_)) => match (as_number(left), as_number(right)) {
            (Some(l), Some(r)) => l == r,
            _ => false,
        },
        _ => left == right,
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    }
}

fn order(left: &Value, right: &Value) -> Result<Ordering, String> {
    if left.is_number() || right.is_number() {
        if let (Some(l), Some(r)) = (as_number(left), as_number(right)) {
            return l
                .partial_cmp(&r)
                .ok_or_else(|| "cannot order NaN".to_string());
        }
    }
    match (left, right) {
        // Strings order lexically, which also orders ISO 8601 timestamps correctly.
        (Value::String(l), Value::String(r)) => Ok(l.cmp(r)),
        _ => Err(format!(
            "cannot order {} {left} against {} {right}",
            type_name(left),
            type_name(right)
        )),
    }
}

fn contains(left: &Value, right: &Value) -> Result<bool, String> {
    match left {
        Value::String(s) => match right {
            Value::String(r) => Ok(s.contains(r.as_str())),
            other => Ok(s.contains(&other.to_string())),
        },
        Value::Array(items) => Ok(items.iter().any(|i| equal(i, right))),
        Value::Object(map) => Ok(right.as_str().is_some_and(|k| map.contains_key(k))),
        Value::Null => Ok(false),
        other => Err(format!(
            "'contains' needs a string, list or object, got {}",
            type_name(other)
        )),
    }
}

fn strings<'a>(left: &'a Value, right: &'a Value, op: &str) -> Result<(&'a str, &'a str), String> {
    match (left, right) {
        (Value::String(l), Value::String(r)) => Ok((l, r)),
        _ => Err(format!(
            "'{op}' needs two strings, got {} and {}",
            type_name(left),
            type_name(right)
        )),
    }
}

fn member(left: &Value, right: &Value) -> Result<bool, String> {
    match right {
        Value::Array(items) => Ok(items.iter().any(|i| equal(left, i))),
        other => Err(format!(
            "'in' needs a list on the right, got {}",
            type_name(other)
        )),
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_comparisons() {
        assert!(compare(&json!(10), Operator::Gt, Some(&json!(9))).unwrap());
        assert!(compare(&json!("10"), Operator::Gt, Some(&json!(9))).unwrap());
        assert!(compare(&json!("b"), Operator::Gt, Some(&json!("a"))).unwrap());
        assert!(compare(&json!(1), Operator::Eq, Some(&json!(1.0))).unwrap());
        assert!(compare(
            &json!("2026-01-02"),
            Operator::Gte,
            Some(&json!("2026-01-01"))
        )
        .unwrap());
        assert!(compare(&json!(true), Operator::Gt, Some(&json!("x"))).is_err());
    }

    #[test]
    fn collection_operators() {
        assert!(compare(&json!(["a", "b"]), Operator::Contains, Some(&json!("b"))).unwrap());
        assert!(compare(&json!("hello"), Operator::Contains, Some(&json!("ell"))).unwrap());
        assert!(compare(&json!("pro"), Operator::In, Some(&json!(["pro", "team"]))).unwrap());
        assert!(compare(&json!(""), Operator::Empty, None).unwrap());
        assert!(compare(&json!(null), Operator::NotExists, None).unwrap());
        assert!(compare(&json!("x"), Operator::In, Some(&json!("x"))).is_err());
    }
}
