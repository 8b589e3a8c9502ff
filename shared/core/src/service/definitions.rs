//! Pushing apps and flows (validated, versioned) and publishing flows; what the
//! marketplace lists.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{Junction, ServiceError};
use crate::catalog::AppCatalog;
use crate::definition::{parse_app, parse_flow, CodeLimits, FlowDefinition, Loaded, Problem};
use crate::model::{month_of, AppRecord, FlowHead, FlowVersion, Usage};
use crate::ports::{RunQueue, Store, Vault};
use crate::validate::{validate_app, validate_flow_within};

/// A stored flow version and what is now current.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PushedFlow {
    pub flow_id: String,
    pub version: u32,
    pub published: Option<u32>,
}

fn check_id(kind: &str, expected: Option<&str>, found: &str) -> Result<(), ServiceError> {
    match expected {
        Some(id) if id != found => Err(ServiceError::invalid(
            format!("the {kind} document's id '{found}' does not match '{id}' in the URL"),
            vec![Problem {
                path: "id".into(),
                line: None,
                message: format!("must be '{id}' (the id in the URL)"),
            }],
        )),
        _ => Ok(()),
    }
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    /// Validates and stores an app definition (YAML or JSON), replacing the previous one.
    pub async fn push_app(
        &self,
        ws: &str,
        text: &str,
        expected_id: Option<&str>,
    ) -> Result<AppRecord, ServiceError> {
        let loaded = parse_app(text)
            .map_err(|p| ServiceError::invalid("the app definition is invalid", p))?;
        let problems = loaded.locate(validate_app(&loaded.definition, &self.templates));
        if !problems.is_empty() {
            return Err(ServiceError::invalid(
                "the app definition is invalid",
                problems,
            ));
        }
        check_id("app", expected_id, &loaded.definition.id)?;
        let existing = self.store.get_app(ws, &loaded.definition.id).await?;
        let mut record = AppRecord {
            workspace_id: ws.into(),
            definition: loaded.definition,
            updated_at: self.clock.now(),
            version: 0,
        };
        record.version = self
            .store
            .put_app(&record, existing.map(|e| e.version))
            .await?;
        self.app_cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(ws);
        Ok(record)
    }

    /// The workspace's apps as runs see them: read at most once a second per process
    /// (a run otherwise re-reads and re-parses every app definition). A push through
    /// this process is seen at once; through another, within the second.
    pub async fn runtime_catalog(&self, ws: &str) -> Result<Arc<AppCatalog>, ServiceError> {
        self.runtime_catalog_having(ws, []).await
    }

    /// [`Self::runtime_catalog`], read again at once if it lacks one of `app_ids`: an
    /// app added through another process (the CLI) moments ago is found, rather than
    /// refused as unknown until the second is up. A catalog read again for a miss is
    /// kept 50 ms whatever is asked of it, so requests naming an app that does not
    /// exist cannot make each a full read.
    pub async fn runtime_catalog_having<'a>(
        &self,
        ws: &str,
        app_ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<Arc<AppCatalog>, ServiceError> {
        const FRESH_FOR: Duration = Duration::from_secs(1);
        const MISS_READ_KEPT: Duration = Duration::from_millis(50);
        let cached = self
            .app_cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(ws)
            .cloned();
        let mut missing = false;
        if let Some(CachedApps {
            read_at,
            apps,
            for_a_miss,
        }) = cached
        {
            let age = read_at.elapsed();
            missing = !app_ids.into_iter().all(|id| apps.get(id).is_some());
            if age < FRESH_FOR && (!missing || for_a_miss && age < MISS_READ_KEPT) {
                return Ok(apps);
            }
        }
        let apps = Arc::new(self.catalog(ws).await?);
        let mut cache = self.app_cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= 10_000 {
            cache.clear();
        }
        let entry = CachedApps {
            read_at: Instant::now(),
            apps: apps.clone(),
            for_a_miss: missing,
        };
        cache.insert(ws.to_string(), entry);
        Ok(apps)
    }

    /// The workspace's apps, for validating flows against.
    pub async fn catalog(&self, ws: &str) -> Result<AppCatalog, ServiceError> {
        Ok(AppCatalog::new(
            self.store
                .list_apps(ws)
                .await?
                .into_iter()
                .map(|a| a.definition),
        ))
    }

    /// Validates a flow against the workspace's apps and stores it as a new version.
    pub async fn push_flow(
        &self,
        ws: &str,
        text: &str,
        expected_id: Option<&str>,
        publish: bool,
    ) -> Result<PushedFlow, ServiceError> {
        let loaded = parse_flow(text)
            .map_err(|p| ServiceError::invalid("the flow definition is invalid", p))?;
        self.push_flow_loaded(ws, loaded, expected_id, publish)
            .await
    }

    /// Pushes a flow already read (the CLI reads it to bundle its code files first).
    pub async fn push_flow_loaded(
        &self,
        ws: &str,
        loaded: Loaded<FlowDefinition>,
        expected_id: Option<&str>,
        publish: bool,
    ) -> Result<PushedFlow, ServiceError> {
        let catalog = self.catalog(ws).await?;
        let code_limits = self
            .store
            .get_workspace(ws)
            .await?
            .map(|w| w.code_limits)
            .unwrap_or_default();
        let (loaded, problems) = self
            .validate_off_workers(loaded, catalog, code_limits)
            .await?;
        if !problems.is_empty() {
            return Err(ServiceError::invalid(
                "the flow definition is invalid",
                problems,
            ));
        }
        let flow = loaded.definition;
        check_id("flow", expected_id, &flow.id)?;
        let head = self.store.get_flow_head(ws, &flow.id).await?;
        let number = head.as_ref().map_or(1, |h| h.latest + 1);
        let version = FlowVersion {
            workspace_id: ws.into(),
            flow_id: flow.id.clone(),
            number,
            definition: flow.clone(),
            created_at: self.clock.now(),
        };
        self.store
            .add_flow_version(&version)
            .await
            .map_err(|e| match ServiceError::from(e) {
                ServiceError::Conflict(_) => ServiceError::Conflict(format!(
                    "flow '{}' was pushed by someone else at the same time; push again",
                    flow.id
                )),
                other => other,
            })?;
        let published = if publish {
            Some(number)
        } else {
            head.as_ref().and_then(|h| h.published)
        };
        let tags = if publish {
            flow.tags.clone()
        } else {
            head.as_ref().map(|h| h.tags.clone()).unwrap_or_default()
        };
        let new_head = FlowHead {
            workspace_id: ws.into(),
            flow_id: flow.id.clone(),
            latest: number,
            published,
            tags,
            version: 0,
        };
        self.store
            .put_flow_head(&new_head, head.map(|h| h.version))
            .await?;
        Ok(PushedFlow {
            flow_id: flow.id,
            version: number,
            published,
        })
    }

    /// Validates a flow on a blocking thread, since compiling its code steps may take a
    /// while, within the workspace's time limit for code: the async workers keep serving,
    /// and a flow that takes longer is refused.
    async fn validate_off_workers(
        &self,
        loaded: Loaded<FlowDefinition>,
        catalog: AppCatalog,
        code_limits: CodeLimits,
    ) -> Result<(Loaded<FlowDefinition>, Vec<Problem>), ServiceError> {
        let templates = self.templates.clone();
        let validation = tokio::task::spawn_blocking(move || {
            let problems = loaded.locate(validate_flow_within(
                &loaded.definition,
                &catalog,
                &templates,
                &code_limits,
            ));
            (loaded, problems)
        });
        let limit = Duration::from_millis(code_limits.max_time_ms);
        match tokio::time::timeout(limit, validation).await {
            Ok(Ok(done)) => Ok(done),
            Ok(Err(e)) => Err(anyhow::anyhow!("validating a flow stopped: {e}").into()),
            Err(_) => Err(ServiceError::field(
                "blocks",
                format!(
                    "checking the flow's code took longer than {} ms (the workspace's time limit for code): make its code steps smaller",
                    limit.as_millis()
                ),
            )),
        }
    }

    /// Publishes a version of a flow (the latest when none is given).
    pub async fn publish_flow(
        &self,
        ws: &str,
        flow_id: &str,
        version: Option<u32>,
    ) -> Result<PushedFlow, ServiceError> {
        let Some(head) = self.store.get_flow_head(ws, flow_id).await? else {
            return Err(ServiceError::NotFound(format!("flow '{flow_id}'")));
        };
        let number = version.unwrap_or(head.latest);
        let Some(stored) = self.flow_version(ws, flow_id, number).await? else {
            return Err(ServiceError::field(
                "version",
                format!(
                    "flow '{flow_id}' has no version {number} (latest is {})",
                    head.latest
                ),
            ));
        };
        let updated = FlowHead {
            published: Some(number),
            tags: stored.definition.tags.clone(),
            ..head.clone()
        };
        self.store
            .put_flow_head(&updated, Some(head.version))
            .await?;
        Ok(PushedFlow {
            flow_id: flow_id.into(),
            version: head.latest,
            published: Some(number),
        })
    }

    /// The published version of a flow.
    pub async fn published_flow(
        &self,
        ws: &str,
        flow_id: &str,
    ) -> Result<(u32, FlowDefinition), ServiceError> {
        let head = self.store.get_flow_head(ws, flow_id).await?;
        let Some(number) = head.and_then(|h| h.published) else {
            return Err(ServiceError::NotFound(format!("flow '{flow_id}'")));
        };
        match self.flow_version(ws, flow_id, number).await? {
            Some(v) => Ok((number, v.definition.clone())),
            None => Err(ServiceError::NotFound(format!("flow '{flow_id}'"))),
        }
    }

    /// Tasks used this month by the workspace and per user.
    pub async fn usage(&self, ws: &str, month: Option<&str>) -> Result<Usage, ServiceError> {
        let month = match month {
            Some(m) => {
                let ok = m.len() == 7
                    && chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").is_ok();
                if !ok {
                    return Err(ServiceError::field(
                        "month",
                        format!("'{m}' is not a month like 2026-11"),
                    ));
                }
                m.to_string()
            }
            None => month_of(self.clock.now()),
        };
        Ok(self.store.usage(ws, &month).await?)
    }
}

/// A workspace's apps as [`Junction::runtime_catalog_having`] last read them.
#[derive(Clone)]
pub(super) struct CachedApps {
    read_at: Instant,
    apps: Arc<AppCatalog>,
    /// Read again because the one before lacked an app someone asked for.
    for_a_miss: bool,
}
