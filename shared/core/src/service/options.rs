//! Options of dynamic dropdowns (and the target fields of field mappings): the field's
//! query, run with the user's account and the values of the fields it depends on.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::vault_credentials::VaultCredentials;
use super::{Junction, ServiceError};
use crate::engine::{get_path, Engine};
use crate::ports::{RunQueue, Store, Vault};
use crate::template::Context;

/// Options per page of the answer.
const PAGE_SIZE: usize = 50;

/// What the form sends when a dropdown opens (or its search changes).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionsRequest {
    /// App id → the user's account id for it.
    #[serde(default)]
    pub accounts: BTreeMap<String, String>,
    /// Values filled in so far (the fields this one depends on).
    #[serde(default)]
    pub setup: Value,
    #[serde(default)]
    pub search: Option<String>,
    /// `next` from the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct FieldOption {
    pub value: Value,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct OptionsPage {
    pub options: Vec<FieldOption>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    pub async fn field_options(
        &self,
        ws: &str,
        user: &str,
        flow_id: &str,
        field_id: &str,
        request: OptionsRequest,
    ) -> Result<OptionsPage, ServiceError> {
        let (_, flow) = self.published_flow(ws, flow_id).await?;
        let Some(field) = flow.setup.field(field_id) else {
            return Err(ServiceError::NotFound(format!("field '{field_id}'")));
        };
        let Some(source) = &field.source else {
            return Err(ServiceError::field(
                "field",
                format!("field '{field_id}' has no options source"),
            ));
        };
        let values = request.setup.as_object().cloned().unwrap_or_default();
        for dep in &field.depends_on {
            if values.get(dep).is_none_or(Value::is_null) {
                return Err(ServiceError::field(
                    &format!("setup.{dep}"),
                    format!("fill in '{dep}' first"),
                ));
            }
        }
        let Some(account) = request.accounts.get(&source.app) else {
            return Err(ServiceError::field(
                &format!("accounts.{}", source.app),
                format!("choose an account for '{}' first", source.app),
            ));
        };
        self.own_account(ws, user, account).await.map_err(|_| {
            ServiceError::field(
                &format!("accounts.{}", source.app),
                "no such account of yours",
            )
        })?;

        let ctx = Context::from_json(&json!({"setup": values, "user": {"id": user}}));
        let mut input = serde_json::Map::new();
        for (k, v) in &source.input {
            let rendered = self
                .templates
                .render(v, &ctx)
                .map_err(|e| ServiceError::field(&format!("setup.{field_id}"), e.to_string()))?;
            input.insert(k.clone(), rendered);
        }
        let apps = self.catalog(ws).await?;
        let credentials = VaultCredentials::new(
            &self.store,
            &self.vault,
            ws,
            BTreeMap::from([(source.app.clone(), account.clone())]),
        );
        let engine = Engine::new(self.http.clone());
        let items = engine
            .query(
                &apps,
                &credentials,
                &source.app,
                &source.query,
                Value::Object(input),
            )
            .await
            .map_err(|e| {
                ServiceError::Upstream(format!("the options could not be loaded: {}", e.message))
            })?;
        let items = match items {
            Value::Array(items) => items,
            other => vec![other],
        };
        let search = request
            .search
            .as_deref()
            .map(str::to_lowercase)
            .filter(|s| !s.trim().is_empty());
        let options: Vec<FieldOption> = items
            .iter()
            .filter_map(|item| {
                let value = get_path(item, &source.value)?.clone();
                let label = match get_path(item, &source.label) {
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => value.to_string(),
                };
                Some(FieldOption { value, label })
            })
            .filter(|o| {
                search
                    .as_ref()
                    .is_none_or(|s| o.label.to_lowercase().contains(s))
            })
            .collect();
        let start: usize = match &request.cursor {
            Some(c) => c.parse().map_err(|_| {
                ServiceError::field("cursor", "use the 'next' value of the previous page")
            })?,
            None => 0,
        };
        let end = (start + PAGE_SIZE).min(options.len());
        Ok(OptionsPage {
            options: options.get(start..end).unwrap_or_default().to_vec(),
            next: (end < options.len()).then(|| end.to_string()),
        })
    }
}
