//! An app that answers every call late and counts the calls it holds at once: how
//! the suites see whether runs wait on apps side by side, and never more than allowed.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Its app definition (`id: slow`, action `work`) and the counts.
pub struct SlowApp {
    pub url: String,
    counts: Arc<Counts>,
}

#[derive(Default)]
struct Counts {
    in_flight: AtomicUsize,
    most_at_once: AtomicUsize,
    answered: AtomicUsize,
}

impl SlowApp {
    /// Listens on a free local port; every `POST /work` takes `delay`.
    pub async fn start(delay: Duration) -> Self {
        let counts = Arc::new(Counts::default());
        let state = counts.clone();
        let app = axum::Router::new().route(
            "/work",
            axum::routing::post(move || {
                let c = state.clone();
                async move {
                    let now = c.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    c.most_at_once.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(delay).await;
                    c.in_flight.fetch_sub(1, Ordering::SeqCst);
                    c.answered.fetch_add(1, Ordering::SeqCst);
                    axum::Json(serde_json::json!({"ok": true}))
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let url = format!("http://{}", listener.local_addr().expect("bound"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, counts }
    }

    /// The app definition to push.
    pub fn definition(&self) -> String {
        format!(
            "id: slow\nname: Slow\nbase_url: {}\nauth: {{type: none}}\nactions:\n  work:\n    request: {{method: POST, path: /work}}\n",
            self.url
        )
    }

    /// A flow running the action once per `work.requested` app event.
    pub const FLOW: &'static str = "id: slow-work\nname: Slow work\napps: [slow]\nblocks:\n  - id: on_event\n    trigger: {type: app_event, event: work.requested}\n    steps:\n      - id: work\n        action: {app: slow, action: work}\n";

    pub fn answered(&self) -> usize {
        self.counts.answered.load(Ordering::SeqCst)
    }

    pub fn most_at_once(&self) -> usize {
        self.counts.most_at_once.load(Ordering::SeqCst)
    }
}
