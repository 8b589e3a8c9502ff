//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Junction: an embedded integration platform. Validate app and flow definitions and
/// run a flow's block locally against real endpoints.
#[derive(Debug, Parser)]
#[command(name = "junction", version, about, propagate_version = true)]
pub struct Cli {
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
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
    /// Print the JSON Schema of app or flow documents.
    Schema {
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
    /// Push app definitions to a workspace.
    Apps {
        #[command(subcommand)]
        command: PushCommand,
    },
    /// Push flow definitions to a workspace (each push is a new version).
    Flows {
        #[command(subcommand)]
        command: FlowCommand,
    },
    /// Read runs and their step logs.
    Runs {
        #[command(subcommand)]
        command: RunsCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum RunsCommand {
    /// The runs of an integration, newest first.
    List {
        /// The integration id.
        #[arg(long)]
        integration: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[command(flatten)]
        target: WorkspaceArgs,
    },
    /// One run with its step log.
    Show {
        run: String,
        /// Wait (up to 30 s) for a queued or running run to finish.
        #[arg(long)]
        wait: bool,
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
    Local,
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
    /// Create a workspace and print its id, app key and secrets (shown only once).
    Create {
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
pub enum PushCommand {
    /// Validate and store app definitions.
    Push {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        target: WorkspaceArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum FlowCommand {
    /// Validate and store flows as new versions.
    Push {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Publish the new versions to the marketplace.
        #[arg(long)]
        publish: bool,
        #[command(flatten)]
        target: WorkspaceArgs,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SchemaKind {
    App,
    Flow,
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
