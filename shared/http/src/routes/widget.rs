//! The marketplace widget's ES module and its type declarations, built from `widget/`
//! and compiled into the binary, so `junction serve` and the `marketplace-api` Lambda
//! serve the same file with no Node at run time.

use std::sync::LazyLock;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::Digest as _;

use crate::{Ports, Shared};

/// The built module (`npm run build` in `widget/` writes it; the test command checks the
/// committed file is what the source builds to).
pub const WIDGET_JS: &str = include_str!("../../../../widget/dist/junction.js");
/// Its TypeScript declarations: the element, its methods and the typed event map.
pub const WIDGET_DTS: &str = include_str!("../../../../widget/dist/junction.d.ts");

pub(crate) struct Asset {
    body: &'static str,
    content_type: &'static str,
    etag: HeaderValue,
}

pub(crate) fn asset(body: &'static str, content_type: &'static str) -> Asset {
    let digest = sha2::Sha256::digest(body.as_bytes());
    let etag = format!("\"{}\"", hex::encode(&digest[..12]));
    Asset {
        body,
        content_type,
        etag: HeaderValue::from_str(&etag).expect("hex is a valid header value"),
    }
}

static JS: LazyLock<Asset> = LazyLock::new(|| asset(WIDGET_JS, "text/javascript; charset=utf-8"));
static DTS: LazyLock<Asset> =
    LazyLock::new(|| asset(WIDGET_DTS, "application/typescript; charset=utf-8"));

pub fn widget<P: Ports>() -> Router<Shared<P>> {
    Router::new()
        .route(
            "/widget/junction.js",
            get(|h: HeaderMap| async move { serve(&JS, &h) }),
        )
        .route(
            "/widget/junction.d.ts",
            get(|h: HeaderMap| async move { serve(&DTS, &h) }),
        )
}

pub(crate) fn serve(asset: &Asset, request: &HeaderMap) -> Response {
    // The URL is stable across releases, so browsers keep it a day and then ask again
    // with the ETag, which costs a 304 until the binary changes.
    let headers = [
        (header::ETAG, asset.etag.clone()),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=86400, stale-while-revalidate=604800"),
        ),
        // A module script from another origin is fetched in CORS mode; the file is
        // public and carries no credentials, so any page may load it.
        (
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ),
        (
            header::HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("cross-origin"),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
    ];
    let fresh = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == "*" || t.as_bytes() == asset.etag.as_bytes())
        });
    if fresh {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (
        StatusCode::OK,
        headers,
        [(header::CONTENT_TYPE, asset.content_type)],
        asset.body,
    )
        .into_response()
}

pub(crate) fn describe(doc: &mut crate::openapi::ApiDoc) {
    use crate::openapi::Auth::Open;
    doc.op(
        "get",
        "/widget/junction.js",
        "The marketplace widget: one ES module (the <junction-marketplace> element and JunctionClient)",
        Open,
    )
    .script()
    .add();
}
