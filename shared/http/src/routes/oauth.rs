//! OAuth 2.0 connection: the admin's client credentials, the user's start, and the
//! provider's callback, which answers a small page that tells the window that opened
//! it how the connection went, then closes.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use junction_core::service::ServiceError;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::{Backend, EndUser};
use crate::body::{JsonBody, QueryArgs};
use crate::error::ApiError;
use crate::{Ports, Shared};
use junction_core::ports::WorkspaceStore;

/// The routes a browser calls: starting a connection, and the provider's redirect back.
pub fn oauth_user<P: Ports>() -> Router<Shared<P>> {
    Router::new()
        .route("/apps/{app}/oauth/start", post(start::<P>))
        .route("/oauth/callback", get(callback::<P>))
}

/// The admin's route: the OAuth client credentials.
pub fn oauth_backend<P: Ports>() -> Router<Shared<P>> {
    Router::new().route("/admin/apps/{app}/oauth-client", put(set_client::<P>))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ClientBody {
    client_id: String,
    client_secret: String,
}

async fn set_client<P: Ports>(
    State(j): State<Shared<P>>,
    Backend(ws): Backend,
    Path(app): Path<String>,
    JsonBody(body): JsonBody<ClientBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    j.set_oauth_client(&ws.id, &app, &body.client_id, &body.client_secret)
        .await?;
    // The secret never comes back.
    Ok(Json(
        json!({"app": app, "client_id": body.client_id.trim(), "redirect_uri": j.oauth_redirect_uri()}),
    ))
}

/// Optional: with `account`, the consent renews that account's tokens (reconnect).
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct StartBody {
    #[serde(default)]
    account: Option<String>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct Started {
    authorization_url: String,
}

async fn start<P: Ports>(
    State(j): State<Shared<P>>,
    me: EndUser,
    Path(app): Path<String>,
    JsonBody(body): JsonBody<StartBody>,
) -> Result<Json<Started>, ApiError> {
    Ok(Json(Started {
        authorization_url: j
            .start_oauth(
                &me.workspace.id,
                &me.user.user_id,
                &app,
                body.account.as_deref(),
            )
            .await?,
    }))
}

#[derive(Deserialize, schemars::JsonSchema)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

async fn callback<P: Ports>(
    State(j): State<Shared<P>>,
    global: Option<axum::Extension<crate::cors::GlobalOrigins>>,
    QueryArgs(q): QueryArgs<CallbackQuery>,
) -> Response {
    // The page hands its result only to pages the workspace embeds the widget in. The
    // state names the workspace; an altered one picks another workspace's origins, to
    // which it can only deliver a failure.
    let workspace = q
        .state
        .as_deref()
        .and_then(|s| s.split_once('.'))
        .map(|(ws, _)| ws.to_string());
    let mut origins: Vec<String> = global
        .iter()
        .flat_map(|g| g.0 .0.iter())
        .filter_map(|o| o.to_str().ok().map(str::to_string))
        .collect();
    if let Some(ws) = &workspace {
        if let Ok(Some(w)) = j.store.get_workspace(ws).await {
            origins.extend(w.widget_origins);
        }
    }
    // The state goes back with the result, so the widget takes only the answer to the
    // attempt it started (a forged or stale message carries another state).
    let echoed = q.state.clone();
    let page = |status, mut result: serde_json::Value| {
        if let Some(state) = &echoed {
            result["state"] = json!(state);
        }
        page_to(status, result, &origins)
    };
    if let Some(error) = q.error {
        let detail = q
            .error_description
            .map(|d| format!("{error}: {d}"))
            .unwrap_or(error);
        return page(
            StatusCode::BAD_REQUEST,
            json!({"type": "junction:oauth", "status": "error", "message": format!("the connection was not authorized ({detail})")}),
        );
    }
    let (Some(code), Some(state)) = (q.code, q.state) else {
        return page(
            StatusCode::BAD_REQUEST,
            json!({"type": "junction:oauth", "status": "error", "message": "the callback needs 'code' and 'state'"}),
        );
    };
    match j.finish_oauth(&state, &code).await {
        Ok(account) => page(
            StatusCode::OK,
            json!({"type": "junction:oauth", "status": "connected", "account": account}),
        ),
        Err(e) => {
            let (status, message) = match &e {
                ServiceError::Invalid { message, .. } => (StatusCode::BAD_REQUEST, message.clone()),
                ServiceError::Upstream(m) => (StatusCode::BAD_GATEWAY, m.clone()),
                ServiceError::Unavailable(m) => (StatusCode::SERVICE_UNAVAILABLE, m.clone()),
                ServiceError::Conflict(m) => (StatusCode::CONFLICT, m.clone()),
                _ => {
                    let _ = ApiError::from(e);
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "something went wrong on our side".to_string(),
                    )
                }
            };
            page(
                status,
                json!({"type": "junction:oauth", "status": "error", "message": message}),
            )
        }
    }
}

/// The page the provider's redirect lands on: it hands the result to the marketplace
/// window that opened the popup, at each of `origins` (never `*`), then closes. With no
/// origin to post to, it says so and stays open.
fn page_to(status: StatusCode, result: serde_json::Value, origins: &[String]) -> Response {
    let mut text = match result["status"].as_str() {
        Some("connected") => format!(
            "Connected {}. You can close this window.",
            result["account"]["label"].as_str().unwrap_or("")
        ),
        _ => format!(
            "Not connected: {}",
            result["message"].as_str().unwrap_or("")
        ),
    };
    if origins.is_empty() {
        text.push_str(" This window cannot tell the app: the workspace lists no widget origin (PUT /v1/admin/widget-origins). Close it and reload the app.");
    }
    // JSON inside a script element: `<` escaped so no value can close the element.
    let data = serde_json::to_string(&result)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    let targets = serde_json::to_string(origins)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Junction</title></head><body><p>{}</p><script>const result = {data};\nconst origins = {targets};\nif (window.opener && origins.length) {{ for (const origin of origins) window.opener.postMessage(result, origin); window.close(); }}</script></body></html>",
        escape(&text)
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub(crate) fn describe(doc: &mut crate::openapi::ApiDoc) {
    use crate::openapi::Auth;
    doc.op(
        "put",
        "/v1/admin/apps/{app}/oauth-client",
        "Set the workspace's OAuth client for an app (the secret is never returned)",
        Auth::Backend,
    )
    .json::<ClientBody>()
    .ok::<serde_json::Value>(200, "Stored")
    .add();
    doc.op(
        "post",
        "/v1/apps/{app}/oauth/start",
        "Start connecting an OAuth account (or, with `account`, reconnecting one): the URL to send the user to",
        Auth::User,
    )
    .optional_json::<StartBody>()
    .ok::<Started>(200, "The authorization URL")
    .add();
    doc.op(
        "get",
        "/v1/oauth/callback",
        "Where the provider sends the user back; answers an HTML page",
        Auth::Open,
    )
    .query::<CallbackQuery>()
    .html()
    .add();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn with_no_origin_the_page_posts_nowhere_and_says_so() {
        let page = page_to(
            StatusCode::OK,
            json!({"status": "connected", "account": {"label": "Ada"}}),
            &[],
        );
        let body = axum::body::to_bytes(page.into_body(), 1 << 20)
            .await
            .unwrap();
        let html = String::from_utf8(body.to_vec()).unwrap();
        assert!(html.contains("const origins = [];"), "{html}");
        assert!(html.contains("origins.length"), "{html}");
        assert!(!html.contains(r#""*""#), "{html}");
        assert!(
            html.contains("the workspace lists no widget origin"),
            "{html}"
        );
    }
}
