//! `http:` is a raw call, authenticated by the user's account when it names an app.

use super::{Next, StepRun};
use crate::definition::HttpStep;
use crate::engine::StepError;

pub(super) async fn run(step: &HttpStep, at: &mut StepRun<'_, '_>) -> Result<Next, StepError> {
    at.calls(async |calls, ctx| calls.http(step, ctx).await)
        .await
}
