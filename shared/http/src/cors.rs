//! CORS for the pages that embed the marketplace widget, per workspace: a preflight
//! grants nothing by itself (it names no workspace), so it is answered for any origin;
//! the real response carries `Access-Control-Allow-Origin` only when the origin is one
//! the caller's workspace (by its App-Key) lists, or one the server allows for all.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::{Ports, Shared};
use junction_core::ports::WorkspaceStore;

pub(crate) struct CorsState<P: Ports> {
    pub junction: Shared<P>,
    /// Origins allowed for every workspace (set by the operator).
    pub global: Arc<Vec<HeaderValue>>,
}

// By hand: a derive would ask `P: Clone` of the marker, not of what is held.
impl<P: Ports> Clone for CorsState<P> {
    fn clone(&self) -> Self {
        Self {
            junction: self.junction.clone(),
            global: self.global.clone(),
        }
    }
}

/// The origins allowed for every workspace, for routes that answer to the widget's
/// window rather than through CORS (the OAuth callback page).
#[derive(Clone)]
pub(crate) struct GlobalOrigins(pub Arc<Vec<HeaderValue>>);

pub(crate) async fn widget_cors<P: Ports>(
    State(state): State<CorsState<P>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(origin) = request.headers().get(header::ORIGIN).cloned() else {
        return next.run(request).await;
    };
    if request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
    {
        return (
            StatusCode::NO_CONTENT,
            [
                (header::ACCESS_CONTROL_ALLOW_ORIGIN, origin),
                (
                    header::ACCESS_CONTROL_ALLOW_METHODS,
                    HeaderValue::from_static("GET, POST, PATCH, DELETE"),
                ),
                (
                    header::ACCESS_CONTROL_ALLOW_HEADERS,
                    HeaderValue::from_static("content-type, app-key, user-id, hash, authorization"),
                ),
                (
                    header::ACCESS_CONTROL_MAX_AGE,
                    HeaderValue::from_static("3600"),
                ),
                (header::VARY, HeaderValue::from_static("origin")),
            ],
        )
            .into_response();
    }
    let app_key = request
        .headers()
        .get("app-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut response = next.run(request).await;
    let mut allowed = state.global.contains(&origin);
    if !allowed {
        if let (Some(key), Ok(origin)) = (app_key, origin.to_str()) {
            if let Ok(Some(ws)) = state.junction.store.workspace_by_app_key(&key).await {
                allowed = ws.widget_origins.iter().any(|o| o == origin);
            }
        }
    }
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("origin"));
    if allowed {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    response
}
