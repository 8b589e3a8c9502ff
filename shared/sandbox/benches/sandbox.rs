//! µs per code step: a trivial script (a fresh runtime and context included) and a
//! map/filter over 1,000 items from the run context.

use std::time::Instant;

use junction_sandbox::{run, Limits};
use serde_json::json;

fn time(label: &str, n: u32, source: &str, input: &serde_json::Value) {
    let limits = Limits::default();
    run(source, input, &limits).expect("the script runs");
    let started = Instant::now();
    for _ in 0..n {
        run(source, input, &limits).expect("the script runs");
    }
    let per = started.elapsed().as_secs_f64() * 1e6 / n as f64;
    println!("{label:48} {per:9.1} µs per step");
}

fn main() {
    let small = json!({"trigger": {"n": 1}, "steps": {}, "setup": {}, "user": {"id": "u"}});
    time(
        "trivial script (runtime + context + JSON)",
        2_000,
        "return trigger.n + 1;",
        &small,
    );
    let items: Vec<_> = (0..1000).map(|i| json!({"id": i, "plan": if i % 3 == 0 { "pro" } else { "free" }, "email": format!("p{i}@example.com")})).collect();
    let big = json!({"trigger": {"items": items}, "steps": {}, "setup": {}, "user": {"id": "u"}});
    time(
        "map/filter over 1,000 items",
        300,
        "return trigger.items.filter(c => c.plan === 'pro').map(c => ({ id: c.id, email: c.email.toUpperCase() }));",
        &big,
    );
}
