//! `spawn_app()`: the HTTP API on port 0 over its own data directory, plus a client
//! that signs requests the way a SaaS backend and its marketplace widget do.

use std::sync::Arc;

use junction_core::outbound::{AddressPolicy, HttpConfig, OutboundClient};
use junction_core::ports::SystemClock;
use junction_core::service::secrets::user_hash;
use junction_core::service::{Junction, NewWorkspace};
use junction_local::{
    Database, Durability, MasterKey, QueueConfig, SqliteQueue, SqliteStore, SqliteVault,
};

pub struct TestServer {
    pub url: String,
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
    task: tokio::task::JoinHandle<()>,
    pub junction: Arc<Junction<SqliteStore, SqliteQueue, SqliteVault>>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn spawn_app() -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("junction.db"), Durability::Process).unwrap();
    let vault = SqliteVault::open(
        db.clone(),
        MasterKey::parse(&"42".repeat(32), "test").unwrap(),
    )
    .unwrap();
    let clock = Arc::new(SystemClock);
    let queue = SqliteQueue::new(db.clone(), clock.clone(), QueueConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let policy = AddressPolicy::parse_allowlist(&["127.0.0.1".into()]).unwrap();
    let http = OutboundClient::new(HttpConfig {
        policy,
        ..HttpConfig::default()
    })
    .unwrap();
    let junction = Arc::new(
        Junction::new(SqliteStore::new(db), queue, vault, clock, http).with_public_url(url.clone()),
    );
    let app = junction_http::api_and_webhooks(
        junction.clone(),
        &[axum::http::HeaderValue::from_static(
            "https://app.example.com",
        )],
    );
    let engine = Arc::new(junction_core::engine::Engine::new(junction.http.clone()));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let workers = junction.clone();
    let task = tokio::spawn(async move {
        // As in `junction serve`: the API and executor workers in one process.
        let _keep = stop;
        tokio::join!(
            async { axum::serve(listener, app).await.unwrap() },
            junction_core::service::worker::run_workers(workers, engine, 4, stopped)
        );
    });
    TestServer {
        url,
        http: reqwest::Client::new(),
        _dir: dir,
        task,
        junction,
    }
}

impl TestServer {
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
            let r = self
                .admin(
                    ws,
                    reqwest::Method::PUT,
                    &format!("/v1/admin/flows/{id}?publish=true"),
                )
                .body(text)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        }
    }
}
