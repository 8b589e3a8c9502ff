//! Seeds the demo: a workspace, the example apps pointed at the in-process demo apps,
//! the example flows published, Mailbird's OAuth client, and the host page's origin.

use anyhow::Context as _;
use junction_core::service::secrets::user_hash;
use junction_demo::apps::{MAILBIRD_CLIENT_ID, MAILBIRD_CLIENT_SECRET};

use crate::local::LocalJunction;

/// Where the example definitions point; the demo rewrites it to its own address.
const EXAMPLES_BASE: &str = "http://127.0.0.1:4010";
/// The demo apps' prefix on the demo server.
pub const APPS_PREFIX: &str = "/demo/apps";
/// The user the host page signs in as.
pub const DEMO_USER: &str = "alice";

const APPS: [&str; 3] = [
    include_str!("../../../../examples/apps/acme-crm.yaml"),
    include_str!("../../../../examples/apps/mailbird.yaml"),
    include_str!("../../../../examples/apps/chatter.yaml"),
];
const FLOWS: [&str; 4] = [
    include_str!("../../../../examples/flows/contacts-to-mailbird.yaml"),
    include_str!("../../../../examples/flows/deals-to-chatter.yaml"),
    include_str!("../../../../examples/flows/daily-digest.yaml"),
    include_str!("../../../../examples/flows/unsubscribes-to-acme.yaml"),
];

/// What the host page needs: the workspace and the signed identity of its user.
#[derive(Clone)]
pub struct Demo {
    pub workspace_id: String,
    pub app_key: String,
    pub user_id: String,
    pub hash: String,
    /// Where browsers reach this server.
    pub public_url: String,
}

pub async fn seed(junction: &LocalJunction, public_url: &str) -> anyhow::Result<Demo> {
    let created = junction
        .create_workspace("Demo")
        .await
        .context("creating the demo workspace")?;
    let ws = &created.workspace.id;
    let apps_url = format!("{}{APPS_PREFIX}", public_url.trim_end_matches('/'));
    for text in APPS {
        let text = text.replace(EXAMPLES_BASE, &apps_url);
        junction
            .push_app(ws, &text, None)
            .await
            .map_err(|e| anyhow::anyhow!("pushing a demo app: {e}"))?;
    }
    for text in FLOWS {
        junction
            .push_flow(ws, text, None, true)
            .await
            .map_err(|e| anyhow::anyhow!("pushing a demo flow: {e}"))?;
    }
    junction
        .set_oauth_client(ws, "mailbird", MAILBIRD_CLIENT_ID, MAILBIRD_CLIENT_SECRET)
        .await
        .map_err(|e| anyhow::anyhow!("setting Mailbird's OAuth client: {e}"))?;
    let origin = url::Url::parse(public_url)
        .context("--public-url")?
        .origin()
        .ascii_serialization();
    junction
        .set_widget_origins(ws, &[origin])
        .await
        .map_err(|e| anyhow::anyhow!("listing the host page's origin: {e}"))?;
    Ok(Demo {
        workspace_id: ws.clone(),
        app_key: created.workspace.app_key.clone(),
        user_id: DEMO_USER.into(),
        hash: user_hash(&created.app_secret, DEMO_USER),
        public_url: public_url.trim_end_matches('/').to_string(),
    })
}
