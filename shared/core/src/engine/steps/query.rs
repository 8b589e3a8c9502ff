//! `query:` reads from an app, following its pagination.

use super::{Next, StepRun};
use crate::definition::QueryStep;
use crate::engine::StepError;

pub(super) async fn run(step: &QueryStep, at: &mut StepRun<'_, '_>) -> Result<Next, StepError> {
    at.calls(async |calls, ctx| calls.query(step, ctx).await)
        .await
}
