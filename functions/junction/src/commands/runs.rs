//! `junction runs list|show|replay`: runs and step logs, from either backend.

use std::process::ExitCode;

use junction_core::engine::RunStatus;
use junction_core::ports::{RunQueue, Store, Vault};
use junction_core::service::{Junction, ServiceError};

use crate::backend::on_backend;
use crate::cli::WorkspaceArgs;
use crate::render::{print_log_entry, print_summary};

/// Which runs `runs list` shows.
pub struct RunFilter {
    pub integration: Option<String>,
    pub user: Option<String>,
    pub status: Option<String>,
    pub limit: usize,
}

pub async fn list(
    filter: &RunFilter,
    target: &WorkspaceArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    on_backend!(&target.data, j => list_in(j, filter, target, json).await)
}

async fn list_in<S: Store, Q: RunQueue, V: Vault>(
    j: &Junction<S, Q, V>,
    filter: &RunFilter,
    target: &WorkspaceArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let ws = super::operator::workspace(j, target).await?;
    let status = filter
        .status
        .as_deref()
        .map(|s| {
            serde_json::from_value::<RunStatus>(serde_json::Value::String(s.to_string()))
                .map_err(|_| anyhow::anyhow!("--status: '{s}' is not a run status (queued, running, waiting, retrying, succeeded, failed, aborted, abandoned)"))
        })
        .transpose()?;
    let limit = filter.limit.max(1);
    // The whole workspace in one status is one store query; otherwise the runs of one
    // integration, of a user's or of all, each newest first, so the newest `limit` of
    // all are among each one's newest `limit` that match.
    let integrations: Vec<String> = match (&filter.integration, &filter.user) {
        (Some(id), _) => {
            if j.store.get_integration(&ws, id).await?.is_none() {
                anyhow::bail!(
                    "no integration '{id}' in workspace '{ws}' (list them with `junction integrations list`)"
                );
            }
            vec![id.clone()]
        }
        (None, Some(user)) => ids(j.store.integrations_of_user(&ws, user).await?),
        (None, None) if status.is_some() => Vec::new(),
        (None, None) => ids(j.store.integrations_of_workspace(&ws).await?),
    };
    let mut runs = match (&filter.integration, &filter.user, status) {
        (None, None, Some(status)) => j.store.runs_with_status(&ws, status, limit, None).await?,
        _ => Vec::new(),
    };
    for id in &integrations {
        // With a status, page on until `limit` of them are found or none are left.
        let mut before: Option<String> = None;
        let mut matching = 0;
        loop {
            let page = j
                .store
                .runs_of_integration(&ws, id, limit, before.as_deref())
                .await?;
            let full = page.len() == limit;
            before = page.last().map(|r| r.id.clone());
            for run in page {
                if status.is_none_or(|s| run.status == s) {
                    matching += 1;
                    runs.push(run);
                }
            }
            if !full || matching >= limit {
                break;
            }
        }
    }
    runs.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    runs.truncate(limit);
    if json {
        outln!("{}", serde_json::to_string_pretty(&runs)?);
        return Ok(ExitCode::SUCCESS);
    }
    if runs.is_empty() {
        outln!("no runs in workspace '{ws}' match");
    }
    for run in &runs {
        let error = run
            .state
            .error
            .as_ref()
            .map(|e| format!("  {}", e.message))
            .unwrap_or_default();
        outln!(
            "{}  {:<9} {:<16} {} tasks  {}  user {}{error}",
            run.id,
            run.status.as_str(),
            run.state.block_id,
            run.state.tasks,
            run.created_at.format("%Y-%m-%d %H:%M:%S"),
            run.user_id,
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn ids(integrations: Vec<junction_core::model::Integration>) -> Vec<String> {
    integrations.into_iter().map(|i| i.id).collect()
}

pub async fn show(
    run_id: &str,
    wait: bool,
    target: &WorkspaceArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    on_backend!(&target.data, j => show_in(j, run_id, wait, target, json).await)
}

async fn show_in<S: Store, Q: RunQueue, V: Vault>(
    j: &Junction<S, Q, V>,
    run_id: &str,
    wait: bool,
    target: &WorkspaceArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let ws = super::operator::workspace(j, target).await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let run = loop {
        let Some(run) = j.store.get_run(&ws, run_id).await? else {
            anyhow::bail!("no run '{run_id}' in workspace '{ws}' (list them with `junction runs list --integration ID`)");
        };
        let pending = matches!(
            run.status,
            RunStatus::Queued | RunStatus::Running | RunStatus::Retrying
        );
        if !wait || !pending {
            break run;
        }
        if std::time::Instant::now() > deadline {
            eprintln!(
                "run '{run_id}' is still {} after 30 s of waiting",
                run.status.as_str()
            );
            break run;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    // Scripts can trust the status: a run that ended badly is a failure of the command.
    let unfinished = wait
        && matches!(
            run.status,
            RunStatus::Queued | RunStatus::Running | RunStatus::Retrying
        );
    let code = match run.status {
        RunStatus::Failed | RunStatus::Abandoned => ExitCode::FAILURE,
        _ if unfinished => ExitCode::FAILURE,
        _ => ExitCode::SUCCESS,
    };
    if json {
        outln!("{}", serde_json::to_string_pretty(&run)?);
        return Ok(code);
    }
    outln!(
        "run {} of integration {} (block '{}', user '{}')",
        run.id,
        run.integration_id,
        run.state.block_id,
        run.user_id
    );
    for entry in &run.state.log {
        print_log_entry(entry);
    }
    if run.status == RunStatus::Queued {
        outln!("\nqueued: a worker of `junction serve` will run it (add --wait to wait for it)");
    } else {
        print_summary(&run.state);
    }
    Ok(code)
}

pub async fn replay(run_id: &str, target: &WorkspaceArgs, json: bool) -> anyhow::Result<ExitCode> {
    on_backend!(&target.data, j => replay_in(j, run_id, target, json).await)
}

async fn replay_in<S: Store, Q: RunQueue, V: Vault>(
    j: &Junction<S, Q, V>,
    run_id: &str,
    target: &WorkspaceArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let ws = super::operator::workspace(j, target).await?;
    let run = j.replay_run(&ws, run_id).await.map_err(|e| match e {
        ServiceError::NotFound(_) => anyhow::anyhow!(
            "no run '{run_id}' in workspace '{ws}' (failed ones: `junction runs list --status failed`)"
        ),
        other => anyhow::anyhow!("{other}"),
    })?;
    if json {
        outln!("{}", serde_json::to_string_pretty(&run)?);
    } else {
        outln!(
            "run {} is queued again from its failed step; `junction runs show {} --wait` follows it",
            run.id,
            run.id
        );
    }
    Ok(ExitCode::SUCCESS)
}
