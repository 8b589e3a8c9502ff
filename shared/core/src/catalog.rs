//! The apps a flow may use, by id.

use std::collections::BTreeMap;

use crate::definition::AppDefinition;

/// App definitions keyed by id.
#[derive(Debug, Clone, Default)]
pub struct AppCatalog {
    apps: BTreeMap<String, AppDefinition>,
}

impl AppCatalog {
    pub fn new(apps: impl IntoIterator<Item = AppDefinition>) -> Self {
        Self {
            apps: apps.into_iter().map(|a| (a.id.clone(), a)).collect(),
        }
    }

    pub fn insert(&mut self, app: AppDefinition) {
        self.apps.insert(app.id.clone(), app);
    }

    pub fn get(&self, id: &str) -> Option<&AppDefinition> {
        self.apps.get(id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.apps.keys().map(String::as_str)
    }
}
