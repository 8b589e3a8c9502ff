//! One module per subcommand.

mod lists;
mod metrics;
mod operator;
mod request_log;
mod run;
mod runs;
mod schema;
mod serve;
mod validate;
mod vault;

use std::process::ExitCode;

use junction_core::service::LimitsChange;

use crate::cli::{
    AppsCommand, Cli, Command, FlowCommand, IntegrationsCommand, RunsCommand, WorkspaceCommand,
};

pub async fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Validate { paths } => validate::validate(&paths, cli.json),
        Command::Run(args) => run::run(args, cli.json).await,
        Command::Schema { kind } => schema::schema(kind),
        Command::Serve(args) => serve::serve(args).await,
        Command::Workspace {
            command: WorkspaceCommand::List { data },
        } => lists::workspaces(&data, cli.json).await,
        Command::Workspace {
            command:
                WorkspaceCommand::Create {
                    name,
                    task_quota,
                    data,
                },
        } => operator::create_workspace(&name, task_quota, &data, cli.json).await,
        Command::Workspace {
            command:
                WorkspaceCommand::Limits {
                    task_quota,
                    no_task_quota,
                    code_max_time_ms,
                    code_max_memory_mb,
                    target,
                },
        } => {
            let change = LimitsChange {
                task_quota: if no_task_quota {
                    Some(None)
                } else {
                    task_quota.map(Some)
                },
                code_max_time_ms,
                code_max_memory_mb,
            };
            operator::workspace_limits(&change, &target, cli.json).await
        }
        Command::Apps {
            command: AppsCommand::Push { files, target },
        } => operator::push_apps(&files, &target, cli.json).await,
        Command::Apps {
            command: AppsCommand::List { target },
        } => lists::apps(&target, cli.json).await,
        Command::Integrations {
            command:
                IntegrationsCommand::List {
                    user,
                    flow,
                    status,
                    target,
                },
        } => {
            let filter = lists::IntegrationFilter { user, flow, status };
            lists::integrations(&filter, &target, cli.json).await
        }
        Command::Vault { command } => vault::dispatch(command, cli.json).await,
        Command::Usage { month, target } => lists::usage(month.as_deref(), &target, cli.json).await,
        Command::Flows {
            command:
                FlowCommand::Push {
                    files,
                    publish,
                    target,
                },
        } => operator::push_flows(&files, publish, &target, cli.json).await,
        Command::Flows {
            command: FlowCommand::List { target },
        } => lists::flows(&target, cli.json).await,
        Command::Runs {
            command:
                RunsCommand::List {
                    integration,
                    user,
                    status,
                    limit,
                    target,
                },
        } => {
            let filter = runs::RunFilter {
                integration,
                user,
                status,
                limit,
            };
            runs::list(&filter, &target, cli.json).await
        }
        Command::Runs {
            command: RunsCommand::Replay { run, target },
        } => runs::replay(&run, &target, cli.json).await,
        Command::Runs {
            command: RunsCommand::Show { run, wait, target },
        } => runs::show(&run, wait, &target, cli.json).await,
    }
}
