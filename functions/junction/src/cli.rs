//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Junction, the embedded integration platform: serve the marketplace, events and
/// webhooks API with its run workers (`serve`), check and try definitions (`validate`,
/// `run`, `schema`), and manage what a workspace holds (`workspace`, `apps`, `flows`,
/// `integrations`, `runs`, `usage`), on the local data folder or an AWS stack.
#[derive(Debug, Parser)]
#[command(name = "junction", version, propagate_version = true)]
pub struct Cli {
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// How log lines (on standard error) are written: `text` to read, `json` (one
    /// object per line) for a log pipeline. RUST_LOG chooses what is logged.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text, env = "JUNCTION_LOG_FORMAT")]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check app and flow definitions (files or folders) and print every problem.
    Validate {
        /// Definition files (YAML or JSON) or folders to search for them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Run one block of a flow once, locally, and print its step log.
    Run(RunArgs),
    /// Print the JSON Schema of app or flow documents, or the API's OpenAPI document.
    Schema {
        /// Which documents.
        #[arg(value_enum)]
        kind: SchemaKind,
    },
    /// Serve the marketplace, admin and events API from the data folder.
    Serve(ServeArgs),
    /// Manage workspaces.
    Workspace {
        #[command(subcommand)]
        command: WorkspaceCommand,
    },
    /// Push and list a workspace's app definitions.
    Apps {
        #[command(subcommand)]
        command: AppsCommand,
    },
    /// Push and list a workspace's flows (each push is a new version).
    Flows {
        #[command(subcommand)]
        command: FlowCommand,
    },
    /// List a workspace's integrations: your users' set-up flows.
    Integrations {
        #[command(subcommand)]
        command: IntegrationsCommand,
    },
    /// Read runs and their step logs, and replay failed ones.
    Runs {
        #[command(subcommand)]
        command: RunsCommand,
    },
    /// An AWS stack's envelope vault (JUNCTION_VAULT_MODE=envelope): import, rotate.
    Vault {
        #[command(subcommand)]
        command: VaultCommand,
    },
    /// Tasks a workspace used in a month, in all and per user, and its poll requests.
    Usage {
        /// The month, as YYYY-MM (default: this month, UTC).
        #[arg(long)]
        month: Option<String>,
        #[command(flatten)]
        target: WorkspaceArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum VaultCommand {
    /// Make a new data key current and seal every account secret again under it.
    RotateKey {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Seal in the table the secrets the stage kept one per account (before it used
    /// the envelope vault); the functions read those until then.
    ImportSecrets {
        /// Then delete each from Secrets Manager (restorable for 7 days), once its
        /// sealed copy opens.
        #[arg(long)]
        delete: bool,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Drop the older data keys from the key ring, once no function can still seal
    /// with them (5 minutes after a rotation); seals again what they still seal.
    RetireKeys {
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum IntegrationsCommand {
    /// Integrations, newest first, optionally of one user, of one flow, or in one status.
    List {
        /// Only this user's (your app's id for them).
        #[arg(long)]
        user: Option<String>,
        /// Only those of this flow id.
        #[arg(long)]
        flow: Option<String>,
        /// Only enabled or only disabled ones.
        #[arg(long, value_enum)]
        status: Option<IntegrationStatus>,
        #[command(flatten)]
        target: WorkspaceArgs,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IntegrationStatus {
    /// Running: its triggers start runs.
    Enabled,
    /// Turned off by the user, or by Junction (its reason says why).
    Disabled,
}

#[derive(Debug, Subcommand)]
pub enum RunsCommand {
    /// Runs, newest first: of one integration, of one user's integrations, or of the
    /// whole workspace, optionally in one status.
    List {
        /// Only this integration's runs.
        #[arg(long, conflicts_with = "user")]
        integration: Option<String>,
        /// Only the runs of this user's integrations.
        #[arg(long)]
        user: Option<String>,
        /// Only runs in this status (queued, running, waiting, retrying, succeeded,
        /// failed, aborted, abandoned).
        #[arg(long)]
        status: Option<String>,
        /// How many runs to show at most.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[command(flatten)]
        target: WorkspaceArgs,
    },
    /// One run with its step log; exits 1 when the run failed or was abandoned.
    Show {
        /// The run id (printed when a run is queued, and by `junction runs list`).
        run: String,
        /// Wait (up to 30 s) for a queued or running run to finish; exits 1 when it
        /// has not.
        #[arg(long)]
        wait: bool,
        #[command(flatten)]
        target: WorkspaceArgs,
    },
    /// Replays a failed run: it goes on from the step that failed (the steps that
    /// succeeded are not run again) once a worker of `junction serve` takes it.
    Replay {
        /// The run id.
        run: String,
        #[command(flatten)]
        target: WorkspaceArgs,
    },
}

#[derive(Debug, clap::Args)]
pub struct DataArgs {
    /// The data folder (database, key file); created on first use.
    #[arg(long, env = "JUNCTION_DATA", default_value = ".junction")]
    pub data: PathBuf,
    /// Where the data lives: `local` (the data folder) or `aws` (the stack named by
    /// JUNCTION_TABLE, JUNCTION_QUEUE_URL, JUNCTION_DLQ_URL, JUNCTION_SECRET_PREFIX).
    #[arg(long, env = "JUNCTION_BACKEND", value_enum, default_value_t = BackendKind::Local)]
    pub backend: BackendKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BackendKind {
    /// The data folder: SQLite, the local queue and the encrypted vault.
    Local,
    /// An AWS stack: DynamoDB, SQS and Secrets Manager (in a junction built with the
    /// `aws` feature; see the README's "Deploy to AWS").
    Aws,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "JUNCTION_LISTEN")]
    pub listen: std::net::SocketAddr,
    /// Internal networks the server may call (e.g. 127.0.0.1 for local mock
    /// apps); loopback and private addresses are refused otherwise.
    #[arg(
        long = "allow-network",
        value_name = "IP_OR_CIDR",
        env = "JUNCTION_ALLOW_NETWORK",
        value_delimiter = ','
    )]
    pub allow: Vec<String>,
    /// Runs executed at the same time. Runs mostly wait on the apps they call, so
    /// many fit on a core; the queue is polled once per back-off however many there are.
    #[arg(long, default_value_t = 64, env = "JUNCTION_WORKERS")]
    pub workers: usize,
    /// Threads that serve the API and execute runs. One is the cheapest per run: the
    /// store has one writer anyway, threads that share it wait on each other, and code
    /// steps run on a pool of their own. More serve more read requests at once on a
    /// host with spare cores, at more CPU per run.
    #[arg(long, default_value_t = 1, env = "JUNCTION_THREADS",
          value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: u16,
    /// The URL browsers reach this server at (OAuth redirects come back to it);
    /// defaults to http://<listen address>.
    #[arg(long, env = "JUNCTION_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Origins of the pages that embed the marketplace widget (CORS), e.g.
    /// https://app.example.com; repeat or separate with commas.
    #[arg(
        long = "widget-origin",
        env = "JUNCTION_WIDGET_ORIGINS",
        value_delimiter = ','
    )]
    pub widget_origins: Vec<String>,
    /// Memory, in MiB, that code steps running at once may reserve between them (each
    /// reserves its whole limit); further code steps wait their turn.
    #[arg(long, default_value_t = 512, env = "JUNCTION_CODE_MEMORY_MB")]
    pub code_memory_mb: u64,
    /// Seed a demo workspace (in a fresh temporary folder), serve the demo apps, and a
    /// host page at / that embeds the marketplace widget: the whole journey, offline.
    #[arg(long)]
    pub demo: bool,
    /// Serve `/metrics` (Prometheus text: runs by status, the queue, calls to apps,
    /// webhook deliveries, accounts on hold) on this address of its own, e.g.
    /// 127.0.0.1:9464; off unless given, and never on the API's listener.
    #[arg(long, value_name = "ADDR", env = "JUNCTION_METRICS_LISTEN")]
    pub metrics_listen: Option<std::net::SocketAddr>,
}

#[derive(Debug, clap::Args)]
pub struct WorkspaceArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The workspace id (printed by `junction workspace create`).
    #[arg(long, env = "JUNCTION_WORKSPACE")]
    pub workspace: String,
}

#[derive(Debug, Subcommand)]
pub enum WorkspaceCommand {
    /// Every workspace of the backend: id, name, app key and task quota.
    List {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Create a workspace and print its id, app key and secrets (shown only once).
    Create {
        /// The workspace's name, as people will see it (e.g. your company's).
        name: String,
        /// Tasks a month after which runs stop starting (no limit without it).
        #[arg(long)]
        task_quota: Option<u64>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Show a workspace's limits, or change those given: its monthly task quota and
    /// what one code step may ask for. Flows already pushed keep working; a code step
    /// asking for more than a lowered maximum gets the maximum.
    Limits {
        /// Tasks a month after which runs stop starting.
        #[arg(long, conflicts_with = "no_task_quota")]
        task_quota: Option<u64>,
        /// Remove the task quota.
        #[arg(long)]
        no_task_quota: bool,
        /// The most wall time one code step may ask for, in milliseconds (1 to 30000).
        #[arg(long)]
        code_max_time_ms: Option<u64>,
        /// The most memory one code step may ask for, in MiB (1 to 256).
        #[arg(long)]
        code_max_memory_mb: Option<u64>,
        #[command(flatten)]
        target: WorkspaceArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum AppsCommand {
    /// Validate and store app definitions.
    Push {
        /// App definition files (YAML or JSON).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        target: WorkspaceArgs,
    },
    /// The workspace's apps: id, name, authentication, queries and actions.
    List {
        #[command(flatten)]
        target: WorkspaceArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum FlowCommand {
    /// Validate and store flows as new versions.
    Push {
        /// Flow definition files (YAML or JSON); code files they name are read in.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Publish the new versions to the marketplace.
        #[arg(long)]
        publish: bool,
        #[command(flatten)]
        target: WorkspaceArgs,
    },
    /// The workspace's flows: latest and published version, tags, name.
    List {
        #[command(flatten)]
        target: WorkspaceArgs,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per event.
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SchemaKind {
    /// App definitions (`examples/apps/*.yaml`).
    App,
    /// Flow definitions (`examples/flows/*.yaml`).
    Flow,
    /// The HTTP API: its OpenAPI 3.1 document (`docs/openapi.json`).
    Openapi,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The flow definition.
    pub flow: PathBuf,
    /// App definitions the flow uses (files or folders).
    #[arg(long = "app", required = true)]
    pub apps: Vec<PathBuf>,
    /// The block to run; optional when the flow has one block.
    #[arg(long)]
    pub block: Option<String>,
    /// Trigger payload: a JSON file, `-` for standard input, or inline JSON.
    #[arg(long, default_value = "{}")]
    pub trigger: String,
    /// Setup values: a JSON file or inline JSON; form defaults fill the gaps.
    #[arg(long, default_value = "{}")]
    pub setup: String,
    /// An account for an app, as APP=FILE (JSON credentials; refreshed OAuth tokens
    /// are written back to FILE).
    #[arg(long = "account", value_name = "APP=FILE")]
    pub accounts: Vec<String>,
    /// The user the run is for.
    #[arg(long, default_value = "local-user")]
    pub user: String,
    /// Networks outbound calls may reach although internal (e.g. 127.0.0.1 for a
    /// local mock). Without it, loopback and private addresses are refused.
    #[arg(long = "allow-network", value_name = "IP_OR_CIDR")]
    pub allow: Vec<String>,
    /// Sleep through wait steps up to this long; longer waits stop the run as waiting.
    #[arg(long, default_value = "60s", value_parser = humantime_duration)]
    pub max_wait: std::time::Duration,
}

fn humantime_duration(raw: &str) -> Result<std::time::Duration, String> {
    raw.parse::<humantime::Duration>()
        .map(Into::into)
        .map_err(|e| format!("'{raw}' is not a duration like 30s or 5m: {e}"))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    /// Every command, argument and flag says what it is for in `--help`.
    #[test]
    fn every_command_and_argument_is_described() {
        fn walk(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
            let path = format!("{path} {}", command.get_name()).trim().to_string();
            if command.get_about().is_none() {
                missing.push(format!("`{path}`"));
            }
            for arg in command.get_arguments() {
                let builtin = matches!(arg.get_id().as_str(), "help" | "version");
                if !builtin && !arg.is_hide_set() && arg.get_help().is_none() {
                    missing.push(format!("`{path}` argument {}", arg.get_id()));
                }
            }
            for sub in command.get_subcommands() {
                if sub.get_name() != "help" {
                    walk(sub, &path, missing);
                }
            }
        }
        let mut missing = Vec::new();
        walk(&super::Cli::command(), "", &mut missing);
        assert!(
            missing.is_empty(),
            "without a description: {}",
            missing.join(", ")
        );
    }
}
