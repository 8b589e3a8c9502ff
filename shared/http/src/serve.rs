//! Serving a router on a TCP listener with the timeouts a public listener needs: a client
//! has [`HEADER_READ_TIMEOUT`] to send a request head (idle keep-alive connections
//! included) and [`crate::BODY_READ_TIMEOUT`] for its body, so slow clients cannot hold
//! connections open. `junction serve` and the e2e suites serve through it; on AWS the
//! API Gateway and Function URLs read requests before the Lambda sees them.

use std::future::Future;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

/// Time a client has to send the head of each request on a connection.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long clients may take to send requests (tests shorten them).
#[derive(Debug, Clone, Copy)]
pub struct ReadTimeouts {
    pub header: Duration,
    pub body: Duration,
}

impl Default for ReadTimeouts {
    fn default() -> Self {
        Self {
            header: HEADER_READ_TIMEOUT,
            body: crate::BODY_READ_TIMEOUT,
        }
    }
}

/// The body read timeout, for the body extractors, as a request extension.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyReadTimeout(pub Duration);

/// Time requests in progress have to finish once shutdown begins.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves `router` on `listener` until `shutdown` resolves, then lets the requests in
/// progress finish (for at most 30 s) while refusing new connections.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    serve_with(listener, router, shutdown, ReadTimeouts::default()).await
}

/// [`serve`] with other read timeouts.
pub async fn serve_with(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()>,
    timeouts: ReadTimeouts,
) -> std::io::Result<()> {
    let router = router.layer(axum::Extension(BodyReadTimeout(timeouts.body)));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(timeouts.header);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                // Out of file descriptors, say: pause rather than spin.
                Err(e) => {
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(router.clone());
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still in progress after 30 s of shutdown were dropped");
    }
    Ok(())
}
