//! `/metrics` for `junction serve --metrics-listen ADDR`: the process's figures in the
//! Prometheus text format, on a listener of its own so that neither the end-user API
//! nor the webhook receiver's public paths show them.

use std::sync::Arc;

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::local::LocalJunction;

/// Buckets for call durations, in seconds: apps answer in milliseconds to tens of seconds.
const CALL_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Installs the process's recorder; the handle renders what was recorded since.
pub fn install() -> anyhow::Result<PrometheusHandle> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full(junction_core::telemetry::OUTBOUND_SECONDS.to_string()),
            CALL_BUCKETS,
        )?
        .install_recorder()?;
    junction_core::telemetry::describe();
    Ok(handle)
}

/// The router of the metrics listener.
pub fn router(handle: PrometheusHandle, junction: Arc<LocalJunction>) -> Router {
    Router::new().route(
        "/metrics",
        get(move || {
            let (handle, junction) = (handle.clone(), junction.clone());
            async move {
                // Gauges are read when asked for, so they are as fresh as the scrape.
                match junction.queue.figures() {
                    Ok(figures) => junction_core::telemetry::queue(figures),
                    Err(e) => tracing::warn!(error = %e, "could not read the queue's figures"),
                }
                junction_core::telemetry::refresh_holds();
                (
                    [(
                        header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    )],
                    handle.render(),
                )
                    .into_response()
            }
        }),
    )
}
