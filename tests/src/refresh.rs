//! What the cross-process token refresh tests share: an expired Mailbird token pair,
//! a one-query flow that needs it, and running that flow on an engine.

use junction_core::credentials::{Credentials, OAuthTokens, Secret};
use junction_core::definition::{parse_flow, FlowDefinition};
use junction_core::engine::{Engine, Invocation, RunState};

use crate::mock_apps::MAILBIRD_FIRST_REFRESH;

/// The tokens the mock issued first, an hour past their expiry.
pub fn expired_mailbird_tokens() -> Credentials {
    Credentials::Oauth2(OAuthTokens {
        access_token: Secret::new("mb-access-0"),
        refresh_token: Some(Secret::new(MAILBIRD_FIRST_REFRESH)),
        expires_at: Some(chrono::Utc::now() - chrono::Duration::hours(1)),
    })
}

/// One block, `b`, listing Mailbird's lists.
pub fn lists_flow() -> FlowDefinition {
    parse_flow(
        "id: lists\nname: Lists\napps: [mailbird]\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: lists\n        query: {app: mailbird, query: lists}\n",
    )
    .expect("the flow parses")
    .definition
}

/// Runs block `b` of the invocation's flow to its end.
pub async fn run_block(engine: &Engine, inv: &Invocation<'_>, id: &str) -> RunState {
    let mut state = engine.start(inv.flow, "b", id).expect("block b exists");
    engine.run(inv, &mut state).await;
    state
}
