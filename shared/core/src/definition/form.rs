//! The setup form a user fills in when creating an integration.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Pages of fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupForm {
    #[serde(default)]
    pub pages: Vec<FormPage>,
}

impl SetupForm {
    /// Every field on every page, in order.
    pub fn fields(&self) -> impl Iterator<Item = &FormField> {
        self.pages.iter().flat_map(|p| p.fields.iter())
    }

    pub fn field(&self, id: &str) -> Option<&FormField> {
        self.fields().find(|f| f.id == id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormPage {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub fields: Vec<FormField>,
}

/// The kinds of field a form may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Number,
    Boolean,
    /// One of static `options`.
    Select,
    /// One of the options a query returns (`source`).
    DynamicSelect,
    /// Several of static `options` or of a `source`.
    MultiSelect,
    /// Maps values onto the target app's fields, which a query (`source`) lists.
    FieldMapping,
    /// Not shown; holds `default`.
    Hidden,
}

/// One field. Which optional parts apply depends on `type`; validation says which are missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormField {
    /// Referenced in templates as `setup.<id>`.
    pub id: String,
    #[serde(rename = "type")]
    pub kind: FieldKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// Static options of a select or multi-select.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<SelectOption>>,
    /// Where dynamic options (or mapping targets) come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<OptionsSource>,
    /// Fields whose values the source's input uses; their change reloads the options.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// A `dynamic_select` whose value is not checked against its source when an
    /// integration is saved (for sources too large to list).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_custom: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectOption {
    pub value: Value,
    pub label: String,
}

/// A query whose items become options: `value` and `label` are dot paths in each item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionsSource {
    pub app: String,
    pub query: String,
    /// Input for the query; may reference `setup.<field>` of fields in `depends_on`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub input: BTreeMap<String, Value>,
    pub value: String,
    pub label: String,
}
