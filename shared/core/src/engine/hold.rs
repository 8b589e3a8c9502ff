//! Holding an account back when its app asks to slow down: the check before each
//! call (this process's hold, then the one every process shares, read at most every
//! [`SHARED_HOLD_CACHE`](crate::outbound::SHARED_HOLD_CACHE)), and the [`Throttle`]
//! that sets both the moment a 429 arrives, before the call waits it out.

use std::time::Duration;

use chrono::Utc;
use futures::future::BoxFuture;

use crate::credentials::CredentialStore;
use crate::outbound::{AccountBackoff, Throttle};

/// How long calls with `account` (of `app`) must still wait, if they must. A store
/// that cannot be read does not stop calls: the app's own 429 would say so again.
pub(crate) async fn held_for(
    backoff: &AccountBackoff,
    credentials: &dyn CredentialStore,
    app: &str,
    account: &str,
) -> Option<Duration> {
    if let Some(wait) = backoff.remaining(account) {
        return Some(wait);
    }
    if !backoff.shared_check_due(account) {
        return None;
    }
    match credentials.held_until(app).await {
        Ok(Some(until)) => {
            let wait = (until - Utc::now())
                .to_std()
                .ok()
                .filter(|d| !d.is_zero())?;
            backoff.hold(account, wait);
            Some(wait)
        }
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(app, error = %e, "the shared hold could not be read; calling anyway");
            None
        }
    }
}

/// Sets the hold of one account, here and for every process.
pub(crate) struct AccountThrottle<'a> {
    pub backoff: &'a AccountBackoff,
    pub credentials: &'a dyn CredentialStore,
    pub app: &'a str,
    pub account: &'a str,
}

impl Throttle for AccountThrottle<'_> {
    fn slow_down(&self, wait: Duration) -> BoxFuture<'_, ()> {
        self.backoff.hold(self.account, wait);
        Box::pin(async move {
            let until = Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
            if let Err(e) = self.credentials.hold(self.app, until).await {
                tracing::warn!(app = self.app, error = %e, "the hold could not be shared; other processes learn from their own 429");
            }
        })
    }
}
