//! The rendered API reference at `/docs`: Redoc's self-contained bundle (built into
//! `widget/dist/` from the pinned npm package) reading `/v1/openapi.json`, served from
//! the binary, so it works offline and loads nothing from a CDN. Only `junction serve`
//! has it (the `docs` feature); the Lambda packages stay small.

use std::sync::LazyLock;

use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::Router;

use super::widget::{asset, serve, Asset};
use crate::{Ports, Shared};

const REDOC_JS: &str = include_str!("../../../../widget/dist/redoc.standalone.js");

static JS: LazyLock<Asset> = LazyLock::new(|| asset(REDOC_JS, "text/javascript; charset=utf-8"));

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Junction API reference</title>
<style>body { margin: 0; }</style>
</head>
<body>
<redoc spec-url="/v1/openapi.json" hide-download-button="false" expand-responses="200,201,202" path-in-middle-panel="true"></redoc>
<script src="/docs/redoc.js"></script>
</body>
</html>
"#;

/// The page loads only from this server: Redoc's footer links a logo on its CDN,
/// which the browser then does not fetch. Redoc styles inline and searches in a
/// worker made from a blob.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
     script-src 'self'; worker-src 'self' blob:; connect-src 'self'; font-src 'self' data:; \
     frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

pub fn docs<P: Ports>() -> Router<Shared<P>> {
    Router::new()
        .route(
            super::DOCS_PAGE,
            get(|| async {
                let headers = [
                    (header::CACHE_CONTROL, "no-cache"),
                    (header::CONTENT_SECURITY_POLICY, CSP),
                ];
                (headers, Html(PAGE)).into_response()
            }),
        )
        .route(
            "/docs/redoc.js",
            get(|h: HeaderMap| async move { serve(&JS, &h) }),
        )
}

pub(crate) fn describe(doc: &mut crate::openapi::ApiDoc) {
    use crate::openapi::Auth::Open;
    doc.op(
        "get",
        super::DOCS_PAGE,
        "This reference, rendered (Redoc)",
        Open,
    )
    .page("The reference as a page that reads /v1/openapi.json")
    .add();
}
