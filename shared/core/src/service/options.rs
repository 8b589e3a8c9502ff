//! Options of dynamic dropdowns (and the target fields of field mappings): the field's
//! query, run with the user's account and the values of the fields it depends on.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::vault_credentials::VaultCredentials;
use super::{Junction, ServiceError};
use crate::definition::{FieldKind, FlowDefinition, Problem};
use crate::engine::get_path;
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

/// Which options are asked for: a field of a flow, with the accounts and the values
/// filled in so far, and an optional search.
struct Asked<'a> {
    flow: &'a FlowDefinition,
    field_id: &'a str,
    accounts: &'a BTreeMap<String, String>,
    values: &'a serde_json::Map<String, Value>,
    search: Option<&'a str>,
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
        let values = request.setup.as_object().cloned().unwrap_or_default();
        let options = self
            .load_options(
                ws,
                user,
                Asked {
                    flow: &flow,
                    field_id,
                    accounts: &request.accounts,
                    values: &values,
                    search: request.search.as_deref(),
                },
            )
            .await?;
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

    /// Every option of a field's source (its query's pages, up to the query's
    /// `max_pages`), as the user's account sees them, with `search` applied.
    async fn load_options(
        &self,
        ws: &str,
        user: &str,
        asked: Asked<'_>,
    ) -> Result<Vec<FieldOption>, ServiceError> {
        let Asked {
            flow,
            field_id,
            accounts,
            values,
            search,
        } = asked;
        let Some(field) = flow.setup.field(field_id) else {
            return Err(ServiceError::NotFound(format!("field '{field_id}'")));
        };
        let Some(source) = &field.source else {
            return Err(ServiceError::field(
                "field",
                format!("field '{field_id}' has no options source"),
            ));
        };
        for dep in &field.depends_on {
            if values.get(dep).is_none_or(Value::is_null) {
                return Err(ServiceError::field(
                    &format!("setup.{dep}"),
                    format!("fill in '{dep}' first"),
                ));
            }
        }
        let Some(account) = accounts.get(&source.app) else {
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
        let engine = self.engine();
        let items = engine
            .query(
                &apps,
                &credentials,
                &source.app,
                &source.query,
                Value::Object(input),
            )
            .await
            .0
            .map_err(|e| {
                let message = format!("the options could not be loaded: {}", e.message);
                if e.transient {
                    ServiceError::Unavailable(message)
                } else {
                    ServiceError::Upstream(message)
                }
            })?;
        let items = match items {
            Value::Array(items) => items,
            other => vec![other],
        };
        let search = search
            .map(str::to_lowercase)
            .filter(|s| !s.trim().is_empty());
        Ok(items
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
            .collect())
    }

    /// Problems with `dynamic_select` values that the field's source does not offer
    /// the user's account (so an id from another account, or a typo, is refused at
    /// save time, not at the first run). Fields with `allow_custom`, without a value,
    /// or whose account is missing (reported elsewhere) are not checked.
    pub(crate) async fn check_dynamic_values(
        &self,
        ws: &str,
        user: &str,
        flow: &FlowDefinition,
        accounts: &BTreeMap<String, String>,
        setup: &Value,
    ) -> Result<Vec<Problem>, ServiceError> {
        let Some(values) = setup.as_object() else {
            return Ok(Vec::new());
        };
        let mut problems = Vec::new();
        for field in flow.setup.fields() {
            if field.kind != FieldKind::DynamicSelect || field.allow_custom {
                continue;
            }
            let (Some(value), Some(source)) = (values.get(&field.id), &field.source) else {
                continue;
            };
            if value.is_null() || !accounts.contains_key(&source.app) {
                continue;
            }
            let asked = Asked {
                flow,
                field_id: &field.id,
                accounts,
                values,
                search: None,
            };
            let options = match self.load_options(ws, user, asked).await {
                Ok(options) => options,
                // Missing dependencies and accounts are reported where they are.
                Err(ServiceError::Invalid { .. }) => continue,
                Err(e) => return Err(e),
            };
            if !options.iter().any(|o| &o.value == value) {
                let app = self
                    .app(ws, &source.app)
                    .await
                    .map(|a| a.name)
                    .unwrap_or_else(|_| source.app.clone());
                problems.push(Problem {
                    path: format!("setup.{}", field.id),
                    line: None,
                    message: format!("{value} is not one of the options your {app} account has"),
                });
            }
        }
        Ok(problems)
    }
}
