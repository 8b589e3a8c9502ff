//! `webhook-receiver`: third-party webhook deliveries on the function's own URL.

use junction_lambdas::{logging, Backend};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    logging::init();
    let backend = Backend::from_env().await?;
    lambda_http::run(junction_http::webhooks(backend.junction)).await
}
