//! `spawn_app()`: the HTTP API on port 0 over its own data directory, plus a client
//! that signs requests the way a SaaS backend and its marketplace widget do.

use std::future::Future;
use std::sync::Arc;

use junction_core::ports::SystemClock;
use junction_core::service::secrets::user_hash;
use junction_core::service::{Junction, NewWorkspace};
use junction_local::{LocalBuilder, MasterKey, ServeLock, SqliteQueue, SqliteStore, SqliteVault};

pub struct TestServer {
    pub url: String,
    pub http: reqwest::Client,
    // Declared before the folder: the server stops before its data is removed.
    server: ServerRuntime,
    _dir: tempfile::TempDir,
    pub junction: Arc<TestJunction>,
    /// How long a received message stays hidden (extended while it runs).
    visibility: std::time::Duration,
}

/// The server's own runtime, as a process of its own: stopping it drops every task
/// it spawned (connections, workers, heartbeats), as killing the process would, and
/// lets go of the data folder's serve lock, as the OS does for a killed process.
struct ServerRuntime(Option<(tokio::runtime::Runtime, ServeLock)>);

impl Drop for ServerRuntime {
    fn drop(&mut self) {
        if let Some((runtime, lock)) = self.0.take() {
            runtime.shutdown_background();
            drop(lock);
        }
    }
}

/// Short, so the slow-client tests see them expire quickly.
pub const READ_TIMEOUTS: junction_http::ReadTimeouts = junction_http::ReadTimeouts {
    header: std::time::Duration::from_millis(1500),
    body: std::time::Duration::from_millis(1500),
};

pub async fn spawn_app() -> TestServer {
    spawn_app_with_visibility(std::time::Duration::from_secs(2)).await
}

/// A server whose workers hide a message they received for `visibility`.
pub async fn spawn_app_with_visibility(visibility: std::time::Duration) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let (url, server, junction) = start(dir.path(), Arc::new(SystemClock), visibility);
    TestServer {
        url,
        http: junction_tests::http::client(),
        server,
        _dir: dir,
        junction,
        visibility,
    }
}

/// Serves the API and runs 4 executor workers over the data in `dir`, as `junction
/// serve` does (but with messages hidden for `visibility`, extended while they run),
/// on a new port.
fn start(
    dir: &std::path::Path,
    clock: Arc<dyn junction_core::ports::Clock>,
    visibility: std::time::Duration,
) -> (String, ServerRuntime, Arc<TestJunction>) {
    let lock = ServeLock::acquire(dir).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let junction = LocalBuilder::new(dir)
        .key(MasterKey::parse(&"42".repeat(32), "test").unwrap())
        .allow_networks(&["127.0.0.1".into()])
        // Short, so tests of timed-out calls stay quick; the mock apps answer in ms.
        .outbound_timeout(std::time::Duration::from_secs(3))
        .clock(clock)
        .open()
        .unwrap();
    let junction = Arc::new(junction.with_public_url(url.clone()));
    let app = junction_http::api_and_webhooks(
        junction.clone(),
        &[axum::http::HeaderValue::from_static(
            "https://app.example.com",
        )],
    );
    let engine = Arc::new(junction.engine());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let workers = junction.clone();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.spawn(async move {
        // As in `junction serve`: the API and executor workers in one process.
        let _keep = stop;
        // As `junction serve` does under its lock: a dead process's in-flight work
        // goes back to the workers at once.
        workers.queue.release_in_flight().await.unwrap();
        let listener = tokio::net::TcpListener::from_std(listener).unwrap();
        tokio::join!(
            async {
                junction_http::serve_with(listener, app, std::future::pending(), READ_TIMEOUTS)
                    .await
                    .unwrap()
            },
            // A short visibility, so tests see the heartbeat keep long runs to one worker.
            junction_core::service::worker::run_workers_with_visibility(
                workers, engine, 4, stopped, visibility,
            )
        );
    });
    (url, ServerRuntime(Some((runtime, lock))), junction)
}

