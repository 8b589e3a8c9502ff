//! `webhook-receiver`: third-party webhook deliveries on the function's own URL.

use junction_lambdas::figures::Figures;
use junction_lambdas::{logging, Backend};
use lambda_http::{service_fn, Request};
use tower::ServiceExt as _;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    logging::init();
    let figures = Figures::init();
    let backend = Backend::on_lambda()?;
    let router = junction_http::webhooks(backend.junction);
    let router = &router;
    lambda_http::run(service_fn(move |request: Request| async move {
        let answer = router.clone().oneshot(request).await;
        // Deliveries accepted, duplicate, refused: written once the answer is ready.
        figures.flush();
        answer.map_err(lambda_http::Error::from)
    }))
    .await
}
