//! What only the Lambda hosts need besides the AWS wiring (in `junction_aws`): the
//! widget origins for CORS and the API's own URL from a request.

pub use junction_aws::wiring::{AwsJunction, Backend, Environment};

/// Origins allowed to embed the marketplace widget, for every workspace
/// (`JUNCTION_WIDGET_ORIGINS`, comma-separated); each workspace adds its own.
pub fn widget_origins() -> anyhow::Result<Vec<axum::http::HeaderValue>> {
    std::env::var("JUNCTION_WIDGET_ORIGINS")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(|o| {
            axum::http::HeaderValue::from_str(o).map_err(|_| {
                anyhow::anyhow!("JUNCTION_WIDGET_ORIGINS: '{o}' is not a valid origin")
            })
        })
        .collect()
}

/// `https://<domain>` of the API Gateway (or Function URL) a request came through.
pub fn public_url_of(request: &lambda_http::Request) -> Option<String> {
    use lambda_http::request::RequestContext;
    use lambda_http::RequestExt as _;
    match request.request_context_ref()? {
        RequestContext::ApiGatewayV2(ctx) => {
            ctx.domain_name.as_ref().map(|d| format!("https://{d}"))
        }
        #[allow(unreachable_patterns)]
        _ => None,
    }
}
