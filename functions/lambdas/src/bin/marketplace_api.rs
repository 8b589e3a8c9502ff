//! `marketplace-api`: the marketplace, admin, events and OAuth-callback routes behind
//! an API Gateway HTTP API.

use junction_lambdas::{logging, Backend};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    logging::init();
    let backend = Backend::from_env().await?;
    let origins = junction_lambdas::backend::widget_origins()?;
    lambda_http::run(junction_http::api_with_origins(backend.junction, &origins)).await
}