type TestJunction = Junction<SqliteStore, SqliteQueue, SqliteVault>;

/// What a test reads of an answer, in one call; a request that cannot be sent or an
/// answer that is not JSON fails the test there (a precondition, not the subject).
pub trait Answer {
    /// Sends the request and reads its answer as JSON, whatever its status.
    fn answer_json<T: serde::de::DeserializeOwned>(self) -> impl Future<Output = T>;
    /// Sends the request; the status it answered.
    fn status_of(self) -> impl Future<Output = u16>;
    /// Sends the request; its status and its answer as JSON (null when not JSON).
    fn status_json(self) -> impl Future<Output = (u16, serde_json::Value)>;
}

impl Answer for reqwest::RequestBuilder {
    async fn answer_json<T: serde::de::DeserializeOwned>(self) -> T {
        let answer = self.send().await.unwrap();
        answer.json().await.unwrap()
    }

    async fn status_of(self) -> u16 {
        let answer = self.send().await.unwrap();
        answer.status().as_u16()
    }

    async fn status_json(self) -> (u16, serde_json::Value) {
        let r = self.send().await.unwrap();
        let status = r.status().as_u16();
        let body = r.bytes().await.unwrap();
        (status, serde_json::from_slice(&body).unwrap_or_default())
    }
}

impl TestServer {
    /// Kills the server and its workers mid-work (nothing finishes, nothing is
    /// acknowledged), then starts a new one over the same data, `later` in the future
    /// (zero: at once; the new server takes over what was in flight).
    pub async fn crash_and_restart(&mut self, later: chrono::Duration) {
        drop(std::mem::replace(&mut self.server, ServerRuntime(None)));
        let clock = Arc::new(junction_core::ports::ManualClock::new(
            chrono::Utc::now() + later,
        ));
        let (url, server, junction) = start(self._dir.path(), clock, self.visibility);
        self.url = url;
        self.server = server;
        self.junction = junction;
    }

    /// Waits until the queue holds nothing (queued, in flight or delayed): every run
    /// that was coming has finished and been acknowledged, so an assertion that
    /// nothing more happened sees the final state.
    pub async fn queue_drained(&self) {
        crate::helpers::eventually("the queue to drain", || async {
            (self.junction.queue.figures().unwrap().messages == 0).then_some(())
        })
        .await
    }

