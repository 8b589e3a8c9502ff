//! Logs on Lambda: one JSON line per event (CloudWatch keeps them as they are), with
//! the fields the service puts on its events and, under `span`, the run's ids (run,
//! workspace, integration). Secrets never reach a log: the service logs ids and
//! reasons, never bodies or tokens.

use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt as _;

/// The JSON subscriber, writing to `writer`; `RUST_LOG` filters (default `info`).
pub fn subscriber<W>(writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .with_span_list(false)
        .with_ansi(false)
        .without_time()
        .with_writer(writer)
        .finish()
        .with(filter(std::env::var("RUST_LOG").ok().as_deref()))
}

/// `RUST_LOG` read as a default level and `target=level` directives
/// (`warn,junction_core=debug`); `info` when it is unset or unreadable. Not
/// tracing-subscriber's `EnvFilter`: its span and field filters, which no function
/// needs, link a regular-expression engine into every package.
fn filter(rust_log: Option<&str>) -> Targets {
    rust_log
        .and_then(|directives| directives.parse().ok())
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO))
}

/// Installs the subscriber on standard output (what Lambda sends to CloudWatch).
pub fn init() {
    junction_core::telemetry::set_structured_logs(true);
    let _ = tracing::subscriber::set_global_default(subscriber(std::io::stdout));
}

#[cfg(test)]
mod tests {
    use super::filter;
    use tracing::Level;

    #[test]
    fn rust_log_sets_the_default_level_and_levels_per_target() {
        let f = filter(Some("warn,junction_core=debug"));
        assert!(f.would_enable("junction_core::service", &Level::DEBUG));
        assert!(!f.would_enable("junction_aws", &Level::INFO));
        assert!(f.would_enable("junction_aws", &Level::WARN));
    }

    #[test]
    fn unset_or_unreadable_rust_log_means_info() {
        for rust_log in [None, Some("junction=debug=trace")] {
            let f = filter(rust_log);
            assert!(
                f.would_enable("junction_core", &Level::INFO),
                "{rust_log:?}"
            );
            assert!(
                !f.would_enable("junction_core", &Level::DEBUG),
                "{rust_log:?}"
            );
        }
    }
}
