//! Building and reading items: keys, the JSON body, version and expiry attributes.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use junction_core::model::{Version, Versioned};
use junction_core::ports::StoreError;
use serde::de::DeserializeOwned;
use serde::Serialize;

pub type Item = HashMap<String, AttributeValue>;

/// Records above this are refused before writing: the DynamoDB item limit is 400 KB.
pub use junction_core::ports::MAX_RECORD_BYTES as MAX_BODY_BYTES;

pub fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// An item with its keys and, when given, its record body.
pub fn item(pk: String, sk: impl Into<String>) -> Item {
    HashMap::from([("pk".to_string(), s(pk)), ("sk".to_string(), s(sk))])
}

pub trait ItemExt {
    fn with(self, name: &str, value: AttributeValue) -> Self;
    fn with_body<T: Serialize>(self, record: &T, what: &str) -> Result<Item, StoreError>;
    fn str(&self, name: &str) -> Result<&str, StoreError>;
    fn num(&self, name: &str) -> Result<i64, StoreError>;
    fn body<T: DeserializeOwned>(&self) -> Result<T, StoreError>;
}

impl ItemExt for Item {
    fn with(mut self, name: &str, value: AttributeValue) -> Self {
        self.insert(name.to_string(), value);
        self
    }

    fn with_body<T: Serialize>(self, record: &T, what: &str) -> Result<Item, StoreError> {
        let body = serde_json::to_string(record).map_err(|e| StoreError::Unknown(e.into()))?;
        if body.len() > MAX_BODY_BYTES {
            return Err(StoreError::TooLarge(format!(
                "{what} is {} bytes (limit {MAX_BODY_BYTES})",
                body.len()
            )));
        }
        Ok(self.with("body", s(body)))
    }

    fn str(&self, name: &str) -> Result<&str, StoreError> {
        match self.get(name) {
            Some(AttributeValue::S(v)) => Ok(v),
            _ => Err(StoreError::Unknown(anyhow::anyhow!(
                "item attribute '{name}' is missing or not a string"
            ))),
        }
    }

    fn num(&self, name: &str) -> Result<i64, StoreError> {
        match self.get(name) {
            Some(AttributeValue::N(v)) => v.parse().map_err(|_| {
                StoreError::Unknown(anyhow::anyhow!("item attribute '{name}' is not an integer"))
            }),
            _ => Err(StoreError::Unknown(anyhow::anyhow!(
                "item attribute '{name}' is missing or not a number"
            ))),
        }
    }

    fn body<T: DeserializeOwned>(&self) -> Result<T, StoreError> {
        serde_json::from_str(self.str("body")?).map_err(|e| {
            StoreError::Unknown(anyhow::anyhow!("a stored record does not decode: {e}"))
        })
    }
}

pub fn versioned<T: DeserializeOwned + Versioned>(item: &Item) -> Result<T, StoreError> {
    let mut record: T = item.body()?;
    record.set_version(item.num("version")? as Version);
    Ok(record)
}

/// The condition of a versioned put, its values, and the version written.
pub fn version_condition(
    expected: Option<Version>,
) -> (String, Option<(String, AttributeValue)>, Version) {
    match expected {
        None => ("attribute_not_exists(pk)".into(), None, 1),
        Some(v) => (
            "version = :expected".into(),
            Some((":expected".into(), n(v as i64))),
            v + 1,
        ),
    }
}

/// Epoch seconds for the TTL attribute.
pub fn ttl_of(at: chrono::DateTime<chrono::Utc>) -> AttributeValue {
    n(at.timestamp())
}
