//! Operator commands on either backend: workspaces, pushing apps and flows.

use std::path::PathBuf;
use std::process::ExitCode;

use junction_core::ports::{RunQueue, Store, Vault};
use junction_core::service::{Junction, LimitsChange, ServiceError};

use crate::backend::{describe, on_backend};
use crate::cli::{DataArgs, WorkspaceArgs};
use crate::files::{read, read_flow};

/// Prints a service error the way `validate` prints problems.
fn report(file: &std::path::Path, e: ServiceError) -> anyhow::Error {
    match e {
        ServiceError::Invalid { message, problems } => {
            anyhow::anyhow!(
                "{}: {message}\n{}",
                file.display(),
                crate::files::format_problems(file, &problems)
            )
        }
        other => anyhow::anyhow!("{}: {other}", file.display()),
    }
}

/// The workspace named by `--workspace`, checked to exist.
pub(crate) async fn workspace<S: Store, Q: RunQueue, V: Vault>(
    j: &Junction<S, Q, V>,
    target: &WorkspaceArgs,
) -> anyhow::Result<String> {
    match j.store.get_workspace(&target.workspace).await? {
        Some(w) => Ok(w.id),
        None => anyhow::bail!(
            "no workspace '{}' in {} (create one with `junction workspace create NAME`)",
            target.workspace,
            describe(&target.data)
        ),
    }
}

pub async fn create_workspace(
    name: &str,
    task_quota: Option<u64>,
    data: &DataArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    on_backend!(data, j => create_workspace_in(j, name, task_quota, data, json).await)
}

async fn create_workspace_in<S: Store, Q: RunQueue, V: Vault>(
    j: &Junction<S, Q, V>,
    name: &str,
    task_quota: Option<u64>,
    data: &DataArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let created = j
        .create_workspace_with_quota(name, task_quota)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if json {
        outln!("{}", serde_json::to_string_pretty(&created)?);
    } else {
        let w = &created.workspace;
        outln!("created workspace '{}' in {}", w.name, describe(data));
        outln!();
        outln!("  workspace id  {}", w.id);
        outln!(
            "  app key       {}   (public: the marketplace widget sends it)",
            w.app_key
        );
        outln!(
            "  app secret    {}   (your backend signs user ids with it)",
            created.app_secret
        );
        outln!(
            "  API secret    {}   (your backend's bearer token)",
            created.api_secret
        );
        outln!();
        outln!("The secrets are shown only now: store them in your backend's secret store.");
        outln!(
            "Next: export JUNCTION_WORKSPACE={} and push apps with `junction apps push FILE`.",
            w.id
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn push_apps(
    files: &[PathBuf],
    target: &WorkspaceArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    on_backend!(&target.data, j => push_apps_in(j, files, target, json).await)
}

async fn push_apps_in<S: Store, Q: RunQueue, V: Vault>(
    j: &Junction<S, Q, V>,
    files: &[PathBuf],
    target: &WorkspaceArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let ws = workspace(j, target).await?;
    let mut pushed = Vec::new();
    for file in files {
        let record = j
            .push_app(&ws, &read(file)?, None)
            .await
            .map_err(|e| report(file, e))?;
        if !json {
            outln!(
                "pushed app '{}' from {} (version {})",
                record.definition.id,
                file.display(),
                record.version
            );
        }
        pushed.push(serde_json::json!({"file": file, "app": record.definition.id, "version": record.version}));
    }
    if json {
        outln!("{}", serde_json::to_string_pretty(&pushed)?);
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn push_flows(
    files: &[PathBuf],
    publish: bool,
    target: &WorkspaceArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    on_backend!(&target.data, j => push_flows_in(j, files, publish, target, json).await)
}

async fn push_flows_in<S: Store, Q: RunQueue, V: Vault>(
    j: &Junction<S, Q, V>,
    files: &[PathBuf],
    publish: bool,
    target: &WorkspaceArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let ws = workspace(j, target).await?;
    let mut pushed = Vec::new();
    for file in files {
        let flow = j
            .push_flow_loaded(&ws, read_flow(file)?, None, publish)
            .await
            .map_err(|e| report(file, e))?;
        if !json {
            let state = match flow.published {
                Some(p) if p == flow.version => "published".to_string(),
                Some(p) => format!("version {p} stays published"),
                None => "not published (add --publish)".to_string(),
            };
            outln!(
                "pushed flow '{}' version {} from {}: {state}",
                flow.flow_id,
                flow.version,
                file.display()
            );
        }
        pushed.push(serde_json::to_value(&flow)?);
    }
    if json {
        outln!("{}", serde_json::to_string_pretty(&pushed)?);
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn workspace_limits(
    change: &LimitsChange,
    target: &WorkspaceArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    on_backend!(&target.data, j => workspace_limits_in(j, change, target, json).await)
}

async fn workspace_limits_in<S: Store, Q: RunQueue, V: Vault>(
    j: &Junction<S, Q, V>,
    change: &LimitsChange,
    target: &WorkspaceArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let ws = workspace(j, target).await?;
    let changing = change.task_quota.is_some()
        || change.code_max_time_ms.is_some()
        || change.code_max_memory_mb.is_some();
    let limits = if changing {
        j.change_workspace_limits(&ws, change).await
    } else {
        j.workspace_limits(&ws).await
    }
    .map_err(|e| match e {
        ServiceError::Invalid { problems, .. } => anyhow::anyhow!(
            "{}",
            problems
                .iter()
                .map(|p| format!("--{}: {}", flag_of(&p.path), p.message))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        other => anyhow::anyhow!("{other}"),
    })?;
    if json {
        outln!("{}", serde_json::to_string_pretty(&limits)?);
        return Ok(ExitCode::SUCCESS);
    }
    let verb = if changing { "changed: " } else { "" };
    outln!("{verb}limits of workspace {ws}");
    match limits.task_quota {
        Some(q) => outln!("  task quota         {q} tasks a month"),
        None => outln!("  task quota         none"),
    }
    outln!(
        "  code step time     at most {} ms",
        limits.code.max_time_ms
    );
    outln!(
        "  code step memory   at most {} MiB",
        limits.code.max_memory_mb
    );
    Ok(ExitCode::SUCCESS)
}

/// The command-line flag that sets a limit, for errors.
fn flag_of(path: &str) -> String {
    format!("code-{}", path.trim_start_matches("code.")).replace('_', "-")
}
