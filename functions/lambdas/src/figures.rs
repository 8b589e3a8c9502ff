//! Figures on Lambda: what the engine records through `metrics` (the names in
//! `junction_core::telemetry`) goes out as CloudWatch embedded-metric-format lines on
//! standard output after each invocation, one document per label set. CloudWatch Logs
//! turns them into metrics, so reporting costs no API call. Queue depth and age need
//! nothing from here: SQS reports them itself.

use metrics_cloudwatch_embedded::Collector;

/// The namespace the metrics go under, unless `JUNCTION_METRICS_NAMESPACE` names one.
pub const DEFAULT_NAMESPACE: &str = "Junction";

/// The process's collector, if it could be installed.
#[derive(Clone, Copy)]
pub struct Figures(Option<&'static Collector>);

impl Figures {
    /// Installs the collector, with the function's name as a dimension.
    pub fn init() -> Self {
        let namespace = std::env::var("JUNCTION_METRICS_NAMESPACE")
            .ok()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_NAMESPACE.to_string());
        let mut builder =
            metrics_cloudwatch_embedded::Builder::new().cloudwatch_namespace(namespace);
        if let Ok(function) = std::env::var("AWS_LAMBDA_FUNCTION_NAME") {
            builder = builder.with_dimension("function", function);
        }
        match builder.init() {
            Ok(collector) => {
                junction_core::telemetry::describe();
                Self(Some(collector))
            }
            Err(e) => {
                tracing::warn!(error = %e, "metrics are off: the collector could not be installed");
                Self(None)
            }
        }
    }

    /// Writes what was recorded since the last flush to standard output.
    pub fn flush(&self) {
        self.flush_to(std::io::stdout().lock());
    }

    /// Writes what was recorded since the last flush to `out`.
    pub fn flush_to(&self, out: impl std::io::Write) {
        if let Some(collector) = self.0 {
            if let Err(e) = collector.flush(out) {
                tracing::warn!(error = %e, "could not write the invocation's metrics");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use junction_core::engine::RunStatus;
    use junction_core::telemetry;
    use serde_json::Value;

    #[test]
    fn recorded_figures_come_out_as_embedded_metric_documents() {
        let figures = super::Figures::init();
        telemetry::run_reached(RunStatus::Succeeded);
        telemetry::run_reached(RunStatus::Succeeded);
        telemetry::outbound_call("chatter", Some(200), std::time::Duration::from_millis(12));
        let mut out = Vec::new();
        figures.flush_to(&mut out);
        let docs: Vec<Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let runs = docs
            .iter()
            .find(|d| d["status"] == "succeeded")
            .unwrap_or_else(|| panic!("{docs:?}"));
        assert_eq!(runs["junction_runs_total"], 2);
        let meta = &runs["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(meta["Namespace"], super::DEFAULT_NAMESPACE);
        assert!(meta["Dimensions"][0]
            .as_array()
            .unwrap()
            .contains(&Value::from("status")));
        let calls = docs
            .iter()
            .find(|d| d["app"] == "chatter" && d["status"] == "200")
            .unwrap_or_else(|| panic!("{docs:?}"));
        assert_eq!(calls["junction_outbound_requests_total"], 1);
        // Counters restart from zero after a flush: the next invocation reports its own.
        let mut again = Vec::new();
        figures.flush_to(&mut again);
        assert!(!String::from_utf8(again)
            .unwrap()
            .contains("junction_runs_total"));
    }
}
