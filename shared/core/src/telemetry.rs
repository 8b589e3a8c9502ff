//! The figures Junction reports for operators, through the `metrics` facade (like
//! `tracing`, for numbers): nothing is recorded until a process installs a recorder
//! (`junction serve` renders Prometheus text at `/metrics`; Lambda writes CloudWatch
//! embedded-metric lines). Names and labels live here, so each is spelled once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::engine::RunStatus;

/// Runs that reached a status: the final ones, and `retrying` each time a run waits
/// for another attempt.
pub const RUNS: &str = "junction_runs_total";
/// Calls to third-party apps, by app and HTTP status (`error` when none came back).
pub const OUTBOUND_REQUESTS: &str = "junction_outbound_requests_total";
/// How long those calls took, retries included, by app.
pub const OUTBOUND_SECONDS: &str = "junction_outbound_request_duration_seconds";
/// Webhook deliveries by outcome: `accepted`, `duplicate`, `refused`.
pub const WEBHOOK_DELIVERIES: &str = "junction_webhook_deliveries_total";
/// Accounts an app asked to slow down (429/503 with a wait), still waiting, by app.
pub const ACCOUNTS_ON_HOLD: &str = "junction_accounts_on_hold";
/// Messages on the run queue, the age of the oldest, and dead letters.
pub const QUEUE_DEPTH: &str = "junction_queue_messages";
pub const QUEUE_OLDEST_SECONDS: &str = "junction_queue_oldest_message_age_seconds";
pub const DEAD_LETTERS: &str = "junction_queue_dead_letters";

static STRUCTURED_LOGS: AtomicBool = AtomicBool::new(false);

/// Whether logs are JSON for a pipeline (then the per-run and per-request lines carry
/// their figures as fields) or text to read (then they are one sentence each, without
/// the same figures again as fields). The process says so once, where it sets up logs.
pub fn set_structured_logs(on: bool) {
    STRUCTURED_LOGS.store(on, Ordering::Relaxed);
}

pub fn structured_logs() -> bool {
    STRUCTURED_LOGS.load(Ordering::Relaxed)
}

/// Says what each figure is (the `# HELP` lines); call once after installing a recorder.
pub fn describe() {
    metrics::describe_counter!(RUNS, "Runs that reached a status (final ones, and retrying each time a run waits for another attempt)");
    metrics::describe_counter!(
        OUTBOUND_REQUESTS,
        "Calls to third-party apps by app and HTTP status (error: no answer)"
    );
    metrics::describe_histogram!(
        OUTBOUND_SECONDS,
        metrics::Unit::Seconds,
        "Duration of calls to third-party apps, retries included, by app"
    );
    metrics::describe_counter!(
        WEBHOOK_DELIVERIES,
        "Webhook deliveries by outcome: accepted, duplicate, refused"
    );
    metrics::describe_gauge!(
        ACCOUNTS_ON_HOLD,
        "Accounts an app asked to slow down that still wait, by app (this process)"
    );
    metrics::describe_gauge!(QUEUE_DEPTH, "Messages on the run queue");
    metrics::describe_gauge!(
        QUEUE_OLDEST_SECONDS,
        metrics::Unit::Seconds,
        "How long the oldest ready message has waited for a worker"
    );
    metrics::describe_gauge!(DEAD_LETTERS, "Messages moved to the dead letters");
}

/// A run reached `status`.
pub fn run_reached(status: RunStatus) {
    metrics::counter!(RUNS, "status" => status.as_str()).increment(1);
}

/// A call to `app` ended with `status` (none: no answer) after `took`.
pub fn outbound_call(app: &str, status: Option<u16>, took: Duration) {
    let status = status.map_or_else(|| "error".to_string(), |s| s.to_string());
    metrics::counter!(OUTBOUND_REQUESTS, "app" => app.to_string(), "status" => status).increment(1);
    metrics::histogram!(OUTBOUND_SECONDS, "app" => app.to_string()).record(took.as_secs_f64());
}

/// How a webhook delivery was answered.
#[derive(Debug, Clone, Copy)]
pub enum Delivery {
    Accepted,
    Duplicate,
    Refused,
}

pub fn webhook_delivery(outcome: Delivery) {
    let outcome = match outcome {
        Delivery::Accepted => "accepted",
        Delivery::Duplicate => "duplicate",
        Delivery::Refused => "refused",
    };
    metrics::counter!(WEBHOOK_DELIVERIES, "outcome" => outcome).increment(1);
}

/// (app, account) → until when it is held, for the gauge; bounded like the backoff.
static HELD: Mutex<Option<HashMap<(String, String), Instant>>> = Mutex::new(None);
const MAX_HELD: usize = 10_000;

/// `app` asked `account` to wait `wait`.
pub fn account_held(app: &str, account: &str, wait: Duration) {
    let now = Instant::now();
    let mut held = HELD.lock().unwrap_or_else(|p| p.into_inner());
    let map = held.get_or_insert_with(HashMap::new);
    if map.len() >= MAX_HELD {
        map.retain(|_, until| *until > now);
    }
    let until = map
        .entry((app.to_string(), account.to_string()))
        .or_insert(now);
    *until = (*until).max(now + wait);
    drop(held);
    refresh_holds();
}

/// Sets the on-hold gauge from what is still held (call before rendering).
pub fn refresh_holds() {
    let now = Instant::now();
    let mut per_app: HashMap<String, usize> = HashMap::new();
    {
        let mut held = HELD.lock().unwrap_or_else(|p| p.into_inner());
        let map = held.get_or_insert_with(HashMap::new);
        for ((app, _), until) in map.iter() {
            // Apps with none left still get their zero, so the gauge comes down.
            *per_app.entry(app.clone()).or_default() += usize::from(*until > now);
        }
        map.retain(|_, until| *until > now);
    }
    for (app, n) in per_app {
        metrics::gauge!(ACCOUNTS_ON_HOLD, "app" => app).set(n as f64);
    }
}

/// What a queue holds now.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueueFigures {
    pub messages: u64,
    pub oldest: Option<Duration>,
    pub dead_letters: u64,
}

/// Sets the queue gauges.
pub fn queue(figures: QueueFigures) {
    metrics::gauge!(QUEUE_DEPTH).set(figures.messages as f64);
    metrics::gauge!(QUEUE_OLDEST_SECONDS).set(figures.oldest.unwrap_or_default().as_secs_f64());
    metrics::gauge!(DEAD_LETTERS).set(figures.dead_letters as f64);
}
