//! The operations Junction offers, whoever calls them (HTTP routers, the CLI, Lambda
//! handlers): business rules live here, generic over the ports, so every host and
//! every backend behaves the same.

mod definitions;
mod error;
mod identity;
pub mod secrets;
mod workspaces;

use std::sync::Arc;

pub use definitions::{FlowSummary, PushedFlow};
pub use error::ServiceError;
pub use workspaces::NewWorkspace;

use crate::ports::{Clock, RunQueue, Store, Vault};
use crate::template::Templates;

/// Junction's service: the ports it works through, built once per process.
pub struct Junction<S, Q, V> {
    pub store: S,
    pub queue: Q,
    pub vault: V,
    pub clock: Arc<dyn Clock>,
    pub templates: Templates,
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    pub fn new(store: S, queue: Q, vault: V, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            queue,
            vault,
            clock,
            templates: Templates::new(),
        }
    }
}
