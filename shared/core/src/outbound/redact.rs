//! Scrubs secret values out of anything that is logged or stored in a run log.

use serde_json::Value;

const REDACTED: &str = "[redacted]";

/// Known secret values of a run; every logged string passes through it.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    /// Remembers a secret. Very short values are ignored: replacing them would mangle
    /// ordinary text while protecting nothing a guess would not find.
    pub fn add(&mut self, secret: &str) {
        if secret.len() >= 6 && !self.secrets.iter().any(|s| s == secret) {
            self.secrets.push(secret.to_string());
            // Longest first, so a secret containing another is replaced whole.
            self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
        out
    }

    pub fn redact_json(&self, value: &Value) -> Value {
        if self.secrets.is_empty() {
            return value.clone();
        }
        match value {
            Value::String(s) => Value::String(self.redact(s)),
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| self.redact_json(v)).collect())
            }
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), self.redact_json(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_replaced_everywhere() {
        let mut r = Redactor::default();
        r.add("sk_live_123456");
        assert_eq!(
            r.redact("https://x.test/?key=sk_live_123456"),
            "https://x.test/?key=[redacted]"
        );
        let v = r.redact_json(&serde_json::json!({"a": ["token sk_live_123456"]}));
        assert_eq!(v, serde_json::json!({"a": ["token [redacted]"]}));
    }
}
