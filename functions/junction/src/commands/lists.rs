//! `junction workspace list`, `apps list`, `flows list`, `integrations list`, `usage`:
//! what a backend holds, readable by default and JSON with `--json`.

use std::process::ExitCode;

use junction_core::ports::{RunQueue, Store, Vault};
use junction_core::service::{Junction, ServiceError};

use super::operator::workspace;
use crate::backend::describe;
use crate::backend::on_backend;
use crate::cli::{DataArgs, IntegrationStatus, WorkspaceArgs};
use crate::render::counted;

pub async fn workspaces(data: &DataArgs, json: bool) -> anyhow::Result<ExitCode> {
    on_backend!(data, j => workspaces_in(j, data, json).await)
}

async fn workspaces_in<S: Store, Q: RunQueue, V: Vault>(
    j: &Junction<S, Q, V>,
    data: &DataArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let all = j.store.list_workspaces().await?;
    if json {
        // Only what identifies a workspace: its secrets' hashes stay in the store.
        let listed: Vec<_> = all
            .iter()
            .map(|w| serde_json::json!({"id": w.id, "name": w.name, "app_key": w.app_key, "task_quota": w.task_quota, "created_at": w.created_at}))
            .collect();
        outln!("{}", serde_json::to_string_pretty(&listed)?);
        return Ok(ExitCode::SUCCESS);
    }
    if all.is_empty() {
        outln!(
            "no workspaces in {} yet (create one with `junction workspace create NAME`)",
            describe(data)
        );
    }
    for w in &all {
        let quota = w.task_quota.map_or_else(
            || "no task quota".to_string(),
            |q| format!("{q} tasks a month"),
        );
        outln!("{}  {:<24} app key {}  {quota}", w.id, w.name, w.app_key);
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn flows(target: &WorkspaceArgs, json: bool) -> anyhow::Result<ExitCode> {
    on_backend!(&target.data, j => flows_in(j, target, json).await)
}

async fn flows_in<S: Store, Q: RunQueue, V: Vault>(
    j: &Junction<S, Q, V>,
    target: &WorkspaceArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let ws = workspace(j, target).await?;
    let heads = j.store.list_flow_heads(&ws).await?;
    let mut listed = Vec::with_capacity(heads.len());
    for head in &heads {
        // The name is the latest version's (what a push last said).
        let latest = j
            .store
            .get_flow_version(&ws, &head.flow_id, head.latest)
            .await?;
        let name = latest.map(|v| v.definition.name).unwrap_or_default();
        listed.push((head, name));
    }
    if json {
        let listed: Vec<_> = listed
            .iter()
            .map(|(h, name)| serde_json::json!({"id": h.flow_id, "name": name, "latest": h.latest, "published": h.published, "tags": h.tags}))
            .collect();
        outln!("{}", serde_json::to_string_pretty(&listed)?);
        return Ok(ExitCode::SUCCESS);
    }
    if listed.is_empty() {
        outln!("no flows in workspace '{ws}' yet (push some with `junction flows push FILE`)");
    }
    for (h, name) in &listed {
        let published = match h.published {
            Some(p) if p == h.latest => format!("v{p} published"),
            Some(p) => format!("v{} (v{p} published)", h.latest),
            None => format!("v{} not published", h.latest),
        };
        let tags = if h.tags.is_empty() {
            String::new()
        } else {
            format!("  [{}]", h.tags.join(", "))
        };
        outln!("{:<24} {:<22} {name}{tags}", h.flow_id, published);
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn apps(target: &WorkspaceArgs, json: bool) -> anyhow::Result<ExitCode> {
    on_backend!(&target.data, j => apps_in(j, target, json).await)
}

async fn apps_in<S: Store, Q: RunQueue, V: Vault>(
    j: &Junction<S, Q, V>,
    target: &WorkspaceArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let ws = workspace(j, target).await?;
    let mut apps = j.store.list_apps(&ws).await?;
    apps.sort_by(|a, b| a.definition.id.cmp(&b.definition.id));
    if json {
        outln!("{}", serde_json::to_string_pretty(&apps)?);
        return Ok(ExitCode::SUCCESS);
    }
    if apps.is_empty() {
        outln!("no apps in workspace '{ws}' yet (push some with `junction apps push FILE`)");
    }
    for app in &apps {
        let d = &app.definition;
        outln!(
            "{:<16} {:<24} auth {:<8} {}, {}{}  (pushed {})",
            d.id,
            d.name,
            d.auth.kind(),
            counted(d.queries.len(), "query"),
            counted(d.actions.len(), "action"),
            if d.webhook.is_some() {
                ", webhooks"
            } else {
                ""
            },
            app.updated_at.format("%Y-%m-%d %H:%M")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Which integrations `integrations list` shows.
pub struct IntegrationFilter {
    pub user: Option<String>,
    pub flow: Option<String>,
    pub status: Option<IntegrationStatus>,
}

pub async fn integrations(
    filter: &IntegrationFilter,
    target: &WorkspaceArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    on_backend!(&target.data, j => integrations_in(j, filter, target, json).await)
}

async fn integrations_in<S: Store, Q: RunQueue, V: Vault>(
    j: &Junction<S, Q, V>,
    filter: &IntegrationFilter,
    target: &WorkspaceArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let ws = workspace(j, target).await?;
    let mut found = match (&filter.user, &filter.flow) {
        (Some(user), _) => j.store.integrations_of_user(&ws, user).await?,
        (None, Some(flow)) => j.store.integrations_of_flow(&ws, flow).await?,
        (None, None) => j.store.integrations_of_workspace(&ws).await?,
    };
    found.retain(|i| {
        filter.flow.as_ref().is_none_or(|f| &i.flow_id == f)
            && filter
                .status
                .is_none_or(|s| (s == IntegrationStatus::Enabled) == i.enabled)
    });
    found.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    if json {
        outln!("{}", serde_json::to_string_pretty(&found)?);
        return Ok(ExitCode::SUCCESS);
    }
    if found.is_empty() {
        outln!("no integrations in workspace '{ws}' match");
    }
    for i in &found {
        let status = if i.enabled { "enabled" } else { "disabled" };
        let reason = i
            .disabled_reason
            .as_ref()
            .map(|r| format!("  ({r})"))
            .unwrap_or_default();
        outln!(
            "{}  {:<8} user {:<12} flow {} v{}  {:?}  {}{reason}",
            i.id,
            status,
            i.user_id,
            i.flow_id,
            i.flow_version,
            i.name,
            i.created_at.format("%Y-%m-%d %H:%M")
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn usage(
    month: Option<&str>,
    target: &WorkspaceArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    on_backend!(&target.data, j => usage_in(j, month, target, json).await)
}

async fn usage_in<S: Store, Q: RunQueue, V: Vault>(
    j: &Junction<S, Q, V>,
    month: Option<&str>,
    target: &WorkspaceArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let ws = workspace(j, target).await?;
    let usage = j.usage(&ws, month).await.map_err(|e| match e {
        ServiceError::Invalid { problems, .. } => anyhow::anyhow!(
            "--month: {}",
            problems
                .iter()
                .map(|p| p.message.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => other.into(),
    })?;
    if json {
        outln!("{}", serde_json::to_string_pretty(&usage)?);
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "usage of workspace {ws} in {}: {} tasks, {} poll requests",
        usage.month,
        usage.total,
        usage.poll_requests
    );
    let mut users: Vec<_> = usage.per_user.iter().collect();
    users.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (user, tasks) in users {
        outln!("  {tasks:>8}  {user}");
    }
    Ok(ExitCode::SUCCESS)
}
