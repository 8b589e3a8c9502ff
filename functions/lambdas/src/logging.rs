//! Logs on Lambda: one JSON line per event (CloudWatch keeps them as they are), with
//! the fields the service puts on its events and, under `span`, the run's ids (run,
//! workspace, integration). Secrets never reach a log: the service logs ids and
//! reasons, never bodies or tokens.

use tracing_subscriber::fmt::MakeWriter;

/// The JSON subscriber, writing to `writer`; `RUST_LOG` filters (default `info`).
pub fn subscriber<W>(writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .with_span_list(false)
        .with_ansi(false)
        .without_time()
        .with_env_filter(filter)
        .with_writer(writer)
        .finish()
}

/// Installs the subscriber on standard output (what Lambda sends to CloudWatch).
pub fn init() {
    junction_core::telemetry::set_structured_logs(true);
    let _ = tracing::subscriber::set_global_default(subscriber(std::io::stdout));
}
