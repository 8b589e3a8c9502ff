//! `junction runs list|show`: runs and step logs, from either backend.

use std::process::ExitCode;

use junction_core::engine::RunStatus;
use junction_core::ports::{RunQueue, Store, Vault};
use junction_core::service::Junction;

use crate::backend::on_backend;
use crate::cli::WorkspaceArgs;
use crate::render::{print_log_entry, print_summary};

pub async fn list(
    integration: &str,
    limit: usize,
    target: &WorkspaceArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    on_backend!(&target.data, j => list_in(j, integration, limit, target, json).await)
}

async fn list_in<S: Store, Q: RunQueue, V: Vault>(
    j: &Junction<S, Q, V>,
    integration: &str,
    limit: usize,
    target: &WorkspaceArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let runs = j
        .store
        .runs_of_integration(&target.workspace, integration, limit, None)
        .await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&runs)?);
        return Ok(ExitCode::SUCCESS);
    }
    if runs.is_empty() {
        println!(
            "no runs of integration '{integration}' in workspace '{}'",
            target.workspace
        );
    }
    for run in &runs {
        let error = run
            .state
            .error
            .as_ref()
            .map(|e| format!("  {}", e.message))
            .unwrap_or_default();
        println!(
            "{}  {:<9} {:<16} {} tasks  {}{error}",
            run.id,
            run.status.as_str(),
            run.state.block_id,
            run.state.tasks,
            run.created_at.format("%Y-%m-%d %H:%M:%S")
        );
    }
    Ok(ExitCode::SUCCESS)
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
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let run = loop {
        let Some(run) = j.store.get_run(&target.workspace, run_id).await? else {
            anyhow::bail!("no run '{run_id}' in workspace '{}' (list them with `junction runs list --integration ID`)", target.workspace);
        };
        let pending = matches!(
            run.status,
            RunStatus::Queued | RunStatus::Running | RunStatus::Retrying
        );
        if !wait || !pending || std::time::Instant::now() > deadline {
            break run;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&run)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "run {} of integration {} (block '{}', user '{}')",
        run.id, run.integration_id, run.state.block_id, run.user_id
    );
    for entry in &run.state.log {
        print_log_entry(entry);
    }
    if run.status == RunStatus::Queued {
        println!("\nqueued: a worker of `junction serve` will run it (add --wait to wait for it)");
    } else {
        print_summary(&run.state);
    }
    Ok(ExitCode::SUCCESS)
}
