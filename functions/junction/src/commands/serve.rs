//! `junction serve`: the HTTP API on one local listener, until SIGINT or SIGTERM.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;

use crate::cli::ServeArgs;
use crate::local::open_allowing;

pub async fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let ServeArgs {
        data,
        listen,
        allow,
        workers,
        public_url,
        widget_origins,
        code_memory_mb,
        demo,
        metrics_listen,
        // Taken by `main`, which builds the runtime this runs on.
        threads: _,
    } = args;
    let mut allow = allow;
    let data = &data;
    let origins = widget_origins
        .iter()
        .map(|o| {
            o.trim().parse::<axum::http::HeaderValue>().map_err(|_| {
                anyhow::anyhow!(
                    "--widget-origin '{o}' is not a valid origin like https://app.example.com"
                )
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let metrics_listener = match metrics_listen {
        Some(at) => Some(tokio::net::TcpListener::bind(at).await.with_context(|| {
            format!(
                "cannot listen on {at} for /metrics (in use? choose another with --metrics-listen)"
            )
        })?),
        None => None,
    };
    // Before anything is listening: a SIGTERM sent once the banner is out must stop
    // the server cleanly, not find the default action (death by signal) still in place.
    let shutdown = shutdown()?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| {
            format!("cannot listen on {listen} (in use? choose another with --listen)")
        })?;
    let addr = listener.local_addr()?;
    if data.backend == crate::cli::BackendKind::Aws {
        anyhow::bail!("`junction serve` is the embedded deployment; on AWS the Lambda functions serve (see the README, 'Deploy to AWS'). Drop --backend aws / JUNCTION_BACKEND.");
    }
    let public_url = public_url.unwrap_or_else(|| format!("http://{addr}"));
    // The demo starts afresh each time in a folder of its own (its apps keep their
    // data in memory, so yesterday's accounts would point at nothing), and calls the
    // demo apps it serves itself.
    let demo_dir = demo.then(|| {
        std::env::temp_dir().join(format!(
            "junction-demo-{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp_millis()
        ))
    });
    if demo {
        allow.push(addr.ip().to_string());
    }
    let data_dir = demo_dir.clone().unwrap_or_else(|| data.data.clone());
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("creating the data folder {}", data_dir.display()))?;
    // Held until the process ends: what the queue has in flight now is a dead
    // process's, and goes back to the workers at once instead of after its
    // visibility timeout.
    let _lock = junction_local::ServeLock::acquire(&data_dir)?;
    let junction = Arc::new(open_allowing(&data_dir, &allow)?.with_public_url(public_url.clone()));
    let resumed = junction.queue.release_in_flight().await?;
    let demo = match demo {
        true => Some(crate::demo::seed(&junction, &public_url).await?),
        false => None,
    };
    outln!(
        "Junction is serving http://{addr} (data in {})",
        data_dir.display()
    );
    outln!("  health: http://{addr}/health · API: http://{addr}/v1 · widget: http://{addr}/widget/junction.js");
    let metrics = match metrics_listener {
        Some(listener) => {
            let at = listener.local_addr()?;
            let routes = super::metrics::router(super::metrics::install()?, junction.clone());
            outln!("  metrics: http://{at}/metrics");
            Some(tokio::spawn(async move {
                junction_http::serve(listener, routes, std::future::pending()).await
            }))
        }
        None => None,
    };
    if resumed > 0 {
        outln!("  resuming {resumed} run message(s) the previous server left in flight");
    }
    if demo.is_some() {
        outln!("  demo: open {public_url}/ in a browser (signed in as 'alice'; the demo apps are served here too)");
    } else {
        let data_flag = if data.data == std::path::Path::new(".junction") {
            String::new()
        } else {
            format!(" --data {}", data.data.display())
        };
        outln!(
            "  no workspace yet? in another terminal: {} workspace create \"My company\"{data_flag}",
            this_command()
        );
    }
    // Executor workers on the local queue, beside the API.
    let engine = Arc::new(
        junction
            .engine()
            .with_limits(junction_core::engine::EngineLimits {
                code_memory_budget_mb: code_memory_mb,
                ..Default::default()
            }),
    );
    let (stop, stopped) = tokio::sync::watch::channel(false);
    // Retention: runs, stored values, claims and the queue's dedupe ids past their
    // expiry are deleted every minute, a batch at a time (DynamoDB and SQS do this by
    // themselves).
    let retention = {
        let junction = junction.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                tick.tick().await;
                let now = chrono::Utc::now();
                let store = &junction.store;
                purged(
                    "runs past their retention",
                    store.purge_expired_runs(now).await,
                );
                purged(
                    "stored values past their expiry",
                    store.purge_expired_values(now).await,
                );
                purged(
                    "claims past their expiry",
                    store.purge_expired_claims(now).await,
                );
                let queue = &junction.queue;
                purged(
                    "queue dedupe ids past their window",
                    queue.purge_expired_dedupe_ids().await,
                );
            }
        })
    };
    // Polls and schedules: what is due goes on the queue every few seconds (on AWS an
    // EventBridge rule does this every minute).
    let poller = {
        let junction = junction.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
            loop {
                tick.tick().await;
                match junction.poll_due(chrono::Utc::now()).await {
                    Ok(0) => {}
                    Ok(n) => tracing::debug!(items = n, "queued due polls and schedules"),
                    Err(e) => tracing::warn!(error = %e, "could not queue due polls and schedules"),
                }
            }
        })
    };
    let workers = tokio::spawn(junction_core::service::worker::run_workers(
        junction.clone(),
        engine,
        workers,
        stopped,
    ));
    let mut routes = junction_http::api_and_webhooks(junction.clone(), &origins);
    if let Some(demo) = demo {
        routes = routes.merge(crate::demo::router(demo, junction.clone()));
    }
    let routes = routes.layer(axum::middleware::from_fn(super::request_log::log_request));
    drop(junction);
    junction_http::serve(listener, routes, shutdown)
        .await
        .context("serving")?;
    // Stop taking runs; finish the ones in hand (unfinished ones come back after the
    // visibility timeout, from their last checkpoint).
    let _ = stop.send(true);
    let _ = workers.await;
    retention.abort();
    poller.abort();
    if let Some(metrics) = metrics {
        metrics.abort();
    }
    if let Some(dir) = demo_dir {
        let _ = std::fs::remove_dir_all(dir);
    }
    outln!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM: in-flight requests finish, new ones are
