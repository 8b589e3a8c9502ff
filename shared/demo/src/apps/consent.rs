//! The OAuth consent page a person sees in the demo's popup: what the app asks for,
//! with Allow and Deny, as a real provider shows it.

use std::collections::HashMap;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// The page: a form that sends the same authorization request back with a decision.
pub(super) fn page(app: &str, query: &HashMap<String, String>) -> Response {
    let mut hidden = String::new();
    let mut keys: Vec<_> = query.keys().filter(|k| *k != "decision").collect();
    keys.sort();
    for key in keys {
        hidden.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            escape(key),
            escape(&query[key])
        ));
    }
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Connect to {app}</title>\
<style>body{{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f4f1ea;color:#1d1d1f}}\
main{{background:#fff;padding:2rem;border-radius:12px;box-shadow:0 2px 12px #0002;max-width:24rem}}\
h1{{font-size:1.25rem;margin-top:0}}button{{font:inherit;padding:.5rem 1.25rem;border-radius:6px;border:1px solid #888;margin-right:.5rem;cursor:pointer}}\
button[value=allow]{{background:#e0652f;color:#fff;border-color:#e0652f}}</style></head>\
<body><main><h1>Junction demo wants to use your {app} account</h1>\
<p>It will be able to read your lists and add or update their members.</p>\
<form method=\"get\">{hidden}<button name=\"decision\" value=\"allow\" autofocus>Allow</button>\
<button name=\"decision\" value=\"deny\">Deny</button></form></main></body></html>"
    );
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

/// The user said no: back to the client with `error=access_denied`, as RFC 6749 says.
pub(super) fn denied(query: &HashMap<String, String>) -> Response {
    let Some(Ok(mut target)) = query.get("redirect_uri").map(|r| url::Url::parse(r)) else {
        return (StatusCode::BAD_REQUEST, "redirect_uri is required").into_response();
    };
    {
        let mut pairs = target.query_pairs_mut();
        pairs.append_pair("error", "access_denied");
        pairs.append_pair("error_description", "the user denied access");
        if let Some(state) = query.get("state") {
            pairs.append_pair("state", state);
        }
    }
    (StatusCode::FOUND, [(header::LOCATION, target.to_string())]).into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
