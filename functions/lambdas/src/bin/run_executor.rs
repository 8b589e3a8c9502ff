#![recursion_limit = "256"]
//! `run-executor`: the SQS event source's batches of run messages, with partial batch
//! responses.

use aws_lambda_events::sqs::SqsEvent;
use junction_lambdas::figures::Figures;
use junction_lambdas::{executor, logging, Backend};
use lambda_runtime::{service_fn, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    logging::init();
    let figures = Figures::init();
    let backend = Backend::on_lambda()?;
    let backend = &backend;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
        let answer = executor::handle_batch(backend, event.payload).await;
        figures.flush();
        Ok::<_, lambda_runtime::Error>(answer)
    }))
    .await
}
