//! When writes become durable: one commit for several writes, where the backend
//! commits in groups.

use std::future::Future;

use super::StoreError;

/// Lets a sequence of writes share one commit.
///
/// A backend whose every write is durable when it returns (DynamoDB, SQS) keeps the
/// default, which only runs the work. One that commits in groups (the local SQLite
/// database, which the local queue shares) lets the writes of `work` join the open
/// group without each waiting for its commit, and waits once at the end.
///
/// # Errors
/// - `together` MUST NOT return `Ok` before every write that `work` made, and every
///   write whose effect `work` read, is durable. An `Err` means some may not be.
/// - `work` should only read and write the store and the queue: a call to anything
///   slower keeps the group open, and another process's writers waiting, meanwhile.
pub trait CommitStore: Send + Sync {
    fn together<T: Send, F: Future<Output = T> + Send>(
        &self,
        work: F,
    ) -> impl Future<Output = Result<T, StoreError>> + Send {
        async move { Ok(work.await) }
    }
}
