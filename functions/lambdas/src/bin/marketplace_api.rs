//! `marketplace-api`: the marketplace, admin, events and OAuth-callback routes behind
//! an API Gateway HTTP API. Its public URL (for OAuth redirects) comes from the
//! environment, or else from the domain of the first request it serves.

use junction_aws::AwsSettings;
use junction_lambdas::backend::{public_url_of, widget_origins, Environment};
use junction_lambdas::{logging, Backend};
use lambda_http::{service_fn, Request};
use tokio::sync::OnceCell;
use tower::ServiceExt as _;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    logging::init();
    let settings = AwsSettings::from_env()?;
    let config = junction_aws::lambda_sdk_config()?;
    let env = Environment::read();
    let origins = widget_origins()?;
    let router: OnceCell<axum::Router> = OnceCell::new();
    let (settings, config, env, origins, router) = (&settings, &config, &env, &origins, &router);
    lambda_http::run(service_fn(move |request: Request| async move {
        let app = router
            .get_or_try_init(|| async {
                let mut env = env.clone();
                if env.public_url.is_none() {
                    env.public_url = public_url_of(&request);
                }
                let backend = Backend::new(config, settings, &env)?;
                Ok::<_, anyhow::Error>(junction_http::api_with_origins(backend.junction, origins))
            })
            .await
            .map_err(lambda_http::Error::from)?;
        app.clone()
            .oneshot(request)
            .await
            .map_err(lambda_http::Error::from)
    }))
    .await
}
