//! Logs on Lambda: one JSON line per event (CloudWatch keeps them as they are), with
//! the fields the service puts on its events (run, integration, workspace). Secrets
//! never reach a log: the service logs ids and reasons, never bodies or tokens.

/// Installs the JSON subscriber; `RUST_LOG` filters (default `info`).
pub fn init() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_ansi(false)
        .without_time()
        .with_env_filter(filter)
        .try_init();
}
