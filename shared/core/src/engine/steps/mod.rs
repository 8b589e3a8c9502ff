//! One file per step kind. Each runs its step and says where the run goes next
//! ([`Next`]); the interpreter keeps the position, the record's size and the log, and
//! never looks at a kind itself.

mod abort;
mod action;
mod code;
mod condition;
mod http;
mod loops;
mod query;
mod storage;
mod wait;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::calls::StepCalls;
use super::state::{RunState, StepLog};
use super::{Engine, Invocation, StepError};
use crate::definition::{Body, StepKind};
use crate::outbound::Redactor;
use crate::template::Context;

pub(crate) use code::sandbox_limits;
pub(super) use condition::holds;
pub(super) use loops::end_of_iteration;
pub(crate) use storage::parse_ttl as parse_storage_ttl;

/// What a step's file is given to run it.
pub(super) struct StepRun<'a, 'i> {
    pub engine: &'a Engine,
    pub inv: &'a Invocation<'i>,
    pub state: &'a mut RunState,
    /// The templates' view of the run at this step.
    pub ctx: &'a Context,
    pub log: &'a mut StepLog,
    pub step_id: &'a str,
}

/// What a completed step produced: its output and what its log entry says.
pub(super) struct Done {
    pub output: Value,
    pub message: Option<String>,
}

/// Where the run goes after a step that did not fail.
pub(super) enum Next {
    /// The step is done; on to the following one.
    Following(Done),
    /// The step is done; through one of its bodies, then on to the following step.
    Into(Done, Body),
    /// The step is done and the run pauses until the time; the following step runs then.
    Pause(Done, DateTime<Utc>),
    /// Through the loop's body once per item (`Some`), or while its condition holds
    /// (`None`); the step completes, and is logged, when the loop ends.
    Repeat(Option<Vec<Value>>),
    /// The run ends, aborted for this reason.
    End(String),
}

impl Next {
    /// What the step completed with now, if it did.
    pub fn done_mut(&mut self) -> Option<&mut Done> {
        match self {
            Self::Following(done) | Self::Into(done, _) | Self::Pause(done, _) => Some(done),
            Self::Repeat(_) | Self::End(_) => None,
        }
    }
}

/// Runs one step of any kind: one call per kind, each in its own file.
pub(super) async fn run(kind: &StepKind, at: &mut StepRun<'_, '_>) -> Result<Next, StepError> {
    match kind {
        StepKind::Query(step) => query::run(step, at).await,
        StepKind::Action(step) => action::run(step, at).await,
        StepKind::Http(step) => http::run(step, at).await,
        StepKind::Condition(step) => condition::run(step, at),
        StepKind::Loop(step) => loops::run(step, at),
        StepKind::Wait(step) => wait::run(step, at),
        StepKind::Abort(step) => abort::run(step, at),
        StepKind::Code(step) => code::run(step, at).await,
        StepKind::Storage(step) => storage::run(step, at).await,
    }
}

impl StepRun<'_, '_> {
    /// The app calls of a query, action or http step: logged into the step's entry
    /// and metered on the run, whatever the answer.
    async fn calls<F>(&mut self, make: F) -> Result<Next, StepError>
    where
        F: AsyncFnOnce(&mut StepCalls<'_, '_>, &Context) -> Result<Value, StepError>,
    {
        let mut redactor = Redactor::default();
        let mut calls = StepCalls::new(
            self.engine,
            self.inv.apps,
            self.inv.credentials,
            &mut redactor,
        );
        let out = make(&mut calls, self.ctx).await;
        self.state.tasks += calls.tasks;
        self.log.requests = calls.requests;
        let message = calls.message;
        out.map(|output| Next::Following(Done { output, message }))
    }
}
