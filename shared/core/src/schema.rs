//! JSON Schemas of the definition documents, generated from the types so editors can
//! autocomplete and check apps and flows as they are written.

use serde_json::{json, Value};

use crate::definition::{AppDefinition, FlowDefinition};

/// The JSON Schema of app documents.
pub fn app_schema() -> Value {
    finish(serde_json::to_value(schemars::schema_for!(AppDefinition)).unwrap_or_default())
}

/// The JSON Schema of flow documents.
pub fn flow_schema() -> Value {
    finish(serde_json::to_value(schemars::schema_for!(FlowDefinition)).unwrap_or_default())
}

/// Documents may name their schema with `$schema`; the loader drops that key.
fn finish(mut schema: Value) -> Value {
    if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        props.insert("$schema".into(), json!({ "type": "string", "description": "URL or path of this JSON Schema, for editors." }));
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed schemas in docs/schema must match the types; regenerate them with
    /// `cargo run -p junction -- schema app > docs/schema/app.schema.json` (and `flow`).
    #[test]
    fn committed_schemas_are_current() {
        for (name, schema) in [("app", app_schema()), ("flow", flow_schema())] {
            let file = format!(
                "{}/../../docs/schema/{name}.schema.json",
                env!("CARGO_MANIFEST_DIR")
            );
            let committed = std::fs::read_to_string(&file).unwrap_or_default();
            let expected = format!("{}\n", serde_json::to_string_pretty(&schema).unwrap());
            assert!(
                committed == expected,
                "{file} is stale: regenerate it with `junction schema {name}`"
            );
        }
    }

    #[test]
    fn schemas_forbid_unknown_fields() {
        let app = app_schema();
        assert_eq!(app["additionalProperties"], json!(false));
        assert!(app["properties"]["$schema"].is_object());
        assert!(flow_schema()["properties"]["blocks"].is_object());
    }
}