    /// A browser's CORS preflight for `GET path` from `origin`, asking to send `headers`.
    pub async fn preflight(&self, path: &str, origin: &str, headers: &str) -> reqwest::Response {
        self.http
            .request(reqwest::Method::OPTIONS, format!("{}{path}", self.url))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "GET")
            .header("Access-Control-Request-Headers", headers)
            .send()
            .await
            .unwrap()
    }

    /// The server's data directory (its SQLite file is `junction.db`).
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    pub async fn workspace_with_quota(&self, name: &str, quota: u64) -> NewWorkspace {
        self.junction
            .create_workspace_with_quota(name, Some(quota))
            .await
            .unwrap()
    }

    pub async fn workspace(&self, name: &str) -> NewWorkspace {
        self.junction.create_workspace(name).await.unwrap()
    }

    /// A request from your backend (bearer API secret).
    pub fn admin(
        &self,
        ws: &NewWorkspace,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(&ws.api_secret)
    }

    /// A request from the marketplace for `user`, signed with the workspace's app secret.
    pub fn user(
        &self,
        ws: &NewWorkspace,
        user: &str,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.url))
            .header("App-Key", &ws.workspace.app_key)
            .header("User-ID", user)
            .header("Hash", user_hash(&ws.app_secret, user))
    }

    /// `GET path` as `user`, answered with JSON (panics otherwise: a test's precondition).
    pub async fn user_json(&self, ws: &NewWorkspace, user: &str, path: &str) -> serde_json::Value {
        self.user(ws, user, reqwest::Method::GET, path)
            .answer_json()
            .await
    }

    /// `GET path` from your backend, answered with JSON.
    pub async fn admin_json(&self, ws: &NewWorkspace, path: &str) -> serde_json::Value {
        self.admin(ws, reqwest::Method::GET, path)
            .answer_json()
            .await
    }

    /// Pushes and publishes a flow from its YAML (panics if refused).
    pub async fn publish_flow(&self, ws: &NewWorkspace, id: &str, yaml: &str) {
        let r = self
            .admin(
                ws,
                reqwest::Method::PUT,
                &format!("/v1/admin/flows/{id}?publish=true"),
            )
            .body(yaml.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }

    /// Sends only a request's head, announcing a body of `length` bytes, and reads the
    /// answer over raw TCP. For answers given before the body is read (413): a client
    /// still writing the body when the server answers and closes sees a broken pipe
    /// instead of the answer, at random.
    pub async fn announce_body(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        length: usize,
    ) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let host = self.url.trim_start_matches("http://");
        let mut conn = tokio::net::TcpStream::connect(host).await.unwrap();
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {length}\r\nConnection: close\r\n\r\n"
        ));
        conn.write_all(head.as_bytes()).await.unwrap();
        let mut answer = String::new();
        conn.read_to_string(&mut answer).await.unwrap();
        answer
    }

    /// Gives the workspace the demo Mailbird's OAuth client.
    pub async fn set_mailbird_client(&self, ws: &NewWorkspace) {
        self.admin(ws, reqwest::Method::PUT, "/v1/admin/apps/mailbird/oauth-client")
            .json(&serde_json::json!({"client_id": junction_tests::mock_apps::MAILBIRD_CLIENT_ID, "client_secret": junction_tests::mock_apps::MAILBIRD_CLIENT_SECRET}))
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap();
    }

    /// `POST path` with a JSON `body` as `user`, answered with JSON.
    pub async fn user_post_json(
        &self,
        ws: &NewWorkspace,
        user: &str,
        path: &str,
        body: serde_json::Value,
    ) -> serde_json::Value {
        self.user(ws, user, reqwest::Method::POST, path)
            .json(&body)
            .answer_json()
            .await
    }

    /// Consents at the mock provider (it approves a client that does not ask for HTML),
    /// follows its redirect to Junction's callback and returns the callback's page.
    pub async fn consent(&self, authorization_url: &str) -> String {
        let no_redirects = junction_tests::http::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let consent = no_redirects.get(authorization_url).send().await.unwrap();
        assert_eq!(consent.status(), 302);
        let back = consent.headers()["location"].to_str().unwrap().to_string();
        self.http
            .get(&back)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Pushes the example apps and flows, publishing the flows.
    pub async fn push_examples(&self, ws: &NewWorkspace) {
        self.push_examples_at(ws, "http://127.0.0.1:4010").await
    }

    /// The same, with the apps pointed at `mock_url`.
    pub async fn push_examples_at(&self, ws: &NewWorkspace, mock_url: &str) {
        for (id, file) in [
            ("acme", "acme-crm"),
            ("mailbird", "mailbird"),
            ("chatter", "chatter"),
        ] {
            let text =
                std::fs::read_to_string(format!("{}/apps/{file}.yaml", crate::helpers::EXAMPLES))
                    .unwrap()
                    .replace("http://127.0.0.1:4010", mock_url);
            let r = self
                .admin(ws, reqwest::Method::PUT, &format!("/v1/admin/apps/{id}"))
                .body(text)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        }
        for id in [
            "contacts-to-mailbird",
            "unsubscribes-to-acme",
            "daily-digest",
            "deals-to-chatter",
        ] {
            let text =
                std::fs::read_to_string(format!("{}/flows/{id}.yaml", crate::helpers::EXAMPLES))
                    .unwrap();
            self.publish_flow(ws, id, &text).await;
        }
    }
}