/// refused. Both handlers are installed by this call, not when the future is first
/// polled (as `tokio::signal::ctrl_c` would).
#[cfg(unix)]
fn shutdown() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt = signal(SignalKind::interrupt()).context("handling SIGINT")?;
    let mut term = signal(SignalKind::terminate()).context("handling SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = term.recv() => {}
        }
    })
}

#[cfg(not(unix))]
fn shutdown() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        tokio::signal::ctrl_c().await.unwrap_or(());
    })
}

/// How to call this same binary from a shell here: `junction` when that is what the
/// PATH finds, otherwise its path (after `cargo run`, `target/debug/junction`), so the
/// banner's next step works as typed.
fn this_command() -> String {
    let Ok(me) = std::env::current_exe().and_then(std::fs::canonicalize) else {
        return "junction".into();
    };
    let on_path = std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path)
            .filter_map(|dir| std::fs::canonicalize(dir.join("junction")).ok())
            .next()
            .is_some_and(|found| found == me)
    });
    if on_path {
        return "junction".into();
    }
    let here = std::env::current_dir().ok();
    let shown = here
        .as_deref()
        .and_then(|dir| me.strip_prefix(dir).ok())
        .unwrap_or(&me);
    shown.display().to_string()
}

/// Logs what a retention purge deleted, or why it could not.
fn purged<E: std::fmt::Display>(what: &str, outcome: Result<usize, E>) {
    match outcome {
        Ok(0) => {}
        Ok(n) => tracing::info!(rows = n, "deleted {what}"),
        Err(e) => tracing::warn!(error = %e, "could not delete {what}"),
    }
}
