//! What can go wrong in a service operation, in terms a caller can act on.

use crate::definition::Problem;
use crate::ports::{QueueError, StoreError, VaultError};

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Unknown id, or one the caller may not see (never says which).
    #[error("{0} was not found")]
    NotFound(String),
    /// Missing or wrong credentials (never says which part).
    #[error("missing or invalid credentials")]
    Unauthorized,
    /// A well-signed identity token that has expired: the caller should get a new one.
    #[error("the identity token has expired")]
    IdentityExpired,
    /// A static `Hash` for a workspace that accepts only expiring identity tokens.
    #[error("this workspace signs users in with identity tokens only")]
    IdentityTokenRequired,
    /// The input is well-formed but wrong: each problem names its field.
    #[error("{message}")]
    Invalid {
        message: String,
        problems: Vec<Problem>,
    },
    /// A concurrent change, or something that exists already.
    #[error("{0}")]
    Conflict(String),
    /// The third-party app could not be reached or answered nonsense.
    #[error("{0}")]
    Upstream(String),
    /// The third-party app is briefly unavailable (a timeout, a 429, a 5xx): the same
    /// request may well succeed in a moment.
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Unknown(#[from] anyhow::Error),
}

impl ServiceError {
    pub fn invalid(message: impl Into<String>, problems: Vec<Problem>) -> Self {
        Self::Invalid {
            message: message.into(),
            problems,
        }
    }

    /// One problem at one field.
    pub fn field(path: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::Invalid {
            message: format!("{path}: {message}"),
            problems: vec![Problem {
                path: path.into(),
                line: None,
                message,
            }],
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(m) => Self::Conflict(m),
            StoreError::TooLarge(m) => Self::field("(document)", m),
            StoreError::Unknown(e) => Self::Unknown(e),
        }
    }
}

impl From<VaultError> for ServiceError {
    fn from(e: VaultError) -> Self {
        Self::Unknown(anyhow::Error::new(e))
    }
}

impl From<QueueError> for ServiceError {
    fn from(e: QueueError) -> Self {
        match e {
            QueueError::TooLarge { .. } => Self::field("(body)", e.to_string()),
            other => Self::Unknown(anyhow::Error::new(other)),
        }
    }
}
