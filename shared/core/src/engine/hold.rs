//! Holding an account back when its app asks to slow down: the check before each
//! call (this process's hold, then the one every process shares, read at most every
//! [`SHARED_HOLD_CACHE`](crate::outbound::SHARED_HOLD_CACHE)), the [`Throttle`] that
//! sets both the moment a 429 arrives, before the call waits it out, and the pacing
//! that keeps calls under an app's declared `rate_limit`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use super::StepError;
use crate::credentials::CredentialStore;
use crate::definition::{AppDefinition, RateScope};
use crate::outbound::{AccountBackoff, Throttle};
use crate::ports::Clock;

/// Why a call to `app` (as `account`, for apps with accounts) may not go now: its
/// account is held back after a 429, or the app's declared rate limit is spent for
/// this window, at `now` (the engine's clock). The error is transient and `held`:
/// the step made no call.
pub(crate) async fn check(
    backoff: &AccountBackoff,
    credentials: &dyn CredentialStore,
    app: &AppDefinition,
    account: Option<&str>,
    now: DateTime<Utc>,
) -> Option<StepError> {
    let held = |message: String, wait: Duration| StepError {
        message,
        transient: true,
        retry_after: Some(wait),
        held: true,
    };
    if let Some(account) = account {
        if let Some(wait) = held_for(backoff, credentials, &app.id, account, now).await {
            return Some(held(
                format!(
                    "{} asked to slow down for this account (HTTP 429); calls resume in {} s",
                    app.name,
                    wait.as_secs().max(1)
                ),
                wait,
            ));
        }
    }
    let wait = paced(backoff, credentials, app, account, now).await?;
    let limit = app.rate_limit.as_ref()?;
    Some(held(
        format!(
            "{} allows {} requests per {}{}; this call waits {} ms for the next window",
            app.name,
            limit.requests,
            limit.per,
            match limit.scope {
                RateScope::Account => " for each account",
                RateScope::App => "",
            },
            wait.as_millis()
        ),
        wait,
    ))
}

/// How long calls with `account` (of `app`) must still wait, if they must. A store
/// that cannot be read does not stop calls: the app's own 429 would say so again.
async fn held_for(
    backoff: &AccountBackoff,
    credentials: &dyn CredentialStore,
    app: &str,
    account: &str,
    now: DateTime<Utc>,
) -> Option<Duration> {
    if let Some(wait) = backoff.remaining(account) {
        return Some(wait);
    }
    if !backoff.shared_check_due(account) {
        return None;
    }
    match credentials.held_until(app).await {
        Ok(Some(until)) => {
            let wait = (until - now).to_std().ok().filter(|d| !d.is_zero())?;
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
    pub clock: &'a dyn Clock,
}

impl Throttle for AccountThrottle<'_> {
    fn slow_down(&self, wait: Duration) -> BoxFuture<'_, ()> {
        self.backoff.hold(self.account, wait);
        crate::telemetry::account_held(self.app, self.account, wait);
        Box::pin(async move {
            let until = self.clock.now() + chrono::Duration::from_std(wait).unwrap_or_default();
            if let Err(e) = self.credentials.hold(self.app, until).await {
                tracing::warn!(app = self.app, error = %e, "the hold could not be shared; other processes learn from their own 429");
            }
        })
    }
}

/// Paces calls to an app that declares its `rate_limit`: counts this call in the
/// current window (shared by every process when the holder shares a counter) and,
/// when the window is spent, says how long until the next one (the run then waits
/// for it off the queue, so a spent window costs one count per waiting run).
async fn paced(
    backoff: &AccountBackoff,
    credentials: &dyn CredentialStore,
    app: &AppDefinition,
    account: Option<&str>,
    now: DateTime<Utc>,
) -> Option<Duration> {
    let limit = app.rate_limit.as_ref()?;
    let per_ms = i64::try_from(limit.window().as_millis())
        .unwrap_or(i64::MAX)
        .max(1);
    let now_ms = now.timestamp_millis();
    let window = now_ms / per_ms;
    let next_window_ms = (window + 1).saturating_mul(per_ms);
    // An app without accounts has one limit for the workspace.
    let scope = match account {
        Some(_) => limit.scope,
        None => RateScope::App,
    };
    let expires = chrono::DateTime::from_timestamp_millis(next_window_ms.saturating_add(60_000))
        .unwrap_or(now);
    let count = match credentials
        .count_call(&app.id, scope, window, expires)
        .await
    {
        Ok(Some(n)) => n,
        Ok(None) => {
            let name = match (scope, account) {
                (RateScope::Account, Some(account)) => format!("account:{account}"),
                _ => format!("app:{}", app.id),
            };
            backoff.count_local(&name, window)
        }
        Err(e) => {
            tracing::warn!(app = %app.id, error = %e, "the rate window could not be counted; calling anyway");
            return None;
        }
    };
    if count <= u64::from(limit.requests) {
        return None;
    }
    Some(Duration::from_millis(
        u64::try_from(next_window_ms - now_ms).unwrap_or(1).max(1),
    ))
}
