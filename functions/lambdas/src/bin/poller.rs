#![recursion_limit = "256"]
//! `poller`: fired every minute by EventBridge; queues the due polls and schedules.

use aws_lambda_events::eventbridge::EventBridgeEvent;
use junction_lambdas::{logging, poller, Backend};
use lambda_runtime::{service_fn, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    logging::init();
    let backend = Backend::on_lambda()?;
    let backend = &backend;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<EventBridgeEvent>| async move {
            poller::handle_tick(backend, event.payload)
                .await
                .map_err(lambda_runtime::Error::from)
        },
    ))
    .await
}
