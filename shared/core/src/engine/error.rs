//! Why a step failed, and whether trying again later could help.

use std::time::Duration;

use crate::outbound::{CallError, OutboundError, RefreshError};
use crate::template::TemplateError;

/// A step's failure.
#[derive(Debug, Clone, PartialEq)]
pub struct StepError {
    pub message: String,
    /// Timeouts, 429 and 5xx after retries: the run may succeed later.
    pub transient: bool,
    pub retry_after: Option<Duration>,
    /// The step made no call: its account is held back (the app asked for quiet, or
    /// its rate limit is spent). Trying again later costs no attempt.
    pub held: bool,
}

impl StepError {
    pub fn terminal(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            transient: false,
            retry_after: None,
            held: false,
        }
    }

    pub fn template(e: TemplateError) -> Self {
        Self::terminal(e.to_string())
    }
}

impl From<CallError> for StepError {
    fn from(e: CallError) -> Self {
        match e {
            CallError::Outbound(OutboundError::Exhausted {
                attempts,
                status,
                retry_after,
                last,
                ..
            }) => Self {
                message: match status {
                    Some(s) => format!("the app kept failing (HTTP {s}) after {attempts} attempts"),
                    None => {
                        format!("the app could not be reached after {attempts} attempts: {last}")
                    }
                },
                transient: true,
                retry_after,
                held: false,
            },
            CallError::Refresh(RefreshError::Failed {
                transient: true,
                ref detail,
                ..
            }) => Self {
                message: format!("token refresh failed: {detail}"),
                transient: true,
                retry_after: None,
                held: false,
            },
            other => Self::terminal(other.to_string()),
        }
    }
}
