//! The `junction` command: serve the API and its workers, validate and try
//! definitions, manage workspaces, apps, flows and runs.

#[macro_use]
mod output;

mod backend;
mod cli;
mod commands;
mod demo;
mod files;
mod local;
mod log_writer;
mod render;

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::fmt::MakeWriter;

/// A run allocates and frees many small values (JSON, templates, SQL rows) across
/// threads, which mimalloc does in far fewer instructions than glibc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    // Declared before the runtime, so dropped after it: the last lines are written.
    let _log_flusher = init_logs(&cli);
    let runtime = match runtime_for(&cli.command).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::dispatch(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The async runtime a command runs on: `serve` on as many threads as it is told
/// (one, by default, is all on the main thread), other commands on one per core.
fn runtime_for(command: &cli::Command) -> tokio::runtime::Builder {
    match command {
        cli::Command::Serve(args) if args.threads == 1 => {
            tokio::runtime::Builder::new_current_thread()
        }
        cli::Command::Serve(args) => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            builder.worker_threads(usize::from(args.threads));
            builder
        }
        _ => tokio::runtime::Builder::new_multi_thread(),
    }
}

/// Warnings and errors for every command; `serve` also shows one line per request and
/// per run, written from a thread of its own (see `log_writer`), whose flusher the
/// caller holds until the end. RUST_LOG replaces the choice.
fn init_logs(cli: &cli::Cli) -> Option<log_writer::Flusher> {
    let serve = matches!(cli.command, cli::Command::Serve(_));
    let default = if serve {
        "warn,junction::requests=info,junction::runs=info"
    } else {
        "warn"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // Colours only for a terminal: a file or a log collector gets plain text.
    let colours = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let json = cli.log_format == cli::LogFormat::Json;
    junction_core::telemetry::set_structured_logs(json);
    let gathered = serve
        .then(|| log_writer::start(Box::new(std::io::stderr())))
        .flatten();
    match gathered {
        Some((lines, flusher)) => {
            install_logs(lines, filter, colours, json);
            Some(flusher)
        }
        None => {
            install_logs(std::io::stderr, filter, colours, json);
            None
        }
    }
}

fn install_logs<W>(writer: W, filter: tracing_subscriber::EnvFilter, colours: bool, json: bool)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let logs = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(colours)
        .with_env_filter(filter);
    if json {
        logs.json().flatten_event(true).init();
    } else {
        logs.init();
    }
}
