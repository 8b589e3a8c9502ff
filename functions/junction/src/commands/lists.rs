//! `junction apps list`, `integrations list`, `usage`: what a workspace holds, readable
//! by default and JSON with `--json`, from either backend.

use std::process::ExitCode;

use junction_core::ports::{RunQueue, Store, Vault};
use junction_core::service::{Junction, ServiceError};

use super::operator::workspace;
use crate::backend::on_backend;
use crate::cli::{IntegrationStatus, WorkspaceArgs};
use crate::render::counted;

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
            auth_kind(&d.auth),
            match d.queries.len() {
                1 => "1 query".to_string(),
                n => format!("{n} queries"),
            },
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

/// The scheme's name as written in definitions (`api_key`, `oauth2`).
fn auth_kind(auth: &junction_core::definition::AuthScheme) -> String {
    serde_json::to_value(auth)
        .ok()
        .and_then(|v| v["type"].as_str().map(str::to_string))
        .unwrap_or_default()
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
