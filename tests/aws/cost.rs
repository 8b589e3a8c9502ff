//! What a run costs on AWS, in dollars per million runs, from the requests and
//! capacity units a test counted. The prices are public on-demand list prices
//! (us-east-1, arm64 Lambda, after free tiers), kept in this one table; the README's
//! cost section quotes the same.

use crate::counting::Counted;

/// A price in dollars per million of something.
pub struct Price {
    pub what: &'static str,
    pub per_million: f64,
}

/// DynamoDB on-demand: per million write request units (1 KB each, twice in a
/// transaction) and read request units (4 KB each, strongly consistent).
pub const DYNAMODB_WRITE: Price = Price {
    what: "DynamoDB write request units",
    per_million: 0.625,
};
pub const DYNAMODB_READ: Price = Price {
    what: "DynamoDB read request units",
    per_million: 0.125,
};
/// SQS standard queue, per million requests (each 64 KB of payload is one).
pub const SQS_REQUEST: Price = Price {
    what: "SQS requests",
    per_million: 0.40,
};
/// Lambda, per million invocations, and per million GB-seconds (arm64: $0.0000133334
/// per GB-second).
pub const LAMBDA_REQUEST: Price = Price {
    what: "Lambda invocations",
    per_million: 0.20,
};
pub const LAMBDA_GB_SECOND: Price = Price {
    what: "Lambda GB-seconds (arm64)",
    per_million: 13.3334,
};
/// API Gateway HTTP API, per million requests; webhooks arrive on a Function URL,
/// which costs nothing beyond its Lambda.
pub const HTTP_API_REQUEST: Price = Price {
    what: "API Gateway HTTP API requests",
    per_million: 1.00,
};

/// A function's share of a run: how long it ran and with how much memory.
pub struct Invocation {
    pub function: &'static str,
    pub memory_mb: u32,
    pub billed_ms: u32,
    /// Runs one invocation carries (the executor takes SQS batches).
    pub runs_per_invocation: u32,
}

/// Dollars per million runs, line by line, and their sum.
pub fn per_million_runs(counted: &Counted, invocations: &[Invocation]) -> Vec<(String, f64)> {
    let sqs: u64 = counted
        .requests
        .iter()
        .filter(|(op, _)| op.starts_with("sqs:"))
        .map(|(_, n)| n)
        .sum();
    let mut lines = vec![
        (
            format!("{} ({} per run)", DYNAMODB_WRITE.what, counted.write_units),
            counted.write_units as f64 * DYNAMODB_WRITE.per_million,
        ),
        (
            format!("{} ({} per run)", DYNAMODB_READ.what, counted.read_units),
            counted.read_units as f64 * DYNAMODB_READ.per_million,
        ),
        (
            format!(
                "{} ({sqs} per run, and the executor's receive and delete)",
                SQS_REQUEST.what
            ),
            (sqs as f64 + 2.0) * SQS_REQUEST.per_million,
        ),
    ];
    lines.push((
        format!(
            "{} (none: webhooks arrive on a Function URL)",
            HTTP_API_REQUEST.what
        ),
        0.0 * HTTP_API_REQUEST.per_million,
    ));
    for i in invocations {
        let share = 1.0 / i.runs_per_invocation as f64;
        let gb_seconds = i.memory_mb as f64 / 1024.0 * i.billed_ms as f64 / 1000.0;
        lines.push((
            format!(
                "Lambda {} ({} MB, {} ms, {} run(s) per invocation)",
                i.function, i.memory_mb, i.billed_ms, i.runs_per_invocation
            ),
            share * (LAMBDA_REQUEST.per_million + gb_seconds * LAMBDA_GB_SECOND.per_million),
        ));
    }
    let total = lines.iter().map(|(_, d)| d).sum();
    lines.push(("total".into(), total));
    lines
}

/// The two functions a webhook run passes through, at the memory `template.yaml` gives
/// them. The durations are assumptions, not measurements (no Lambda runs offline): a
/// receiver's few DynamoDB round trips, and an executor waiting on two apps' answers,
/// which dominate it.
pub const WEBHOOK_RUN: [Invocation; 2] = [
    Invocation {
        function: "webhook-receiver",
        memory_mb: 256,
        billed_ms: 20,
        runs_per_invocation: 1,
    },
    Invocation {
        function: "run-executor",
        memory_mb: 512,
        billed_ms: 150,
        runs_per_invocation: 1,
    },
];

#[test]
fn dollars_add_up() {
    let counted = Counted {
        requests: [("sqs:SendMessage".to_string(), 1)].into(),
        read_units: 8,
        write_units: 10,
    };
    let lines = per_million_runs(&counted, &[]);
    let total = lines.last().unwrap().1;
    // 10 × 0.625 + 8 × 0.125 + 3 × 0.40
    assert!((total - 8.45).abs() < 1e-9, "{total}");
}
